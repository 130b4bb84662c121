"""Publish → list → open → query, the manifest, several councils, and publishes that must fail."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from warehouse_data import AS_AT, file_hashes, file_provenance, model_table, model_tables, temp_folders

import clearsight
from clearsight.model import SCHEMA_VERSION, TABLES
from clearsight.model.issues import ERROR, WARNING, Issue
from clearsight.warehouse import (
    ISSUES_SCHEMA,
    PROVENANCE_SCHEMA,
    STAGE_MANIFEST,
    STAGE_PUBLISHED,
    STAGE_TABLES,
    WarehouseError,
    get_snapshot,
    latest_snapshot,
    list_councils,
    list_snapshots,
    open_snapshot,
    publish,
    read_tables,
)

ISSUES = [
    Issue("not a valid datetime value; stored as empty", ERROR, "ssd_person", "p1", "pers_dob", "31/02/2020"),
    Issue("column missing from the file; left empty", WARNING, "ssd_person", column="pers_upn", file="a.csv"),
    Issue("file is not named after a canonical table; skipped", WARNING, file="x.csv", row=3),
]


def test_round_trip_publish_list_open_query(root: Path) -> None:
    tables = {"ssd_person": model_table("ssd_person", 500), "ssd_cp_plans": model_table("ssd_cp_plans", 300)}
    provenance = file_provenance(tables, "926", AS_AT)
    published = publish(root, "926", AS_AT, tables, issues=ISSUES, provenance=provenance)

    assert list_councils(root) == ["926"]
    assert list_snapshots(root, "926") == [published]
    snapshot = latest_snapshot(root)
    assert snapshot == published
    assert (snapshot.la_code, snapshot.as_at) == ("926", AS_AT)
    assert snapshot.path == root / "926" / "snapshots" / snapshot.id

    con = open_snapshot(snapshot)
    for name, table in TABLES.items():
        count = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        assert count == (tables[name].num_rows if name in tables else 0)
        described = con.execute(f'DESCRIBE "{name}"').fetchall()
        assert [(row[0], row[1]) for row in described] == [(c.name, c.duckdb_type) for c in table.columns]
    back = con.sql("SELECT * FROM ssd_cp_plans").to_arrow_table()
    assert back.cast(TABLES["ssd_cp_plans"].arrow_schema).equals(tables["ssd_cp_plans"])
    assert con.execute("SELECT count(*), count(DISTINCT table_name) FROM provenance").fetchone() == (800, 2)
    joined = con.execute(
        "SELECT count(*) FROM ssd_person p JOIN provenance v"
        " ON v.table_name = 'ssd_person' AND v.row_key = p.pers_person_id AND v.source_row > 1"
    ).fetchone()
    assert joined == (500,)
    rows = con.execute('SELECT severity, "table", "column", row FROM issues ORDER BY problem').fetchall()
    assert rows == [
        (WARNING, "ssd_person", "pers_upn", None),
        (WARNING, None, None, 3),
        (ERROR, "ssd_person", "pers_dob", None),
    ]
    assert pq.read_schema(snapshot.file("issues")).equals(ISSUES_SCHEMA)
    assert pq.read_schema(snapshot.file("provenance")).remove_metadata().equals(PROVENANCE_SCHEMA)


def test_manifest_records_council_sources_counts_and_versions(root: Path, tmp_path: Path) -> None:
    source = tmp_path / "ssd_person.csv"
    source.write_bytes(b"pers_person_id,pers_dob\n1,2010-01-01\n" * 1000)
    tables = {"ssd_person": model_table("ssd_person", 42)}
    before = datetime.now(UTC)
    snapshot = publish(root, "926", AS_AT, tables, issues=ISSUES, sources=[source])
    manifest = json.loads((snapshot.path / "manifest.json").read_text())

    assert manifest == snapshot.manifest
    assert manifest["snapshot_id"] == snapshot.id
    assert snapshot.id.startswith("2025-03-31_") and snapshot.id.endswith("Z")
    assert (manifest["la_code"], manifest["as_at"]) == ("926", "2025-03-31")
    assert manifest["sources"] == [
        {
            "name": "ssd_person.csv",
            "size": source.stat().st_size,
            "sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
        }
    ]
    assert manifest["row_counts"] == {name: (42 if name == "ssd_person" else 0) for name in TABLES}
    assert manifest["issue_counts"] == {"error": 1, "warning": 2, "info": 0}
    assert manifest["provenance_rows"] == 0
    assert manifest["schema_version"] == SCHEMA_VERSION
    assert manifest["clearsight_version"] == clearsight.__version__
    created = datetime.fromisoformat(manifest["created"])
    assert created.utcoffset().total_seconds() == 0
    assert before <= created <= datetime.now(UTC)
    on_disk = file_hashes(snapshot.path)
    assert {name: entry["sha256"] for name, entry in manifest["files"].items()} == {
        name: digest for name, digest in on_disk.items() if name != "manifest.json"
    }
    assert len(manifest["files"]) == len(TABLES) + 2


def test_same_input_gives_byte_identical_parquet(root: Path) -> None:
    tables = model_tables(5_000)
    provenance = file_provenance(tables, "926", AS_AT)
    first = publish(root, "926", AS_AT, tables, issues=ISSUES, provenance=provenance)
    # The same rows in different chunks are the same input.
    rechunked = {name: pa.concat_tables([t.slice(0, 7), t.slice(7)]) for name, t in tables.items()}
    second = publish(root, "926", AS_AT, rechunked, issues=ISSUES, provenance=provenance)
    assert first.id != second.id
    assert first.manifest["files"] == second.manifest["files"]


def test_two_councils_under_one_root(root: Path) -> None:
    a = publish(root, "926", AS_AT, {"ssd_person": model_table("ssd_person", 10)})
    b = publish(root, "E10000020", AS_AT, {"ssd_person": model_table("ssd_person", 20)})
    assert list_councils(root) == ["926", "E10000020"]
    assert list_snapshots(root, "926") == [a]
    assert list_snapshots(root, "E10000020") == [b]
    assert list_snapshots(root) == [a, b]
    assert latest_snapshot(root, "E10000020") == b
    assert open_snapshot(b).execute("SELECT count(*) FROM ssd_person").fetchone() == (20,)
    with pytest.raises(WarehouseError, match=r"several councils \(926, E10000020\)"):
        latest_snapshot(root)


def test_latest_is_the_newest_as_at_then_the_newest_publish(root: Path) -> None:
    newer = publish(root, "926", date(2025, 3, 31), {})
    older = publish(root, "926", date(2024, 3, 31), {})
    assert latest_snapshot(root, "926") == newer
    again = publish(root, "926", date(2025, 3, 31), {})
    assert list_snapshots(root, "926") == [older, newer, again]
    assert latest_snapshot(root) == again
    assert get_snapshot(root, "926", older.id) == older


def test_publishing_twice_keeps_both_and_never_overwrites(root: Path) -> None:
    first = publish(root, "926", AS_AT, {"ssd_person": model_table("ssd_person", 10)})
    hashes = file_hashes(first.path)
    second = publish(root, "926", AS_AT, {"ssd_person": model_table("ssd_person", 20)})
    assert first.id != second.id
    assert list_snapshots(root, "926") == [first, second]
    assert file_hashes(first.path) == hashes
    assert open_snapshot(first).execute("SELECT count(*) FROM ssd_person").fetchone() == (10,)


def _assert_only(root: Path, snapshots: list) -> None:
    assert list_snapshots(root, "926") == snapshots
    assert temp_folders(root) == []


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        (
            {"ssd_person": pa.table({"pers_person_id": ["1"]})},
            r"ssd_person does not match the model: it lacks",
        ),
        ({"ssd_persons": model_table("ssd_person", 3)}, r"no table named ssd_persons"),
        (
            {"ssd_person": model_table("ssd_person", 3).set_column(6, "pers_dob", pa.array(["x", "y", "z"]))},
            r"ssd_person\.pers_dob holds string values that cannot be stored as date32",
        ),
        (
            {
                "ext_case_audit": model_table("ext_case_audit", 2).set_column(
                    4, "audi_grade", pa.array([1.5, 2])
                )
            },
            r"ext_case_audit\.audi_grade holds double values",
        ),
    ],
)
def test_a_table_that_cannot_be_cast_publishes_nothing(root: Path, tables: dict, message: str) -> None:
    previous = publish(root, "926", AS_AT, {})
    with pytest.raises(WarehouseError, match=message):
        publish(root, "926", AS_AT, tables)
    _assert_only(root, [previous])


def test_bad_provenance_or_missing_source_publishes_nothing(root: Path, tmp_path: Path) -> None:
    previous = publish(root, "926", AS_AT, {})
    wrong_council = file_provenance({"ssd_person": model_table("ssd_person", 3)}, "926", AS_AT)
    with pytest.raises(WarehouseError, match="Provenance must have the columns"):
        publish(root, "926", AS_AT, {}, provenance=wrong_council.drop_columns(["superseded"]))
    with pytest.raises(WarehouseError, match=r"source file .*nowhere\.csv does not exist"):
        publish(root, "926", AS_AT, {}, sources=[tmp_path / "nowhere.csv"])
    _assert_only(root, [previous])


def test_a_failure_while_writing_removes_the_temporary_folder(root: Path) -> None:
    previous = publish(root, "926", AS_AT, {})
    seen = []

    def fail_midway(stage: str, done: int, total: int) -> None:
        seen.append(stage)
        if stage == STAGE_TABLES and done == total // 2:
            assert temp_folders(root), "the snapshot is written in a temporary folder"
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        publish(root, "926", AS_AT, model_tables(1_000), progress=fail_midway)
    _assert_only(root, [previous])
    assert latest_snapshot(root) == previous
    assert STAGE_MANIFEST not in seen


def test_progress_reports_every_file_then_the_manifest_then_the_rename(root: Path) -> None:
    calls = []
    publish(root, "926", AS_AT, {}, progress=lambda *call: calls.append(call))
    total = len(TABLES) + 2
    assert calls == [
        *[(STAGE_TABLES, done, total) for done in range(total + 1)],
        (STAGE_MANIFEST, 1, 1),
        (STAGE_PUBLISHED, 1, 1),
    ]


def test_incomplete_folders_are_never_listed(root: Path) -> None:
    snapshot = publish(root, "926", AS_AT, {})
    debris = root / "926" / f".tmp-{snapshot.id}-dead"
    debris.mkdir()
    (debris / "manifest.json").write_text(json.dumps(snapshot.manifest))
    no_manifest = root / "926" / "snapshots" / "2026-03-31_20260401T000000000000Z"
    no_manifest.mkdir()
    (no_manifest / "ssd_person.parquet").write_bytes(b"")
    assert list_snapshots(root, "926") == [snapshot]
    assert latest_snapshot(root) == snapshot
    publish(root, "926", AS_AT, {})
    assert not debris.exists()


def test_errors_for_missing_roots_councils_and_snapshots_are_sentences(root: Path) -> None:
    with pytest.raises(WarehouseError, match=r"^The data folder .* does not exist\.$"):
        list_snapshots(root)
    root.mkdir()
    with pytest.raises(WarehouseError, match=r"^The data folder .* holds no published snapshots\.$"):
        latest_snapshot(root)
    publish(root, "926", AS_AT, {})
    with pytest.raises(WarehouseError, match=r"no snapshots for council 927 .*; councils found: 926\.$"):
        latest_snapshot(root, "927")
    with pytest.raises(WarehouseError, match=r"has no snapshot '\.\./926'"):
        get_snapshot(root, "926", "../926")
    with pytest.raises(WarehouseError, match="is not a council code"):
        publish(root, "../x", AS_AT, {})
    with pytest.raises(WarehouseError, match="must be a date"):
        publish(root, "926", datetime(2025, 3, 31), {})


def test_the_warehouse_never_imports_django() -> None:
    code = "import sys, clearsight.warehouse; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "False"


def test_attachments_are_published_beside_the_tables_and_listed_in_the_manifest(tmp_path) -> None:
    snapshot = publish(tmp_path, "926", date(2025, 3, 31), {}, attachments={"data-quality.json": b"[]"})
    assert (snapshot.path / "data-quality.json").read_bytes() == b"[]"
    assert snapshot.manifest["files"]["data-quality.json"]["bytes"] == 2


def test_an_attachment_may_not_take_a_table_or_manifest_name(tmp_path) -> None:
    for name in ("manifest.json", "ssd_person.parquet", "../escape.html"):
        with pytest.raises(WarehouseError, match="cannot be called"):
            publish(tmp_path, "926", date(2025, 3, 31), {}, attachments={name: b""})


def test_read_tables_gives_back_every_table_as_published(tmp_path) -> None:
    tables = {"ssd_person": model_table("ssd_person", 5), "ssd_cp_plans": model_table("ssd_cp_plans", 3)}
    snapshot = publish(tmp_path, "926", AS_AT, tables)
    back = read_tables(snapshot)
    assert set(back) == set(TABLES)
    assert back["ssd_person"].equals(tables["ssd_person"])
    assert back["ssd_cla_episodes"].num_rows == 0


def test_read_tables_gives_only_the_columns_asked_for(tmp_path) -> None:
    tables = {"ssd_person": model_table("ssd_person", 5)}
    snapshot = publish(tmp_path, "926", AS_AT, tables)
    wanted = {name: [TABLES[name].primary_key] for name in TABLES}
    wanted["ssd_person"] = ["pers_person_id", "pers_dob"]
    back = read_tables(snapshot, wanted)
    assert back["ssd_person"].equals(tables["ssd_person"].select(["pers_person_id", "pers_dob"]))
    assert back["ssd_cp_plans"].column_names == ["cppl_cp_plan_id"]
