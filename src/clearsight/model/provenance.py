"""Provenance: where every canonical row came from (formats.md §2.7), built by the readers.

One row per (table, primary key) and source. A row whose values were overridden by a source that
wins (formats.md §2.1) is kept with `superseded` true. Built with vectorised pyarrow compute, never a
Python loop per row. Part of the model layer so that readers build it and the warehouse stores it;
must not import Django or any layer above the model.
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clearsight.model import TABLES
from clearsight.sources import SourceFile


class ProvenanceError(ValueError):
    """Provenance that cannot be built as asked (a programming error in a reader, not bad input)."""


SOURCE_FORMATS = ("annex_a", "ssda903", "cin", "ssd")
SSD = "ssd"

# Low-cardinality text is dictionary-encoded: the same file name or hash on a million rows costs
# one value and an index each, in memory and on disk. DuckDB reads every one of them as VARCHAR.
_TEXT = pa.dictionary(pa.int32(), pa.string())

PROVENANCE_SCHEMA = pa.schema(
    [
        pa.field("table_name", _TEXT, nullable=False),  # canonical table, e.g. ssd_cp_plans
        pa.field("row_key", pa.string()),  # the row's primary key, as text
        pa.field("source_format", _TEXT, nullable=False),  # one of SOURCE_FORMATS
        pa.field("source_file", _TEXT),  # file name
        pa.field("source_sha256", _TEXT),  # SHA-256 of the file, hex
        pa.field("source_location", _TEXT),  # sheet or list, or XML path; null for an SSD extract
        pa.field("source_row", pa.int64()),  # row number as the reader numbers it (csv: line number)
        pa.field("collection_year", pa.int64()),  # the year a 903 or CIN collection ends (2025 for 2024/25)
        pa.field("as_at", pa.date32()),  # the as-at date of the source (extract date, 31 March, ...)
        pa.field("la_code", _TEXT, nullable=False),
        pa.field("raw_values", pa.string()),  # JSON object: column → raw value, where it differs from stored
        pa.field("superseded", pa.bool_(), nullable=False),  # overridden by a winning source (§2.1)
    ]
)


def _repeat(value: str, n: int) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), pa.array([value], pa.string()))


def _array(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _text(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    return _array(values).cast(pa.string())


def _json_strings(text: pa.Array) -> pa.Array:
    """Each value as a JSON string literal (`null` for a null), escaped as RFC 8259 requires."""
    escaped = pc.replace_substring(text, "\\", "\\\\")
    escaped = pc.replace_substring(escaped, '"', '\\"')
    if pc.any(pc.match_substring_regex(escaped, r"[\x00-\x1f]")).as_py():
        for code in range(0x20):
            escaped = pc.replace_substring(escaped, chr(code), f"\\u{code:04x}")
    return pc.binary_join_element_wise('"', escaped, '"', "").fill_null("null")


def raw_values_json(stored: pa.Table, raw: pa.Table) -> pa.Array:
    """Per row, a JSON object of the raw values that differ from the stored ones, else null.

    Values are compared as text (a date as yyyy-mm-dd). A blank raw cell equals a stored null.
    """
    if raw.num_rows != stored.num_rows:
        raise ProvenanceError(f"The raw values have {raw.num_rows} rows but the table has {stored.num_rows}.")
    unknown = [name for name in raw.column_names if name not in stored.column_names]
    if unknown:
        raise ProvenanceError(f"The raw values name columns the table lacks: {', '.join(unknown)}.")
    # Each differing cell gives ',"column":"raw"' and every other cell '': joining them and dropping
    # the first comma gives the object's members. (null_handling="skip" is not used: pyarrow 26
    # drops rows whose values are all null with it, misaligning the result.)
    fragments = []
    any_differs = pa.array(np.zeros(stored.num_rows, bool))
    for name in raw.column_names:
        raw_text, stored_text = _text(raw[name]), _text(stored[name])
        raw_blank = pc.or_kleene(pc.is_null(raw_text), pc.equal(raw_text, "")).fill_null(True)
        same = pc.or_(
            pc.and_(pc.is_null(stored_text), raw_blank), pc.equal(stored_text, raw_text).fill_null(False)
        )
        differs = pc.invert(same)
        if not pc.any(differs).as_py():
            continue
        any_differs = pc.or_(any_differs, differs)
        member = pc.binary_join_element_wise("," + json.dumps(name) + ":", _json_strings(raw_text), "")
        fragments.append(pc.if_else(differs, member, ""))
    if not fragments:
        return pa.nulls(stored.num_rows, pa.string())
    members = pc.utf8_slice_codeunits(pc.binary_join_element_wise(*fragments, ""), 1)
    wrapped = pc.binary_join_element_wise("{", members, "}", "")
    return pc.if_else(any_differs, wrapped, pa.scalar(None, pa.string()))


ORIGIN_SCHEMA = pa.schema(
    [
        pa.field("source_file", pa.string()),  # the file's name, a key of the reader's SourceFiles
        pa.field("source_location", pa.string()),  # sheet or list, or XML path; null for an SSD extract
        pa.field("source_row", pa.int64()),  # row number as the reader numbers it (csv: line number)
    ]
)


def provenance_rows(
    table_name: str,
    stored: pa.Table,
    origin: pa.Table,
    *,
    source_format: str,
    files: dict[str, SourceFile],
    la_code: str,
    collection_year: int | None = None,
    as_at: date | None = None,
    raw: pa.Table | None = None,
) -> pa.Table:
    """Provenance for every row of one canonical table as one reader built it.

    Args:
        table_name: the canonical table; `stored` is that table as the reader built it.
        origin: an ORIGIN_SCHEMA table aligned with `stored`: where each row was read.
        files: the reader's source files by name, for their SHA-256.
        raw: optionally the cells as found (same rows, canonical column names); `raw_values`
            records those that differ from the stored value.

    Returns a PROVENANCE_SCHEMA table.
    """
    if table_name not in TABLES:
        raise ProvenanceError(f"The model has no table named {table_name}.")
    if source_format not in SOURCE_FORMATS:
        raise ProvenanceError(f"Unknown source format {source_format!r}.")
    n = stored.num_rows
    if origin.num_rows != n:
        raise ProvenanceError(f"{table_name} has {n} rows but {origin.num_rows} origins.")
    names = _text(origin["source_file"])
    unknown = set(names.unique().drop_null().to_pylist()) - set(files)
    if unknown:
        raise ProvenanceError(f"{table_name} names source files the reader did not record: {sorted(unknown)}")
    hashes = pc.take(pa.array([files[k].sha256 for k in files]), pc.index_in(names, pa.array(list(files))))
    columns = [
        _repeat(table_name, n),
        _text(stored[TABLES[table_name].primary_key]),
        _repeat(source_format, n),
        names.dictionary_encode().cast(_TEXT),
        hashes.dictionary_encode().cast(_TEXT),
        _text(origin["source_location"]).dictionary_encode().cast(_TEXT),
        _array(origin["source_row"]).cast(pa.int64()),
        pa.array(np.full(n, collection_year), pa.int64()) if collection_year else pa.nulls(n, pa.int64()),
        pa.array(np.full(n, np.datetime64(as_at, "D"))).cast(pa.date32())
        if as_at
        else pa.nulls(n, pa.date32()),
        _repeat(la_code, n),
        raw_values_json(stored, raw) if raw is not None else pa.nulls(n, pa.string()),
        pa.array(np.zeros(n, bool)),
    ]
    return pa.Table.from_arrays(columns, schema=PROVENANCE_SCHEMA)
