"""The results store: indicator results kept with each snapshot, and read back for lists and trends.

Results are computed when a snapshot is published (`compute_for_publish`) and stored in it as Parquet
tables, `indicator_values`, `indicator_breakdowns`, `exceptions`, and the log of indicators.md §2.6
rule 6: `indicator_exclusions` (every item an indicator's rule left out) and `indicator_data_quality`
(every data-quality problem an indicator found) (architecture.md), so that
nothing waits for a computation later and every snapshot keeps the figures it was published with.
Direction of travel and each exception's `first_seen_as_at` come from the council's latest earlier
snapshot (indicators.md §4, §7): a figure that cannot be recomputed for a past date (care-leaver
status, FTE) is compared with what was stored then.

Must not import Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa

from clearsight.indicators.config import load_config
from clearsight.indicators.engine import compute
from clearsight.indicators.results import EXCEPTION_COLUMNS, VALUE_COLUMNS, Results
from clearsight.warehouse import Snapshot, WarehouseError, list_snapshots, read_parquet
from clearsight.warehouse.layout import council_dir

VALUES, BREAKDOWNS, EXCEPTIONS = "indicator_values", "indicator_breakdowns", "exceptions"
EXCLUSIONS, DATA_QUALITY = "indicator_exclusions", "indicator_data_quality"
TREND_COLUMNS = ("snapshot_id", "as_at", "value", "numerator", "denominator", "status", "available", "note")


def result_tables(results: Results) -> dict[str, pa.Table]:
    """The results as the named tables `warehouse.publish` stores beside the canonical ones."""
    tables = {VALUES: results.values, BREAKDOWNS: results.breakdowns, EXCEPTIONS: results.exceptions}
    if results.exclusions is not None:
        tables[EXCLUSIONS] = results.exclusions
    if results.data_quality is not None:
        tables[DATA_QUALITY] = results.data_quality
    return tables


def has_results(snapshot: Snapshot) -> bool:
    return all(snapshot.file(name).is_file() for name in (VALUES, BREAKDOWNS, EXCEPTIONS))


def _check_results(snapshot: Snapshot) -> None:
    if not has_results(snapshot):
        raise WarehouseError(
            f"Snapshot {snapshot.id} of council {snapshot.la_code} holds no indicator results: it was "
            "published by an earlier version. Load its files again to compute them."
        )


def read_exceptions(snapshot: Snapshot) -> pa.Table:
    """The exceptions stored with a snapshot (and only those); WarehouseError when it has no results."""
    _check_results(snapshot)
    return read_parquet(snapshot.file(EXCEPTIONS)).cast(EXCEPTION_COLUMNS)


def read_results(snapshot: Snapshot) -> Results:
    """The results stored with a snapshot; WarehouseError when it has none (published without them)."""
    _check_results(snapshot)
    return Results(
        read_parquet(snapshot.file(VALUES)).cast(VALUE_COLUMNS),
        read_parquet(snapshot.file(BREAKDOWNS)),
        read_exceptions(snapshot),
        *(
            read_parquet(snapshot.file(name)) if snapshot.file(name).is_file() else None
            for name in (EXCLUSIONS, DATA_QUALITY)
        ),
    )


def previous_results(root: Path, la_code: str, as_at: dt.date) -> Results | None:
    """What a new run needs of the council's latest snapshot dated before `as_at` that has results: its
    values (direction of travel) and its exceptions' keys and first-seen dates; else None."""
    try:
        earlier = [s for s in list_snapshots(root, la_code) if s.as_at < as_at and has_results(s)]
    except WarehouseError:
        return None  # no snapshot of this council yet
    if not earlier:
        return None
    snapshot = earlier[-1]
    return Results(
        read_parquet(snapshot.file(VALUES)).cast(VALUE_COLUMNS),
        pa.table({}),
        read_parquet(snapshot.file(EXCEPTIONS), ["exception_key", "first_seen_as_at"]),
    )


def compute_for_publish(
    root: Path,
    la_code: str,
    as_at: dt.date,
    tables: Mapping[str, pa.Table],
    provenance: pa.Table | None,
) -> Results:
    """The catalogue run on tables about to be published, with the council's configuration and history."""
    return compute(
        tables,
        as_at,
        config=load_config(council_dir(root, la_code)),
        provenance=provenance,
        previous=previous_results(root, la_code, as_at),
    )


def trend(root: Path, la_code: str | None, indicator_id: str) -> pa.Table:
    """One indicator's stored value in every snapshot of the council that has results, oldest first."""
    rows = []
    for snapshot in list_snapshots(root, la_code):
        if not has_results(snapshot):
            continue
        values = read_parquet(snapshot.file(VALUES)).to_pylist()
        for row in values:
            if indicator_id in (row["id"], row["code"]):
                rows.append({"snapshot_id": snapshot.id, **{k: row[k] for k in TREND_COLUMNS[1:]}})
    if not rows:
        raise KeyError(f"no stored values for indicator {indicator_id!r}; `clearsight indicators` lists them")
    return pa.Table.from_pylist(rows)
