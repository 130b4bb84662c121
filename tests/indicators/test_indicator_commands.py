"""`clearsight indicators` and `clearsight exceptions`: results stored at load, read back as an analyst
would, in every format, with the documented JSON shape; trends across snapshots."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from clearsight.cli import app
from clearsight.indicators.catalogue import catalogue
from clearsight.indicators.results import EXCEPTION_COLUMNS
from clearsight.warehouse import latest_snapshot

# `exceptions` records each list it gives out in the access log (the app database).
pytestmark = pytest.mark.django_db

runner = CliRunner()
VALUE_KEYS = ["id", "title", "area", "unit", "value", "numerator", "denominator", "available", "note"]


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A small council loaded twice: as at 31 Dec 2025 and as at 31 Mar 2026, from the same extract."""
    extract = tmp_path_factory.mktemp("synth") / "small"
    assert run("synth", "--scale", "small", "--seed", 3, "--out", extract).exit_code == 0
    root = tmp_path_factory.mktemp("data")
    for as_at in ("2025-12-31", "2026-03-31"):
        result = run("load", extract, "--data", root, "--la", "998", "--as-at", as_at)
        assert result.exit_code == 0, result.output
    return root


def test_indicators_json_is_the_documented_shape(data):
    result = run("indicators", "--data", data, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == [i.id for i in catalogue()]
    for row in rows:
        assert list(row)[: len(VALUE_KEYS)] == VALUE_KEYS
        assert row["as_at"] == "2026-03-31"
        if row["available"] and row["unit"] == "percent" and row["denominator"]:
            assert row["numerator"] <= row["denominator"]
        assert isinstance(row["excluded_by_reason"], dict)


def test_the_second_snapshot_has_a_direction_of_travel(data):
    rows = json.loads(run("indicators", "--data", data, "--format", "json").stdout)
    compared = [r for r in rows if r["previous_value"] is not None]
    assert compared, "no indicator was compared with the earlier snapshot"
    assert all(r["direction"] != "n/a" for r in compared)


def test_trend_lists_every_snapshot(data):
    result = run("indicators", "--data", data, "--trend", "A04", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [r["as_at"] for r in json.loads(result.stdout)] == ["2025-12-31", "2026-03-31"]


def test_unknown_trend_indicator_exits_1(data):
    result = run("indicators", "--data", data, "--trend", "nonsense")
    assert result.exit_code == 1
    assert "nonsense" in result.output


def test_exceptions_json_has_the_standard_columns(data):
    result = run("exceptions", "--data", data, "--indicator", "asmt_45wd", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows, "the small council has late assessments planted"
    for row in rows:
        assert list(row) == EXCEPTION_COLUMNS.names
        assert row["indicator_id"] == "asmt_45wd"
        assert row["exception_key"] == f"asmt_45wd:{row['record_id']}:{row['due_date'] or ''}"
        assert isinstance(row["details"], dict)
    overdue = [r["days_overdue"] for r in rows if r["days_overdue"] is not None]
    assert overdue == sorted(overdue, reverse=True)


def test_exceptions_first_seen_carries_over_from_the_earlier_snapshot(data):
    rows = json.loads(run("exceptions", "--data", data, "--format", "json").stdout)
    assert any(r["first_seen_as_at"] == "2025-12-31" for r in rows)
    assert all(r["first_seen_as_at"] <= r["as_at"] for r in rows)


def test_critical_register_is_one_row_per_child_and_condition(data):
    result = run("exceptions", "--data", data, "--severity", "critical", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert all(r["severity"] == "critical" for r in rows)
    pairs = [(r["child_id"], r["condition"]) for r in rows]
    assert len(pairs) == len(set(pairs))


def test_xlsx_and_csv_open_with_the_same_rows(data, tmp_path):
    book = tmp_path / "exceptions.xlsx"
    assert run("exceptions", "--data", data, "--format", "xlsx", "--out", book).exit_code == 0
    sheet = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Exceptions").to_python()
    csv = run("exceptions", "--data", data, "--format", "csv").stdout.splitlines()
    assert sheet[0] == EXCEPTION_COLUMNS.names
    assert len(sheet) == len(csv)


def test_xlsx_needs_a_file(data):
    assert run("indicators", "--data", data, "--format", "xlsx").exit_code == 2


def test_unknown_indicator_is_a_usage_error(data):
    result = run("exceptions", "--data", data, "--indicator", "Z99")
    assert result.exit_code == 2
    assert "Z99" in result.output


def test_no_snapshot_says_so(tmp_path):
    result = run("indicators", "--data", tmp_path)
    assert result.exit_code == 1
    assert "No results" in result.output


def test_table_output_names_the_council_and_date(data):
    result = run("indicators", "--data", data)
    assert result.exit_code == 0
    assert "998" in result.stdout and "2026-03-31" in result.stdout
    snapshot = latest_snapshot(data, "998")
    for name in ("indicator_values", "indicator_breakdowns", "exceptions", "indicator_exclusions"):
        assert (snapshot.path / f"{name}.parquet").is_file(), name


@pytest.fixture(scope="module")
def annex_a_only(tmp_path_factory):
    """A small council loaded from its Annex A workbook alone: the latest visit and review of each child."""
    out = tmp_path_factory.mktemp("annex")
    assert run("synth", "--scale", "small", "--seed", 3, "--out", out, "--formats", "annex-a").exit_code == 0
    root = tmp_path_factory.mktemp("data")
    workbook = next(out.glob("*.xlsx"))
    result = run("load", workbook, "--data", root, "--la", "998", "--as-at", "2026-03-31")
    assert result.exit_code == 0, result.output
    return {r["code"]: r for r in json.loads(run("indicators", "--data", root, "--format", "json").stdout)}


@pytest.mark.parametrize("code", ["A08", "A10", "A12", "B03", "B04", "D11"])
def test_figures_annex_a_cannot_support_say_so(annex_a_only, code):
    row = annex_a_only[code]
    assert row["available"] is False
    assert row["value"] is None
    assert "not available from this data" in row["note"]


def test_figures_from_latest_events_only_are_labelled(annex_a_only):
    row = annex_a_only["A09"]
    assert row["available"] is True
    assert "latest recorded events only (Annex A)" in row["note"]


def test_a_misspelt_council_setting_stops_the_load_and_publishes_nothing(tmp_path):
    extract = tmp_path / "small"
    assert run("synth", "--scale", "small", "--seed", 3, "--out", extract).exit_code == 0
    root = tmp_path / "data"
    (root / "998").mkdir(parents=True)
    (root / "998" / "config.yml").write_text("cp_visits:\n  standard_wdays: 15\n", encoding="utf-8")
    result = run("load", extract, "--data", root, "--la", "998", "--as-at", "2026-03-31")
    assert result.exit_code == 1
    assert "cp_visits.standard_wdays is not a setting" in result.output
    assert "Traceback" not in result.output
    assert not (root / "998" / "snapshots").exists() or not any((root / "998" / "snapshots").iterdir())


def test_data_quality_problems_the_indicators_find_reach_the_report_and_the_snapshot(tmp_path):
    """§2.6 rule 6: an adviser id that is nobody in ssd_professionals is logged, naming the record."""
    extract = tmp_path / "extract"
    assert run("synth", "--scale", "small", "--seed", 3, "--out", extract).exit_code == 0
    leavers = pq.read_table(extract / "ssd_care_leavers.parquet")
    column = leavers.schema.get_field_index("clea_care_leaver_personal_advisor")
    ghost = pa.array(["GHOST-PA"] * leavers.num_rows, leavers.schema.field(column).type)
    pq.write_table(
        leavers.set_column(column, leavers.schema.field(column), ghost), extract / "ssd_care_leavers.parquet"
    )
    root = tmp_path / "data"
    result = run("load", extract, "--data", root, "--la", "998", "--as-at", "2026-03-31")
    assert result.exit_code == 0, result.output
    snapshot = latest_snapshot(root, "998")
    logged = pq.read_table(snapshot.path / "indicator_data_quality.parquet").to_pylist()
    assert logged and all(r["code"] == "UNRESOLVED_PA" and r["value"] == "GHOST-PA" for r in logged)
    report = json.loads(next(snapshot.path.rglob("data-quality.json")).read_bytes())
    flagged = [i for i in report["issues"] if i["problem"].startswith("C05 UNRESOLVED_PA")]
    assert sorted(i["key"] for i in flagged) == sorted(r["record_id"] for r in logged)
    assert all(i["severity"] == "warning" and i["value"] == "GHOST-PA" for i in flagged)
