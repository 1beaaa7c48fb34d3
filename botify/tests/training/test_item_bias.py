"""Time-dependent item biases on planted listening times whose biases and drifts are known."""

import numpy as np
import pandas as pd
import pytest

from botify import fields
from botify.training import item_bias

DAY = item_bias.DAY


def planted(track_bias, days=5, users=50, plays=200, noise=0.05, seed=0):
    """(user, track, time, day) rows: time = 0.4 + b_u + track_bias(track, day) + noise."""
    rng = np.random.default_rng(seed)
    user_bias = rng.normal(0, 0.1, users)
    tracks = np.arange(20)
    rows = []
    for day in range(days):
        for track in tracks:
            user = rng.integers(users, size=plays)
            time = 0.4 + user_bias[user] + track_bias(track, day) + rng.normal(0, noise, plays)
            rows.append(pd.DataFrame({fields.USER: user, fields.TRACK: track, fields.TIME: time, DAY: day}))
    return pd.concat(rows, ignore_index=True), user_bias


def last_day_split(frame):
    last = frame[DAY].max()
    return frame[frame[DAY] < last], frame[frame[DAY] == last]


def test_days_are_numbered_by_the_clock_times_they_start():
    events = pd.DataFrame({fields.TIMESTAMP: [100, 150, 200, 250, 399, 400]})
    labelled = item_bias.label_days(events, starts=[100, 200, 400])
    assert labelled[DAY].tolist() == [0, 0, 1, 1, 1, 2]


def test_reactions_drop_each_sessions_own_first_track():
    rows = [  # (message, user, track, time): user 1 has two sessions, user 2 one, interleaved
        (fields.NEXT, 1, 5, 1.0), (fields.NEXT, 2, 8, 1.0), (fields.NEXT, 1, 6, 0.3),
        (fields.LAST, 1, 7, 0.2), (fields.LAST, 2, 9, 0.9), (fields.NEXT, 1, 10, 1.0),
        (fields.LAST, 1, 11, 1.0),
    ]
    events = pd.DataFrame(rows, columns=[fields.MESSAGE, fields.USER, fields.TRACK, fields.TIME])
    events[fields.TIMESTAMP] = np.arange(len(rows)) * 10
    heard = item_bias.reactions(item_bias.label_days(events, [0, 40]))
    assert list(heard.columns) == [fields.USER, fields.TRACK, fields.TIME, DAY]
    assert heard[fields.TRACK].tolist() == [6, 7, 9, 11]  # a recommended track heard in full stays
    assert heard[DAY].tolist() == [0, 0, 1, 1]


def test_a_static_bias_is_recovered_and_predicts_the_next_day():
    frame, _ = planted(lambda track, day: 0.02 * (track - 10), noise=0.0)
    train, test = last_day_split(frame)
    model = item_bias.fit(train, "static", shrinkage=0.01, iterations=30)
    tracks = model.tracks["bias"] - model.tracks["bias"].mean()
    np.testing.assert_allclose(tracks, 0.02 * (np.arange(20) - 9.5), atol=0.01)
    np.testing.assert_allclose(item_bias.predict(model, test), test[fields.TIME], atol=0.02)


def test_unknown_listeners_and_tracks_get_the_mean_and_training_days_are_refused():
    frame, _ = planted(lambda track, day: 0.0)
    train, _ = last_day_split(frame)
    model = item_bias.fit(train, "linear")
    new = pd.DataFrame({fields.USER: [999], fields.TRACK: [999], fields.TIME: [0.5], DAY: [9]})
    assert item_bias.predict(model, new) == pytest.approx([model.mean])
    with pytest.raises(ValueError, match="after the training days"):
        item_bias.predict(model, train)
    with pytest.raises(ValueError, match="form must be"):
        item_bias.fit(train, "quadratic")


def random_walk(days=6, seed=1):
    steps = np.random.default_rng(seed).normal(0, 0.08, size=(days, 20))
    steps[0] = 0
    return np.cumsum(steps, axis=0)


def test_on_a_random_walk_recent_days_predict_better_than_the_static_bias():
    walk = random_walk()
    frame, _ = planted(lambda track, day: walk[day, track], days=6)
    table = item_bias.compare(*last_day_split(frame), shrinkage=5.0, samples=300).set_index("form")
    assert table.loc["static", "vs static"] == 0
    assert table.loc["per_day", "ci_high"] < 0 and table.loc["decayed", "ci_high"] < 0
    assert table.loc["per_day", "mse"] < table.loc["decayed", "mse"] < table.loc["static", "mse"]


def test_on_a_steady_trend_the_linear_drift_predicts_best():
    frame, _ = planted(lambda track, day: 0.03 * day * (1 if track % 2 else -1), days=5)
    table = item_bias.compare(*last_day_split(frame), shrinkage=5.0, samples=300).set_index("form")
    assert table["mse"].idxmin() == "linear"
    assert table.loc["linear", "ci_high"] < 0
    assert table.loc["linear", "mse"] < 0.005  # close to the planted noise, 0.05 ** 2
