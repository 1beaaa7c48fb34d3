"""The end-of-run table: mean ± sem per day, and notes about service trouble and churn."""

import math

from sim.report import day_table, mean_sem
from sim.simulation import DayResult


def test_mean_and_standard_error():
    mean, sem = mean_sem([1.0, 2.0, 3.0, 4.0])
    assert mean == 2.5 and math.isclose(sem, math.sqrt(5 / 3 / 4))
    assert mean_sem([2.0]) == (2.0, 0.0)


def test_table_has_a_line_per_day_and_trouble_notes():
    rows = [{"time": 2.0, "tracks": 5}, {"time": 4.0, "tracks": 7}]
    table = day_table(
        [DayResult(0, rows), DayResult(1, rows, failed=3, retried=4, stopped="dead", planned=9)]
    )
    lines = table.splitlines()
    assert lines[1].split()[:6] == ["0", "2", "3.000", "±", "1.000", "6.00"]
    assert "4 requests retried, 3 sessions dropped" in table and "day 1 stopped early: dead" in table
    assert lines[2].endswith("(partial: stopped early after 5 of 9 sessions)")


def test_a_partial_day_says_so_in_its_row():
    rows = [{"time": 2.0, "tracks": 5}]
    table = day_table([DayResult(0, rows, planned=1), DayResult(1, rows, planned=10, interrupted="SIGTERM")])
    lines = table.splitlines()
    assert "partial" not in lines[1]
    assert lines[2].endswith("(partial: interrupted by SIGTERM after 1 of 10 sessions)")
