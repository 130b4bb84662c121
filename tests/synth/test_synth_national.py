"""National: councils of varied size, each from its own seed, written straight to disk by two workers."""

from __future__ import annotations

import numpy as np

from clearsight import synth
from clearsight.model import TABLES
from clearsight.synth.national import council_scales, la_codes


def test_codes_and_spread_of_sizes():
    assert la_codes()[:2] == ["N001", "N002"] and la_codes()[-1] == "N150" and len(la_codes()) == 150
    scales = council_scales(0)
    assert scales.size == 150 and 0.15 <= scales.min() < 0.3 and 1.8 < scales.max() <= 2.5
    assert np.array_equal(scales, council_scales(0)) and not np.array_equal(scales, council_scales(1))
    assert np.array_equal(council_scales(0, councils=3), scales[:3])


def test_councils_are_written_each_from_their_own_seed(tmp_path):
    seen = []
    codes = synth.generate_national(
        tmp_path / "all",
        seed=3,
        councils=2,
        scale_range=(0.05, 0.05),
        progress=lambda *args: seen.append(args),
    )
    assert codes == ["N001", "N002"]
    assert seen[-1] == ("national", 2, 2)
    for code in codes:
        assert {p.name for p in (tmp_path / "all" / code).iterdir()} == {f"{name}.parquet" for name in TABLES}
    one, two = ((tmp_path / "all" / code / "ssd_person.parquet").read_bytes() for code in codes)
    assert one != two
    synth.generate_national(tmp_path / "again", seed=3, councils=1, scale_range=(0.05, 0.05))
    assert (tmp_path / "again" / "N001" / "ssd_person.parquet").read_bytes() == one
