"""Publishing a snapshot: write every table to a temporary folder, then rename it into place.

A crash at any point leaves either the previous snapshots alone or a new complete one, never half
a snapshot (architecture.md, "warehouse"). Files are fsynced, the manifest is written last, and
the folder is renamed with os.rename, atomic within one filesystem. One publish per council runs
at a time (an exclusive lock on `.publish.lock`), so every `.tmp-` folder found while holding the
lock is debris from a killed publish and is removed. Must not import Django or any layer above
the warehouse.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import re
import secrets
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from clearsight import __version__
from clearsight.model import SCHEMA_VERSION, TABLES
from clearsight.model.issues import Issue
from clearsight.sources import SourceFile, sha256_file
from clearsight.warehouse.catalog import Snapshot, load_snapshot
from clearsight.warehouse.conform import conform_tables, issue_counts, issues_table
from clearsight.warehouse.layout import (
    ISSUES,
    LOCK_FILE,
    MANIFEST,
    PROVENANCE,
    SNAPSHOTS,
    TEMP_PREFIX,
    WarehouseError,
    check_as_at,
    check_la_code,
    council_dir,
    snapshot_id,
    table_file,
)
from clearsight.warehouse.manifest import build_manifest, describe_source, manifest_bytes
from clearsight.warehouse.provenance import conform_provenance

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]

# Stages reported to `progress(stage, done, total)`, in order.
STAGE_SOURCES = "hashing sources"  # after each source file is hashed (done = files hashed)
STAGE_TABLES = "writing tables"  # done = 0 before the first file, then after each Parquet file
STAGE_MANIFEST = "manifest written"  # (1, 1): every file is written and synced; not yet renamed
STAGE_PUBLISHED = "published"  # (1, 1): renamed into place

WRITER_THREADS = min(4, os.cpu_count() or 1)
_RESULT_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")

# Parquet settings are fixed so that the same table always gives the same bytes. Row groups of
# DuckDB's own size let it scan a large table on every core.
PARQUET_OPTIONS = {
    "compression": "zstd",
    "compression_level": 3,
    "row_group_size": 122_880,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
}


def _fsync_path(path: Path) -> None:
    """Flush a file's or folder's contents and entry to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_parquet(table: pa.Table, path: Path) -> dict[str, int | str]:
    """Write `table` to `path` (deterministically), sync it and return its size and SHA-256.

    The chunks are combined first so that the same rows give the same bytes however they arrived.
    """
    pq.write_table(table.combine_chunks(), path, **PARQUET_OPTIONS)
    _fsync_path(path)
    return {"rows": table.num_rows, "bytes": path.stat().st_size, "sha256": sha256_file(path)}


def _write_bytes(data: bytes, path: Path) -> None:
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


@contextmanager
def _council_lock(council: Path) -> Iterator[None]:
    """Hold the council's publish lock; it is released when the holder exits or is killed."""
    with open(council / LOCK_FILE, "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _remove_temp(folder: Path) -> None:
    """Remove a temporary folder; a failure is logged and the next publish tries again."""
    try:
        shutil.rmtree(folder)
    except OSError as error:
        log.warning("Could not remove the unfinished snapshot folder %s: %s", folder, error)


def _remove_debris(council: Path) -> None:
    """Remove `.tmp-` folders left by killed publishes (the caller holds the council's lock)."""
    for entry in council.iterdir():
        if entry.name.startswith(TEMP_PREFIX) and entry.is_dir():
            log.info("Removing %s, left by a publish that did not finish", entry)
            _remove_temp(entry)


def _new_id(snapshots: Path, as_at: date) -> tuple[str, datetime]:
    """A fresh snapshot id; the clock is moved on a microsecond until no folder has that name."""
    created = datetime.now(UTC)
    while (snapshots / snapshot_id(as_at, created)).exists():
        created += timedelta(microseconds=1)
    return snapshot_id(as_at, created), created


def publish(
    root: str | os.PathLike[str],
    la_code: str,
    as_at: date,
    tables: Mapping[str, pa.Table],
    *,
    issues: Iterable[Issue] = (),
    sources: Iterable[SourceFile | str | os.PathLike[str]] = (),
    provenance: pa.Table | None = None,
    attachments: Mapping[str, bytes] | None = None,
    results: Mapping[str, pa.Table] | None = None,
    progress: Progress | None = None,
) -> Snapshot:
    """Publish a new snapshot of a council's canonical tables and return it.

    Args:
        root: the data folder that holds every council; created if missing.
        tables: model table name → table. A model table not given is published empty; each given
            table is cast to its model schema.
        issues: the data-quality issues, published as `issues.parquet`.
        sources: the source files, as paths or as fingerprints the reader already took; the
            manifest records the name, size and SHA-256 of each.
        provenance: a PROVENANCE_SCHEMA table (formats.md §2.7), published as `provenance.parquet`.
        attachments: further files by name (the data-quality report), published beside the tables.
        results: tables computed from the canonical ones (the indicator results), by name, published
            as Parquet beside them; a name must not be that of a model table, `issues` or `provenance`.
        progress: called as `progress(stage, done, total)` with the STAGE_* names.

    Raises WarehouseError, before anything is written, for a table not in the model, a table or
    provenance that cannot be cast, or a source that cannot be read. If writing fails, nothing is
    left behind and the previous snapshot stays the latest.
    """
    check_la_code(la_code)
    check_as_at(as_at)
    report = progress or (lambda stage, done, total: None)
    outputs = conform_tables(tables)
    outputs[ISSUES] = issues_table(issues)
    outputs[PROVENANCE] = conform_provenance(provenance)
    for name, table in (results or {}).items():
        if name in outputs or not _RESULT_NAME.fullmatch(name):
            raise WarehouseError(f"A computed result cannot be called {name!r}.")
        outputs[name] = table
    attachments = dict(attachments or {})
    for name in attachments:
        if Path(name).name != name or name == MANIFEST or name.endswith(".parquet") or name.startswith("."):
            raise WarehouseError(f"An attachment cannot be called {name!r}.")
    source_paths = list(sources)
    described = []
    for path in source_paths:
        described.append(describe_source(path))
        report(STAGE_SOURCES, len(described), len(source_paths))

    root = Path(root)
    council = council_dir(root, la_code)
    snapshots = council / SNAPSHOTS
    try:
        snapshots.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WarehouseError(f"Cannot create the council folder {council}: {error.strerror}.") from error
    with _council_lock(council):
        _remove_debris(council)
        new_id, created = _new_id(snapshots, as_at)
        temp = council / f"{TEMP_PREFIX}{new_id}-{secrets.token_hex(4)}"
        temp.mkdir()
        try:
            report(STAGE_TABLES, 0, len(outputs))
            # Arrow encodes and compresses without holding the GIL, so the files are written on a few
            # threads; the manifest lists them in the model's order all the same.
            with ThreadPoolExecutor(WRITER_THREADS) as pool:
                writes = {
                    name: pool.submit(_write_parquet, table, temp / table_file(name))
                    for name, table in outputs.items()
                }
                for done, write in enumerate(as_completed(writes.values()), 1):
                    write.result()
                    report(STAGE_TABLES, done, len(outputs))
            files = {table_file(name): write.result() for name, write in writes.items()}
            for name, content in attachments.items():
                _write_bytes(content, temp / name)
                files[name] = {"bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}
            manifest = build_manifest(
                snapshot_id=new_id,
                la_code=la_code,
                as_at=as_at,
                created=created,
                schema_version=SCHEMA_VERSION,
                clearsight_version=__version__,
                sources=described,
                row_counts={name: outputs[name].num_rows for name in TABLES},
                issue_counts=issue_counts(outputs[ISSUES]),
                provenance_rows=outputs[PROVENANCE].num_rows,
                files=files,
            )
            _write_bytes(manifest_bytes(manifest), temp / MANIFEST)
            _fsync_path(temp)
            report(STAGE_MANIFEST, 1, 1)
            # The target never exists (the lock, and _new_id), and rename cannot replace a
            # non-empty folder, so a published snapshot is never overwritten.
            os.rename(temp, snapshots / new_id)
        except BaseException:
            _remove_temp(temp)
            raise
        for folder in (snapshots, council, root):  # the rename, and any folder made above
            _fsync_path(folder)
        report(STAGE_PUBLISHED, 1, 1)
    return load_snapshot(snapshots / new_id, la_code)
