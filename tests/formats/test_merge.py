"""Merging several sources into one set of canonical tables (formats.md §2.1)."""

import datetime as dt

import pyarrow as pa

from clearsight.formats.common.result import FormatResult, origin_table
from clearsight.formats.merge import merge
from clearsight.model import TABLES
from clearsight.sources import SourceFile

AS_AT = dt.date(2025, 3, 31)


def people(rows):
    schema = TABLES["ssd_person"].arrow_schema
    return pa.Table.from_pylist([{c: r.get(c) for c in schema.names} for r in rows], schema=schema)


def result(source_format, file_name, rows):
    found = FormatResult(source_format)
    found.files[file_name] = SourceFile(file_name, 1, "0" * 64)
    table = people(rows)
    found.add("ssd_person", table, origin_table(file_name, "List 1", pa.array(range(2, table.num_rows + 2))))
    return found


def test_each_column_takes_the_value_of_the_highest_ranked_source_that_has_one():
    annex_a = result(
        "annex_a",
        "annex.xlsx",
        [
            {
                "pers_person_id": "C1",
                "pers_gender": "F",
                "pers_dob": dt.date(2012, 1, 1),
                "pers_ethnicity": "WBRI",
            },
            {"pers_person_id": "C2", "pers_gender": "M"},
        ],
    )
    cin = result(
        "cin", "cin.xml", [{"pers_person_id": "C1", "pers_sex": "F", "pers_dob": dt.date(2012, 1, 2)}]
    )
    merged = merge([annex_a, cin], "926", AS_AT)
    person = {r["pers_person_id"]: r for r in merged.tables["ssd_person"].to_pylist()}
    assert sorted(person) == ["C1", "C2"]
    assert person["C1"]["pers_dob"] == dt.date(2012, 1, 2)  # CIN wins over Annex A
    assert person["C1"]["pers_gender"] == "F" and person["C1"]["pers_sex"] == "F"  # each kept from its source
    assert person["C1"]["pers_ethnicity"] == "WBRI"
    (issue,) = merged.issues
    assert (issue.table, issue.key, issue.column, issue.severity) == (
        "ssd_person",
        "C1",
        "pers_dob",
        "warning",
    )
    assert "kept the one from cin" in issue.problem
    assert issue.value == "2012-01-01 | 2012-01-02"


def test_provenance_keeps_every_source_and_marks_the_losers_superseded():
    annex_a = result("annex_a", "annex.xlsx", [{"pers_person_id": "C1"}, {"pers_person_id": "C2"}])
    ssd = result("ssd", "ssd_person.csv", [{"pers_person_id": "C1"}])
    provenance = merge([annex_a, ssd], "926", AS_AT).provenance.to_pylist()
    flags = {(p["source_format"], p["row_key"]): p["superseded"] for p in provenance}
    assert flags == {("ssd", "C1"): False, ("annex_a", "C1"): True, ("annex_a", "C2"): False}


def test_a_single_source_passes_through_unchanged():
    only = result("ssd", "ssd_person.csv", [{"pers_person_id": "C1", "pers_sex": "M"}])
    merged = merge([only], "926", AS_AT)
    assert merged.tables["ssd_person"].equals(only.tables["ssd_person"])
    assert merged.provenance.num_rows == 1 and merged.issues == []


def rows(name, records):
    schema = TABLES[name].arrow_schema
    return pa.Table.from_pylist([{c: r.get(c) for c in schema.names} for r in records], schema=schema)


def source(source_format, tables):
    found = FormatResult(source_format)
    found.files["f"] = SourceFile("f", 1, "0" * 64)
    for name, records in tables.items():
        table = rows(name, records)
        found.add(name, table, origin_table("f", name, pa.array(range(table.num_rows))))
    return found


def test_one_record_from_two_statutory_sources_becomes_one_row_and_references_follow():
    day = dt.date(2024, 6, 3)
    annex_a = source(
        "annex_a",
        {
            "ssd_cin_episodes": [
                {"cine_referral_id": "aa-1", "cine_person_id": "C1", "cine_referral_date": day}
            ],
            "ssd_cin_assessments": [
                {
                    "cina_assessment_id": "aa-2",
                    "cina_person_id": "C1",
                    "cina_referral_id": "aa-1",
                    "cina_assessment_start_date": day,
                }
            ],
        },
    )
    cin = source(
        "cin",
        {
            "ssd_cin_episodes": [
                {
                    "cine_referral_id": "cin-9",
                    "cine_person_id": "C1",
                    "cine_referral_date": day,
                    "cine_cin_primary_need_code": "N1",
                }
            ],
        },
    )
    merged = merge([annex_a, cin], "926", AS_AT)
    (referral,) = merged.tables["ssd_cin_episodes"].to_pylist()
    assert referral["cine_cin_primary_need_code"] == "N1"
    (assessment,) = merged.tables["ssd_cin_assessments"].to_pylist()
    assert assessment["cina_referral_id"] == referral["cine_referral_id"]


def test_overlapping_periods_of_care_of_one_child_are_linked_to_the_best_source_s_id():
    def episode(period, start, **more):
        return {
            "clae_cla_episode_id": f"{period}-{start}",
            "clae_person_id": "C1",
            "clae_cla_id": period,
            "clae_cla_episode_start_date": start,
            **more,
        }

    ssda903 = source("ssda903", {"ssd_cla_episodes": [episode("903-P", dt.date(2024, 4, 1))]})
    annex_a = source(
        "annex_a",
        {
            "ssd_cla_episodes": [episode("AA-P", dt.date(2024, 9, 1))],
            "ssd_cla_reviews": [
                {
                    "clar_cla_review_id": "r",
                    "clar_cla_id": "AA-P",
                    "clar_cla_person_id": "C1",
                    "clar_cla_review_date": dt.date(2024, 10, 1),
                }
            ],
        },
    )
    merged = merge([annex_a, ssda903], "926", AS_AT)
    assert set(merged.tables["ssd_cla_episodes"].column("clae_cla_id").to_pylist()) == {"903-P"}
    assert merged.tables["ssd_cla_reviews"].column("clar_cla_id").to_pylist() == ["903-P"]
