"""A child's timeline: every row of theirs in every table that refers to a person, in words, newest first.

On the small synthetic council (published straight from the generator: the timeline reads the canonical
tables only) and on a snapshot of a few hand-made rows whose words are known.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from clearsight import synth
from clearsight.model import TABLES
from clearsight.warehouse import Snapshot, publish
from clearsight.warehouse.timeline import BY_TABLE, EVENTS, KINDS, fields, kinds, timeline

AS_AT = dt.date(2026, 3, 31)


@pytest.fixture(scope="module")
def council(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    generated = synth.generate("small")
    return publish(tmp_path_factory.mktemp("timeline"), generated.la_code, generated.as_at, generated.tables)


def rows_by_child(snapshot: Snapshot) -> dict[str, dict[str, set[str]]]:
    """Every child's rows, straight from the Parquet files: child → table → primary keys."""
    found: dict[str, dict[str, set[str]]] = {}
    with duckdb.connect() as con:
        for name, table in TABLES.items():
            if table.person is None:
                continue
            pairs = con.execute(
                f'SELECT "{table.person}", "{table.primary_key}" FROM read_parquet(?) '
                f'WHERE "{table.person}" IS NOT NULL',
                [str(snapshot.file(name))],
            ).fetchall()
            for child, key in pairs:
                found.setdefault(child, {}).setdefault(name, set()).add(key)
    return found


def covering(by_child: dict[str, dict[str, set[str]]]) -> list[str]:
    """A few children whose rows, together, are in every table that refers to a person."""
    chosen: list[str] = []
    left = {name for name, table in TABLES.items() if table.person}
    while left:
        child = max(sorted(by_child), key=lambda c: len(left & by_child[c].keys()))
        assert left & by_child[child].keys(), f"no child has rows in {sorted(left)}"
        chosen.append(child)
        left -= by_child[child].keys()
    return chosen


def test_every_table_that_refers_to_a_person_gives_events_from_its_own_columns() -> None:
    person_tables = {name for name, table in TABLES.items() if table.person}
    assert set(BY_TABLE) == person_tables
    for spec in EVENTS:
        table = TABLES[spec.table]
        named = [spec.date, spec.team, spec.worker, *fields(spec.what)]
        named += [name for detail in spec.details for name in fields(detail)]
        for name in filter(None, named):
            table.column(name)  # KeyError for a column the model does not declare
        assert spec.kind in KINDS


def test_every_row_of_the_child_appears_in_every_table(council: Snapshot) -> None:
    by_child = rows_by_child(council)
    children = covering(by_child)
    assert len(children) < 10
    for child in children:
        events = timeline(council, child)
        assert {event.table for event in events} == set(by_child[child]), child
        for table, keys in by_child[child].items():
            assert {e.record_id for e in events if e.table == table} == keys, (child, table)
        assert all(event.what and event.kind in KINDS for event in events)


def test_newest_first_with_undated_records_last(council: Snapshot) -> None:
    by_child = rows_by_child(council)
    child = max(sorted(by_child), key=lambda c: len(by_child[c]))
    events = timeline(council, child)
    dated = [event.date for event in events if event.date is not None]
    assert len(dated) > 20 and dated == sorted(dated, reverse=True)
    undated = [event for event in events if event.date is None]
    assert undated and events[-len(undated) :] == undated  # the child's disability record, for one
    assert kinds(events) == [kind for kind in KINDS if any(event.kind == kind for event in events)]


def test_an_unknown_child_has_no_timeline(council: Snapshot) -> None:
    assert timeline(council, "P999999") == []


def _hand_made(root: Path) -> Snapshot:
    """Two children: C1 with a referral, an assessment, a plan, a visit and a disability; C2 with only a
    person row."""
    rows = {
        "ssd_person": [
            {"pers_person_id": "C1", "pers_dob": dt.date(2015, 5, 1)},
            {"pers_person_id": "C2"},
        ],
        "ssd_department": [{"dept_team_id": "T1", "dept_team_name": "North Team"}],
        "ssd_professionals": [{"prof_professional_id": "W1", "prof_professional_name": "Ann Worker"}],
        "ssd_cin_episodes": [
            {
                "cine_referral_id": "R1",
                "cine_person_id": "C1",
                "cine_referral_date": dt.date(2025, 1, 6),
                "cine_referral_source_code": "6",
                "cine_referral_team": "T1",
                "cine_referral_worker_id": "W1",
            }
        ],
        "ssd_cin_assessments": [
            {
                "cina_assessment_id": "A1",
                "cina_person_id": "C1",
                "cina_assessment_start_date": dt.date(2025, 1, 6),
                "cina_assessment_auth_date": dt.date(2025, 2, 20),
                "cina_assessment_child_seen": "Y",
                "cina_assessment_team": "T9",  # a team not in ssd_department keeps its id
            }
        ],
        "ssd_cp_plans": [
            {
                "cppl_cp_plan_id": "CP1",
                "cppl_person_id": "C1",
                "cppl_cp_plan_start_date": dt.date(2025, 3, 3),
                "cppl_cp_plan_initial_category": "NEG",
            }
        ],
        "ssd_cp_visits": [
            {"cppv_cp_visit_id": "V1", "cppv_person_id": "C1", "cppv_cp_visit_date": dt.date(2025, 3, 10)}
        ],
        "ssd_legal_status": [{"lega_legal_status_id": "L1", "lega_person_id": "C1"}],
    }
    tables = {name: TABLES[name].from_rows(found) for name, found in rows.items()}
    return publish(root, "999", AS_AT, tables)


def test_each_event_in_words_with_its_team_and_worker(tmp_path: Path) -> None:
    snapshot = _hand_made(tmp_path)
    events = timeline(snapshot, "C1")
    assert [(e.date, e.kind, e.what, e.record_id, e.team, e.worker) for e in events] == [
        (dt.date(2025, 3, 10), "Visit", "Child protection visit", "V1", None, None),
        (
            dt.date(2025, 3, 3),
            "Child protection plan",
            "Child protection plan started. Category: Neglect",
            "CP1",
            None,
            None,
        ),
        (
            dt.date(2025, 2, 20),
            "Assessment",
            "Assessment completed. Child seen: Yes",
            "A1",
            "T9",
            None,
        ),
        (dt.date(2025, 1, 6), "Assessment", "Assessment started", "A1", "T9", None),
        (dt.date(2025, 1, 6), "Referral", "Referral. Source: Police", "R1", "North Team", "Ann Worker"),
        (dt.date(2015, 5, 1), "Person", "Born", "C1", None, None),
        # A row that dates none of its events still appears, undated, with what it holds.
        (None, "Legal status", "Legal status: not recorded", "L1", None, None),
    ]


def test_a_child_with_only_a_person_row_and_no_date_of_birth(tmp_path: Path) -> None:
    events = timeline(_hand_made(tmp_path), "C2")
    assert [(e.date, e.kind, e.what, e.table) for e in events] == [(None, "Person", "Born", "ssd_person")]
