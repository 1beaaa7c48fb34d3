"""A columnar reader for event-log JSON lines, built on pandas' C CSV parser.

Parsing a million JSON objects one by one takes ~10 s on the course machine;
the event log is so regular (flat numbers and short identifiers, one nested
``experiments`` object) that it can be turned into CSV with one
``bytes.translate`` and read column-wise by ``pandas.read_csv`` in ~1 s.

How: quotes, spaces and ``{`` are deleted, ``:`` and ``}`` become ``,``, so
``{"user":7,"experiments":{"A":"C"}}`` becomes ``user,7,experiments,A,C,,``.
Lines with the same keys share a *layout* (which token holds which field).
Layouts are learnt from a sample of lines, then every line of the file is
checked to match one of them, token by token, before its values are used.
Anything else (a layout the sample missed, a string holding ``,`` or ``:``)
raises ``LayoutError`` and the caller falls back to the ``json`` module.
"""

import io

import numpy as np
import pandas as pd

from botify.fields import (
    EXPERIMENTS,
    FALLBACK,
    LATENCY,
    MESSAGE,
    OPTIONAL_EVENT_FIELDS,
    RECOMMENDATION,
    TIME,
    TIMESTAMP,
    TRACK,
    USER,
)

SCALARS = (MESSAGE, TIMESTAMP, USER, TRACK, TIME, LATENCY, RECOMMENDATION, FALLBACK)
WORDS = (MESSAGE, FALLBACK)  # fields whose values are words (next/last, true/false), not numbers
BOOLEAN = {"true": True, "false": False}
NUMERIC = {TIMESTAMP: "int64", USER: "int64", TRACK: "int64", TIME: "float64", LATENCY: "float64"}
_TO_CSV = bytes.maketrans(b":}", b",,")
_SAMPLE_LINES = 2000
_NUMBER = b"0123456789.-+"  # deleting these leaves a line's shape: keys, identifiers and commas


class LayoutError(ValueError):
    """The lines are valid JSON the fast path cannot represent; use ``json`` instead."""


class Layout:
    """Where one line shape keeps its fields: ``fields`` {key: value position}, ``nested``
    [(experiment name position, treatment position)], ``tokens`` {position: expected token}."""

    def __init__(self, line):
        tokens = line.split(",")
        self.fields, self.nested, self.tokens = {}, [], {}
        i = 0
        while i < len(tokens) and tokens[i]:
            self.tokens[i] = tokens[i]
            if tokens[i] == EXPERIMENTS:
                i = self._read_nested(tokens, i + 1)
            elif tokens[i] in self.fields:
                raise LayoutError(f"key {tokens[i]!r} twice in one line")
            else:
                self.fields[tokens[i]] = i + 1
                i += 2
        if any(tokens[i:]):
            raise LayoutError("tokens after the end of the object")
        self.tokens.update({j: "" for j in range(i, len(tokens))})
        self.width = len(tokens)

    def _read_nested(self, tokens, i):
        if i < len(tokens) and not tokens[i]:  # "{}" leaves two empty tokens: ":" and "}"
            self.tokens[i] = ""
            i += 1
        while i < len(tokens) and tokens[i]:
            self.nested.append((i, i + 1))
            i += 2
        self.tokens[i] = ""
        return i + 1

    def text_positions(self):
        words = {self.fields[field] for field in WORDS if field in self.fields}
        return set(self.tokens) | {pos for pair in self.nested for pos in pair} | words | {0}

    def number_positions(self):
        return {pos for key, pos in self.fields.items() if key not in WORDS}


def read_columns(data):
    """Event columns {field: array} and {experiment: Categorical} from complete JSON lines."""
    csv = data.translate(_TO_CSV, b'" {')
    layouts = _sample_layouts(csv)
    table = _read_tokens(csv, layouts)
    rows = _match(table, layouts)
    columns = {field: _gather(table, rows, layouts, field) for field in SCALARS}
    return columns, _experiments(table, rows, layouts)


def _sample_layouts(csv):
    """The distinct layouts among the first, middle and last lines of the file."""
    size, chunk = len(csv), 120 * _SAMPLE_LINES
    starts = sorted({0, max(size // 2 - chunk // 2, 0), max(size - chunk, 0)})
    lines = set()
    for start in starts:
        piece = csv[start : start + chunk].split(b"\n")
        lines.update(piece[1 if start else 0 : -1])
    shapes = {}
    for line in {line.translate(None, _NUMBER) for line in lines if line}:  # one line per shape
        layout = Layout(line.decode("utf-8", "replace"))
        shapes.setdefault(tuple(sorted(layout.tokens.items())) + (layout.width,), layout)
    return list(shapes.values())


def _read_tokens(csv, layouts):
    """Read every needed token once: identifiers as categories (cheap), numbers natively."""
    text = set().union(*(layout.text_positions() for layout in layouts))
    numbers = set().union(*(layout.number_positions() for layout in layouts))
    if text & numbers:
        raise LayoutError("a token position holds a key in one line shape and a number in another")
    try:
        return pd.read_csv(
            io.BytesIO(csv), header=None, names=range(max(layout.width for layout in layouts)),
            usecols=sorted(text | numbers), dtype={pos: "category" for pos in text}, na_values=["null", ""],
            keep_default_na=False, skip_blank_lines=True, engine="c", low_memory=False,
        )
    except (pd.errors.ParserError, ValueError) as error:
        raise LayoutError(str(error)) from error


def _match(table, layouts):
    """Row numbers of each layout; every line must match exactly one, token by token."""
    owner = np.full(len(table), -1)
    width = len(table.columns) and max(table.columns) + 1
    for code, layout in enumerate(layouts):
        fits = np.ones(len(table), dtype=bool)
        for pos, token in layout.tokens.items():
            fits &= _is_token(table[pos], token)
        for pos in range(layout.width, width):
            if pos in table:
                fits &= table[pos].isna().to_numpy()
        owner[fits & (owner < 0)] = code
    if (owner < 0).any():
        raise LayoutError(f"line {np.argmax(owner < 0) + 1} has a shape the sample did not show")
    return [np.flatnonzero(owner == code) for code in range(len(layouts))]


def _is_token(column, token):
    """Which lines hold ``token`` here; empty tokens and missing trailing ones both read as NaN."""
    if not token:
        return column.isna().to_numpy()
    return (column == token).to_numpy(dtype=bool, na_value=False)


def _gather(table, rows, layouts, field):
    """One field over every line, taken from its token column in each layout."""
    positions = {layout.fields.get(field) for layout, chosen in zip(layouts, rows) if len(chosen)}
    if None in positions and field not in OPTIONAL_EVENT_FIELDS:
        raise LayoutError(f"no {field} in some lines")
    positions.discard(None)
    if not positions:  # only `last` lines (or an old log without fallback flags)
        return pd.array([pd.NA] * len(table), dtype="boolean" if field == FALLBACK else "Int64")
    if len(positions) != 1:
        raise LayoutError(f"{field} moves between line shapes")
    return _typed(table[positions.pop()], field)


def _typed(column, field):
    """The column as the dtype the contract promises; a mismatch means the fast path misread."""
    if field == MESSAGE:
        return column.array
    if field == FALLBACK:
        return _booleans(column)
    try:
        if field == RECOMMENDATION:
            return pd.to_numeric(column, errors="raise").astype("Int64").array
        return pd.to_numeric(column, errors="raise").to_numpy(dtype=NUMERIC[field])
    except (ValueError, TypeError) as error:
        raise LayoutError(f"{field}: {error}") from error


def _booleans(column):
    """true/false tokens as a nullable boolean array (NA where a line has no flag).

    pandas may already have turned the category tokens into booleans, so they are compared as lowercase text.
    """
    categories = [str(category).lower() for category in column.cat.categories]
    unknown = set(categories) - set(BOOLEAN)
    if unknown:
        raise LayoutError(f"{FALLBACK}: not a boolean: {sorted(unknown)[0]!r}")
    codes = column.cat.codes.to_numpy()
    # code -1 (NA) is masked
    values = np.array([BOOLEAN[category] for category in categories] + [False])[codes]
    return pd.arrays.BooleanArray(values, codes < 0)


def _experiments(table, rows, layouts):
    """{experiment name: Categorical of treatments per line, NaN where the line lacks it}."""
    parts = {}
    for layout, chosen in zip(layouts, rows):
        for name_pos, value_pos in layout.nested:
            names = table[name_pos].array.take(chosen)
            values = table[value_pos].array.take(chosen)
            for name in names.unique().dropna():
                picked = np.asarray(names == name)
                parts.setdefault(str(name), []).append((chosen[picked], values[picked]))
    return {name: _assemble(pieces, len(table)) for name, pieces in parts.items()}


def _assemble(pieces, length):
    """One Categorical from (rows, Categorical values) pieces, working on integer codes only."""
    categories = pd.Index(sorted({str(c) for _, values in pieces for c in values.categories}))
    result = np.full(length, -1, dtype=np.int16)
    for rows, values in pieces:
        mapping = categories.get_indexer(values.categories.astype(str))
        result[rows] = np.where(values.codes >= 0, mapping[values.codes], -1)
    return pd.Categorical.from_codes(result, categories)
