"""The canonical-table validator: one small hand-made set per kind of issue, and a clean set with none."""

import datetime as dt

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearsight.model import TABLES
from clearsight.model import validate as v
from clearsight.model.issues import ERROR, WARNING
from clearsight.model.validate import IssueCount, summarise, validate

AS_AT = dt.date(2025, 3, 31)


def table(name, *rows):
    """A canonical table with the model's schema; columns a row leaves out are NULL."""
    return TABLES[name].from_rows(rows)


def person(pid="P1", dob=dt.date(2015, 6, 1), **more):
    return {"pers_person_id": pid, "pers_dob": dob, "pers_sex": "F", **more}


def cp_plan(plan_id="CP1", pid="P1", start=dt.date(2024, 5, 1), **more):
    return {"cppl_cp_plan_id": plan_id, "cppl_person_id": pid, "cppl_cp_plan_start_date": start, **more}


def only(issues):
    assert len(issues) == 1, issues
    return issues[0]


def test_a_clean_set_has_no_issues():
    tables = {
        "ssd_person": table("ssd_person", person("P1"), person("P2", dob=dt.date(2008, 2, 29))),
        "ssd_cin_episodes": table(
            "ssd_cin_episodes",
            {
                "cine_referral_id": "R1",
                "cine_person_id": "P1",
                "cine_referral_date": dt.date(2024, 4, 2),
                "cine_close_date": dt.date(2025, 1, 6),
                "cine_cin_primary_need_code": "N1",
                "cine_referral_nfa": "N",
            },
        ),
        "ssd_cp_plans": table(
            "ssd_cp_plans", cp_plan(cppl_referral_id="R1", cppl_cp_plan_initial_category="NEG")
        ),
        "ssd_cp_reviews": table(
            "ssd_cp_reviews",
            {
                "cppr_cp_review_id": "RV1",
                "cppr_person_id": "P1",
                "cppr_cp_plan_id": "CP1",
                "cppr_cp_review_due": dt.date(2025, 6, 1),  # a due date may lie ahead
                "cppr_cp_review_date": AS_AT,
            },
        ),
        "ssd_involvements": table(
            "ssd_involvements",
            {"invo_involvements_id": "I1", "invo_person_id": "P2", "invo_professional_role_id": "Team Lead"},
        ),
        "ext_case_audit": table("ext_case_audit", {"audi_id": "A1", "audi_person_id": "P2", "audi_grade": 2}),
    }
    assert validate(tables, AS_AT) == []


def test_validation_leaves_the_tables_as_they_were():
    people = table("ssd_person", person("P1"), person("P1"), person(None, pers_sex="X"))
    plans = table("ssd_cp_plans", cp_plan(pid="P9", start=dt.date(2026, 1, 1)))
    before = {"ssd_person": people, "ssd_cp_plans": plans}
    copies = {name: pa.table(t.to_pydict(), schema=t.schema) for name, t in before.items()}
    assert validate(before, AS_AT)
    for name, data in before.items():
        assert data.num_rows == copies[name].num_rows
        assert data.equals(copies[name])


# (a) shape


def test_unknown_table_is_a_warning():
    issue = only(validate({"ssd_address": pa.table({"addr_id": ["1"]})}, AS_AT))
    assert (issue.table, issue.problem, issue.severity) == ("ssd_address", v.UNKNOWN_TABLE, WARNING)


def test_wrong_type_is_one_issue_per_column_and_its_values_are_not_checked():
    people = table("ssd_person", person(), person("P2"))
    people = people.set_column(
        people.schema.get_field_index("pers_dob"), "pers_dob", pa.array(["2999-01-01"] * 2)
    )
    issue = only(validate({"ssd_person": people}, AS_AT))
    assert (issue.table, issue.column, issue.problem, issue.severity) == (
        "ssd_person",
        "pers_dob",
        v.WRONG_TYPE,
        ERROR,
    )
    assert issue.value == "string (expected date32[day])"


def test_missing_column_is_one_issue():
    people = table("ssd_person", person()).drop_columns(["pers_ethnicity"])
    issue = only(validate({"ssd_person": people}, AS_AT))
    assert (issue.column, issue.problem, issue.severity) == ("pers_ethnicity", v.MISSING_COLUMN, ERROR)


def test_undeclared_column_is_a_warning():
    people = table("ssd_person", person()).append_column("pers_shoe_size", pa.array([3]))
    issue = only(validate({"ssd_person": people}, AS_AT))
    assert (issue.column, issue.problem, issue.severity) == ("pers_shoe_size", v.EXTRA_COLUMN, WARNING)


# (b) primary keys


def test_blank_primary_key_names_the_row():
    issue = only(validate({"ssd_person": table("ssd_person", person("P1"), person(None))}, AS_AT))
    assert (issue.key, issue.row, issue.column, issue.problem, issue.severity) == (
        None,
        2,
        "pers_person_id",
        v.BLANK_KEY,
        ERROR,
    )


def test_different_rows_sharing_a_key_are_one_error_per_key():
    people = table("ssd_person", person("P1"), person("P2"), person("P1", pers_sex="M"), person("P1"))
    issue = only(validate({"ssd_person": people}, AS_AT))
    assert (issue.key, issue.value, issue.row, issue.problem, issue.severity) == (
        "P1",
        "3",
        1,
        v.DUPLICATE_KEY,
        ERROR,
    )


def test_identical_rows_sharing_a_key_are_a_warning():
    issue = only(validate({"ssd_person": table("ssd_person", person("P1"), person("P1"))}, AS_AT))
    assert (issue.key, issue.value, issue.problem, issue.severity) == ("P1", "2", v.REPEATED_ROW, WARNING)


# (c) foreign keys


def test_orphan_foreign_key():
    tables = {
        "ssd_person": table("ssd_person", person("P1")),
        "ssd_cp_plans": table("ssd_cp_plans", cp_plan(pid="P9")),
    }
    issue = only(validate(tables, AS_AT))
    assert (issue.table, issue.key, issue.column, issue.value, issue.severity) == (
        "ssd_cp_plans",
        "CP1",
        "cppl_person_id",
        "P9",
        ERROR,
    )
    assert issue.problem == v.ORPHAN.format(target="ssd_person.pers_person_id")


def test_foreign_key_to_a_column_that_is_not_unique():
    episode = {"clae_person_id": "P1", "clae_cla_id": "LA1"}
    placement = {"clap_person_id": "P1", "clap_cla_placement_start_date": dt.date(2024, 1, 1)}
    tables = {
        "ssd_person": table("ssd_person", person("P1")),
        "ssd_cla_episodes": table(
            "ssd_cla_episodes",
            {**episode, "clae_cla_episode_id": "E1"},
            {**episode, "clae_cla_episode_id": "E2"},
        ),
        "ssd_cla_placement": table(
            "ssd_cla_placement",
            {**placement, "clap_cla_placement_id": "PL1", "clap_cla_id": "LA1"},
            {**placement, "clap_cla_placement_id": "PL2", "clap_cla_id": "LA2"},
        ),
    }
    issue = only(validate(tables, AS_AT))
    assert (issue.table, issue.key, issue.column, issue.value) == (
        "ssd_cla_placement",
        "PL2",
        "clap_cla_id",
        "LA2",
    )


def test_reference_to_a_table_not_supplied_is_one_warning():
    plans = table(
        "ssd_cp_plans", cp_plan("CP1", cppl_referral_id="R1"), cp_plan("CP2", cppl_referral_id="R2")
    )
    issues = validate({"ssd_person": table("ssd_person", person("P1")), "ssd_cp_plans": plans}, AS_AT)
    issue = only(issues)
    assert (issue.column, issue.severity) == ("cppl_referral_id", WARNING)
    assert issue.problem == v.TARGET_ABSENT.format(table="ssd_cin_episodes")


# (d) codes


def test_unknown_code():
    issue = only(validate({"ssd_person": table("ssd_person", person("P1", pers_sex="X"))}, AS_AT))
    assert (issue.key, issue.column, issue.value, issue.severity) == ("P1", "pers_sex", "X", ERROR)
    assert issue.problem == v.UNKNOWN_CODE.format(code_set="sex")


def test_unknown_code_in_an_integer_column():
    audits = table("ext_case_audit", {"audi_id": "A1", "audi_grade": 5}, {"audi_id": "A2", "audi_grade": 4})
    issue = only(validate({"ext_case_audit": audits}, AS_AT))
    assert (issue.key, issue.column, issue.value) == ("A1", "audi_grade", "5")
    assert issue.problem == v.UNKNOWN_CODE.format(code_set="ofsted_grade")


def test_open_code_sets_are_not_checked():
    roles = table(
        "ssd_involvements", {"invo_involvements_id": "I1", "invo_professional_role_id": "Key Worker"}
    )
    assert validate({"ssd_involvements": roles}, AS_AT) == []


# (e) date order


def test_end_date_before_start_date():
    plans = table("ssd_cp_plans", cp_plan(cppl_cp_plan_end_date=dt.date(2024, 4, 30)))
    issue = only(validate({"ssd_person": table("ssd_person", person()), "ssd_cp_plans": plans}, AS_AT))
    assert (issue.key, issue.column, issue.value, issue.severity) == (
        "CP1",
        "cppl_cp_plan_end_date",
        "2024-04-30 (start 2024-05-01)",
        ERROR,
    )
    assert issue.problem == v.END_BEFORE_START.format(start="cppl_cp_plan_start_date")


# (f) future dates


def test_date_after_as_at_is_a_warning_but_planned_dates_and_as_at_itself_are_not():
    reviews = table(
        "ssd_cp_reviews",
        {"cppr_cp_review_id": "RV1", "cppr_cp_review_due": dt.date(2025, 5, 1), "cppr_cp_review_date": AS_AT},
        {"cppr_cp_review_id": "RV2", "cppr_cp_review_date": dt.date(2025, 4, 1)},
    )
    issue = only(validate({"ssd_person": table("ssd_person"), "ssd_cp_reviews": reviews}, AS_AT))
    assert (issue.key, issue.column, issue.value, issue.problem, issue.severity) == (
        "RV2",
        "cppr_cp_review_date",
        "2025-04-01",
        v.FUTURE_DATE,
        WARNING,
    )


def test_an_expected_birth_date_may_lie_ahead():
    unborn = person("P1", dob=None, pers_expected_dob=dt.date(2025, 7, 1))
    assert validate({"ssd_person": table("ssd_person", unborn)}, AS_AT) == []


# (g) implausible age


def test_cp_plan_for_a_25_year_old():
    tables = {
        "ssd_person": table("ssd_person", person("P1", dob=dt.date(1999, 1, 1))),
        "ssd_cp_plans": table("ssd_cp_plans", cp_plan()),
    }
    issue = only(validate(tables, AS_AT))
    assert (issue.table, issue.key, issue.column, issue.value, issue.severity) == (
        "ssd_cp_plans",
        "CP1",
        "cppl_cp_plan_start_date",
        "age 25 (born 1999-01-01)",
        ERROR,
    )
    assert issue.problem == v.TOO_OLD.format(limit=17)


@pytest.mark.parametrize(("dob", "flagged"), [(dt.date(2006, 5, 1), True), (dt.date(2006, 5, 2), False)])
def test_no_cp_plan_starts_on_or_after_the_18th_birthday(dob, flagged):
    """indicators.md D9: nothing CP is due on or after the 18th birthday; the plan starts 2024-05-01."""
    tables = {
        "ssd_person": table("ssd_person", person("P1", dob=dob)),
        "ssd_cp_plans": table("ssd_cp_plans", cp_plan()),
    }
    assert bool(validate(tables, AS_AT)) is flagged


@pytest.mark.parametrize(
    ("contact", "flagged"),
    [
        (dt.date(2026, 2, 28), False),  # born 29 Feb: 25, not 26, until 1 March (indicators.md §2.4)
        (dt.date(2026, 3, 1), True),
    ],
)
def test_age_counts_completed_years(contact, flagged):
    leaver = {"clea_table_id": "L1", "clea_person_id": "P1", "clea_care_leaver_latest_contact": contact}
    tables = {
        "ssd_person": table("ssd_person", person("P1", dob=dt.date(2000, 2, 29))),
        "ssd_care_leavers": table("ssd_care_leavers", leaver),
    }
    issues = [i for i in validate(tables, dt.date(2026, 3, 31)) if i.problem == v.TOO_OLD.format(limit=25)]
    assert len(issues) == flagged


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.dates(dt.date(1990, 1, 1), dt.date(2012, 12, 31)), st.dates()), max_size=40))
def test_age_flags_exactly_the_rows_over_the_limit(pairs):
    people = [person(f"P{i}", dob=dob) for i, (dob, _) in enumerate(pairs)]
    leavers = [
        {"clea_table_id": f"L{i}", "clea_person_id": f"P{i}", "clea_care_leaver_latest_contact": d}
        for i, (_, d) in enumerate(pairs)
    ]
    tables = {
        "ssd_person": table("ssd_person", *people),
        "ssd_care_leavers": table("ssd_care_leavers", *leavers),
    }
    flagged = {i.key for i in validate(tables, dt.date.max) if i.problem == v.TOO_OLD.format(limit=25)}
    # indicators.md §2.4: completed years, a 29 February birthday falling on 1 March.
    ages = {
        f"L{i}": d.year - dob.year - ((d.month, d.day) < (dob.month, dob.day))
        for i, (dob, d) in enumerate(pairs)
    }
    assert flagged == {key for key, age in ages.items() if age > 25}


def test_age_check_without_ssd_person_is_one_warning():
    plans = table("ssd_cp_plans", cp_plan("CP1"), cp_plan("CP2"))
    issues = validate({"ssd_cp_plans": plans}, AS_AT)
    assert {(i.column, i.problem, i.severity) for i in issues} == {
        ("cppl_person_id", v.TARGET_ABSENT.format(table="ssd_person"), WARNING),
        ("cppl_cp_plan_start_date", v.PERSON_ABSENT, WARNING),
    }
    assert len(issues) == 2


# summary


def test_summary_counts_worst_first():
    people = table("ssd_person", person("P1", pers_sex="X"), person("P2", pers_sex="X"), person("P1"))
    people = people.append_column("extra", pa.array([1, 2, 3]))
    summary = summarise(validate({"ssd_person": people, "other": pa.table({"a": [1]})}, AS_AT))
    assert summary == [
        IssueCount(ERROR, None, "ssd_person", "pers_sex", v.UNKNOWN_CODE.format(code_set="sex"), 2),
        IssueCount(ERROR, None, "ssd_person", "pers_person_id", v.DUPLICATE_KEY, 1),
        IssueCount(WARNING, None, "other", None, v.UNKNOWN_TABLE, 1),
        IssueCount(WARNING, None, "ssd_person", "extra", v.EXTRA_COLUMN, 1),
    ]
