"""The resident child population by age band (`ext_population`), for rates per 10,000 children.

About 150,000 children aged 0-17 at county scale, spread over the age bands of indicators.md §2.4 as
in an ONS mid-year estimate, with the whole-population row 0-17 (§1.2).

Must not import anything from clearsight except `synth` modules.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from clearsight.synth import columns as col

CHILDREN_AT_COUNTY_SCALE = 150_000
_BANDS = ("under 1", "1-4", "5-9", "10-15", "16-17")
_SHARES = np.array([0.055, 0.22, 0.28, 0.335, 0.11])


def population_table(rng: np.random.Generator, scale: float) -> pa.Table:
    """`ext_population`."""
    shares = _SHARES * rng.uniform(0.97, 1.03, _SHARES.size)
    counts = np.round(CHILDREN_AT_COUNTY_SCALE * scale * shares / _SHARES.sum()).astype(np.int64)
    return col.table(
        "ext_population", {"age_band": [*_BANDS, "0-17"], "count": [*counts.tolist(), int(counts.sum())]}
    )
