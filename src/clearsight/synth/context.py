"""What every part of the generator shares while one council is made: dates, rates, journeys, staff, ids.

Each part draws from its own random stream, derived from the council's seed and the part's name, so a
change in how one table is made does not reshuffle the others.

Must not import anything from clearsight except `synth` modules.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from clearsight.synth.journeys import Journeys
from clearsight.synth.rates import PlantedRates
from clearsight.synth.timing import Clock
from clearsight.synth.workforce import Workforce


def quota(rng: np.random.Generator, eligible: np.ndarray, rate: float) -> np.ndarray:
    """Exactly round(rate × count) of the eligible entries, chosen at random (a planted problem)."""
    chosen = np.zeros(eligible.size, dtype=bool)
    candidates = np.flatnonzero(eligible)
    chosen[rng.permutation(candidates)[: round(rate * candidates.size)]] = True
    return chosen


@dataclass
class Context:
    """One council in the making. `dob` and `person_ids` cover every person, journeys' people first."""

    seed: np.random.SeedSequence
    la_code: str
    clock: Clock
    scale: float
    rates: PlantedRates
    journeys: Journeys
    workforce: Workforce
    dob: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    person_ids: pa.Array | None = None
    referral_ids: pa.Array | None = None

    def rng(self, part: str) -> np.random.Generator:
        """The random stream of one named part of the generator."""
        key = (*self.seed.spawn_key, zlib.crc32(part.encode()))
        return np.random.Generator(np.random.PCG64(np.random.SeedSequence(self.seed.entropy, spawn_key=key)))
