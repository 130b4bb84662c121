"""Benchmark: synthesise a county, validate it and publish a snapshot; then synthesise `national`.

Targets (issue: foundation): county synth + validate + publish ≤ 30 s and ≤ 2 GB peak memory on
2 cores; national must complete (time and peak memory reported). Each run happens in a fresh
process so that peak memory (ru_maxrss) belongs to it alone. Record the figures, with the machine,
in docs/performance.md.

    .venv/bin/python benchmarks/synth_publish.py [--skip-national]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COUNTY = """
import json, resource, sys, time
from pathlib import Path
from clearsight import pipeline

started = {}
t0 = time.perf_counter()


def progress(stage, done, total):
    started.setdefault(stage, round(time.perf_counter() - t0, 2))


outcome = pipeline.demo(Path(sys.argv[1]), limit_mb=200, progress=progress)
print(json.dumps({"seconds": {"total": time.perf_counter() - t0, "stage starts": started},
                  "rows": sum(outcome.row_counts.values()), "issues": len(outcome.issues),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

NATIONAL = """
import json, resource, sys, time
from pathlib import Path
from clearsight import synth
t0 = time.perf_counter()
councils = synth.generate_national(Path(sys.argv[1]), seed=0)
elapsed = time.perf_counter() - t0
peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
print(json.dumps({"seconds": {"total": elapsed}, "councils": len(councils), "peak_mb": peak / 1024}))
"""


def run(script: str, folder: str) -> dict:
    done = subprocess.run([sys.executable, "-c", script, folder], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"benchmark failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return f"{os.cpu_count()} cores ({cpu}), {memory_gb:.0f} GB, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-national", action="store_true", help="Run the county benchmark only.")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as folder:
        county = run(COUNTY, folder)
    print("county synth + validate + publish:", json.dumps(county, indent=1))
    status = "PASS" if county["seconds"]["total"] <= 30 and county["peak_mb"] <= 2048 else "FAIL"
    print(f"target ≤ 30 s and ≤ 2 GB: {status}")
    if not args.skip_national:
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            national = run(NATIONAL, folder)
            size = sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())
        national["disk_mb"] = size / 1024**2
        national["wall_seconds"] = time.perf_counter() - started
        print("national synth:", json.dumps(national, indent=1))


if __name__ == "__main__":
    main()
