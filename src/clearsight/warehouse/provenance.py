"""Provenance: where every canonical row came from, published beside the tables (formats.md §2.7).

One row per (table, primary key) and source; a row whose values were overridden by a source that
wins (formats.md §2.1) is kept with `superseded` true. Built with vectorised pyarrow compute, never a
Python loop per row. Must not import Django or any layer above the warehouse.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clearsight.model import TABLES
from clearsight.warehouse.conform import CAST_ERRORS
from clearsight.warehouse.layout import WarehouseError, check_as_at, check_la_code

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


def conform_provenance(provenance: pa.Table | None) -> pa.Table:
    """`provenance` cast to PROVENANCE_SCHEMA (empty when None), checked before anything is written."""
    if provenance is None:
        return PROVENANCE_SCHEMA.empty_table()
    if not isinstance(provenance, pa.Table):
        raise WarehouseError(f"Provenance must be a pyarrow.Table, not {type(provenance).__name__}.")
    if provenance.column_names != PROVENANCE_SCHEMA.names:
        raise WarehouseError(
            f"Provenance must have the columns {', '.join(PROVENANCE_SCHEMA.names)} in that order; "
            f"it has {', '.join(provenance.column_names)}."
        )
    columns = []
    for f in PROVENANCE_SCHEMA:
        try:
            values = provenance[f.name].cast(f.type)
        except CAST_ERRORS as error:
            message = f"Provenance column {f.name} cannot be stored as {f.type}: {error}."
            raise WarehouseError(message) from error
        if not f.nullable and values.null_count:
            raise WarehouseError(f"Provenance column {f.name} must have a value in every row.")
        columns.append(values)
    out = pa.Table.from_arrays(columns, schema=PROVENANCE_SCHEMA)
    for column, allowed in (("table_name", TABLES), ("source_format", SOURCE_FORMATS)):
        found = set(out[column].unique().cast(pa.string()).to_pylist())
        unknown = sorted(found - set(allowed))
        if unknown:
            raise WarehouseError(f"Provenance {column} has values it cannot take: {', '.join(unknown)}.")
    return out


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
        raise WarehouseError(f"The raw values have {raw.num_rows} rows but the table has {stored.num_rows}.")
    unknown = [name for name in raw.column_names if name not in stored.column_names]
    if unknown:
        raise WarehouseError(f"The raw values name columns the table lacks: {', '.join(unknown)}.")
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


def ssd_extract_provenance(
    tables: Mapping[str, pa.Table],
    *,
    files: Mapping[str, tuple[str, str]],
    row_numbers: Mapping[str, pa.Array | pa.ChunkedArray],
    la_code: str,
    as_at: date,
    raw: Mapping[str, pa.Table] | None = None,
) -> pa.Table:
    """File-level provenance for tables loaded from one SSD extract (formats.md §6): one row per row.

    Args:
        tables: canonical tables by name, as they will be published.
        files: per table, (file name, SHA-256) of the file it was read from.
        row_numbers: per table, the source row number of every row, in table order.
        la_code, as_at: the council and the as-at date the extract was loaded for.
        raw: per table, optionally, the cells as found in the file (same rows, model column names);
            raw_values records those that differ from the stored value. Without it, raw_values is
            null: the stored values are the raw ones.

    Returns a PROVENANCE_SCHEMA table, tables in the order given.
    """
    check_la_code(la_code)
    check_as_at(as_at)
    raw = raw or {}
    parts = []
    for name, table in tables.items():
        if name not in TABLES:
            raise WarehouseError(f"The model has no table named {name}.")
        if name not in files or name not in row_numbers:
            raise WarehouseError(f"Provenance for {name} needs its source file and row numbers.")
        n = table.num_rows
        rows = _array(row_numbers[name]).cast(pa.int64())
        if len(rows) != n:
            raise WarehouseError(f"{name} has {n} rows but {len(rows)} row numbers.")
        file_name, sha256 = files[name]
        columns = {
            "table_name": _repeat(name, n),
            "row_key": _text(table[TABLES[name].primary_key]),
            "source_format": _repeat(SSD, n),
            "source_file": _repeat(file_name, n),
            "source_sha256": _repeat(sha256, n),
            "source_location": pa.nulls(n, _TEXT),
            "source_row": rows,
            "collection_year": pa.nulls(n, pa.int64()),
            "as_at": pa.array(np.full(n, np.datetime64(as_at, "D"))).cast(pa.date32()),
            "la_code": _repeat(la_code, n),
            "raw_values": raw_values_json(table, raw[name]) if name in raw else pa.nulls(n, pa.string()),
            "superseded": pa.array(np.zeros(n, bool)),
        }
        parts.append(pa.Table.from_arrays(list(columns.values()), schema=PROVENANCE_SCHEMA))
    if not parts:
        return PROVENANCE_SCHEMA.empty_table()
    return pa.concat_tables(parts)
