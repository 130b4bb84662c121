"""Read → validate → publish: the one path every input takes into a snapshot.

The CLI and (later) the web app's data page call these functions; neither holds this logic.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from clearsight import synth
from clearsight.formats.ssd import read as ssd_read
from clearsight.model.issues import Issue
from clearsight.model.validate import validate
from clearsight.warehouse import Snapshot, publish

Progress = Callable[[str, int, int], None]


@dataclass
class Outcome:
    """What a validate or load run found, and the snapshot it published (None for validate)."""

    la_code: str | None
    as_at: dt.date
    row_counts: dict[str, int]
    issues: list[Issue] = field(default_factory=list)
    snapshot: Snapshot | None = None


def _quiet(stage: str, done: int, total: int) -> None:
    """The progress callback used when nobody is watching."""


def check_ssd(paths: Iterable[Path], as_at: dt.date, *, limit_mb: float, progress: Progress = _quiet):
    """Read an SSD extract and validate it: (the read result, reader issues + validator issues)."""
    progress("reading", 0, 2)
    result = ssd_read.read(list(paths), limit_mb=limit_mb)
    progress("validating", 1, 2)
    issues = [*result.issues, *validate(result.tables, as_at)]
    progress("validated", 2, 2)
    return result, issues


def validate_ssd(
    paths: Iterable[Path], as_at: dt.date, *, limit_mb: float, progress: Progress = _quiet
) -> Outcome:
    """Read and report; publish nothing."""
    result, issues = check_ssd(paths, as_at, limit_mb=limit_mb, progress=progress)
    return Outcome(None, as_at, {n: t.num_rows for n, t in result.tables.items()}, issues)


def load_ssd(
    paths: Iterable[Path],
    root: Path,
    la_code: str,
    as_at: dt.date,
    *,
    limit_mb: float,
    progress: Progress = _quiet,
) -> Outcome:
    """Read, validate and publish one snapshot of an SSD extract, atomically."""
    result, issues = check_ssd(paths, as_at, limit_mb=limit_mb, progress=progress)
    provenance = result.provenance(la_code, as_at)
    snapshot = publish(
        root,
        la_code,
        as_at,
        result.tables,
        issues=issues,
        sources=list(result.files.values()),
        provenance=provenance,
        progress=progress,
    )
    return Outcome(la_code, as_at, snapshot.manifest["row_counts"], issues, snapshot)


def synthesise(
    out: Path,
    *,
    scale: str,
    seed: int,
    as_at: dt.date,
    rates: synth.PlantedRates | None = None,
    csv: bool = False,
    progress: Progress = _quiet,
) -> dict[str, pa.Table] | list[str]:
    """Write a synthetic council (or, at national scale, 150 of them) as SSD tables under `out`."""
    if scale == "national":
        return synth.generate_national(out, seed=seed, as_at=as_at, rates=rates, csv=csv, progress=progress)
    council = synth.generate(scale, seed=seed, as_at=as_at, rates=rates, progress=progress)
    synth.write_tables(council.tables, out, csv=csv)
    return council.tables


def demo(root: Path, *, seed: int = 0, limit_mb: float, progress: Progress = _quiet) -> Outcome:
    """Synthesise the county and load its SSD extract exactly as a council's own extract is loaded.

    The extract is written to a temporary folder; the snapshot's manifest keeps each file's name
    and SHA-256, and `clearsight synth --scale county --seed N` writes the same files again.
    """
    council = synth.generate("county", seed=seed, progress=progress)
    with tempfile.TemporaryDirectory(prefix="clearsight-synth-") as folder:
        extract = Path(folder) / f"synthetic-county-seed{seed}"
        synth.write_tables(council.tables, extract)
        return load_ssd([extract], root, council.la_code, council.as_at, limit_mb=limit_mb, progress=progress)
