"""Casting source columns to canonical types, cell by cell, recording every value that fails.

A value that cannot be read becomes NULL and the caller records an issue (formats.md §2.4, §6):
nothing is dropped silently. Everything is vectorised with pyarrow.compute.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from clearsight.model.schema import DATETIME, FLOAT, INT, NCHAR, NVARCHAR

# Text that means "no value" in every format (formats.md §2.4).
BLANKS = ["", "#N/A", "N/A", "NULL", "null", "NaN", "nan"]

_ISO_DATE = r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?P<t>[ T].*)?$"
_UK_DATE = r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$"


def _blank_to_null(text: pa.Array) -> pa.Array:
    trimmed = pc.utf8_trim_whitespace(text)
    return pc.if_else(pc.is_in(trimmed, value_set=pa.array(BLANKS)), pa.scalar(None, pa.string()), trimmed)


def _date_from_parts(text: pa.Array, pattern: str) -> pa.Array:
    """Dates from text matching `pattern` (named groups d, m, y); impossible dates (31/02) are NULL.

    Built from the parts and checked against them, because strptime rolls 31 Feb over to 2 Mar.
    """
    parts = pc.extract_regex(text, pattern)
    y, m, d = (pc.cast(pc.struct_field(parts, name), pa.int64()) for name in ("y", "m", "d"))
    iso = pc.binary_join_element_wise(
        pc.cast(y, pa.string()),
        pc.utf8_lpad(pc.cast(m, pa.string()), 2, "0"),
        pc.utf8_lpad(pc.cast(d, pa.string()), 2, "0"),
        "-",
    )
    parsed = pc.strptime(iso, format="%Y-%m-%d", unit="s", error_is_null=True)
    real = pc.and_(pc.equal(pc.day(parsed), d), pc.equal(pc.month(parsed), m))
    return pc.cast(pc.if_else(real, parsed, None), pa.date32())


def _parse_dates(text: pa.Array) -> pa.Array:
    """ISO `yyyy-mm-dd` (any time part dropped), else `dd/mm/yyyy`; never month-first (§2.4)."""
    return pc.coalesce(_date_from_parts(text, _ISO_DATE), _date_from_parts(text, _UK_DATE))


def _parse_numbers(text: pa.Array, target: pa.DataType) -> pa.Array:
    numeric = pc.match_substring_regex(text, r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
    as_float = pc.cast(pc.if_else(numeric, text, None), pa.float64())
    if pa.types.is_integer(target):
        whole = pc.equal(as_float, pc.floor(as_float))
        return pc.cast(pc.if_else(whole, as_float, None), target)
    return as_float


def _to_text(values: pa.Array) -> pa.Array:
    if pa.types.is_floating(values.type):
        # A numeric id mangled by a spreadsheet (12345.0): strip the .0 only for numeric cells (§2.2).
        whole = pc.equal(values, pc.floor(values))
        return pc.if_else(
            whole, pc.cast(pc.cast(values, pa.int64()), pa.string()), pc.cast(values, pa.string())
        )
    if pa.types.is_date(values.type) or pa.types.is_timestamp(values.type):
        return pc.cast(pc.cast(values, pa.date32()), pa.string())
    return pc.cast(values, pa.string())


def _no_failures(n: int) -> pa.Array:
    return pa.nulls(n, pa.bool_()).fill_null(False)


def cast_column(values: pa.Array | pa.ChunkedArray, ssd_type: str) -> tuple[pa.Array, pa.Array]:
    """Cast one source column to an SSD type.

    Returns (cast values, failed) where `failed` is a boolean mask of cells that held a value the
    type could not take; those cells are NULL in the result.
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if ssd_type in (NVARCHAR, NCHAR):
        text = _to_text(values)
        out = _blank_to_null(text) if pa.types.is_string(text.type) else text
        return out, _no_failures(len(out))
    if ssd_type == DATETIME and (pa.types.is_date(values.type) or pa.types.is_timestamp(values.type)):
        out = pc.cast(values, pa.date32())
        return out, _no_failures(len(out))
    if ssd_type in (INT, FLOAT) and (pa.types.is_integer(values.type) or pa.types.is_floating(values.type)):
        target = pa.int64() if ssd_type == INT else pa.float64()
        if ssd_type == INT and pa.types.is_floating(values.type):
            whole = pc.equal(values, pc.floor(values))
            out = pc.cast(pc.if_else(whole, values, None), target)
        else:
            out = pc.cast(values, target)
        return out, pc.and_(pc.is_valid(values), pc.is_null(out))
    text = _blank_to_null(_to_text(values))
    if ssd_type == DATETIME:
        out = _parse_dates(text)
    else:
        out = _parse_numbers(text, pa.int64() if ssd_type == INT else pa.float64())
    return out, pc.and_(pc.is_valid(text), pc.is_null(out))
