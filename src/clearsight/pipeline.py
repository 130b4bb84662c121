"""Read → merge → validate → publish: the one path every input takes into a snapshot.

The CLI and (later) the web app's data page call these functions; neither holds this logic.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from clearsight import synth
from clearsight.data_quality import ReportContext, report_files
from clearsight.formats.common.result import FormatResult
from clearsight.formats.merge import merge
from clearsight.formats.registry import FORMATS, WRITERS, route
from clearsight.indicators.results import data_quality_issues
from clearsight.indicators.store import compute_for_publish, result_tables
from clearsight.model.issues import Issue
from clearsight.model.validate import validate
from clearsight.sources import SourceFile
from clearsight.warehouse import Snapshot, get_snapshot, latest_snapshot, publish, read_tables

Progress = Callable[[str, int, int], None]


NO_AS_AT = "the files give no as-at date (SSD extracts and Annex A have none): give one"


class NeedsOption(Exception):
    """The inputs do not say something the command needs: the user must give it as an option."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


def _quiet(stage: str, done: int, total: int) -> None:
    """The progress callback used when nobody is watching."""


@dataclass
class Checked:
    """Every input read, merged and validated: what `load` publishes and `validate` reports."""

    la_code: str | None
    as_at: dt.date | None
    tables: dict[str, pa.Table]
    provenance: pa.Table
    issues: list[Issue]
    files: list[SourceFile]

    @property
    def row_counts(self) -> dict[str, int]:
        return {name: table.num_rows for name, table in self.tables.items()}


@dataclass
class Outcome:
    """What a validate or load run found, and the snapshot it published (None for validate)."""

    la_code: str | None
    as_at: dt.date
    row_counts: dict[str, int]
    issues: list[Issue] = field(default_factory=list)
    snapshot: Snapshot | None = None
    report: dict[str, bytes] = field(default_factory=dict)


def _latest(results: Sequence[FormatResult]) -> dt.date | None:
    """The latest as-at date the sources read so far give, if any."""
    return max((r.as_at for r in results if r.as_at), default=None)


def check(
    paths: Iterable[Path],
    *,
    la_code: str | None,
    as_at: dt.date | None,
    limit_mb: float,
    progress: Progress = _quiet,
) -> Checked:
    """Read every input with its format's reader, merge the sources and validate the result.

    The council and as-at date are those given, else what the sources say (the CIN header's LA;
    the CIN reference date or the 903 year end, the latest if several); either may stay None.
    """
    groups, issues = route(paths)
    results = []
    # Formats that carry their own dates are read first, so that Annex A, which carries none, is read
    # as at the date they give when the user gave none.
    for done, fmt in enumerate(sorted(groups, key=FORMATS.index)):
        progress("reading", done, len(groups))
        results.append(
            fmt.read(groups[fmt], la_code=la_code or "", limit_mb=limit_mb, as_at=as_at or _latest(results))
        )
    progress("reading", len(groups), len(groups))
    la_code = la_code or next((r.la_code for r in results if r.la_code), None)
    as_at = as_at or _latest(results)
    progress("merging", 0, 1)
    merged = merge(results, la_code or "", as_at)
    progress("validating", 0, 1)
    issues += merged.issues
    if as_at is not None:
        issues += validate(merged.tables, as_at)
    progress("validated", 1, 1)
    files = [source for r in results for source in r.files.values()]
    return Checked(la_code, as_at, merged.tables, merged.provenance, issues, files)


def validate_inputs(
    paths: Iterable[Path],
    *,
    la_code: str | None,
    as_at: dt.date | None,
    limit_mb: float,
    progress: Progress = _quiet,
) -> Outcome:
    """Read and report; publish nothing. Without an as-at date from the user or the sources, today."""
    checked = check(paths, la_code=la_code, as_at=as_at, limit_mb=limit_mb, progress=progress)
    if checked.as_at is None:
        checked.as_at = dt.date.today()
        checked.issues += validate(checked.tables, checked.as_at)
    report = report_files(checked.issues, ReportContext(checked.la_code, checked.as_at, checked.row_counts))
    return Outcome(checked.la_code, checked.as_at, checked.row_counts, checked.issues, report=report)


def load(
    paths: Iterable[Path],
    root: Path,
    *,
    la_code: str | None,
    as_at: dt.date | None,
    limit_mb: float,
    progress: Progress = _quiet,
) -> Outcome:
    """Read, merge, validate, compute the indicators and publish one snapshot, with its data-quality
    report and indicator results, atomically.

    Raises NeedsOption when no council code or as-at date is given and the sources give none.
    """
    checked = check(paths, la_code=la_code, as_at=as_at, limit_mb=limit_mb, progress=progress)
    if checked.la_code is None:
        raise NeedsOption("--la", "the files do not name their council: give its code")
    if checked.as_at is None:
        raise NeedsOption("--as-at", NO_AS_AT)
    progress("computing indicators", 0, 1)
    results = compute_for_publish(root, checked.la_code, checked.as_at, checked.tables, checked.provenance)
    progress("computing indicators", 1, 1)
    # The report and the snapshot's issues hold what the indicators found too (indicators.md §2.6 rule 6).
    issues = [*checked.issues, *data_quality_issues(results)]
    report = report_files(issues, ReportContext(checked.la_code, checked.as_at, checked.row_counts))
    snapshot = publish(
        root,
        checked.la_code,
        checked.as_at,
        checked.tables,
        issues=issues,
        sources=checked.files,
        provenance=checked.provenance,
        attachments=report,
        results=result_tables(results),
        progress=progress,
    )
    return Outcome(checked.la_code, checked.as_at, snapshot.manifest["row_counts"], issues, snapshot, report)


def find_snapshot(root: Path, la_code: str | None, snapshot_id: str | None) -> Snapshot:
    """The snapshot named, else the council's latest (WarehouseError says plainly what is missing)."""
    return get_snapshot(root, la_code, snapshot_id) if snapshot_id else latest_snapshot(root, la_code)


def export(snapshot: Snapshot, writer: str, out: Path) -> list[Path]:
    """Write a snapshot in a statutory format (formats.md §7); returns the files written."""
    return WRITERS[writer].write(
        read_tables(snapshot), as_at=snapshot.as_at, la_code=snapshot.la_code, out=out
    )


def synthesise(
    out: Path,
    *,
    scale: str,
    seed: int,
    as_at: dt.date,
    rates: synth.PlantedRates | None = None,
    formats: Sequence[str] = ("ssd",),
    csv: bool = False,
    progress: Progress = _quiet,
) -> dict[str, pa.Table] | list[str]:
    """Write a synthetic council (or, at national scale, 150 of them, as SSD tables only) under `out`.

    `formats` are `ssd` (the SSD tables, in `out` itself) and the writers' names (annex-a, ssda903,
    cin), each written from the same council to its default name in `out`.
    """
    if scale == "national":
        return synth.generate_national(out, seed=seed, as_at=as_at, rates=rates, csv=csv, progress=progress)
    council = synth.generate(scale, seed=seed, as_at=as_at, rates=rates, progress=progress)
    if "ssd" in formats:
        synth.write_tables(council.tables, out, csv=csv)
    out.mkdir(parents=True, exist_ok=True)
    for name in formats:
        if name != "ssd":
            writer = WRITERS[name]
            progress(f"writing {writer.title}", 0, 1)
            writer.write(
                council.tables, as_at=council.as_at, la_code=council.la_code, out=out / writer.default_name
            )
    return council.tables


def demo(
    root: Path, *, seed: int = 0, scale: str = "county", limit_mb: float, progress: Progress = _quiet
) -> Outcome:
    """Synthesise the county (or the `small` council) and load its SSD extract exactly as a council's own
    extract is loaded.

    The extract is written to a temporary folder; the snapshot's manifest keeps each file's name
    and SHA-256, and `clearsight synth --scale county --seed N` writes the same files again.
    """
    council = synth.generate(scale, seed=seed, progress=progress)
    with tempfile.TemporaryDirectory(prefix="clearsight-synth-") as folder:
        extract = Path(folder) / f"synthetic-{scale}-seed{seed}"
        synth.write_tables(council.tables, extract)
        return load(
            [extract],
            root,
            la_code=council.la_code,
            as_at=council.as_at,
            limit_mb=limit_mb,
            progress=progress,
        )
