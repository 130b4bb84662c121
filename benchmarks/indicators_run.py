"""Benchmark: the whole indicator catalogue, with exceptions, on a county snapshot and on a national pool.

(a) County: the synthetic county is published as a snapshot; then, each in a fresh process so that
    its peak memory is its own:
      - the floor: one DuckDB scan of every table of the snapshot (every column of every Parquet file
        read into Arrow);
      - the catalogue: the columns of the snapshot's tables and of its provenance that the engine reads
        (`engine.columns_read`, `PROVENANCE_COLUMNS`), read, and every indicator computed with its
        breakdowns and exception lists (`indicators.engine.compute`).
    Targets: ≤ 1 s, and ≤ 3 × the floor.
(b) National: the 150 synthetic councils (SSD tables, made once and kept under ~/.cache/clearsight), the
    catalogue computed for every council in pooled runs (`indicators.pool`), councils packed into batches
    of at most 60 MB of Parquet, two worker processes, one connection each.
    Targets: ≤ 60 s, peak memory ≤ 4 GB (twice the larger worker peak). `--one-by-one` also times
    the councils computed one at a time, for comparison.

Record the figures, with the machine, in docs/performance.md.

    .venv/bin/python benchmarks/indicators_run.py [--skip-national] [--one-by-one]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from synth_publish import machine

PEAK = "int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]) / 1024"
NATIONAL = Path.home() / ".cache" / "clearsight" / "benchmarks" / "national-seed0"

SCAN = """
import json, sys, time, duckdb
from clearsight.warehouse import latest_snapshot
from clearsight.warehouse.session import VIEWS
snapshot = latest_snapshot(sys.argv[1], "999")
t0 = time.perf_counter()
con = duckdb.connect()
rows = 0
for name in VIEWS:
    rows += con.sql(f"SELECT * FROM read_parquet('{snapshot.file(name)}')").to_arrow_table().num_rows
print(json.dumps({"seconds": time.perf_counter() - t0, "rows": rows, "peak_mb": PEAK}))
""".replace("PEAK", PEAK)

CATALOGUE = """
import json, sys, time
from clearsight.indicators.engine import columns_read, compute
from clearsight.indicators.session import PROVENANCE_COLUMNS
from clearsight.warehouse import latest_snapshot, read_parquet, read_tables
snapshot = latest_snapshot(sys.argv[1], "999")
t0 = time.perf_counter()
tables = read_tables(snapshot, columns_read())
provenance = read_parquet(snapshot.file("provenance"), PROVENANCE_COLUMNS)
t1 = time.perf_counter()
results = compute(tables, snapshot.as_at, provenance=provenance)
t2 = time.perf_counter()
print(json.dumps({"seconds": t2 - t0, "read": t1 - t0, "compute": t2 - t1,
                  "indicators": results.values.num_rows, "exceptions": results.exceptions.num_rows,
                  "breakdown_cells": results.breakdowns.num_rows, "peak_mb": PEAK}))
""".replace("PEAK", PEAK)


def run(code: str, *args: str) -> tuple[dict, float]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"benchmark step failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1]), time.perf_counter() - started


def county(root: Path) -> None:
    from clearsight import pipeline

    started = time.perf_counter()
    outcome = pipeline.demo(root, limit_mb=200)
    print(
        f"county snapshot published in {time.perf_counter() - started:.1f} s: "
        f"{sum(outcome.row_counts.values()):,} rows"
    )
    scans, runs = [], []
    for _ in range(3):  # interleaved, so that both see the same machine
        scans.append(run(SCAN, str(root))[0])
        runs.append(run(CATALOGUE, str(root))[0])
    scan = min(scans, key=lambda r: r["seconds"])
    best = min(runs, key=lambda r: r["seconds"])
    print(
        f"(a) floor, one DuckDB scan of every table: {scan['seconds']:.2f} s ({_times(scans)}); "
        f"{scan['rows']:,} rows; peak {scan['peak_mb']:.0f} MB"
    )
    print(
        f"    catalogue with exceptions: {best['seconds']:.2f} s ({_times(runs)}): "
        f"read {best['read']:.2f} s, "
        f"compute {best['compute']:.2f} s; {best['indicators']} indicators, "
        f"{best['exceptions']:,} exceptions, {best['breakdown_cells']:,} breakdown cells; "
        f"peak {best['peak_mb']:.0f} MB"
    )
    ratio = best["seconds"] / scan["seconds"]
    verdict = "PASS" if best["seconds"] <= 1.0 and ratio <= 3.0 else "FAIL"
    print(f"    {ratio:.1f} x the floor (best of three each); target ≤ 1 s and ≤ 3 x: {verdict}")


def _times(runs: list[dict]) -> str:
    return ", ".join(f"{r['seconds']:.2f}" for r in runs)


def _peak_mb() -> float:
    with open("/proc/self/status") as status:
        return int(next(line for line in status if line.startswith("VmHWM")).split()[1]) / 1024


BATCH_MB = 60  # Parquet per pooled batch: about 1.75 GB of peak memory per worker, 3.5 GB for two


def _tables(folder: str) -> dict:
    """A national council's tables, the columns the catalogue reads."""
    from clearsight.indicators.engine import columns_read
    from clearsight.warehouse import read_parquet

    read = columns_read()
    return {path.stem: read_parquet(path, read[path.stem]) for path in Path(folder).glob("*.parquet")}


def _council(folder: str) -> dict:
    """Compute the catalogue for one national council's SSD tables (in a worker process)."""
    from clearsight.indicators.engine import compute
    from clearsight.synth import DEFAULT_AS_AT

    t0 = time.perf_counter()
    results = compute(_tables(folder), DEFAULT_AS_AT, sessions=1)  # the workers already keep both cores busy
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "exceptions": results.exceptions.num_rows, "peak_mb": _peak_mb()}


def _batch(folders: list[str]) -> dict:
    """Compute the catalogue for a batch of national councils in one pooled run (in a worker process)."""
    from clearsight.indicators.pool import compute_pool
    from clearsight.synth import DEFAULT_AS_AT

    t0 = time.perf_counter()
    pooled = compute_pool({Path(f).name: _tables(f) for f in folders}, DEFAULT_AS_AT, sessions=1)
    seconds = time.perf_counter() - t0
    exceptions = sum(r.exceptions.num_rows for r in pooled.values())
    return {"seconds": seconds, "councils": len(pooled), "exceptions": exceptions, "peak_mb": _peak_mb()}


def _children_cpu() -> float:
    """CPU seconds (user and system) of the finished worker processes so far: steadier than wall time
    on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _megabytes(folder: str) -> float:
    return sum(path.stat().st_size for path in Path(folder).glob("*.parquet")) / 1e6


def batches(folders: list[str], budget_mb: float) -> list[list[str]]:
    """Councils packed into batches of at most `budget_mb` of Parquet each (first fit, largest first)."""
    packed: list[tuple[float, list[str]]] = []
    sizes = {folder: _megabytes(folder) for folder in folders}
    for folder in sorted(folders, key=sizes.get, reverse=True):
        size = sizes[folder]
        for i, (used, members) in enumerate(packed):
            if used + size <= budget_mb:
                packed[i] = (used + size, [*members, folder])
                break
        else:
            packed.append((size, [folder]))
    return [members for _, members in packed]


def national(one_by_one: bool) -> None:
    from clearsight import synth

    if not NATIONAL.is_dir():
        print(f"making the national set once under {NATIONAL} (about 5 minutes)")
        synth.generate_national(
            NATIONAL, seed=0, as_at=synth.DEFAULT_AS_AT, rates=synth.PlantedRates(), progress=None, csv=False
        )
    folders = sorted(str(p) for p in NATIONAL.iterdir() if p.is_dir())
    packed = batches(folders, BATCH_MB)
    started, cpu = time.perf_counter(), _children_cpu()
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        done = list(pool.map(_batch, packed))
    wall, cpu = time.perf_counter() - started, _children_cpu() - cpu
    peak = max(d["peak_mb"] for d in done)
    print(
        f"(b) national pool: {sum(d['councils'] for d in done)} councils in {len(packed)} pooled batches of "
        f"≤ {BATCH_MB} MB in {wall:.1f} s on 2 workers ({cpu:.0f} CPU-seconds); "
        f"{sum(d['exceptions'] for d in done):,} exceptions; "
        f"slowest batch {max(d['seconds'] for d in done):.1f} s; peak per worker up to {peak:.0f} MB, "
        f"two workers ≤ {2 * peak:.0f} MB"
    )
    verdict = "PASS" if wall <= 60 and 2 * peak <= 4096 else "FAIL"
    print(f"    target ≤ 60 s and ≤ 4 GB: {verdict}")
    if one_by_one:
        started, cpu = time.perf_counter(), _children_cpu()
        with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
            singles = list(pool.map(_council, folders))
        print(
            f"    for comparison, one council at a time: {time.perf_counter() - started:.1f} s "
            f"({_children_cpu() - cpu:.0f} CPU-seconds); "
            f"{sum(d['exceptions'] for d in singles):,} exceptions"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--one-by-one", action="store_true", help="also time the councils one at a time")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="clearsight-bench-") as folder:
        county(Path(folder))
    if not args.skip_national:
        national(args.one_by_one)


if __name__ == "__main__":
    main()
