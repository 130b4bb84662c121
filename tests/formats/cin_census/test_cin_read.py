"""The CIN census mapping (formats.md §5): stored forms, links between blocks, ids, provenance."""

import datetime as dt
import json

import pyarrow as pa
from cin_documents import CHILD, census

from clearsight.formats.cin_census.read import read, recognise
from clearsight.formats.common.keys import derive_ids
from clearsight.model.issues import WARNING

EPISODE = """
      <CINdetails>
        <CINreferralDate>2025-06-01</CINreferralDate>
        <ReferralSource>5D</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <CINclosureDate>2026-02-01</CINclosureDate>
        <ReasonForClosure>RC8</ReasonForClosure>
        <DateOfInitialCPC>2025-07-01</DateOfInitialCPC>
        <Assessments>
          <AssessmentActualStartDate>2025-06-02</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2025-06-20</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment>
            <AssessmentFactors>1C</AssessmentFactors>
            <AssessmentFactors>RB</AssessmentFactors>
            <AssessmentFactors>6B</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <Section47>
          <S47ActualStartDate>2025-06-10</S47ActualStartDate>
          <InitialCPCtarget>2025-07-02</InitialCPCtarget>
          <DateOfInitialCPC>2025-07-01</DateOfInitialCPC>
          <ICPCnotRequired>false</ICPCnotRequired>
        </Section47>
        <Section47>
          <S47ActualStartDate>2025-09-01</S47ActualStartDate>
          <ICPCnotRequired>TRUE</ICPCnotRequired>
        </Section47>
        <ReferralNFA>true</ReferralNFA>
        <ChildProtectionPlans>
          <CPPstartDate>2025-07-01</CPPstartDate>
          <CPPendDate>2026-01-15</CPPendDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse>
          <NumberOfPreviousCPP>0</NumberOfPreviousCPP>
          <Reviews><CPPreviewDate>2025-09-20</CPPreviewDate><CPPreviewDate>2026-01-10</CPPreviewDate></Reviews>
        </ChildProtectionPlans>
      </CINdetails>"""
FULL = CHILD.replace(CHILD[CHILD.index("      <CINdetails>") : CHILD.index("    </Child>")], EPISODE + "\n")


def read_text(write_census, text, la_code=None):
    return read([write_census(text)], la_code=la_code, limit_mb=10)


def test_every_block_lands_in_its_table_linked_to_its_episode(write_census):
    result = read_text(write_census, census(FULL))
    t = {name: table.to_pylist() for name, table in result.tables.items()}
    (episode,) = t["ssd_cin_episodes"]
    assert {
        k: episode[k]
        for k in ("cine_referral_source_code", "cine_cin_primary_need_code", "cine_close_reason")
    } == {
        "cine_referral_source_code": "5D",
        "cine_cin_primary_need_code": "N1",
        "cine_close_reason": "RC8",
    }
    assert (episode["cine_referral_nfa"], episode["cine_close_date"]) == ("Y", dt.date(2026, 2, 1))
    referral = episode["cine_referral_id"]
    (assessment,) = t["ssd_cin_assessments"]
    assert (assessment["cina_referral_id"], assessment["cina_assessment_auth_date"]) == (
        referral,
        dt.date(2025, 6, 20),
    )
    (factors,) = t["ssd_assessment_factors"]
    assert factors["cinf_assessment_id"] == assessment["cina_assessment_id"]
    assert factors["cinf_assessment_factors_json"] == '["1C","6B"]'
    flags = [json.loads(s["s47e_s47_outcome_json"]) for s in t["ssd_s47_enquiry"]]
    assert flags == [{"CP_CONFERENCE_FLAG": "Y"}, {"CP_CONFERENCE_FLAG": "N"}]
    assert {s["s47e_referral_id"] for s in t["ssd_s47_enquiry"]} == {referral}


def test_the_episodes_icpc_is_the_enquirys_when_the_dates_agree_and_links_the_plan(write_census):
    result = read_text(write_census, census(FULL))
    (icpc,) = result.tables["ssd_initial_cp_conference"].to_pylist()
    (plan,) = result.tables["ssd_cp_plans"].to_pylist()
    first_enquiry = result.tables["ssd_s47_enquiry"].to_pylist()[0]
    assert icpc["icpc_s47_enquiry_id"] == first_enquiry["s47e_s47_enquiry_id"]
    assert (icpc["icpc_icpc_target_date"], icpc["icpc_icpc_date"]) == (
        dt.date(2025, 7, 2),
        dt.date(2025, 7, 1),
    )
    assert plan["cppl_icpc_id"] == icpc["icpc_icpc_id"] and icpc["icpc_cp_plan_id"] == plan["cppl_cp_plan_id"]
    assert (plan["cppl_cp_plan_initial_category"], plan["cppl_cp_plan_latest_category"]) == ("NEG", "EMO")
    reviews = result.tables["ssd_cp_reviews"].to_pylist()
    assert [(r["cppr_cp_plan_id"], r["cppr_cp_review_date"]) for r in reviews] == [
        (plan["cppl_cp_plan_id"], dt.date(2025, 9, 20)),
        (plan["cppl_cp_plan_id"], dt.date(2026, 1, 10)),
    ]


def test_an_episode_icpc_date_of_its_own_is_a_second_conference(write_census):
    text = census(
        FULL.replace(
            "<DateOfInitialCPC>2025-07-01</DateOfInitialCPC>\n        <Assessments>",
            "<DateOfInitialCPC>2025-08-01</DateOfInitialCPC>\n        <Assessments>",
        )
    )
    conferences = read_text(write_census, text).tables["ssd_initial_cp_conference"].to_pylist()
    assert sorted((c["icpc_icpc_date"], c["icpc_s47_enquiry_id"] is None) for c in conferences) == [
        (dt.date(2025, 7, 1), False),
        (dt.date(2025, 8, 1), True),
    ]


def test_ids_are_derived_from_the_natural_keys(write_census):
    result = read_text(write_census, census(FULL), la_code="201")
    (episode,) = result.tables["ssd_cin_episodes"].to_pylist()
    expected = derive_ids("201", "ssd_cin_episodes", pa.array(["C1"]), pa.array([dt.date(2025, 6, 1)]))
    assert episode["cine_referral_id"] == expected[0].as_py()
    again = read_text(write_census, census(FULL), la_code="201")
    for name, table in result.tables.items():
        assert again.tables[name].column(0).equals(table.column(0))


def test_gender_current_is_stored_in_its_own_convention_and_kept_raw(write_census):
    children = "".join(
        CHILD.replace("<LAchildID>C1", f"<LAchildID>C{code}").replace(
            "<Sex>F</Sex>", f"<GenderCurrent>{code}</GenderCurrent>"
        )
        for code in "1209"
    )
    result = read_text(write_census, census(children, year="2024", reference="2024-03-31"))
    people = result.tables["ssd_person"]
    assert people.column("pers_gender").to_pylist() == ["M", "F", "U", "I"]
    assert not [i for i in result.issues if i.severity == WARNING]
    raw = [
        json.loads(p["raw_values"])
        for p in result.provenance("201", result.as_at).to_pylist()
        if p["table_name"] == "ssd_person"
    ]
    assert raw == [{"pers_gender": code} for code in "1209"]


def test_provenance_names_the_file_the_xml_path_and_the_line(write_census):
    text = census(FULL)
    line = next(n for n, content in enumerate(text.splitlines(), 1) if "<CPPreviewDate>" in content)
    result = read_text(write_census, text)
    origins = result.origins["ssd_cp_reviews"].to_pylist()
    assert [(o["source_file"], o["source_location"], o["source_row"]) for o in origins] == [
        ("census.xml", "Message/Children/Child/CINdetails/ChildProtectionPlans/Reviews", line),
        ("census.xml", "Message/Children/Child/CINdetails/ChildProtectionPlans/Reviews", line),
    ]
    assert result.files["census.xml"].sha256


def test_a_load_for_another_council_is_keyed_to_it_with_a_warning(write_census):
    result = read_text(write_census, census(), la_code="998")
    assert result.la_code == "201"
    (warning,) = result.issues
    assert (
        warning.problem
        == "the file is for LA 201 (Header/Source/LEA) but the load is for 998; its rows are keyed to 998"
    )
    expected = derive_ids("998", "ssd_cin_episodes", pa.array(["C1"]), pa.array([dt.date(2025, 6, 1)]))
    assert result.tables["ssd_cin_episodes"].column("cine_referral_id").to_pylist() == expected.to_pylist()


def test_several_files_are_read_together_and_the_newest_gives_the_as_at_date(tmp_path):
    older, newer = tmp_path / "2024.xml", tmp_path / "2025.xml"
    older.write_text(
        census(year="2024", reference="2024-03-31").replace(
            "<Sex>F</Sex>", "<GenderCurrent>2</GenderCurrent>"
        )
    )
    newer.write_text(census(year="2025", reference="2025-03-31"))
    result = read([tmp_path], la_code=None, limit_mb=10)
    assert (result.as_at, result.collection_year) == (dt.date(2025, 3, 31), 2025)
    assert result.tables["ssd_person"].num_rows == 2
    # The same referral in two censuses has one id, for the merge to combine.
    assert len(set(result.tables["ssd_cin_episodes"].column("cine_referral_id").to_pylist())) == 1
    assert [i.problem for i in result.issues] == [
        "the files are for several census years (2023/24, 2024/25); provenance records the newest"
    ]


def test_recognise_only_census_xml(reference, write_census):
    assert recognise(write_census())
    assert not recognise(reference / "ssda903" / "validator_fake_data" / "fake_903.xml")
    assert not recognise(reference / "ssda903" / "validator_fake_data" / "header.csv")
    assert not recognise(write_census("<Message><Other/></Message>"))
