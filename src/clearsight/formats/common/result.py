"""What every reader returns: canonical tables from one format, where each row came from, and issues."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pyarrow as pa

from clearsight.model.issues import Issue
from clearsight.model.provenance import ORIGIN_SCHEMA, PROVENANCE_SCHEMA, provenance_rows
from clearsight.sources import SourceFile


@dataclass
class FormatResult:
    """One format's reading of its files, before sources are merged (formats.md §2.1).

    `origins[table]` is an ORIGIN_SCHEMA table aligned with `tables[table]`: the file, sheet or
    XML path, and row of every row. `raw[table]`, where given, holds the cells as found (same
    rows, canonical column names), so provenance keeps what a mapping reduced. `as_at`,
    `collection_year` and `la_code` are what the source itself says, if anything.
    """

    source_format: str
    tables: dict[str, pa.Table] = field(default_factory=dict)
    origins: dict[str, pa.Table] = field(default_factory=dict)
    raw: dict[str, pa.Table] = field(default_factory=dict)
    files: dict[str, SourceFile] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    as_at: dt.date | None = None
    collection_year: int | None = None
    la_code: str | None = None

    def add(self, name: str, table: pa.Table, origin: pa.Table, raw: pa.Table | None = None) -> None:
        """Append rows to a table, with their origins (and raw cells), keeping them aligned."""
        origin = origin.cast(ORIGIN_SCHEMA)
        if origin.num_rows != table.num_rows:
            raise ValueError(f"{name}: {table.num_rows} rows but {origin.num_rows} origins")
        if name in self.tables:
            table = pa.concat_tables([self.tables[name], table])
            origin = pa.concat_tables([self.origins[name], origin])
            if raw is not None or name in self.raw:
                raise ValueError(f"{name}: raw cells can be given only when a table is added once")
        self.tables[name] = table
        self.origins[name] = origin
        if raw is not None:
            self.raw[name] = raw

    def provenance(self, la_code: str, as_at: dt.date | None) -> pa.Table:
        """Provenance (formats.md §2.7) of every row this reader built, for the council and as-at date."""
        parts = [
            provenance_rows(
                name,
                table,
                self.origins[name],
                source_format=self.source_format,
                files=self.files,
                la_code=la_code,
                collection_year=self.collection_year,
                as_at=self.as_at or as_at,
                raw=self.raw.get(name),
            )
            for name, table in self.tables.items()
        ]
        return pa.concat_tables(parts) if parts else PROVENANCE_SCHEMA.empty_table()


def origin_table(file_name: str, location: str | None, rows: pa.Array) -> pa.Table:
    """Origins for rows that all come from one file and one sheet or XML path."""
    n = len(rows)
    return pa.table(
        {
            "source_file": pa.repeat(pa.scalar(file_name, pa.string()), n),
            "source_location": pa.repeat(pa.scalar(location, pa.string()), n),
            "source_row": rows,
        },
        schema=ORIGIN_SCHEMA,
    )
