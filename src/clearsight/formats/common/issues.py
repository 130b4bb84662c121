"""Issues for cells a reader could not use: one per cell, naming file, sheet, row and column."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from clearsight.model.issues import Issue


def cell_issues(
    failed: pa.Array,
    *,
    problem: str,
    severity: str,
    table: str,
    column: str,
    file: str,
    rows: pa.Array,
    keys: pa.Array | None = None,
    values: pa.Array | pa.ChunkedArray | None = None,
    sheet: str | None = None,
) -> list[Issue]:
    """An Issue for each row where `failed` is true; `values` are the raw cells, `keys` the row ids."""
    if not pc.any(failed).as_py():
        return []
    where = pc.indices_nonzero(failed)
    picked_rows = pc.take(rows, where).to_pylist()
    picked_keys = pc.take(keys, where).to_pylist() if keys is not None else [None] * len(picked_rows)
    picked_values = pc.take(values, where).to_pylist() if values is not None else [None] * len(picked_rows)
    return [
        Issue(
            problem,
            severity,
            table=table,
            key=key,
            column=column,
            value=None if value is None else str(value),
            file=file,
            sheet=sheet,
            row=row,
        )
        for row, key, value in zip(picked_rows, picked_keys, picked_values, strict=True)
    ]
