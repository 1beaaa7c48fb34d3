"""Item biases that move with time, TimeSVD's b_i(t), fitted from botify's logs (seminar 3's closing
exercise).

The model of a listening time is  time = mu + b_u + b_i(t) + noise, and
b_i(t) takes one of these learnable forms (t is the day):

- ``static``:  b_i, one number per track (the baseline);
- ``per_day``: b_i + b_i,bin(t) with one bin per day, shrunk to b_i; a future
  day has no bin of its own, so it gets the last training day's;
- ``linear``:  b_i + a_i * (t - mean day of the track), a drift extrapolated;
- ``decayed``: b_i fitted with weights ``decay ** (last day - t)``, so recent
  days count more (what a kernel- or spline-smoothed b_i(t) gives at the end
  of the training period).

Every estimate is a shrunk mean (a count of ``shrinkage`` pseudo-events at
zero), so a track seen a few times stays near the average.
"""

import dataclasses

import numpy as np
import pandas as pd

from botify import fields
from botify.training import data

DAY = "day"
FORMS = ("static", "per_day", "linear", "decayed")


def label_days(events, starts):
    """``events`` with a ``day`` column: the number of the last of ``starts`` (ms timestamps) before
    each event.

    botify's log knows wall-clock time, not the simulator's days; a notebook
    notes the clock when each simulated day begins and passes those times here.
    """
    day = np.searchsorted(np.asarray(starts), events[fields.TIMESTAMP].to_numpy(), side="right") - 1
    return events.assign(**{DAY: day})


def reactions(events):
    """(user, track, time, day) of every event but the first of its session.

    A session's first track is the listener's own choice (logged with time
    1.0); every later event is the reaction to a recommended track.
    """
    session = data.session_ids(events)
    later = session.groupby(session).cumcount().to_numpy() > 0
    columns = [fields.USER, fields.TRACK, fields.TIME, DAY]
    return events.loc[later, columns].reset_index(drop=True)


@dataclasses.dataclass
class ItemBias:
    """A fitted model: the global mean, user biases, and per-track parameters of one form."""

    form: str
    mean: float
    users: pd.Series  # b_u by user
    tracks: pd.DataFrame  # per track: "bias", and "last_bin" (per_day), "slope" and "centre" (linear)
    last_day: int
    bins: pd.Series = None  # per_day: b_i,bin by (track, day)


def fit(frame, form="static", shrinkage=10.0, decay=0.5, iterations=10):
    """Fit mu + b_u + b_i(t) of ``form`` on (user, track, time, day) rows by alternating shrunk means."""
    if form not in FORMS:
        raise ValueError(f"form must be one of {', '.join(FORMS)}, not {form!r}")
    mean = float(frame[fields.TIME].mean())
    last_day = int(frame[DAY].max())
    weight = decay ** (last_day - frame[DAY]) if form == "decayed" else None
    item_part = pd.Series(0.0, index=frame.index)
    for _ in range(iterations):
        users = _shrunk_mean(frame[fields.TIME] - mean - item_part, frame[fields.USER], shrinkage)
        residual = frame[fields.TIME] - mean - frame[fields.USER].map(users)
        tracks, bins = _track_parameters(frame, residual, form, shrinkage, weight)
        model = ItemBias(form, mean, users, tracks, last_day, bins)
        item_part = _item_part(model, frame)
    return model


def _shrunk_mean(values, keys, shrinkage, weight=None):
    weight = pd.Series(1.0, index=values.index) if weight is None else weight
    sums = (values * weight).groupby(keys).sum()
    return sums / (weight.groupby(keys).sum() + shrinkage)


def _track_parameters(frame, residual, form, shrinkage, weight):
    """(per-track table, per-(track, day) bins or None) fitted to the residuals after mu and b_u."""
    track = frame[fields.TRACK]
    bias = _shrunk_mean(residual, track, shrinkage, weight)
    tracks, bins = pd.DataFrame({"bias": bias}), None
    rest = residual - track.map(bias)
    if form == "per_day":
        bins = _shrunk_mean(rest, [track, frame[DAY]], shrinkage)
        last = frame.groupby(fields.TRACK)[DAY].max()
        tracks["last_bin"] = bins.reindex(pd.MultiIndex.from_arrays([last.index, last.to_numpy()])).to_numpy()
    elif form == "linear":
        centre = frame[DAY].groupby(track).mean()
        offset = frame[DAY] - track.map(centre)
        tracks["slope"] = ((offset * rest).groupby(track).sum()
                           / ((offset**2).groupby(track).sum() + shrinkage))
        tracks["centre"] = centre
    return tracks, bins


def _item_part(model, frame, future=False):
    """b_i(t) for each row of ``frame`` on its day (a training day, or a ``future`` one); 0 for unknown
    tracks."""
    track, days = frame[fields.TRACK], frame[DAY]
    part = track.map(model.tracks["bias"]).fillna(0.0)
    if model.form == "per_day" and not future:  # a training day: the row's own bin
        part += np.nan_to_num(model.bins.reindex(pd.MultiIndex.from_arrays([track, days])).to_numpy())
    elif model.form == "per_day":  # a later day has no bin: the track's last one
        part += track.map(model.tracks["last_bin"]).fillna(0.0)
    elif model.form == "linear":
        part += (track.map(model.tracks["slope"]) * (days - track.map(model.tracks["centre"]))).fillna(0.0)
    return part


def predict(model, frame):
    """Predicted times of (user, track, day) rows on days after the training days (unknown users: b_u = 0)."""
    if int(frame[DAY].min()) <= model.last_day:
        raise ValueError(f"predict() is for days after the training days (the last was {model.last_day})")
    user = frame[fields.USER].map(model.users).fillna(0.0)
    return (model.mean + user + _item_part(model, frame, future=True)).to_numpy()


def compare(train, test, forms=FORMS, samples=1000, seed=0, **options):
    """Next-day squared error of each form against ``static``, with a bootstrap CI over tracks.

    ``test`` keeps only tracks seen in ``train`` (for the others every form
    predicts the same). A negative ``vs static`` means the form predicts better;
    tracks are resampled because one track's errors on a day are not independent.
    """
    forms = ["static", *[form for form in forms if form != "static"]]
    test = test[test[fields.TRACK].isin(train[fields.TRACK])].reset_index(drop=True)
    errors = pd.DataFrame({form: (predict(fit(train, form, **options), test) - test[fields.TIME]) ** 2
                           for form in forms})
    per_track = errors.groupby(test[fields.TRACK]).agg(["sum", "size"])
    rng = np.random.default_rng(seed)
    picks = rng.integers(len(per_track), size=(samples, len(per_track)))
    rows = []
    for form in forms:
        difference = per_track[(form, "sum")] - per_track[("static", "sum")]
        boot = (difference.to_numpy()[picks].sum(axis=1)
                / per_track[(form, "size")].to_numpy()[picks].sum(axis=1))
        rows.append({"form": form, "mse": errors[form].mean(), "vs static": difference.sum() / len(test),
                     "ci_low": np.quantile(boot, 0.025), "ci_high": np.quantile(boot, 0.975)})
    return pd.DataFrame(rows).assign(events=len(test), tracks=len(per_track))
