"""Where a snapshot lives on disk and how its folder is named (architecture.md, "warehouse").

    <root>/<la_code>/snapshots/<snapshot_id>/<table>.parquet, issues.parquet, provenance.parquet,
                                             manifest.json
    <root>/<la_code>/.tmp-<snapshot_id>-<random>/   a publish in progress (or debris from a killed one)
    <root>/<la_code>/.publish.lock                  held while a publish of that council runs

A snapshot id is `<as_at>_<created>`, e.g. `2025-03-31_20250601T093012123456Z`, so ids sort by
as-at date, then by creation time. Must not import Django or any layer above the warehouse.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

SNAPSHOTS = "snapshots"
TEMP_PREFIX = ".tmp-"
LOCK_FILE = ".publish.lock"
MANIFEST = "manifest.json"
ISSUES = "issues"
PROVENANCE = "provenance"
PARQUET_SUFFIX = ".parquet"

CREATED_FORMAT = "%Y%m%dT%H%M%S%fZ"
# Council codes are path components: letters, digits, '-' and '_' only (e.g. 926 or E10000020).
_LA_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
_SNAPSHOT_ID = re.compile(r"(?P<as_at>\d{4}-\d{2}-\d{2})_(?P<created>\d{8}T\d{12}Z)")


class WarehouseError(Exception):
    """A snapshot cannot be published, found or opened. The message is a sentence for the user."""


def is_la_code(name: str) -> bool:
    return isinstance(name, str) and _LA_CODE.fullmatch(name) is not None


def check_la_code(la_code: str) -> str:
    """Return `la_code` if it is a usable council code, else raise WarehouseError."""
    if not is_la_code(la_code):
        raise WarehouseError(
            f"{la_code!r} is not a council code: use up to 32 letters, digits, '-' or '_' (e.g. 926)."
        )
    return la_code


def check_as_at(as_at: date) -> date:
    """Return `as_at` if it is a date (not a datetime), else raise WarehouseError."""
    if not isinstance(as_at, date) or isinstance(as_at, datetime):
        raise WarehouseError(f"The as-at date must be a date, not {as_at!r}.")
    return as_at


def snapshot_id(as_at: date, created: datetime) -> str:
    """The id of a snapshot of `as_at` created at `created` (UTC)."""
    return f"{as_at.isoformat()}_{created.strftime(CREATED_FORMAT)}"


def is_snapshot_id(name: str) -> bool:
    return _SNAPSHOT_ID.fullmatch(name) is not None


def council_dir(root: Path, la_code: str) -> Path:
    return Path(root) / check_la_code(la_code)


def snapshots_dir(root: Path, la_code: str) -> Path:
    return council_dir(root, la_code) / SNAPSHOTS


def table_file(name: str) -> str:
    """The file name of a published table (model table, `issues` or `provenance`)."""
    return name + PARQUET_SUFFIX
