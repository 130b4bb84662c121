"""Helpers for turning typed 903 tables into canonical rows: duplicates, ids, origins, raw cells.

Every mapping module builds its canonical tables the same way: drop rows that repeat a natural key
(with an issue naming the row kept), derive the SSD ids from the natural key (formats.md §2.3), and add
the rows to the result with where each came from and the raw cells a mapping reduced (§2.7).

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from clearsight.formats.common.result import FormatResult
from clearsight.formats.ssda903.cells import report
from clearsight.model import TABLES
from clearsight.model.issues import ERROR, Issue
from clearsight.model.provenance import ORIGIN_SCHEMA

_LOCAL = threading.local()


def connection() -> duckdb.DuckDBPyConnection:
    """This thread's in-memory DuckDB connection (opening one costs tens of milliseconds)."""
    if not hasattr(_LOCAL, "con"):
        # A council's 903 tables hold thousands of rows: starting threads costs more than they save
        # (about 14 ms a query on two cores, against 4 ms on one).
        _LOCAL.con = duckdb.connect(config={"threads": 1})
    return _LOCAL.con


def query(sql: str, **tables: pa.Table) -> pa.Table:
    """Run DuckDB SQL over the named Arrow tables (in memory, nothing written anywhere)."""
    con = connection()
    try:
        for name, table in tables.items():
            con.register(name, table)
        return con.sql(sql).to_arrow_table()
    finally:
        for name in tables:
            con.unregister(name)


def drop_repeats(data: pa.Table, key: tuple[str, ...], table: str, issues: list[Issue]) -> pa.Table:
    """The rows of `data` whose natural key is not a repeat of an earlier row's; an issue per repeat.

    `data` is in file order, as the typed tables are, so the first of a set of repeats is kept.
    """
    if data.num_rows == 0:
        return data
    numbered = data.append_column("_n", pa.array(range(data.num_rows), pa.int64()))
    columns = ", ".join(f'"{c}"' for c in key)
    firsts = query(
        f"select _n, first(_row order by _n) over (partition by {columns}) as _first, "
        f"row_number() over (partition by {columns} order by _n) as _k from d order by _n",
        d=numbered.select([*key, "_n", "_row"]),
    )
    # A key with an empty part (an unreadable date) repeats nothing: its cell already has an issue.
    complete = functools.reduce(pc.and_, [pc.is_valid(data[c]) for c in key])
    repeat = pc.and_(pc.greater(firsts["_k"], 1), complete).combine_chunks()
    if not pc.any(repeat).as_py():
        return data
    first_rows = firsts["_first"].combine_chunks()
    for row in pc.unique(pc.filter(first_rows, repeat)).to_pylist():
        here = pc.and_(repeat, pc.equal(first_rows, row))
        problem = f"repeats the {' and '.join(key)} of row {row}; row not loaded"
        issues += report(data, here, problem=problem, severity=ERROR, table=table, column=None)
    return data.filter(pc.invert(repeat))


def origins(data: pa.Table) -> pa.Table:
    """Where each row of a typed (or derived) table came from, in the provenance origin schema."""
    return pa.table(
        {"source_file": data["_file"], "source_location": data["_location"], "source_row": data["_row"]},
        schema=ORIGIN_SCHEMA,
    )


def canonical(name: str, columns: Mapping[str, pa.Array | pa.ChunkedArray], n: int | None = None) -> pa.Table:
    """A canonical table of `n` rows from the columns given; every other column of the table is NULL.

    Columns the table does not declare are ignored.
    """
    table = TABLES[name]
    n = len(next(iter(columns.values()))) if n is None else n
    arrays = [
        columns[c.name].cast(c.arrow_type) if c.name in columns else pa.nulls(n, c.arrow_type)
        for c in table.columns
    ]
    return pa.Table.from_arrays(arrays, schema=table.arrow_schema)


def raw_cells(data: pa.Table, mapping: Mapping[str, str], stored: pa.Table) -> pa.Table:
    """The raw 903 cells of mapped columns under their canonical names, for provenance (§2.7).

    `mapping` is canonical column → 903 column. Provenance keeps those that differ from the stored
    value: a code as written (`1` for `M`), a placeholder, a value that could not be read. A date that
    was read is given as stored, since only its spelling differs.
    """
    columns = {}
    for target, source in mapping.items():
        raw, kept = data[f"raw_{source}"], stored[target]
        if pa.types.is_date(kept.type):
            raw = pc.if_else(pc.is_valid(kept), pc.cast(kept, pa.string()), raw)
        columns[target] = raw
    return pa.table(columns)


def add(
    result: FormatResult,
    name: str,
    data: pa.Table,
    columns: Mapping[str, pa.Array | pa.ChunkedArray],
    mapping: Mapping[str, str] | None = None,
) -> pa.Table:
    """Add canonical rows built from `data` (one row each) to the result, with origins and raw cells."""
    stored = canonical(name, columns)
    raw = raw_cells(data, mapping, stored) if mapping else None
    result.add(name, stored, origins(data), raw)
    return stored
