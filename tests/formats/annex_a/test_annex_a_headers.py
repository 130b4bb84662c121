"""Header matching (formats/common/headers.py) and how Annex A sheets are recognised by their columns."""

from __future__ import annotations

import datetime as dt

import pytest
from annex_a_files import headers, write_workbook
from python_calamine import CalamineWorkbook

from clearsight.formats.annex_a.profiles import lists, recognise_sheet
from clearsight.formats.annex_a.read import read, recognise
from clearsight.formats.common.headers import (
    ExpectedColumn,
    HeaderProfile,
    match_headers,
    normalise_header,
)

PROFILE = HeaderProfile(
    "test",
    (
        ExpectedColumn("child", "Child Unique ID", patterns=(r"\bchild\b.*\bid\b",), required=True),
        ExpectedColumn("age", "Age of Child (Years)", patterns=(r"\bage\b",)),
        ExpectedColumn("referral", "Date of referral", aliases=("ReferralDate",), required=True),
        ExpectedColumn("nfa", "Referral NFA?"),
    ),
)


@pytest.mark.parametrize(
    ("found", "normal"),
    [
        ("  Date of Adoption Order ", "date of adoption order"),
        ("Number of Episodes … ‘Missing’ from", "number of episodes missing from"),
        ("UASC (Y/N))", "uasc y n"),
        ("Allocated\u00a0Team", "allocated team"),
        ("REFERRAL  NFA?", "referral nfa"),
    ],
)
def test_normalise(found, normal):
    assert normalise_header(found) == normal


def test_names_aliases_camel_case_and_patterns():
    match = match_headers(["childuniqueid", "Age", "ReferralDate", "referral nfa"], PROFILE)
    assert match.columns == {"child": 0, "referral": 2, "nfa": 3, "age": 1}
    assert match.fits and not match.extra and not match.repeated


def test_missing_extra_and_repeated():
    match = match_headers(["Child ID", "Notes", "Referral NFA?", "referral nfa", ""], PROFILE)
    assert match.columns == {"nfa": 2, "child": 0}
    assert match.missing == ("referral",) and match.absent == ("age",)
    assert match.extra == (1, 4) and match.repeated == (3,)
    assert not match.fits


def test_a_pattern_never_takes_a_header_a_name_claimed():
    profile = HeaderProfile(
        "p", (ExpectedColumn("a", "Stage", patterns=("age",)), ExpectedColumn("b", "Age", patterns=("age",)))
    )
    assert match_headers(["Stage", "Age"], profile).columns == {"a": 0, "b": 1}


def test_profiles_with_the_same_name_twice_are_refused():
    with pytest.raises(ValueError, match="names two columns"):
        HeaderProfile("p", (ExpectedColumn("a", "Gender"), ExpectedColumn("b", "gender")))


@pytest.mark.parametrize("workbook", ["Annex_A.xlsx", "Annex_A_2024_Jan.xlsx"])
def test_sample_header_variants_all_match(reference, workbook):
    """`Age`, `Date of Referral`, `(Y/N))`, curly quotes and `Date of Adoption Order ` all fit (§3.0)."""
    book = CalamineWorkbook.from_path(str(reference / "annex_a" / workbook))
    for name in book.sheet_names:
        header = book.get_sheet_by_name(name).to_python(nrows=1)[0]
        found = recognise_sheet(header, None)
        assert (found.spec.sheet_name, found.match.extra, found.match.absent) == (name, (), ()), name


@pytest.mark.parametrize(("workbook", "profile"), [("Annex_A.xlsx", 1), ("Annex_A_2024_Jan.xlsx", 0)])
def test_list_9_profile_by_template_version(reference, workbook, profile):
    header = CalamineWorkbook.from_path(str(reference / "annex_a" / workbook)).get_sheet_by_name("List 9")
    found = recognise_sheet(header.to_python(nrows=1)[0], None)
    assert found.match.profile is lists()[9].profiles[profile]


def test_sheets_are_recognised_by_columns_not_names(tmp_path):
    row = ["C1", "a) Male", "a) WBRI", dt.date(2012, 1, 1), 12, dt.date(2024, 9, 1), None, "School"]
    path = write_workbook(
        tmp_path / "annex_a.xlsx", {"List 7": [headers(2), row], "Sheet3": [headers(2), row]}
    )
    result = read([path], la_code="999", limit_mb=200)
    assert result.tables["ssd_early_help_episodes"].num_rows == 1  # both sheets are List 2; one episode
    assert "ssd_cp_plans" not in result.tables


def test_ssd_annex_a_sql_camel_case_csv(tmp_path):
    """D2I's SSD-AA-SQL output names (formats.md §3.0): CamelCase, and aliases where they differ."""
    header = "ChildUniqueID,Gender,Ethnicity,DateOfBirth,Age,ReferralDate,ReferralSource,ReferralNFA,"
    header += "ReferralsLast12Months,AllocatedTeam,AllocatedWorker"
    row = "C1,a) Male,t) NOBT,01/02/2012,12,16/09/2024,q) 6: Police,b) No,0,Front Door,Ann Smith"
    (tmp_path / "referrals.csv").write_text(f"{header}\n{row}\n", encoding="utf-8")
    result = read([tmp_path / "referrals.csv"], la_code="999", limit_mb=200)
    referral = result.tables["ssd_cin_episodes"].to_pylist()[0]
    assert (referral["cine_referral_date"], referral["cine_referral_source_code"]) == (
        dt.date(2024, 9, 16),
        "6",
    )
    assert result.tables["ssd_person"].to_pylist()[0]["pers_ethnicity"] == "NOBT"
    assert [i for i in result.issues if i.severity != "info"] == []


def test_csv_named_after_its_list_when_a_required_column_is_missing(tmp_path):
    header = ",".join(h for h in headers(5) if not h.startswith("Number of"))
    row = "C1,a) Male,a) WBRI,01/02/2012,12,b) No,16/09/2024,b) No,01/10/2024,a) Yes,Team,Worker"
    (tmp_path / "List 5.csv").write_text(f"{header}\n{row}\n", encoding="utf-8")
    result = read([tmp_path / "List 5.csv"], la_code="999", limit_mb=200)
    assert result.tables["ssd_initial_cp_conference"].to_pylist()[0]["icpc_icpc_outcome_cp_flag"] == "Y"
    missing = sorted(i.column for i in result.issues if i.problem == "required column missing; left empty")
    assert missing == [
        "Number of ICPCs in the last 12 months",
        "Number of Section 47 Enquiries in the last 12 months",
    ]


def test_recognise_only_annex_a_files(reference, tmp_path):
    assert not any(recognise(p) for p in (reference / "ssda903" / "validator_fake_data").glob("*.csv"))
    (tmp_path / "list_2.csv").write_text(",".join(headers(2)) + "\n", encoding="utf-8")
    assert recognise(tmp_path / "list_2.csv")
    (tmp_path / "old.xls").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(512))
    assert recognise(tmp_path / "old.xls")  # claimed, so that read() says to save it as .xlsx
    (tmp_path / "notes.txt").write_text("Child Unique ID,Gender\n")
    assert not recognise(tmp_path / "notes.txt")
