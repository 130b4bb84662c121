"""Write a snapshot's canonical tables as the SSDA903 csv files of one collection year (formats.md §7).

The year is the one (1 April to 31 March) that holds the snapshot's as-at date; its spec gives the
tables, their column order and how each stored code is written (`M` as `1` up to 2023/24, empty
activity as `0`, ...). A stored code the year does not allow is written as it stands, so nothing is
lost and the DfE's validation reports it. Dates are dd/mm/yyyy. `selection.py` says which rows each
table holds. Each file is named `SSDA903_<yyyy-yy>_<Table>.csv`, which the reader's year detection
understands, and is written to a temporary file first and then renamed into place.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from clearsight.formats.common.output import atomic_output
from clearsight.formats.ssda903.selection import select_return
from clearsight.formats.ssda903.spec import ColumnSpec, collection_year_of, spec_for, year_bounds


def file_name(collection_year: int, table: str) -> str:
    """`SSDA903_2025-26_Episodes.csv` for the 2025/26 Episodes table."""
    return f"SSDA903_{collection_year - 1}-{collection_year % 100:02d}_{table}.csv"


def _encode(values: pa.Array, column: ColumnSpec) -> pa.Array:
    """One column as the text the return holds (empty for NULL)."""
    if column.type == "date":
        text = pc.strftime(pc.cast(values, pa.timestamp("s")), format="%d/%m/%Y")
    elif column.type in ("code", "accommodation"):
        stored = pc.cast(values, pa.string())
        empty = next((code for code, kept in column.codes.items() if kept is None), None)
        found = sorted(set(pc.unique(stored).drop_null().to_pylist()))
        written = pa.array([column.code_for(code) for code in found], pa.string())
        text = pc.take(written, pc.index_in(stored, pa.array(found, pa.string())))
        if empty is not None:
            text = text.fill_null(empty)
    else:
        text = pc.cast(values, pa.string())
    return text.fill_null("")


def _accommodation(data: pa.Table) -> pa.Array:
    """OC3 ACCOM: the stored letter with its suitability digit (`S` and `2` → `S2`)."""
    letter = pc.cast(data["ACCOM"], pa.string())
    return pc.binary_join_element_wise(letter, data["ACCOM_SUITABLE"].fill_null(""), "")


def _write_atomically(table: pa.Table, path: Path) -> None:
    with atomic_output(path) as temp:
        pacsv.write_csv(table, temp, write_options=pacsv.WriteOptions(quoting_style="needed"))


def write(tables: Mapping[str, pa.Table], as_at: dt.date, out_dir: Path) -> list[Path]:
    """Write the 903 csv files of the collection year holding `as_at`; returns their paths.

    `tables` are canonical tables by name (any may be missing). Raises SpecError for a year before
    the first the spec covers.
    """
    collection_year = collection_year_of(as_at)
    spec = spec_for(collection_year)
    start, end = year_bounds(collection_year)
    selected = select_return(tables, {n: t.column_names for n, t in spec.tables.items()}, start, end)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in spec.tables.items():
        data = selected[name]
        if name == "OC3":
            data = data.set_column(data.schema.get_field_index("ACCOM"), "ACCOM", _accommodation(data))
        columns = {}
        for column_name, column in table.columns.items():
            values = data[column_name].combine_chunks() if column_name in data.column_names else None
            columns[column_name] = _encode(pa.nulls(data.num_rows) if values is None else values, column)
        path = out_dir / file_name(collection_year, name)
        _write_atomically(pa.table(columns), path)
        written.append(path)
    return written
