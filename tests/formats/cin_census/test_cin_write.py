"""The CIN census writer: the census year's children, the year's element names, fills, atomic writes."""

import datetime as dt

import pyarrow as pa
import pytest
from lxml import etree

from clearsight.formats.cin_census import write as writer
from clearsight.formats.cin_census.profile import profile
from clearsight.formats.cin_census.read import read
from clearsight.formats.common import xml
from clearsight.model import TABLES

D = dt.date


def snapshot(**rows: list[dict]) -> dict[str, pa.Table]:
    """Canonical tables from a few rows each (columns left out are NULL)."""
    return {
        name: pa.Table.from_pylist(found, schema=TABLES[name].arrow_schema) for name, found in rows.items()
    }


def person(pid, **values):
    return {
        "pers_person_id": pid,
        "pers_dob": D(2015, 5, 1),
        "pers_sex": "F",
        "pers_ethnicity": "WBRI",
    } | values


def episode(rid, pid, referral, closed=None, **values):
    base = {
        "cine_referral_id": rid,
        "cine_person_id": pid,
        "cine_referral_date": referral,
        "cine_close_date": closed,
    }
    return base | {"cine_referral_source_code": "1A", "cine_referral_nfa": "N"} | values


COUNCIL = snapshot(
    ssd_person=[
        person("C1", pers_ethnicity=None, pers_sex=None, pers_upn="not a upn"),
        person("C2", pers_upn="A123456789123"),
        person("C3"),
    ],
    ssd_cin_episodes=[
        episode("R1", "C1", D(2025, 6, 1), cine_referral_source_code=None, cine_referral_nfa=None),
        episode("R0", "C1", D(2023, 1, 1), closed=D(2023, 6, 1)),  # an earlier plan's episode
        episode("R2", "C2", D(2024, 1, 1)),  # still open: in the census
        episode("R3", "C3", D(2024, 1, 1), closed=D(2025, 3, 1)),  # closed before the year: not in it
    ],
    ssd_cin_assessments=[
        {"cina_assessment_id": "A1", "cina_referral_id": "R1", "cina_assessment_start_date": D(2025, 6, 2)},
        {"cina_assessment_id": "A2", "cina_referral_id": "R1", "cina_assessment_start_date": None},
    ],
    ssd_assessment_factors=[
        {"cinf_table_id": "F1", "cinf_assessment_id": "A1", "cinf_assessment_factors_json": '["6B","1C"]'}
    ],
    ssd_cp_plans=[
        {
            "cppl_cp_plan_id": "P0",
            "cppl_referral_id": "R0",
            "cppl_person_id": "C1",
            "cppl_cp_plan_start_date": D(2023, 2, 1),
        },
        {
            "cppl_cp_plan_id": "P1",
            "cppl_referral_id": "R1",
            "cppl_person_id": "C1",
            "cppl_cp_plan_start_date": D(2025, 7, 1),
        },
    ],
)


def children(path) -> dict[str, etree._Element]:
    tree = etree.parse(str(path))
    return {c.findtext("ChildIdentifiers/LAchildID"): c for c in tree.getroot().iterfind("Children/Child")}


def test_the_census_holds_the_years_children_and_validates(tmp_path):
    out = writer.write(COUNCIL, D(2026, 3, 31), tmp_path / "cin.xml", "201")
    assert (
        xml.validate(xml.parse(out, limit_mb=1), profile(2026).validator, file=str(out), against="2026") == []
    )
    found = children(out)
    assert sorted(found) == ["C1", "C2"]
    c1 = found["C1"]
    assert [d.findtext("CINreferralDate") for d in c1.iterfind("CINdetails")] == ["2025-06-01"]
    assert len(c1.findall("CINdetails/Assessments")) == 1  # the one with no start date is left out
    assert [
        f.text for f in c1.iterfind("CINdetails/Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors")
    ] == [
        "6B",
        "1C",
    ]
    assert found["C2"].findtext("ChildIdentifiers/UPN") == "A123456789123"


def test_required_elements_with_no_value_take_the_dfe_not_known_codes(tmp_path):
    c1 = children(writer.write(COUNCIL, D(2026, 3, 31), tmp_path / "cin.xml", "201"))["C1"]
    assert c1.find("ChildIdentifiers/UPN") is None  # malformed: left out
    assert c1.findtext("ChildIdentifiers/Sex") == "U"
    assert c1.findtext("ChildCharacteristics/Ethnicity") == "NOBT"
    assert c1.findtext("CINdetails/ReferralSource") == "10"
    assert c1.findtext("CINdetails/ReferralNFA") == "0"
    plan = c1.find("CINdetails/ChildProtectionPlans")
    assert [
        plan.findtext(e) for e in ("InitialCategoryOfAbuse", "LatestCategoryOfAbuse", "NumberOfPreviousCPP")
    ] == [
        "MUL",
        "MUL",
        "1",
    ]


def test_before_2024_25_gender_current_is_written_instead_of_sex(tmp_path):
    tables = snapshot(
        ssd_person=[person("C1", pers_gender="I")], ssd_cin_episodes=[episode("R1", "C1", D(2023, 6, 1))]
    )
    out = writer.write(tables, D(2024, 3, 31), tmp_path / "cin.xml", "201")
    identifiers = children(out)["C1"].find("ChildIdentifiers")
    assert (identifiers.findtext("GenderCurrent"), identifiers.find("Sex")) == ("9", None)
    result = read([out], la_code="201", limit_mb=1)
    assert [i for i in result.issues if i.severity != "info"] == []
    assert result.tables["ssd_person"].column("pers_gender").to_pylist() == ["I"]


def test_a_year_with_no_schema_uses_the_nearest_years_names(tmp_path):
    tables = snapshot(ssd_person=[person("C1")], ssd_cin_episodes=[episode("R1", "C1", D(2026, 5, 1))])
    out = writer.write(tables, D(2026, 6, 30), tmp_path / "cin.xml", "201")
    root = etree.parse(str(out)).getroot()
    assert (
        root.findtext("Header/CollectionDetails/Year"),
        root.findtext("Header/CollectionDetails/ReferenceDate"),
    ) == (
        "2027",
        "2027-03-31",
    )
    assert (
        xml.validate(xml.parse(out, limit_mb=1), profile(2026).validator, file=str(out), against="2026") == []
    )


def test_the_la_code_must_be_three_digits(tmp_path):
    with pytest.raises(ValueError, match="three-digit LA code, not 'E09000001'"):
        writer.write(COUNCIL, D(2026, 3, 31), tmp_path / "cin.xml", "E09000001")


def test_a_year_with_no_open_episode_has_no_census(tmp_path):
    with pytest.raises(ValueError, match="no CIN episode is open in the 2019/20 census year"):
        writer.write(COUNCIL, D(2020, 3, 31), tmp_path / "cin.xml", "201")


def test_the_file_is_replaced_whole_or_not_at_all(tmp_path, monkeypatch):
    out = tmp_path / "cin.xml"
    out.write_text("the previous census")

    def broken(self, person_id):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer.CensusWriter, "child", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        writer.write(COUNCIL, D(2026, 3, 31), out, "201")
    assert out.read_text() == "the previous census"
    assert [p.name for p in tmp_path.iterdir()] == ["cin.xml"]
    monkeypatch.undo()
    writer.write(COUNCIL, D(2026, 3, 31), out, "201")
    assert sorted(children(out)) == ["C1", "C2"]
    assert [p.name for p in tmp_path.iterdir()] == ["cin.xml"]
