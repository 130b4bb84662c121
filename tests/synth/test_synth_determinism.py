"""The same seed gives byte-identical files; another seed gives other data. Nothing reads the clock."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pyarrow.csv as pacsv

from clearsight import synth
from clearsight.model import TABLES


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_same_seed_gives_byte_identical_files(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    synth.write_tables(synth.generate("small", seed=7).tables, first, csv=True)
    synth.write_tables(synth.generate("small", seed=7).tables, second, csv=True)
    files = _files(first)
    assert files == _files(second)
    assert len(files) == 2 * len(TABLES)


def test_another_seed_gives_other_data(tmp_path):
    synth.write_tables(synth.generate("small", seed=7).tables, tmp_path / "seven")
    synth.write_tables(synth.generate("small", seed=8).tables, tmp_path / "eight")
    seven, eight = _files(tmp_path / "seven"), _files(tmp_path / "eight")
    assert seven["ssd_person.parquet"] != eight["ssd_person.parquet"]
    assert seven["ssd_cp_plans.parquet"] != eight["ssd_cp_plans.parquet"]


def test_csv_has_a_header_and_iso_dates(tmp_path):
    council = synth.generate("small", seed=1)
    synth.write_tables({"ssd_cp_plans": council.tables["ssd_cp_plans"]}, tmp_path, csv=True)
    with (tmp_path / "ssd_cp_plans.csv").open(encoding="utf-8", newline="") as handle:
        header, first = list(csv.reader(handle))[:2]
    assert header[:2] == ["cppl_cp_plan_id", "cppl_referral_id"]
    assert dt.date.fromisoformat(first[4]) <= council.as_at
    assert pacsv.read_csv(tmp_path / "ssd_cp_plans.csv").num_rows == council.tables["ssd_cp_plans"].num_rows


def test_as_at_moves_the_history(small):
    earlier = synth.generate("small", seed=0, as_at=small.as_at.replace(year=small.as_at.year - 1))
    assert earlier.as_at.year == small.as_at.year - 1
    latest = max(earlier.tables["ssd_cin_episodes"]["cine_referral_date"].to_pylist())
    assert latest <= earlier.as_at


def test_default_as_at_is_fixed():
    assert synth.DEFAULT_AS_AT.isoformat() == "2026-03-31"
    assert synth.generate("small").as_at == synth.DEFAULT_AS_AT
