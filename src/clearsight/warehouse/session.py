"""Opening a snapshot in DuckDB: one view per model table, plus `issues` and `provenance`.

The views read the snapshot's Parquet files in place; nothing is copied and nothing can be written
back. Must not import Django or any layer above the warehouse.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from clearsight.model import TABLES
from clearsight.warehouse.catalog import Snapshot
from clearsight.warehouse.layout import ISSUES, PROVENANCE, WarehouseError

VIEWS = (*TABLES, ISSUES, PROVENANCE)


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def open_snapshot(snapshot: Snapshot) -> duckdb.DuckDBPyConnection:
    """A new in-memory DuckDB connection with a view over each of the snapshot's tables."""
    missing = [name for name in VIEWS if not snapshot.file(name).is_file()]
    if missing:
        raise WarehouseError(
            f"Snapshot {snapshot.id} of council {snapshot.la_code} lacks {', '.join(missing)}; it is damaged."
        )
    connection = duckdb.connect()
    for name in VIEWS:
        path = _sql_string(str(snapshot.file(name)))
        connection.execute(f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet({path})')
    return connection


def read_parquet(path: Path, columns: Sequence[str] | None = None) -> pa.Table:
    """One stored Parquet file, whole or the columns named (a single file read directly is about twice as
    fast for a small table as `pq.read_table`, which goes through the dataset machinery)."""
    with pq.ParquetFile(path) as file:
        return file.read(columns=columns)


READERS = 2  # files read side by side (Arrow reads without holding the GIL)


def _read_table(snapshot: Snapshot, name: str, columns: Sequence[str] | None) -> pa.Table:
    schema = TABLES[name].arrow_schema
    if columns is not None:
        schema = pa.schema([schema.field(column) for column in columns])
    return read_parquet(snapshot.file(name), columns).cast(schema)


def read_tables(
    snapshot: Snapshot, columns: Mapping[str, Sequence[str]] | None = None
) -> dict[str, pa.Table]:
    """Every canonical table of a snapshot, in memory, with its model schema (for the writers); only the
    columns named for a table in `columns`, when given (e.g. those the indicator catalogue reads)."""
    missing = [name for name in TABLES if not snapshot.file(name).is_file()]
    if missing:
        raise WarehouseError(
            f"Snapshot {snapshot.id} of council {snapshot.la_code} lacks {', '.join(missing)}; it is damaged."
        )
    with ThreadPoolExecutor(READERS) as pool:
        read = pool.map(
            lambda name: _read_table(snapshot, name, None if columns is None else columns[name]), TABLES
        )
        return dict(zip(TABLES, read, strict=True))
