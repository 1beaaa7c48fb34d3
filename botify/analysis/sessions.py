"""Cut the event stream into listening sessions, vectorised (no loop over events).

A session is one user's events in time order up to and including a ``last``
(the contract in DESIGN.md). Its time is the sum of ``time`` over its events,
its tracks the number of events. A user's trailing events with no ``last``
yet (the listener was still listening when the log was read) form an
*incomplete* session: dropped by default, kept and flagged on request.
"""

import numpy as np
import pandas as pd

from botify.analysis.log_reader import experiment_names
from botify.fields import COMPLETE, END, LAST, LATENCY, MESSAGE, SESSION, START, TIME, TIMESTAMP, TRACKS, USER


def sessionize(events, keep_incomplete=False):
    """One row per session, in order of start time.

    Columns: session (0, 1, ... by start), user, start and end (ms of the first
    and last event), tracks, time, latency (summed over the session's requests),
    complete (ended with a ``last``), then each experiment's treatment.
    ``attrs["incomplete_sessions"]`` counts the sessions without a ``last``.
    """
    order = np.lexsort((events[TIMESTAMP].to_numpy(), events[USER].to_numpy()))
    users = events[USER].to_numpy()[order]
    is_last = (events[MESSAGE] == LAST).to_numpy()[order]
    starts = _session_starts(users, is_last)
    ends = np.append(starts[1:], len(order))[: len(starts)] - 1
    stamps = events[TIMESTAMP].to_numpy()[order]
    sessions = pd.DataFrame({
        USER: users[starts],
        START: stamps[starts],
        END: stamps[ends],
        TRACKS: ends - starts + 1,
        TIME: _sum_per_session(events[TIME].to_numpy()[order], starts),
        LATENCY: _sum_per_session(events[LATENCY].to_numpy()[order], starts),
        COMPLETE: is_last[ends],
    })
    first_events = order[starts]
    for name in experiment_names(events):
        sessions[name] = events[name].array.take(first_events)
    return _finish(sessions, keep_incomplete, experiment_names(events))


def _session_starts(users, is_last):
    """Row numbers (in user-then-time order) where a session begins: a new user or after a ``last``."""
    if len(users) == 0:
        return np.array([], dtype=np.int64)
    new = np.empty(len(users), dtype=bool)
    new[0] = True
    new[1:] = (users[1:] != users[:-1]) | is_last[:-1]
    return np.flatnonzero(new)


def _sum_per_session(values, starts):
    if len(starts) == 0:
        return np.array([], dtype=float)
    return np.add.reduceat(values, starts)


def _finish(sessions, keep_incomplete, experiments):
    """Drop (or keep) incomplete sessions, order by start, number the sessions."""
    incomplete = int((~sessions[COMPLETE]).sum())
    if not keep_incomplete:
        sessions = sessions[sessions[COMPLETE]]
    sessions = sessions.sort_values(START, kind="stable", ignore_index=True)
    sessions.insert(0, SESSION, np.arange(len(sessions)))
    sessions.attrs = {"experiments": list(experiments), "incomplete_sessions": incomplete}
    return sessions
