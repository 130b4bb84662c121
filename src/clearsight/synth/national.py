"""A national set of synthetic councils, each made independently and written straight to disk.

Councils vary in size over a seeded log-uniform spread from 0.15× to 2.5× county scale. Each is made
from a seed derived from (seed, its number), so any one can be remade alone; two worker processes make
them, and only one council per process is in memory at a time.

Must not import anything from clearsight except `synth` modules.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from clearsight.synth.council import build
from clearsight.synth.rates import PlantedRates
from clearsight.synth.write import write_tables

NATIONAL_COUNCILS = 150
SCALE_RANGE = (0.15, 2.5)
WORKERS = 2


def la_codes(councils: int = NATIONAL_COUNCILS) -> list[str]:
    """The synthetic LA codes N001, N002, … of a national set."""
    return [f"N{i:03d}" for i in range(1, councils + 1)]


def council_scales(seed: int, councils: int = NATIONAL_COUNCILS, scale_range=SCALE_RANGE) -> np.ndarray:
    """Each council's size relative to the county, from a log-uniform spread seeded by `seed`."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(0, 1))))
    low, high = np.log(scale_range[0]), np.log(scale_range[1])
    return np.round(np.exp(rng.uniform(low, high, councils)), 3)


def generate_national(
    out_dir: Path | str,
    seed: int,
    as_at: dt.date,
    rates: PlantedRates,
    progress: Callable[[str, int, int], None] | None,
    csv: bool,
    councils: int = NATIONAL_COUNCILS,
    scale_range: tuple[float, float] = SCALE_RANGE,
) -> list[str]:
    """Make and write every council under `out_dir/<la_code>/`; returns the LA codes in order."""
    codes = la_codes(councils)
    scales = council_scales(seed, councils, scale_range)
    jobs = [
        (code, float(scale), seed, number, as_at, rates, str(Path(out_dir) / code), csv)
        for number, (code, scale) in enumerate(zip(codes, scales, strict=True), 1)
    ]
    report = progress or (lambda stage, done, total: None)
    report("national", 0, councils)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=context) as pool:
        for done, _code in enumerate(pool.map(_make, jobs), 1):
            report("national", done, councils)
    return codes


def _make(job) -> str:
    """Make one council in a worker process and write it; return its LA code."""
    code, scale, seed, number, as_at, rates, out, csv = job
    council = build(code, scale, np.random.SeedSequence(seed, spawn_key=(number,)), as_at, rates)
    write_tables(council.tables, out, csv=csv)
    return code
