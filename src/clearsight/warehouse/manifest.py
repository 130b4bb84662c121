"""A snapshot's `manifest.json`: what it holds, where it came from, and how to tell it is whole.

The manifest is the last file written into a snapshot, so a folder whose manifest reads back and
agrees with the folder's name is a complete snapshot. Must not import Django or any layer above
the warehouse.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

from clearsight.sources import SourceFile
from clearsight.sources import describe_source as fingerprint
from clearsight.warehouse.layout import MANIFEST, WarehouseError

MANIFEST_VERSION = 1
REQUIRED_KEYS = (
    "manifest_version",
    "snapshot_id",
    "la_code",
    "as_at",
    "created",
    "schema_version",
    "clearsight_version",
    "sources",
    "row_counts",
    "issue_counts",
    "files",
)


def describe_source(source: SourceFile | str | os.PathLike[str]) -> SourceFile:
    """A source's fingerprint: as given, or taken now; WarehouseError if the file cannot be read."""
    if isinstance(source, SourceFile):
        return source
    path = Path(source)
    if not path.is_file():
        raise WarehouseError(f"The source file {path} does not exist or is not a file.")
    try:
        return fingerprint(path)
    except OSError as error:
        raise WarehouseError(f"The source file {path} cannot be read: {error.strerror}.") from error


def build_manifest(
    *,
    snapshot_id: str,
    la_code: str,
    as_at: date,
    created: datetime,
    schema_version: str,
    clearsight_version: str,
    sources: list[SourceFile],
    row_counts: dict[str, int],
    issue_counts: dict[str, int],
    provenance_rows: int,
    files: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """The manifest as a JSON-ready dict. `files` maps each Parquet file to its bytes and sha256."""
    return {
        "manifest_version": MANIFEST_VERSION,
        "snapshot_id": snapshot_id,
        "la_code": la_code,
        "as_at": as_at.isoformat(),
        "created": created.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "schema_version": schema_version,
        "clearsight_version": clearsight_version,
        "sources": [asdict(s) for s in sources],
        "row_counts": row_counts,
        "issue_counts": issue_counts,
        "provenance_rows": provenance_rows,
        "files": files,
    }


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest in `folder`. Raises WarehouseError if it is missing, unreadable or incomplete."""
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise WarehouseError(f"{folder} has no {MANIFEST}, so it is not a complete snapshot.") from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WarehouseError(f"The manifest {path} cannot be read: {error}.") from error
    if not isinstance(manifest, dict):
        raise WarehouseError(f"The manifest {path} is not a JSON object.")
    missing = [key for key in REQUIRED_KEYS if key not in manifest]
    if missing:
        raise WarehouseError(f"The manifest {path} lacks {', '.join(missing)}.")
    return manifest
