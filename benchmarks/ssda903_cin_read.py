"""Benchmark: read a county's statutory returns: the SSDA903 csv files and the CIN census XML.

A fresh process synthesises the county (`synth.generate("county")`) and writes each format's files for
the collection year containing the as-at date; a second fresh process per format reads them, so that
the read's time and peak memory (ru_maxrss) are its own. Each read is run `--repeat` times in that
process; the first includes importing the reader and loading its spec. To time another format, add
an entry to FORMATS: its writer call and its reader module.

    .venv/bin/python benchmarks/ssda903_cin_read.py [--seed N] [--repeat N]
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

# Per format: the statement that writes the county's files into `out` (a folder), and its reader.
FORMATS = {
    "SSDA903 csv": (
        "from clearsight.formats.ssda903.write import write\nwrite(council.tables, council.as_at, out)",
        "clearsight.formats.ssda903.read",
    ),
    "CIN census XML": (
        "from clearsight.formats.cin_census.write import write\n"
        "write(council.tables, council.as_at, out / 'cin_census.xml', council.la_code)",
        "clearsight.formats.cin_census.read",
    ),
}

WRITE = """
import json, sys, time
from pathlib import Path
from clearsight import synth
council = synth.generate("county", seed=int(sys.argv[2]))
out = Path(sys.argv[1])
t0 = time.perf_counter()
{write}
files = sorted(out.iterdir())
print(json.dumps({{"write_seconds": time.perf_counter() - t0, "la_code": council.la_code,
                  "mb": sum(f.stat().st_size for f in files) / 1024 / 1024,
                  "input_lines": sum(max(len(f.read_text().splitlines()) - 1, 0) for f in files)}}))
"""

READ = """
import importlib, json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
reader = importlib.import_module(sys.argv[3])
imported = time.perf_counter() - t0
seconds = []
for _ in range(int(sys.argv[4])):
    t1 = time.perf_counter()
    result = reader.read(sorted(Path(sys.argv[1]).iterdir()), la_code=sys.argv[2], limit_mb=200)
    seconds.append(time.perf_counter() - t1)
print(json.dumps({"seconds": seconds, "import_seconds": imported,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rows": {name: table.num_rows for name, table in result.tables.items()},
                  "issues": len(result.issues), "collection_year": result.collection_year}))
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
    parser.add_argument("--repeat", type=int, default=3, help="reads per fresh process (default 3)")
    options = parser.parse_args()
    print(f"machine: {_cpu()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    for title, (write, reader) in FORMATS.items():
        with tempfile.TemporaryDirectory() as folder:
            written = run(WRITE.format(write=write), folder, str(options.seed))
            found = run(READ, folder, written["la_code"], reader, str(options.repeat))
        first, best = found["seconds"][0], min(found["seconds"])
        rows = sum(found["rows"].values())
        print(
            f"county {title} ({found['collection_year']}): {written['mb']:.1f} MB, "
            f"{written['input_lines']:,} lines in the files, written in {written['write_seconds']:.1f} s"
        )
        inputs = written["input_lines"]
        print(
            f"read, fresh process: {first:.2f} s ({inputs / first:,.0f} input lines/s); "
            f"best of {len(found['seconds'])}: {best:.2f} s ({inputs / best:,.0f} input lines/s, "
            f"{rows / best:,.0f} canonical rows/s); peak {found['peak_mb']:,.0f} MB; "
            f"{found['issues']} issues; importing the reader took {found['import_seconds']:.2f} s"
        )
        for name, count in found["rows"].items():
            print(f"  {name:28} {count:>8,}")


if __name__ == "__main__":
    main()
