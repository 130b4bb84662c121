"""The canonical model: the SSD tables plus the `ext_` tables, declared once (formats.md §1).

Must not import Django or any layer above it (warehouse, indicators, web).
"""

from clearsight.model.ext_tables import EXT_TABLES
from clearsight.model.schema import Column, Table
from clearsight.model.ssd_tables import SSD_TABLES

# Bumped whenever a table, column, type, key or code set changes; written into every manifest.
SCHEMA_VERSION = "1"

TABLES: dict[str, Table] = {t.name: t for t in (*SSD_TABLES, *EXT_TABLES)}

__all__ = ["SCHEMA_VERSION", "TABLES", "Column", "Table"]
