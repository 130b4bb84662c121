"""The warehouse: immutable, atomically published snapshots of the canonical tables, opened in DuckDB.

Many councils sit side by side under one root (see `layout` for the folders). Dependencies point
one way: the warehouse imports the model, never formats, indicators or the web; it must not import
Django.
"""

from clearsight.model.provenance import PROVENANCE_SCHEMA, SOURCE_FORMATS
from clearsight.warehouse.catalog import (
    Snapshot,
    get_snapshot,
    latest_snapshot,
    list_councils,
    list_snapshots,
    resolve_council,
)
from clearsight.warehouse.conform import ISSUES_SCHEMA
from clearsight.warehouse.layout import WarehouseError
from clearsight.warehouse.manifest import SourceFile, describe_source
from clearsight.warehouse.publish import (
    STAGE_MANIFEST,
    STAGE_PUBLISHED,
    STAGE_SOURCES,
    STAGE_TABLES,
    publish,
)
from clearsight.warehouse.session import open_snapshot, read_parquet, read_tables

__all__ = [
    "ISSUES_SCHEMA",
    "PROVENANCE_SCHEMA",
    "SOURCE_FORMATS",
    "STAGE_MANIFEST",
    "STAGE_PUBLISHED",
    "STAGE_SOURCES",
    "STAGE_TABLES",
    "Snapshot",
    "SourceFile",
    "WarehouseError",
    "describe_source",
    "get_snapshot",
    "latest_snapshot",
    "list_councils",
    "list_snapshots",
    "open_snapshot",
    "publish",
    "read_parquet",
    "read_tables",
    "resolve_council",
]
