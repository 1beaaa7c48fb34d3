"""The pictures are written, readable, and coloured by verdict."""

import pandas as pd
import pytest
from matplotlib.figure import Figure

from botify.analysis.plots import GREEN, GREY, RED, effects_plot, session_plots, verdict_color
from botify.analysis.significance import effects
from botify.analysis.synthetic_ab import simulate_sessions
from botify.analysis.user_level import user_metrics


@pytest.mark.parametrize("metric, effect, significant, color", [
    ("time", 3.0, True, GREEN),
    ("time", -3.0, True, RED),
    ("mean_request_latency", -3.0, True, GREEN),  # faster answers are better
    ("time", 30.0, False, GREY),
])
def test_colour_follows_significance_and_direction(metric, effect, significant, color):
    assert verdict_color(metric, effect, significant) == color


@pytest.fixture(scope="module")
def sessions():
    return simulate_sessions(600, "EXP", effect={"T1": 0.3, "T2": 0.0}, split={"C": 1, "T1": 1, "T2": 1},
                             seed=3)


def test_effects_plot_has_one_row_per_metric_and_treatment(tmp_path, sessions):
    table = effects(user_metrics(sessions, "EXP"))
    figure = effects_plot(table, title="EXP", path=tmp_path / "effects.png")
    assert isinstance(figure, Figure)
    panels = [ax for ax in figure.axes if ax.get_yticklabels()]
    assert len(panels) == 6 and sum(len(ax.get_yticklabels()) for ax in panels) == len(table) == 12
    assert (tmp_path / "effects.png").read_bytes()[:4] == b"\x89PNG"


def test_session_plots_draw_every_arm(tmp_path, sessions):
    figure = session_plots(sessions, "EXP", path=tmp_path / "sessions.png")
    left, right = figure.axes
    assert [line.get_label().split()[0] for line in left.get_lines()] == ["C", "T1", "T2"]
    assert len(right.get_lines()) == 3
    assert (tmp_path / "sessions.png").stat().st_size > 10_000


def test_effects_plot_survives_an_undefined_interval(sessions):
    table = effects(user_metrics(sessions, "EXP"))
    table.loc[0, ["effect", "ci_low", "ci_high"]] = float("nan")
    assert isinstance(effects_plot(pd.DataFrame(table)), Figure)
