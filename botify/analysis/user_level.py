"""Per-user metrics: the unit an A/B test randomises, so the unit its statistics compare.

Sessions of one user are not independent (a user who likes the service listens
longer in every session), so effects are computed over users, each carrying
their own means. Seminar 1 shows why comparing raw sessions overstates confidence.
"""

import numpy as np

from botify.analysis.log_reader import treatments
from botify.fields import (
    LATENCY,
    MEAN_REQUEST_LATENCY,
    MEAN_TIME_PER_SESSION,
    MEAN_TRACKS_PER_SESSION,
    SESSIONS,
    TIME,
    TRACKS,
    TREATMENT,
    USER,
)

METRICS = (SESSIONS, TRACKS, TIME, MEAN_REQUEST_LATENCY, MEAN_TRACKS_PER_SESSION, MEAN_TIME_PER_SESSION)


def user_metrics(sessions, experiment=None):
    """One row per user (and treatment of ``experiment``, if given) with the METRICS columns.

    sessions, tracks and time are totals over the user's sessions;
    mean_request_latency is seconds per request; the two per-session means are
    totals divided by the user's session count. Users the experiment never
    assigned are left out.
    """
    keys = [USER]
    frame = sessions[[USER, TRACKS, TIME, LATENCY]]
    if experiment is not None:
        frame = frame.assign(**{TREATMENT: treatments(sessions, experiment)})
        keys.append(TREATMENT)
    grouped = frame.groupby(keys, observed=True, sort=True)
    totals = grouped.agg(**{SESSIONS: (TRACKS, "size"), TRACKS: (TRACKS, "sum"), TIME: (TIME, "sum"),
                            LATENCY: (LATENCY, "sum")}).reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        totals[MEAN_REQUEST_LATENCY] = totals.pop(LATENCY) / totals[TRACKS]
        totals[MEAN_TRACKS_PER_SESSION] = totals[TRACKS] / totals[SESSIONS]
        totals[MEAN_TIME_PER_SESSION] = totals[TIME] / totals[SESSIONS]
    if experiment is not None:
        totals[TREATMENT] = totals[TREATMENT].astype(str)
    totals.attrs = {"experiment": experiment}
    return totals
