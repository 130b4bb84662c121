"""Provenance: where every canonical row came from, published beside the tables (formats.md §2.7).

One row per (table, primary key) and source; a row whose values were overridden by a source that
wins (formats.md §2.1) is kept with `superseded` true. Built with vectorised pyarrow compute, never a
Python loop per row. Must not import Django or any layer above the warehouse.
"""

from __future__ import annotations

import pyarrow as pa

from clearsight.model import TABLES
from clearsight.model.provenance import PROVENANCE_SCHEMA, SOURCE_FORMATS
from clearsight.warehouse.conform import CAST_ERRORS
from clearsight.warehouse.layout import WarehouseError


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
