"""The command-line contract of architecture.md, exercised as an analyst would use it."""

import hashlib
import json

import pytest
from typer.testing import CliRunner

from clearsight.cli import app
from clearsight.warehouse import latest_snapshot, list_snapshots

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_version_is_printed():
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("clearsight ")


@pytest.fixture(scope="module")
def small_extract(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "seed7"
    result = run("synth", "--scale", "small", "--seed", 7, "--out", out, "--csv")
    assert result.exit_code == 0, result.output
    return out


def test_same_seed_gives_byte_identical_files(small_extract, tmp_path):
    again = tmp_path / "again"
    assert run("synth", "--scale", "small", "--seed", 7, "--out", again, "--csv").exit_code == 0
    first = digests(small_extract)
    assert first == digests(again)
    assert "ssd_person.parquet" in first and "ssd_person.csv" in first


def test_unknown_scale_is_a_usage_error(tmp_path):
    result = run("synth", "--scale", "galactic", "--out", tmp_path)
    assert result.exit_code == 2
    assert "choose one of" in result.output


def test_validate_prints_a_summary_and_writes_the_report(small_extract, tmp_path):
    result = run("validate", small_extract, "--as-at", "2026-03-31", "--out", tmp_path / "dq")
    assert result.exit_code == 0, result.output
    assert "Rows by table" in result.stdout
    assert "Issues:" in result.stdout
    report = json.loads((tmp_path / "dq" / "data-quality.json").read_text())
    assert report["counts"] == {"error": 0, "warning": 38, "info": 0}  # the csv copies beside the Parquet
    assert (tmp_path / "dq" / "data-quality.html").read_text().startswith("<!doctype html>")
    assert (tmp_path / "dq" / "data-quality.xlsx").stat().st_size > 0
    assert not (tmp_path / "dq" / "998").exists()


def test_load_publishes_a_snapshot_for_the_council(small_extract, tmp_path):
    data = tmp_path / "data"
    result = run("load", small_extract, "--data", data, "--la", "998", "--as-at", "2026-03-31")
    assert result.exit_code == 0, result.output
    snapshot = latest_snapshot(data, "998")
    assert snapshot.manifest["row_counts"]["ssd_person"] > 0
    assert (snapshot.path / "data-quality.html").exists()
    assert "Published snapshot" in result.stdout


def test_load_needs_an_as_at_date_for_an_ssd_extract(small_extract, tmp_path):
    result = run("load", small_extract, "--data", tmp_path, "--la", "998")
    assert result.exit_code == 2
    assert "--as-at" in result.output


def test_an_unusable_file_exits_1_with_a_plain_message_and_publishes_nothing(tmp_path):
    extract = tmp_path / "extract"
    extract.mkdir()
    (extract / "ssd_cp_plans.csv").write_text("cppl_person_id\nA1\n")
    data = tmp_path / "data"
    result = run("load", extract, "--data", data, "--la", "998", "--as-at", "2026-03-31")
    assert result.exit_code == 1
    assert "ssd_cp_plans.csv" in result.output and "has no cppl_cp_plan_id column" in result.output
    assert "Traceback" not in result.output
    assert not data.exists() or list_snapshots(data) == []


def test_planted_rates_can_be_set_from_a_file(tmp_path):
    rates = tmp_path / "rates.yml"
    rates.write_text("late_assessment: 0.5\n")
    assert run("synth", "--scale", "small", "--out", tmp_path / "a", "--rates", rates).exit_code == 0
    rates.write_text("late_assesment: 0.5\n")
    result = run("synth", "--scale", "small", "--out", tmp_path / "b", "--rates", rates)
    assert result.exit_code == 2
    assert "unknown planted rate 'late_assesment'" in result.output


def test_synth_writes_every_format_from_one_council_and_load_reads_them_together(tmp_path):
    out = tmp_path / "council"
    assert (
        run(
            "synth", "--scale", "small", "--seed", 3, "--out", out, "--formats", "annex-a,ssda903,cin"
        ).exit_code
        == 0
    )
    assert (out / "annex_a.xlsx").is_file() and (out / "cin_census.xml").is_file()
    assert any((out / "ssda903").glob("*Episodes.csv"))
    assert not (out / "ssd_person.parquet").exists()
    data = tmp_path / "data"
    result = run(
        "load", out / "annex_a.xlsx", out / "cin_census.xml", out / "ssda903", "--data", data, "--la", "998"
    )
    assert result.exit_code == 0, result.output
    snapshot = latest_snapshot(data, "998")
    assert str(snapshot.as_at) == "2026-03-31"  # from the CIN reference date and the 903 year end
    formats = {s["name"].rsplit(".", 1)[-1] for s in snapshot.manifest["sources"]}
    assert formats == {"xlsx", "xml", "csv"}


@pytest.mark.django_db  # each export is recorded in the access log
def test_export_writes_the_latest_snapshot_in_each_format(small_extract, tmp_path):
    data = tmp_path / "data"
    assert run("load", small_extract, "--data", data, "--la", "998", "--as-at", "2026-03-31").exit_code == 0
    for command, out in (("annex-a", "a.xlsx"), ("ssda903", "903"), ("cin", "cin.xml")):
        result = run(command, "export", "--data", data, "--out", tmp_path / out)
        assert result.exit_code == 0, result.output
        assert (tmp_path / out).exists()


def test_export_with_no_snapshot_says_so(tmp_path):
    result = run("annex-a", "export", "--data", tmp_path / "empty", "--out", tmp_path / "a.xlsx")
    assert result.exit_code == 1
    assert "does not exist" in result.output and "Traceback" not in result.output
