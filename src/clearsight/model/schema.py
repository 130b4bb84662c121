"""The building blocks of the canonical model: columns, tables and their Arrow types.

Must not import anything from the rest of clearsight except the standard library and pyarrow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pyarrow as pa

# The SSD's own type names (../reference/ssd/*.yml), kept verbatim.
NVARCHAR = "nvarchar"
NCHAR = "nchar"
DATETIME = "datetime"  # stored as a date with no time part (formats.md §1, "Stored form")
INT = "int"
FLOAT = "float"

ARROW_TYPES: dict[str, pa.DataType] = {
    NVARCHAR: pa.string(),
    NCHAR: pa.string(),
    DATETIME: pa.date32(),
    INT: pa.int64(),
    FLOAT: pa.float64(),
}

DUCKDB_TYPES: dict[str, str] = {
    NVARCHAR: "VARCHAR",
    NCHAR: "VARCHAR",
    DATETIME: "DATE",
    INT: "BIGINT",
    FLOAT: "DOUBLE",
}


@dataclass(frozen=True)
class Column:
    """One column of a canonical table.

    `references` is "table.column" for a foreign key; `codes` names a code set in `model/codes/`.
    """

    name: str
    type: str
    references: str | None = None
    codes: str | None = None

    @property
    def arrow_type(self) -> pa.DataType:
        return ARROW_TYPES[self.type]

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.type]


@dataclass(frozen=True)
class Table:
    """One canonical table: its columns in declared order, primary key and person column.

    `max_age` is (date column, the oldest plausible age in completed years at that date): 17 for
    children's tables, since no CIN, CP or CLA event falls on or after the 18th birthday
    (indicators.md D9); 25 for care leavers. An older person's row is implausible for the table.
    """

    name: str
    primary_key: str
    columns: tuple[Column, ...]
    person: str | None = None
    max_age: tuple[str, int] | None = None
    end_dates: tuple[tuple[str, str], ...] = field(default=())

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.arrow_type) for c in self.columns])

    def empty(self) -> pa.Table:
        return self.arrow_schema.empty_table()

    def from_rows(self, rows: Iterable[Mapping[str, object]]) -> pa.Table:
        """A table of this schema from rows given as mappings; a column a row leaves out is null.

        Raises KeyError for a key that is not a column, so that a misspelt name never passes silently.
        """
        rows = list(rows)
        unknown = sorted({key for row in rows for key in row} - set(self.column_names))
        if unknown:
            raise KeyError(f"{self.name} has no column {', '.join(unknown)}")
        return pa.table(
            {c.name: [r.get(c.name) for r in rows] for c in self.columns}, schema=self.arrow_schema
        )
