"""Benchmark: read a county's CIN census XML.

A fresh process synthesises the county (`synth.generate("county")`) and writes its census for the
year containing the as-at date; a second fresh process reads it, so that the read's time and peak
memory (ru_maxrss) are its own. The read includes the check against the year's XSD, timed again on
its own to show its share.

    .venv/bin/python benchmarks/cin_read.py [--seed N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

WRITE = """
import json, sys, time
from pathlib import Path
from clearsight import synth
from clearsight.formats.cin_census.write import write
council = synth.generate("county", seed=int(sys.argv[2]))
t0 = time.perf_counter()
out = write(council.tables, council.as_at, Path(sys.argv[1]), council.la_code)
print(json.dumps({"write_seconds": time.perf_counter() - t0, "la_code": council.la_code,
                  "mb": out.stat().st_size / 1024 / 1024}))
"""

READ = """
import json, resource, sys, time
from pathlib import Path
from clearsight.formats.cin_census.read import read
t0 = time.perf_counter()
result = read([Path(sys.argv[1])], la_code=sys.argv[2], limit_mb=200)
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
from clearsight.formats.cin_census.profile import profile
from clearsight.formats.common import xml
tree = xml.parse(Path(sys.argv[1]), limit_mb=200)
t1 = time.perf_counter()
xml.validate(tree, profile(result.collection_year).schema, file=sys.argv[1], against="the schema")
print(json.dumps({"seconds": seconds, "xsd_seconds": time.perf_counter() - t1, "peak_mb": peak,
                  "rows": {name: table.num_rows for name, table in result.tables.items()},
                  "issues": len(result.issues)}))
"""


def _cpu() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def run(script: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"benchmark failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    seed = parser.parse_args().seed
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "cin_county.xml")
        written = run(WRITE, path, str(seed))
        found = run(READ, path, written["la_code"])
    rows = sum(found["rows"].values())
    print(f"machine: {_cpu()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"county CIN census: {written['mb']:.1f} MB, written in {written['write_seconds']:.1f} s")
    print(
        f"read: {found['seconds']:.1f} s for {rows:,} rows ({rows / found['seconds']:,.0f} rows/s), "
        f"peak {found['peak_mb']:,.0f} MB, {found['issues']} issues; "
        f"the XSD check alone takes {found['xsd_seconds']:.1f} s"
    )
    for name, count in found["rows"].items():
        print(f"  {name:28} {count:>8,}")


if __name__ == "__main__":
    main()
