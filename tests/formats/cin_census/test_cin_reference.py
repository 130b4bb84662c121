"""Every CIN census sample in the reference folder loads: rows per canonical table and the issues found.

The samples are the sector's own fake files; several carry deliberate faults (formats.md B.3), which
must come back as issues, never as tracebacks.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import pytest

from clearsight.formats.cin_census.read import read, recognise
from clearsight.model.issues import ERROR, WARNING

TABLES = (
    "ssd_person",
    "ssd_disability",
    "ssd_cin_episodes",
    "ssd_cin_assessments",
    "ssd_assessment_factors",
    "ssd_cin_plans",
    "ssd_s47_enquiry",
    "ssd_initial_cp_conference",
    "ssd_cp_plans",
    "ssd_cp_reviews",
)
# The one-child files: a child with one of everything, two ICPCs (the enquiry's and the episode's own).
ONE_CHILD = dict(zip(TABLES, (1, 2, 1, 1, 1, 1, 1, 2, 1, 1), strict=True))
# Warnings, by the start of their problem text.
KINDS = {
    "not valid against the CIN": "schema",
    "clearsight has no CIN schema": "no schema for the year",
    "the Year disagrees": "year disagrees",
    "the reference date is not 31 March": "not 31 March",
    "the child has another row with the same key": "same key",
}


@dataclass
class Expected:
    collection_year: int
    as_at: dt.date
    rows: dict
    warnings: dict
    errors: set = field(default_factory=set)  # (column, value, line)
    la_code: str = "201"


FAKE_2024_ERRORS = {("pers_sex", "1", 25), ("cinf_assessment_factors_json", "RB", 46)}
FAKE_2024_ROWS = dict(zip(TABLES, (2, 3, 2, 2, 1, 1, 1, 2, 1, 1), strict=True))

EXPECTED = {
    "samples_liia-tools/cin-2022.xml": Expected(
        2022, dt.date(2022, 3, 31), ONE_CHILD, {"no schema for the year": 1, "schema": 2}
    ),
    "samples_liia-tools-pipeline/BAR_cin_2022.xml": Expected(
        2022, dt.date(2022, 3, 31), ONE_CHILD, {"no schema for the year": 1, "schema": 2}
    ),
    "validator_fake_data/CIN_Census_2021.xml": Expected(
        2023, dt.date(2023, 3, 31), ONE_CHILD, {"no schema for the year": 1, "schema": 2}
    ),
    "validator_fake_data/CIN_la_issues_2887Q.xml": Expected(
        2023, dt.date(2023, 3, 31), ONE_CHILD, {"no schema for the year": 1, "schema": 2}
    ),
    "validator_fake_data/CIN_header_issues_100.xml": Expected(
        2023,
        dt.date(2023, 3, 28),
        ONE_CHILD,
        {"no schema for the year": 1, "schema": 2, "not 31 March": 1},
    ),
    "validator_fake_data/CIN2rows.xml": Expected(
        2024,
        dt.date(2024, 3, 31),
        ONE_CHILD | {"ssd_assessment_factors": 0, "ssd_cp_plans": 2, "ssd_cp_reviews": 2},
        {"year disagrees": 1, "schema": 2, "same key": 1},
    ),
    "validator_fake_data/CIN_Census_2021_copy.xml": Expected(
        2024,
        dt.date(2024, 3, 31),
        ONE_CHILD | {"ssd_assessment_factors": 0},
        {"year disagrees": 1, "schema": 2},
    ),
    "validator_fake_data/CIN_Census_2021_no_assessment_factors.xml": Expected(
        2024,
        dt.date(2024, 3, 31),
        ONE_CHILD | {"ssd_assessment_factors": 0},
        {"year disagrees": 1, "schema": 2},
    ),
    "validator_fake_data/CIN_Census_2024.xml": Expected(
        2024, dt.date(2024, 3, 31), FAKE_2024_ROWS, {"year disagrees": 1, "schema": 7}, FAKE_2024_ERRORS
    ),
    "validator_fake_data/CIN_Census_2026.xml": Expected(
        2024,
        dt.date(2024, 3, 31),
        FAKE_2024_ROWS | {"ssd_pre_proceedings": 1},
        {"year disagrees": 1, "schema": 8},
        FAKE_2024_ERRORS,
    ),
    "validator_fake_data/fake_CIN_data.xml": Expected(
        2023,
        dt.date(2022, 7, 21),
        dict(zip(TABLES, (332, 117, 402, 0, 0, 0, 0, 350, 0, 0), strict=True)),
        {"no schema for the year": 1, "schema": 402, "year disagrees": 1, "not 31 March": 1, "same key": 5},
        la_code="975",
    ),
}


def _kind(problem: str) -> str:
    return next(kind for start, kind in KINDS.items() if problem.startswith(start))


def test_every_reference_sample_is_listed(reference):
    found = {str(p.relative_to(reference / "cin_census")) for p in (reference / "cin_census").rglob("*.xml")}
    assert found == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reference_sample_loads_with_its_rows_and_issues(reference, name):
    path = reference / "cin_census" / name
    expected = EXPECTED[name]
    assert recognise(path)
    result = read([path], la_code=None, limit_mb=10)
    assert (result.collection_year, result.as_at, result.la_code) == (
        expected.collection_year,
        expected.as_at,
        expected.la_code,
    )
    assert {name: table.num_rows for name, table in result.tables.items()} == expected.rows
    warnings = Counter(_kind(i.problem) for i in result.issues if i.severity == WARNING)
    assert warnings == expected.warnings
    errors = {(i.column, i.value, i.row) for i in result.issues if i.severity == ERROR}
    assert errors == expected.errors
    for name, table in result.tables.items():
        assert result.origins[name].num_rows == table.num_rows
    assert result.provenance(result.la_code, result.as_at).num_rows == sum(expected.rows.values())


def test_schema_issues_name_the_xml_path_line_and_value(reference):
    path = reference / "cin_census" / "validator_fake_data" / "CIN_Census_2024.xml"
    result = read([path], la_code=None, limit_mb=10)
    schema = [i for i in result.issues if i.problem.startswith("not valid")]
    factor = next(i for i in schema if "'RB'" in i.problem)
    assert factor.problem == (
        "not valid against the CIN 2023/24 schema: Element 'AssessmentFactors': [facet 'enumeration'] "
        "The value 'RB' is not an element of the set {"
        "'1A', '1B', '1C', '2A', '2B', '2C', '3A', '3B', '3C', '4A', '4B', '4C', '5A', '5B', '5C', "
        "'6A', '6B', '6C', '7A', '8B', '8C', '8D', '8E', '8F', '9A', '10A', '11A', '12A', '13A', '14A', "
        "'15A', '16A', '17A', '18A', '18B', '18C', '19A', '19B', '19C', '20', '21', '22A', '23A', '24A'}."
    )
    assert factor.sheet == (
        "/Message/Children/Child[1]/CINdetails/Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors[2]"
    )
    assert factor.row == 46
    assert factor.file == str(path)
    # Every schema issue names its element's path and line; libxml2 gives the value only in its message.
    assert [(i.sheet, i.row) for i in schema] == [
        ("/Message/Children/Child[1]/ChildIdentifiers", 19),
        ("/Message/Children/Child[1]/ChildIdentifiers/Sex", 25),
        (
            "/Message/Children/Child[1]/CINdetails/Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors[2]",
            46,
        ),
        ("/Message/Children/Child[1]/CINdetails/Section47/ICPCnotRequired", 58),
        ("/Message/Children/Child[2]/ChildIdentifiers/Sex", 78),
        ("/Message/Children/Child[2]/CINdetails/Assessments/FactorsIdentifiedAtAssessment", 95),
        ("/Message/Children/Child[2]/CINdetails/ReferralNFA", 97),
    ]
    assert {i.value for i in schema} == {None}
    sex = next(i for i in result.issues if i.column == "pers_sex")
    assert (sex.key, sex.sheet, sex.problem) == (
        "DfEX0000001",
        "Message/Children/Child/ChildIdentifiers/Sex",
        "not a known sex code; stored as empty",
    )


def test_the_draft_pre_proceedings_block_is_read_by_name(reference):
    path = reference / "cin_census" / "validator_fake_data" / "CIN_Census_2026.xml"
    result = read([path], la_code=None, limit_mb=10)
    row = result.tables["ssd_pre_proceedings"].to_pylist()[0]
    assert row["prep_pre_pro_decision_date"] == dt.date(2026, 9, 9)
    assert row["prep_pre_pro_letter_date"] == dt.date(2026, 9, 20)
    assert row["prep_initial_pre_pro_meeting_date"] == dt.date(2026, 9, 28)
    assert row["prep_pre_pro_meetings_num"] == 3
    assert row["prep_agree_stepdown_issue_date"] == dt.date(2026, 12, 1)
    assert row["prep_pre_pro_outcome"] == "A"
    assert row["prep_care_pro_letter_date"] == dt.date(2027, 2, 5)
    assert row["prep_person_id"] == "DfEX0000001" and row["prep_plo_family_id"]
    notes = {i.problem.split(" (")[0] for i in result.issues if i.severity == "info"}
    assert "no canonical column holds CourtAppDate" in notes
