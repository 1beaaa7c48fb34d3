"""Load botify's event log (every ``events*.jsonl*`` file of a log dir) into one DataFrame.

One row per ``/next`` or ``/last`` call, ordered by timestamp, with one column
per experiment holding the user's treatment ("C", "T1", ...). A truncated last
line (a writer stopped mid-line, or the file is still being written) is
skipped and counted; anything else that is not the event schema is an error.
Seminar 1 starts here: ``events = load_events("log")``.
"""

import concurrent.futures
import json
import os
import pathlib
import re
import warnings

import numpy as np
import pandas as pd

from botify.analysis.columnar import NUMERIC, SCALARS, LayoutError, read_columns
from botify.errors import EventLogError
from botify.fields import (
    EVENT_FIELDS,
    EXPERIMENTS,
    FALLBACK,
    LAST,
    MESSAGE,
    NEXT,
    OPTIONAL_EVENT_FIELDS,
    RECOMMENDATION,
    TIMESTAMP,
)

REQUIRED = tuple(field for field in EVENT_FIELDS if field not in OPTIONAL_EVENT_FIELDS)
_ROTATED = re.compile(r"\.jsonl(?:\.(\d+))?$")


class TruncatedLineWarning(UserWarning):
    """Some files ended in a half-written line, which was skipped."""


def load_events(log_dir):
    """All events of ``log_dir`` as a DataFrame sorted by timestamp.

    Columns: message, timestamp (ms), user, track, time, latency, recommendation
    (nullable), then one categorical column per experiment. ``attrs`` holds
    ``experiments`` (their names), ``files`` and ``truncated_lines``.
    """
    paths = event_files(log_dir)
    with concurrent.futures.ThreadPoolExecutor(min(len(paths), os.cpu_count() or 1, 4)) as pool:
        results = list(pool.map(read_event_file, paths))  # the CSV parser releases the GIL
    frames = [frame for frame, _ in results]
    truncated = sum(skipped for _, skipped in results)
    if truncated:
        warnings.warn(f"{log_dir}: skipped {truncated} truncated last line(s)", TruncatedLineWarning,
                      stacklevel=2)
    events = _combine(frames)
    events.attrs.update(files=[str(path) for path in paths], truncated_lines=truncated)
    return events


def event_files(log_dir):
    """Every ``events*.jsonl*`` file, oldest first: botify rotates ``.1``, ``.2``, ... then the live file."""
    folder = pathlib.Path(log_dir)
    if not folder.is_dir():
        raise EventLogError(f"{log_dir} is not a directory of event logs")
    paths = [path for path in folder.glob("events*.jsonl*") if path.is_file() and _ROTATED.search(path.name)]
    if not paths:
        raise EventLogError(f"no event files (events*.jsonl*) in {log_dir}")
    return sorted(paths, key=_rotation_order)


def _rotation_order(path):
    match = _ROTATED.search(path.name)
    stem = path.name[: match.start()]
    return stem, int(match.group(1) or 1 << 62)


def read_event_file(path):
    """One file as (DataFrame, number of truncated lines skipped)."""
    data = pathlib.Path(path).read_bytes()
    data, truncated = _drop_truncated_tail(data)
    if not data or data.isspace():
        return _empty_frame(), truncated
    _check_schema(path, data)
    try:
        columns, treatments = read_columns(data)
    except LayoutError:
        columns, treatments = _read_with_json(path, data)
    frame = pd.DataFrame(columns)
    for name, values in treatments.items():
        frame[name] = pd.Categorical(values)
    _check_messages(path, frame)
    # the same in every file: concat keeps it
    frame[MESSAGE] = frame[MESSAGE].cat.set_categories([LAST, NEXT])
    frame.attrs["experiments"] = sorted(treatments)
    return frame, truncated


def _empty_frame():
    frame = pd.DataFrame({field: pd.Series(dtype=dtype) for field, dtype in NUMERIC.items()})
    frame.insert(0, MESSAGE, pd.Categorical([], categories=[LAST, NEXT]))
    frame[RECOMMENDATION] = pd.array([], dtype="Int64")
    frame[FALLBACK] = pd.array([], dtype="boolean")
    frame.attrs["experiments"] = []
    return frame


def _drop_truncated_tail(data):
    """Cut a last line that is not complete JSON; a finished last line may lack its newline."""
    end = len(data)
    while end and data[end - 1] in b" \t\r\n":
        end -= 1
    cut = data.rfind(b"\n", 0, end)
    tail = data[cut + 1 : end]
    if not tail:
        return data, 0
    try:
        json.loads(tail)
    except ValueError:
        return data[: cut + 1], 1
    return data if data.endswith(b"\n") else data + b"\n", 0


def _check_schema(path, data):
    """Refuse early, with a readable reason, a file that is not botify's event log."""
    first = data[: data.find(b"\n")].strip()
    if not first:
        raise EventLogError(f"{path}: line 1 is empty, so this is not an event log")
    try:
        event = json.loads(first)
    except ValueError:
        raise EventLogError(f"{path}: line 1 is not JSON, so this is not an event log") from None
    missing = [field for field in REQUIRED if not isinstance(event, dict) or field not in event]
    if missing:
        raise EventLogError(f"{path} is not an event log: line 1 lacks {', '.join(missing)}")


def _read_with_json(path, data):
    """The slow, strict path: parse line by line, naming the first bad line."""
    events = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
            events.append([event[field] for field in REQUIRED]
                          + [event.get(field) for field in OPTIONAL_EVENT_FIELDS])
        except (ValueError, KeyError, TypeError) as error:
            raise EventLogError(f"{path}: line {number} is not an event ({error})") from None
    fields = list(REQUIRED) + list(OPTIONAL_EVENT_FIELDS)
    raw = pd.DataFrame(events, columns=fields)
    columns = {field: raw[field] for field in SCALARS if field not in OPTIONAL_EVENT_FIELDS}
    columns[MESSAGE] = raw[MESSAGE].astype("category")
    columns[RECOMMENDATION] = pd.array(raw[RECOMMENDATION].to_numpy(dtype=object), dtype="Int64")
    columns[FALLBACK] = pd.array(raw[FALLBACK].to_numpy(dtype=object), dtype="boolean")
    treatments = pd.DataFrame(list(raw[EXPERIMENTS]), index=raw.index)
    return columns, {name: treatments[name].to_numpy(dtype=object) for name in treatments}


def _check_messages(path, frame):
    unknown = set(frame[MESSAGE].cat.categories) - {NEXT, LAST}
    if unknown:
        raise EventLogError(f"{path}: unknown message {sorted(unknown)[0]!r} (expected next or last)")


def _combine(frames):
    """Concatenate files and order by timestamp, keeping file order for equal timestamps."""
    names = sorted({name for frame in frames for name in frame.attrs["experiments"]})
    events = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    for name in names:
        events[name] = events[name].astype("category")
    stamps = events[TIMESTAMP].to_numpy()
    if len(stamps) and np.any(stamps[1:] < stamps[:-1]):
        events = events.iloc[np.argsort(stamps, kind="stable")].reset_index(drop=True)
    events.attrs = {"experiments": names}
    return events


def experiment_names(frame):
    """The experiments a frame of events, sessions or user metrics carries treatment columns for."""
    return list(frame.attrs.get("experiments", []))


def treatments(frame, experiment):
    """Each row's treatment in ``experiment``; a clear error when the logs never mention it."""
    if experiment not in frame.columns:
        found = ", ".join(experiment_names(frame)) or "none"
        raise EventLogError(f"experiment {experiment!r} is not in the logs (found: {found})")
    return frame[experiment]
