"""Turn what a caller hands to `publish` into the exact Arrow tables a snapshot stores.

Every check here runs before anything is written, so a bad input never leaves a folder behind:
canonical tables are cast to their model schema (formats.md §1), issues become `ISSUES_SCHEMA`.
Must not import Django or any layer above the warehouse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyarrow as pa

from clearsight.model import TABLES, Table
from clearsight.model.issues import SEVERITIES, Issue
from clearsight.warehouse.layout import WarehouseError

# What pyarrow raises for a value that does not cast safely to a type.
CAST_ERRORS = (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError)

# One row per data-quality issue; the columns are the fields of model.issues.Issue, in order.
ISSUES_SCHEMA = pa.schema(
    [
        pa.field("problem", pa.string(), nullable=False),
        pa.field("severity", pa.string(), nullable=False),
        pa.field("table", pa.string()),
        pa.field("key", pa.string()),
        pa.field("column", pa.string()),
        pa.field("value", pa.string()),
        pa.field("file", pa.string()),
        pa.field("sheet", pa.string()),
        pa.field("row", pa.int64()),
    ]
)


def _cast_column(table: Table, name: str, values: pa.ChunkedArray, target: pa.DataType) -> pa.ChunkedArray:
    if values.type == target:
        return values
    try:
        return values.cast(target)
    except CAST_ERRORS as error:
        raise WarehouseError(
            f"Column {table.name}.{name} holds {values.type} values that cannot be stored as {target}: "
            f"{error}"
        ) from error


def conform_table(table: Table, data: pa.Table) -> pa.Table:
    """`data` with exactly the model's columns, in order and of the model's types.

    Columns may come in any order; a missing or unknown column, or a value that does not cast
    safely, raises WarehouseError naming the table and column.
    """
    expected = table.column_names
    missing = [name for name in expected if name not in data.column_names]
    unknown = [name for name in data.column_names if name not in expected]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("it lacks " + ", ".join(missing))
        if unknown:
            parts.append("the model has no " + ", ".join(unknown))
        raise WarehouseError(f"Table {table.name} does not match the model: {'; '.join(parts)}.")
    if len(set(data.column_names)) != len(data.column_names):
        raise WarehouseError(f"Table {table.name} has a column more than once.")
    schema = table.arrow_schema
    columns = [_cast_column(table, f.name, data[f.name], f.type) for f in schema]
    return pa.Table.from_arrays(columns, schema=schema)


def conform_tables(tables: Mapping[str, pa.Table]) -> dict[str, pa.Table]:
    """Every model table, cast to its schema; a table not given is empty."""
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise WarehouseError(f"The model has no table named {', '.join(unknown)}.")
    out = {}
    for name, table in TABLES.items():
        data = tables.get(name)
        if data is None:
            out[name] = table.empty()
        elif not isinstance(data, pa.Table):
            raise WarehouseError(f"Table {name} must be a pyarrow.Table, not {type(data).__name__}.")
        else:
            out[name] = conform_table(table, data)
    return out


def issues_table(issues: Iterable[Issue]) -> pa.Table:
    """The issues as an `ISSUES_SCHEMA` table, in the order given."""
    issues = list(issues)
    for issue in issues:
        if not isinstance(issue, Issue):
            raise WarehouseError(f"Issues must be model.issues.Issue objects, not {type(issue).__name__}.")
    columns = [pa.array([getattr(i, f.name) for i in issues], f.type) for f in ISSUES_SCHEMA]
    return pa.Table.from_arrays(columns, schema=ISSUES_SCHEMA)


def issue_counts(issues: pa.Table) -> dict[str, int]:
    """The number of issues of each severity (every severity present, zero when none)."""
    counts = dict.fromkeys(SEVERITIES, 0)
    for row in issues["severity"].value_counts().to_pylist():
        counts[row["values"]] = row["counts"]
    return counts
