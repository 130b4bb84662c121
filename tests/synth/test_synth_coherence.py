"""The small council is coherent: valid against the model, journeys traceable, dates and ages plausible."""

from __future__ import annotations

import pytest

from clearsight.model import TABLES
from clearsight.model.issues import ERROR
from clearsight.model.schema import DATETIME
from clearsight.model.validate import PLANNED_DATES, validate


def test_every_model_table_with_its_exact_schema(small):
    assert set(small.tables) == set(TABLES)
    for name, table in small.tables.items():
        assert table.schema == TABLES[name].arrow_schema, name
    assert small.la_code == "998"


def test_small_council_validates_without_errors(small):
    errors = [i for i in validate(small.tables, small.as_at) if i.severity == ERROR]
    assert errors == []


@pytest.mark.slow
def test_county_validates_without_errors(county):
    errors = [i for i in validate(county.tables, county.as_at) if i.severity == ERROR]
    assert errors == []


def test_tables_are_sorted_by_their_text_primary_key(small):
    for name, table in small.tables.items():
        if name == "ext_population" or table.num_rows < 2:
            continue
        keys = table[TABLES[name].primary_key].to_pylist()
        assert keys == sorted(keys), name


def test_most_tables_have_rows(small):
    empty = sorted(name for name, table in small.tables.items() if table.num_rows == 0)
    assert empty == []


def test_no_dates_after_as_at_except_due_dates(small_db, small):
    for name in small.tables:
        for column in TABLES[name].columns:
            if column.type == DATETIME and column.name not in PLANNED_DATES:
                (late,) = small_db.execute(
                    f"SELECT count(*) FROM {name} WHERE {column.name} > as_at()"
                ).fetchone()
                assert late == 0, f"{name}.{column.name}"


def test_every_cp_plan_traces_back_to_icpc_s47_referral_and_person(small_db):
    (broken,) = small_db.execute("""
        SELECT count(*) FROM ssd_cp_plans p
        LEFT JOIN ssd_initial_cp_conference i ON i.icpc_icpc_id = p.cppl_icpc_id
            AND i.icpc_cp_plan_id = p.cppl_cp_plan_id
        LEFT JOIN ssd_s47_enquiry q ON q.s47e_s47_enquiry_id = i.icpc_s47_enquiry_id
        LEFT JOIN ssd_cin_episodes r ON r.cine_referral_id = q.s47e_referral_id
        LEFT JOIN ssd_person c ON c.pers_person_id = r.cine_person_id
        WHERE c.pers_person_id IS NULL OR c.pers_person_id <> p.cppl_person_id
           OR i.icpc_person_id <> p.cppl_person_id OR q.s47e_person_id <> p.cppl_person_id
           OR p.cppl_referral_id <> r.cine_referral_id OR i.icpc_referral_id <> r.cine_referral_id
           OR NOT (r.cine_referral_date <= q.s47e_s47_start_date AND q.s47e_s47_start_date < i.icpc_icpc_date
                   AND i.icpc_icpc_date = p.cppl_cp_plan_start_date)
    """).fetchone()
    assert broken == 0


def test_each_stage_lies_within_its_referral(small_db):
    stages = [
        ("ssd_cin_assessments", "cina_referral_id", "cina_person_id", "cina_assessment_start_date"),
        ("ssd_s47_enquiry", "s47e_referral_id", "s47e_person_id", "s47e_s47_start_date"),
        ("ssd_cin_plans", "cinp_referral_id", "cinp_person_id", "cinp_cin_plan_start_date"),
        ("ssd_cla_episodes", "clae_referral_id", "clae_person_id", "clae_cla_episode_start_date"),
        ("ssd_involvements", "invo_referral_id", "invo_person_id", "invo_involvement_start_date"),
    ]
    for table, referral, person, start in stages:
        (outside,) = small_db.execute(f"""
            SELECT count(*) FROM {table} t JOIN ssd_cin_episodes r ON r.cine_referral_id = t.{referral}
            WHERE t.{person} <> r.cine_person_id OR t.{start} < r.cine_referral_date
               OR t.{start} > coalesce(r.cine_close_date, as_at())
        """).fetchone()
        assert outside == 0, table


def test_children_are_under_18_on_every_child_event(small_db):
    events = {
        name: table.max_age[0] for name, table in TABLES.items() if table.max_age and table.max_age[1] == 18
    }
    for name, column in events.items():
        person = TABLES[name].person
        (adults,) = small_db.execute(f"""
            SELECT count(*) FROM {name} t JOIN ssd_person p ON p.pers_person_id = t.{person}
            WHERE t.{column} IS NOT NULL AND (date_sub('year', p.pers_dob, t.{column}) >= 18
                OR t.{column} < p.pers_dob - 400)
        """).fetchone()
        assert adults == 0, name


def test_care_periods_are_contiguous_episodes_and_placements(small_db):
    (gaps,) = small_db.execute("""
        SELECT count(*) FROM (
            SELECT clae_cla_episode_ceased_date AS ended, clae_cla_episode_ceased_reason AS reason,
                   lead(clae_cla_episode_start_date) OVER w AS next_start
            FROM ssd_cla_episodes WINDOW w AS (PARTITION BY clae_cla_id ORDER BY clae_cla_episode_start_date)
        ) WHERE next_start IS NOT NULL AND (ended <> next_start OR reason <> 'X1')
    """).fetchone()
    assert gaps == 0
    (misplaced,) = small_db.execute("""
        SELECT count(*) FROM ssd_cla_episodes e JOIN ssd_cla_placement p
            ON p.clap_cla_placement_id = e.clae_cla_placement_id
        WHERE p.clap_cla_id <> e.clae_cla_id
            OR p.clap_cla_placement_start_date > e.clae_cla_episode_start_date
           OR coalesce(p.clap_cla_placement_end_date, DATE '9999-12-31')
              < coalesce(e.clae_cla_episode_ceased_date, DATE '9999-12-31')
    """).fetchone()
    assert misplaced == 0


def test_care_leavers_left_care_at_16_or_over(small_db):
    (strays,) = small_db.execute("""
        SELECT count(*) FROM ssd_care_leavers c JOIN ssd_person p ON p.pers_person_id = c.clea_person_id
        WHERE date_sub('year', p.pers_dob, as_at()) NOT BETWEEN 16 AND 25
           OR NOT EXISTS (
               SELECT 1 FROM ssd_cla_episodes e WHERE e.clae_person_id = c.clea_person_id
                 AND date_sub('year', p.pers_dob, e.clae_cla_episode_ceased_date) >= 16)
           OR c.clea_care_leaver_personal_advisor NOT IN (SELECT prof_professional_id FROM ssd_professionals)
    """).fetchone()
    assert strays == 0


def test_open_cases_are_held_by_a_worker_of_the_right_team(small_db):
    (wrong,) = small_db.execute("""
        SELECT count(*) FROM ssd_involvements i JOIN ssd_professionals w
            ON w.prof_professional_id = i.invo_professional_id
        JOIN ssd_department d ON d.dept_team_id = i.invo_professional_team
        WHERE w.prof_professional_department <> d.dept_team_name
    """).fetchone()
    assert wrong == 0


def test_every_referral_in_the_window_follows_a_contact_from_the_same_source(small_db):
    (orphans,) = small_db.execute("""
        SELECT count(*) FROM ssd_cin_episodes r WHERE r.cine_referral_date >= window_start() AND NOT EXISTS (
            SELECT 1 FROM ssd_contacts c WHERE c.cont_person_id = r.cine_person_id
              AND c.cont_contact_date BETWEEN r.cine_referral_date - 2 AND r.cine_referral_date
              AND c.cont_contact_source_code = r.cine_referral_source_code
              AND c.cont_contact_outcome_json LIKE '%"NEW_REFERRAL_FLAG":"Y"%')
    """).fetchone()
    assert orphans == 0
