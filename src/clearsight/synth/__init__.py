"""A deterministic synthetic council: three years of children's social care history as canonical tables.

The source of every demo and most tests. Entirely made up: names come from short lists of common
names, identifiers from test ranges, and nothing is drawn from real children's records. The same
seed, scale and as-at date always give the same tables (and byte-identical files), whatever the clock.

    generate(scale="small"|"county", seed=0, as_at=DEFAULT_AS_AT, rates=None, progress=None) -> Council
    generate_national(out_dir, seed=0, as_at=DEFAULT_AS_AT, rates=None, progress=None, csv=False)
    write_tables(tables, out_dir, csv=False)

`PlantedRates` sets the planted practice problems (late assessments, overdue visits, drift, ...), each
a fraction of a defined population; see `rates.py`. `progress(stage, done, total)` reports each stage.

Must not import Django or any layer above the model (warehouse, indicators, web).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from clearsight.synth import national
from clearsight.synth.council import Council, build
from clearsight.synth.rates import PlantedRates, load_rates
from clearsight.synth.write import write_tables

# The fixed as-at date of `clearsight synth` without --as-at: the end of the 2025/26 collection year.
DEFAULT_AS_AT = dt.date(2026, 3, 31)


@dataclass(frozen=True)
class Scale:
    """A council size: its LA code and its size relative to a county (1.0)."""

    la_code: str
    factor: float
    description: str


SCALES: dict[str, Scale] = {
    "small": Scale("998", 0.1, "about a tenth of a county, for tests"),
    "county": Scale("999", 1.0, "a large shire county: about 150,000 children"),
    "national": Scale("N001-N150", 1.0, "150 councils from 0.15x to 2.5x county, written to disk"),
}


def generate(
    scale: str = "small",
    seed: int = 0,
    as_at: dt.date = DEFAULT_AS_AT,
    rates: PlantedRates | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Council:
    """Make one synthetic council (`small` or `county`) in memory."""
    if scale not in SCALES or scale == "national":
        raise ValueError(
            f"generate() makes 'small' or 'county' councils, not {scale!r}; see generate_national()"
        )
    chosen = SCALES[scale]
    sequence = np.random.SeedSequence(_seed(seed), spawn_key=(0,))
    return build(chosen.la_code, chosen.factor, sequence, as_at, rates or PlantedRates(), progress)


def generate_national(
    out_dir: Path | str,
    seed: int = 0,
    as_at: dt.date = DEFAULT_AS_AT,
    rates: PlantedRates | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    csv: bool = False,
    *,
    councils: int = national.NATIONAL_COUNCILS,
    scale_range: tuple[float, float] = national.SCALE_RANGE,
) -> list[str]:
    """Make 150 councils of varied size, each written to `out_dir/<la_code>/`; returns their LA codes.

    `councils` and `scale_range` exist for tests and benchmarks of a smaller set.
    """
    return national.generate_national(
        out_dir, _seed(seed), as_at, rates or PlantedRates(), progress, csv, councils, scale_range
    )


def _seed(seed: int) -> int:
    if seed < 0:
        raise ValueError(f"the seed must be zero or more, not {seed}")
    return seed


__all__ = [
    "DEFAULT_AS_AT",
    "SCALES",
    "Council",
    "PlantedRates",
    "Scale",
    "generate",
    "generate_national",
    "load_rates",
    "write_tables",
]
