"""The sample workbooks (../shared/reference/annex_a) read into canonical tables, with their issues."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest

from clearsight.formats.annex_a.read import read, recognise
from clearsight.model.validate import validate

WORKBOOKS = ["Annex_A.xlsx", "Annex_A_2024_Jan.xlsx"]

# The same children and events are in both samples; only List 9 differs (13 columns, then 17).
ROWS = {
    "ssd_person": 48,  # one per child across every list (§2.2)
    "ssd_disability": 33,  # one per child answering "Does the Child have a Disability"
    "ssd_department": 13,
    "ssd_professionals": 25,
    "ssd_involvements": 12,  # Lists 7 and 8 (List 6's allocations are blank)
    "ssd_contacts": 5,
    "ssd_early_help_episodes": 5,
    "ssd_cin_episodes": 11,  # 6 referrals (List 3) + 5 CIN episodes (List 6), none the same
    "ssd_cin_assessments": 5,
    "ssd_cin_visits": 5,
    "ssd_s47_enquiry": 5,
    "ssd_initial_cp_conference": 3,  # two enquiries give no conference
    "ssd_cp_plans": 7,
    "ssd_cp_visits": 7,
    "ssd_cp_reviews": 5,
    "ssd_cla_episodes": 10,  # 5 from List 8, 5 periods of care from List 10
    "ssd_cla_placement": 5,
    "ssd_legal_status": 5,
    "ssd_cla_reviews": 5,
    "ssd_cla_visits": 5,
    "ssd_cla_health": 10,  # a health assessment and a dental check per List 8 child
    "ssd_permanence": 5,
    "ssd_care_leavers": 6,
}
ISSUES = {
    "derived columns (counts, ages, flags) have no canonical home: checked, not loaded (§2.5)": 11,
    "not a UK postcode; kept as found": 1,  # `nope`
    "not a known primary need value; stored as empty": 1,  # `PSRMEM - Support with memory and cognition`
    "not a known yes no value; stored as empty": 5,  # List 4 `CS Assessment Updated`
    "the child's date of birth differs between rows; the latest list's value was kept": 5,
    "the child's disability answer differs between rows; the latest list's value was kept": 1,
    "the child's ethnicity differs between rows; the latest list's value was kept": 5,
}
# Blank cells in required, loaded columns: List 6's 5 teams and 5 workers, one List 8 ethnicity and postcode;
# the 2024 template adds List 9's blank UASC and personal adviser columns (6 rows each).
BLANK_REQUIRED = {"Annex_A.xlsx": 12, "Annex_A_2024_Jan.xlsx": 24}


@pytest.fixture(scope="module", params=WORKBOOKS)
def sample(request, reference):
    name = request.param
    return name, read([reference / "annex_a" / name], la_code="999", limit_mb=200)


def test_row_counts(sample):
    _, result = sample
    assert {name: table.num_rows for name, table in result.tables.items()} == ROWS


def test_issues_by_problem(sample):
    name, result = sample
    found = Counter(issue.problem for issue in result.issues)
    assert found.pop("blank, though the template requires a value") == BLANK_REQUIRED[name]
    assert dict(found) == ISSUES


def test_no_as_at_date(sample):
    assert sample[1].as_at is None


def test_values_in_stored_form(sample):
    _, result = sample
    contacts = result.tables["ssd_contacts"].to_pylist()
    assert [c["cont_contact_source_code"] for c in contacts] == ["6", "6", "1B", "6", "9"]
    assert contacts[0]["cont_person_id"] == "9212044"  # the numeric id 9212044.0 (§2.2)
    placements = result.tables["ssd_cla_placement"].to_pylist()
    assert [p["clap_cla_placement_type"] for p in placements][:3] == ["U6", "U1", "U4"]
    assert [p["clap_cla_placement_provider"] for p in placements][:3] == ["PR4", "PR1", "PR5"]
    leavers = result.tables["ssd_care_leavers"].to_pylist()
    assert leavers[0]["clea_care_leaver_eligibility"] == "Former Relevant"
    assert leavers[0]["clea_care_leaver_in_touch"] == "YES"
    assert (leavers[0]["clea_care_leaver_accommodation"], leavers[0]["clea_care_leaver_accom_suitable"]) == (
        "Y",
        "1",
    )
    plans = result.tables["ssd_cp_plans"].to_pylist()
    assert plans[0]["cppl_cp_plan_initial_category"] == "PHY"


def test_provenance_keeps_sheet_row_and_raw_labels(sample):
    _, result = sample
    provenance = result.provenance("999", None).to_pylist()
    contacts = [p for p in provenance if p["table_name"] == "ssd_contacts"]
    assert [(p["source_location"], p["source_row"]) for p in contacts] == [("List 1", r) for r in range(2, 7)]
    assert json.loads(contacts[0]["raw_values"]) == {"cont_contact_source_code": "q) 6: Police"}


def test_person_details_come_from_the_latest_list(sample):
    _, result = sample
    person = {p["pers_person_id"]: p for p in result.tables["ssd_person"].to_pylist()}
    # Child 7961370 is in List 9 (born 07/08/2002) and List 10 (13/02/2002): List 10 wins, List 9 is reported.
    assert str(person["7961370"]["pers_dob"]) == "2002-02-13"


def test_links_between_lists(sample):
    _, result = sample
    permanence = result.tables["ssd_permanence"].to_pylist()
    periods = {e["clae_cla_id"] for e in result.tables["ssd_cla_episodes"].to_pylist()}
    assert all(p["perm_cla_id"] in periods for p in permanence)
    # List 11 adopters of family 14158374 placed 2 children: copied to the one List 10 child in that family.
    assert [p["perm_siblings_placed_together"] for p in permanence][:2] == [1, 2]


def test_validates_with_only_the_samples_own_defects(sample):
    """The tables are well formed (keys, references, codes); the validator finds only the sample's
    own implausible ages: visits to young people aged 20 and over in the CIN and CLA lists."""
    _, result = sample
    found = Counter((i.table, i.problem) for i in validate(result.tables, dt.date(2021, 3, 31)))
    older = "The person is older than 17 on this date, which is implausible for this table."
    assert found == {
        ("ssd_cin_visits", older): 4,
        ("ssd_cin_assessments", older): 1,
        ("ssd_cla_visits", older): 1,
        ("ssd_cla_health", older): 1,
    }


@pytest.mark.parametrize("name", WORKBOOKS)
def test_recognised(reference, name):
    assert recognise(reference / "annex_a" / name)


def test_schema_file_is_not_recognised(reference):
    assert not recognise(reference / "annex_a" / "Annex_A_schema.yml")
