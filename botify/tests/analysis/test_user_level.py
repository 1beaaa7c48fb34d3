"""user_metrics: per-user totals and means, one row per user and treatment."""

import pandas as pd
import pytest

from botify.analysis.log_reader import EventLogError
from botify.analysis.user_level import METRICS, user_metrics


@pytest.fixture
def sessions():
    frame = pd.DataFrame({
        "user": [1, 2, 1, 3, 4],
        "tracks": [3, 4, 1, 2, 5],
        "time": [2.0, 1.0, 1.0, 2.0, 0.5],
        "latency": [0.3, 0.4, 0.1, 0.2, 0.5],
        "EXP": pd.Categorical(["C", "T1", "C", "T1", None]),
    })
    frame.attrs = {"experiments": ["EXP"]}
    return frame


def test_totals_and_means_per_user_and_treatment(sessions):
    metrics = user_metrics(sessions, "EXP")
    assert list(metrics.columns) == ["user", "treatment", *METRICS]
    assert metrics["user"].tolist() == [1, 2, 3]  # user 4 was never assigned
    assert metrics["treatment"].tolist() == ["C", "T1", "T1"]
    first = metrics.iloc[0]
    assert (first["sessions"], first["tracks"], first["time"]) == (2, 4, 3.0)
    assert first["mean_request_latency"] == pytest.approx(0.1)
    assert first["mean_tracks_per_session"] == 2.0
    assert first["mean_time_per_session"] == 1.5


def test_without_an_experiment_every_user_counts(sessions):
    metrics = user_metrics(sessions)
    assert metrics["user"].tolist() == [1, 2, 3, 4] and "treatment" not in metrics


def test_an_unknown_experiment_is_a_clear_error(sessions):
    with pytest.raises(EventLogError, match="'NOPE' is not in the logs"):
        user_metrics(sessions, "NOPE")
