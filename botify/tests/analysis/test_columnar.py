"""The CSV-based fast reader agrees with the json module, and refuses what it cannot represent."""

import json

import numpy as np
import pandas as pd
import pytest

from botify.analysis.columnar import LayoutError, read_columns

EVENTS = [
    {"message": "next", "timestamp": 10, "user": 1, "track": 5, "time": 1.0, "latency": 1e-05,
     "experiments": {"AB": "C", "HW2": "T1"}, "recommendation": 7},
    {"message": "last", "timestamp": 11, "user": 1, "track": 7, "time": 0.25, "latency": 0.002,
     "experiments": {"AB": "C", "HW2": "T1"}},
    {"message": "next", "timestamp": 12, "user": 2, "track": 0, "time": 0.0, "latency": 0.5,
     "experiments": {"AB": "T2", "HW2": "C"}, "recommendation": 3},
    {"message": "last", "timestamp": 13, "user": 2, "track": 3, "time": 1, "latency": 0.001,
     "experiments": {"AB": "T2", "HW2": "C"}, "recommendation": None},
]


def as_bytes(events, **dumps):
    return "".join(json.dumps(event, **dumps) + "\n" for event in events).encode()


@pytest.mark.parametrize("dumps", [{}, {"separators": (",", ":")}], ids=["spaced", "compact"])
def test_columns_match_the_json_module(dumps):
    columns, treatments = read_columns(as_bytes(EVENTS, **dumps))
    assert list(columns["message"]) == ["next", "last", "next", "last"]
    assert columns["timestamp"].tolist() == [10, 11, 12, 13]
    assert columns["user"].dtype == np.int64 and columns["time"].dtype == np.float64
    assert columns["latency"].tolist() == [1e-05, 0.002, 0.5, 0.001]
    assert list(columns["recommendation"]) == [7, pd.NA, 3, pd.NA]
    assert list(treatments["AB"]) == ["C", "C", "T2", "T2"]
    assert list(treatments["HW2"]) == ["T1", "T1", "C", "C"]


@pytest.mark.parametrize("flags", [[False, False], [True, False], [True, True]], ids=str)
def test_fallback_flags_are_read_on_the_fast_path(flags):
    nexts = [dict(EVENTS[0], fallback=flag) for flag in flags]
    columns, _ = read_columns(as_bytes([*nexts, EVENTS[1]], separators=(",", ":")))
    assert list(columns["fallback"]) == [*flags, pd.NA]


def test_key_order_does_not_matter_when_every_line_has_the_same_keys():
    reordered = [dict(reversed(list(event.items()))) for event in EVENTS[2:]]
    columns, treatments = read_columns(as_bytes(reordered))
    assert columns["track"].tolist() == [0, 3]
    assert list(treatments["AB"]) == ["T2", "T2"]


def test_an_experiment_missing_from_some_lines_reads_as_missing():
    events = [dict(EVENTS[1], experiments={"AB": "C"}), EVENTS[1]]
    _, treatments = read_columns(as_bytes(events))
    assert treatments["HW2"].isna().tolist() == [True, False]


@pytest.mark.parametrize("event", [
    dict(EVENTS[0], experiments={"AB": "C,T1"}),  # a comma inside a string
    dict(EVENTS[0], user="seven"),  # a string where a number belongs
    {"experiments": {"AB": "C"}, **EVENTS[1]},  # keys shifted against the other lines' layout
])
def test_what_csv_cannot_represent_is_refused(event):
    with pytest.raises(LayoutError):
        read_columns(as_bytes([EVENTS[0], event, EVENTS[0]]))
