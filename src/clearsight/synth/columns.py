"""Arrow columns built straight from numpy arrays, and tables in exactly the model's schemas.

Dates are int64 day numbers (see `timing`); anything on or after `FAR` is written as null. Coded values
are indexes into a small vocabulary, so no per-row Python objects are made for big tables.

Must not import anything from clearsight except `clearsight.model` and `synth.timing`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import numpy as np
import pyarrow as pa

from clearsight.model import TABLES
from clearsight.synth.timing import FAR


def ids(prefix: str, count: int, start: int = 1) -> pa.Array:
    """`count` text ids `prefix` + a zero-padded serial, in sorting order (so sorted by key as made)."""
    width = max(6, len(str(start + count)))
    return pa.array([f"{prefix}{n:0{width}d}" for n in range(start, start + count)], type=pa.string())


def dates(days: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """Day numbers as a date32 column; FAR (still open) and `null` rows are written as null."""
    days = np.asarray(days, dtype=np.int64)
    mask = days >= FAR if null is None else (days >= FAR) | null
    return pa.array(np.where(mask, 0, days).astype(np.int32), type=pa.date32(), mask=mask)


def pick(vocabulary: Sequence[str | None], index: np.ndarray) -> pa.Array:
    """Values of a small vocabulary by index (`None` in the vocabulary gives null)."""
    return pa.array(list(vocabulary), type=pa.string()).take(pa.array(np.asarray(index, dtype=np.int64)))


def flags(values: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """Booleans as the stored Y/N flag (formats.md §1), null where `null`."""
    index = np.where(np.asarray(values, dtype=bool), 0, 1)
    if null is not None:
        index = np.where(null, 2, index)
    return pick(("Y", "N", None), index)


def take(column: pa.Array, index: np.ndarray) -> pa.Array:
    """Rows of an existing column (e.g. the person id of each event), by position; -1 gives null."""
    index = np.asarray(index, dtype=np.int64)
    return column.take(pa.array(np.maximum(index, 0), mask=index < 0))


def table(name: str, columns: Mapping[str, pa.Array | np.ndarray | list]) -> pa.Table:
    """A canonical table in the model's exact schema; columns not given are all null."""
    schema = TABLES[name].arrow_schema
    unknown = set(columns) - set(schema.names)
    if unknown:
        raise KeyError(f"{name} has no column(s) {sorted(unknown)}")
    lengths = {len(c) for c in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"{name}: columns of different lengths {sorted(lengths)}")
    rows = lengths.pop() if lengths else 0
    arrays = []
    for field in schema:
        value = columns.get(field.name)
        arrays.append(pa.nulls(rows, field.type) if value is None else pa.array(value, type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def flag_json(
    keys: Sequence[str], patterns: Sequence[Sequence[str]], index: np.ndarray, null: np.ndarray | None = None
) -> pa.Array:
    """SSD outcome JSON (every key present, set keys "Y", the others "N"), one pattern per row by index.

    The SSD's outcome columns carry a JSON object of flags with all keys present (e.g.
    `s47e_s47_outcome_json`); indicators.md §1.3 rule 7 reads a key as set when it is Y.
    """
    texts = [
        json.dumps({k: "Y" if k in set(p) else "N" for k in keys}, separators=(",", ":")) for p in patterns
    ]
    if null is not None:
        index = np.where(null, len(texts), index)
    return pick([*texts, None], index)
