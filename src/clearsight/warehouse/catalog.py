"""Finding published snapshots: councils under a root, their complete snapshots, the latest one.

Only final folders with a manifest that reads back and matches the folder are snapshots; a
publish in progress (or debris from a killed one) lives in a `.tmp-` folder and is never listed.
Must not import Django or any layer above the warehouse.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from clearsight.warehouse.layout import (
    SNAPSHOTS,
    WarehouseError,
    check_la_code,
    is_la_code,
    is_snapshot_id,
    table_file,
)
from clearsight.warehouse.manifest import read_manifest

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """One complete, immutable snapshot of a council's canonical tables."""

    id: str
    la_code: str
    as_at: date
    path: Path
    manifest: dict[str, Any] = field(compare=False, repr=False)

    @property
    def created(self) -> str:
        """When it was published: UTC, ISO 8601."""
        return self.manifest["created"]

    def file(self, name: str) -> Path:
        """The Parquet file of a model table, `issues` or `provenance`."""
        return self.path / table_file(name)


def load_snapshot(folder: Path, la_code: str) -> Snapshot:
    """The snapshot in `folder`; WarehouseError if the folder is not a complete snapshot of `la_code`."""
    manifest = read_manifest(folder)
    if manifest["snapshot_id"] != folder.name or manifest["la_code"] != la_code:
        raise WarehouseError(f"The manifest in {folder} belongs to another snapshot or council.")
    try:
        as_at = date.fromisoformat(manifest["as_at"])
    except (TypeError, ValueError) as error:
        raise WarehouseError(f"The manifest in {folder} has no valid as-at date.") from error
    return Snapshot(folder.name, la_code, as_at, folder, manifest)


def _root(root: str | os.PathLike[str]) -> Path:
    root = Path(root)
    if not root.exists():
        raise WarehouseError(f"The data folder {root} does not exist.")
    if not root.is_dir():
        raise WarehouseError(f"The data folder {root} is not a folder.")
    return root


def _council_snapshots(root: Path, la_code: str) -> list[Snapshot]:
    """A council's complete snapshots, oldest first; folders that are not one are logged and skipped."""
    folder = root / la_code / SNAPSHOTS
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        if not (is_snapshot_id(entry.name) and entry.is_dir()):
            continue
        try:
            found.append(load_snapshot(entry, la_code))
        except WarehouseError as error:
            log.warning("Skipping %s: %s", entry, error)
    return sorted(found, key=_sort_key)


def _sort_key(snapshot: Snapshot) -> tuple[date, str, str]:
    return (snapshot.as_at, snapshot.created, snapshot.la_code)


def _all_councils(root: Path) -> dict[str, list[Snapshot]]:
    """Every council with at least one complete snapshot → its snapshots, by council code."""
    found = {}
    for entry in sorted(root.iterdir()):
        # Hidden folders and names that are not council codes belong to something else.
        if is_la_code(entry.name) and entry.is_dir():
            snapshots = _council_snapshots(root, entry.name)
            if snapshots:
                found[entry.name] = snapshots
    return found


def _pick(root: Path, la_code: str | None) -> tuple[str, list[Snapshot]]:
    """The council to read (`la_code`, or the only one under `root`) and its snapshots."""
    if la_code is not None:
        check_la_code(la_code)
        snapshots = _council_snapshots(root, la_code)
        if not snapshots:
            found = ", ".join(_all_councils(root)) or "none"
            raise WarehouseError(
                f"There are no snapshots for council {la_code} in {root}; councils found: {found}."
            )
        return la_code, snapshots
    councils = _all_councils(root)
    if not councils:
        raise WarehouseError(f"The data folder {root} holds no published snapshots.")
    if len(councils) > 1:
        raise WarehouseError(
            f"The data folder {root} holds several councils ({', '.join(councils)}); name the one to use."
        )
    return next(iter(councils.items()))


def list_councils(root: str | os.PathLike[str]) -> list[str]:
    """The codes of the councils under `root` that have at least one complete snapshot, sorted."""
    return list(_all_councils(_root(root)))


def resolve_council(root: str | os.PathLike[str], la_code: str | None = None) -> str:
    """The council to read: `la_code`, or the only council under `root` when it is None.

    Raises WarehouseError naming the councils found when `la_code` has no snapshots, or when it is
    None and the root holds none or several.
    """
    return _pick(_root(root), la_code)[0]


def list_snapshots(root: str | os.PathLike[str], la_code: str | None = None) -> list[Snapshot]:
    """Complete snapshots, oldest first (by as-at date, then creation time).

    With `la_code`, that council's (a council with none is an error); without it, every council's.
    """
    root = _root(root)
    if la_code is not None:
        return _pick(root, la_code)[1]
    return sorted((s for found in _all_councils(root).values() for s in found), key=_sort_key)


def latest_snapshot(root: str | os.PathLike[str], la_code: str | None = None) -> Snapshot:
    """The council's snapshot with the latest as-at date (the newest of those, if several).

    `la_code` may be None when `root` holds one council; otherwise WarehouseError names them.
    """
    return _pick(_root(root), la_code)[1][-1]


def get_snapshot(root: str | os.PathLike[str], la_code: str | None, snapshot_id: str) -> Snapshot:
    """One snapshot by id; WarehouseError if the council or snapshot is not there."""
    root = _root(root)
    council = resolve_council(root, la_code)
    folder = root / council / SNAPSHOTS / snapshot_id
    if not is_snapshot_id(snapshot_id) or not folder.is_dir():
        raise WarehouseError(f"Council {council} has no snapshot {snapshot_id!r} in {root}.")
    return load_snapshot(folder, council)
