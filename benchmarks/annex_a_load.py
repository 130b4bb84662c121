"""Benchmark: load a county-scale Annex A workbook, against the bare xlsx read and against liiatools.

Writes the Annex A workbook of the synthetic county (`synth.generate("county")`, `formats.annex_a.write`),
then times, each in a fresh process so that peak memory (ru_maxrss) is its own:

  (a) the floor: python-calamine reading every sheet into Python rows, nothing else;
  (b) clearsight: `formats.annex_a.read` + `model.validate.validate` + `warehouse.publish` into a temporary
      data root. Targets: ≤ 2 s and ≤ 500 MB peak, and within 4 × the floor;
  (c) liiatools 0.2.0 (PyPI) `annex-a cleanfile` on the same workbook, installed into its own venv under a
      Python 3.9 or 3.10 from pyenv (it needs numpy<2); skipped, saying so, when pyenv has neither.

Times for (a) and (b) are measured inside the process, after imports, three times each, interleaved; the
best of each is compared, since this machine's timings vary by a fifth from one run to the next. Wall-clock
times including interpreter start and imports are given too, and the liiatools ratio compares wall-clock
times. Record the figures, with
the machine, in docs/performance.md.

    .venv/bin/python benchmarks/annex_a_load.py [--skip-liiatools] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synth_publish import machine  # the same machine line as the other benchmark

LA_CODE = "999"
RUNS = 3
LIIATOOLS = "liiatools==0.2.0"
LIIATOOLS_VENV = Path.home() / ".cache" / "clearsight" / "benchmarks" / "liiatools-0.2.0"

# Peak memory is the process's VmHWM: after fork and exec, ru_maxrss still holds the parent's peak (Linux).
PEAK = "int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]) / 1024"

FLOOR = """
import json, sys, time
from python_calamine import CalamineWorkbook
t0 = time.perf_counter()
book = CalamineWorkbook.from_path(sys.argv[1])
rows = sum(len(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names)
print(json.dumps({"seconds": time.perf_counter() - t0, "rows": rows, "peak_mb": PEAK}))
""".replace("PEAK", PEAK)

LOAD = """
import datetime as dt, json, sys, time
from pathlib import Path
from clearsight.formats.annex_a.read import read
from clearsight.model.validate import validate
from clearsight.warehouse import publish
as_at = dt.date.fromisoformat(sys.argv[3])
t0 = time.perf_counter()
result = read([Path(sys.argv[1])], la_code=sys.argv[4], limit_mb=200, as_at=as_at)
t1 = time.perf_counter()
issues = [*result.issues, *validate(result.tables, as_at)]
t2 = time.perf_counter()
provenance = result.provenance(sys.argv[4], as_at)
snapshot = publish(sys.argv[2], sys.argv[4], as_at, result.tables, issues=issues,
                   sources=list(result.files.values()), provenance=provenance)
t3 = time.perf_counter()
print(json.dumps({"seconds": t3 - t0, "read": t1 - t0, "validate": t2 - t1, "publish": t3 - t2,
                  "rows": sum(t.num_rows for t in result.tables.values()), "issues": len(issues),
                  "peak_mb": PEAK}))
""".replace("PEAK", PEAK)


def run(args: list[str]) -> tuple[dict, float]:
    """Run a fresh process; returns the JSON it prints last and its wall-clock seconds."""
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"benchmark step failed: {' '.join(args[:3])}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1]), wall


def _times(runs: list[tuple[dict, float]]) -> str:
    return ", ".join(f"{r['seconds']:.2f}" for r, _ in runs)


def write_county(out: Path) -> tuple[dt.date, dict[str, int]]:
    """The synthetic county's Annex A workbook; returns its as-at date and the rows in each list."""
    from clearsight import synth
    from clearsight.formats.annex_a.frames import frames
    from clearsight.formats.annex_a.write import write

    council = synth.generate("county", seed=0)
    write(council.tables, council.as_at, out)
    counts = {f"List {n}": t.num_rows for n, t in frames(council.tables, council.as_at).items()}
    return council.as_at, counts


def old_python() -> Path | None:
    """A Python 3.10 or 3.9 from pyenv, for liiatools 0.2.0 (which predates Python 3.11 and numpy 2)."""
    versions = Path.home() / ".pyenv" / "versions"
    for prefix in ("3.10.", "3.9."):
        for found in sorted(versions.glob(f"{prefix}*"), reverse=True) if versions.is_dir() else []:
            if (found / "bin" / "python3").exists():
                return found / "bin" / "python3"
    return None


def liiatools_python(base: Path) -> Path:
    """liiatools 0.2.0 in its own venv (made once, then reused)."""
    python = LIIATOOLS_VENV / "bin" / "python"
    if not python.exists():
        print(f"liiatools: installing {LIIATOOLS} into {LIIATOOLS_VENV} with {base}")
        for step in (
            [str(base), "-m", "venv", str(LIIATOOLS_VENV)],
            [str(python), "-m", "pip", "install", "-q", LIIATOOLS, "numpy<2"],
        ):
            done = subprocess.run(step, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                sys.exit(f"liiatools could not be installed:\n{done.stderr[-2000:]}")
    return python


def run_liiatools(workbook: Path) -> float | None:
    """Wall-clock seconds of `liiatools annex-a cleanfile` on the workbook, or None when it cannot run."""
    base = old_python()
    if base is None:
        print("liiatools: skipped, pyenv has no Python 3.9 or 3.10 (liiatools 0.2.0 needs one)")
        return None
    python = liiatools_python(base)
    with tempfile.TemporaryDirectory() as folder:
        command = [str(python), "-m", "liiatools", "annex-a", "cleanfile", "--i", str(workbook)]
        command += ["--la_code", "bar", "--la_log_dir", folder, "--o", folder]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
    if done.returncode != 0:
        print(f"liiatools: failed ({done.returncode}): {done.stderr[-500:]}")
        return None
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skip-liiatools", action="store_true", help="Do not run liiatools (it takes minutes)."
    )
    parser.add_argument("--keep", type=Path, help="Write the workbook here and keep it.")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as folder:
        workbook = (args.keep or Path(folder)) / "annex_a_county.xlsx"
        workbook.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        as_at, counts = write_county(workbook)
        print(
            f"county workbook: {sum(counts.values()):,} rows, {workbook.stat().st_size / 1024**2:.1f} MB, "
            f"written in {time.perf_counter() - started:.1f} s; as at {as_at}"
        )
        print("  " + ", ".join(f"{name} {n:,}" for name, n in counts.items()))

        # Three of each, interleaved so that both see the same machine; the best of each is compared.
        floors, loads = [], []
        for n in range(RUNS):
            floors.append(run([sys.executable, "-c", FLOOR, str(workbook)]))
            data = str(Path(folder) / f"data{n}")
            loads.append(run([sys.executable, "-c", LOAD, str(workbook), data, as_at.isoformat(), LA_CODE]))
        floor, floor_wall = min(floors, key=lambda r: r[0]["seconds"])
        load, load_wall = min(loads, key=lambda r: r[0]["seconds"])
        print(
            f"(a) floor, python-calamine read: {floor['seconds']:.2f} s ({floor_wall:.2f} s wall), "
            f"peak {floor['peak_mb']:.0f} MB; runs {_times(floors)}"
        )
        ratio = load["seconds"] / floor["seconds"]
        print(
            f"(b) clearsight read + validate + publish: {load['seconds']:.2f} s ({load_wall:.2f} s wall): "
            f"read {load['read']:.2f} s, validate {load['validate']:.2f} s, publish {load['publish']:.2f} s; "
            f"{load['rows']:,} canonical rows, {load['issues']:,} issues; peak {load['peak_mb']:.0f} MB; "
            f"runs {_times(loads)}"
        )
        met = load["seconds"] <= 2 and load["peak_mb"] <= 500 and ratio <= 4
        print(
            f"    {ratio:.1f} x the floor (best of {RUNS} each); target ≤ 2 s, ≤ 500 MB, ≤ 4 x the floor: "
            + ("PASS" if met else "FAIL")
        )
        if not args.skip_liiatools:
            wall = run_liiatools(workbook)
            if wall is not None:
                print(
                    f"(c) liiatools 0.2.0 annex-a cleanfile: {wall:.1f} s wall; "
                    f"{wall / load_wall:.0f} x clearsight's wall-clock time"
                )
        else:
            print("(c) liiatools: skipped (--skip-liiatools)")


if __name__ == "__main__":
    main()
