"""The code sets: every file loads, and holds the stored codes formats.md §1 and Appendix A prescribe."""

import dataclasses

import pytest

from clearsight.model import codes
from clearsight.model.codes import CODE_SETS, code_set


@pytest.mark.parametrize("name", CODE_SETS)
def test_every_code_set_loads(name):
    codes_ = code_set(name)
    assert codes_.name == name
    assert codes_.title and codes_.source and len(codes_) > 0
    assert code_set(name) is codes_  # read once


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sex", {"M", "F", "U"}),
        ("gender", {"M", "F", "U", "I"}),
        ("yes_no", {"Y", "N"}),
        ("yes_no_na", {"Y", "N", "NA"}),
        ("missing_type", {"M", "A"}),
        ("accommodation_suitability", {"1", "2"}),
        ("abuse_category", {"NEG", "PHY", "SAB", "EMO", "MUL"}),
        ("care_leaver_in_touch", {"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"}),
        ("health_check_type", {"HEALTH", "DENTAL", "SURVEILLANCE"}),
        ("health_check_status", {"Planned", "Refused", "Cancelled", "Completed"}),
        ("ofsted_grade", {"1", "2", "3", "4"}),
        ("cp_medical_concern_type", {"disclosure", "injury"}),
        ("primary_need", {f"N{i}" for i in range(10)}),
        ("cin_closure_reason", {f"RC{i}" for i in range(1, 10)}),
        (
            "care_leaver_eligibility",
            {"Relevant", "Former Relevant", "Qualifying", "Eligible", "No Current Eligibility"},
        ),
        (
            "age_band",
            {
                "unborn",
                "under 1",
                "1-4",
                "5-9",
                "10-15",
                "16-17",
                "18+",
                "0-17",
                "16",
                "17-18",
                "19-21",
                "22-25",
            },
        ),
    ],
)
def test_code_set_holds_exactly(name, expected):
    assert set(code_set(name)) == expected


@pytest.mark.parametrize(
    ("name", "some"),
    [
        ("ethnicity", {"WBRI", "CHNE", "REFU", "NOBT"}),
        ("disability", {"NONE", "DDA", "AUT"}),
        ("referral_source", {"1A", "5D", "9", "10"}),
        ("legal_status", {"C1", "C2", "E1", "V2", "V3", "V4", "DOLO"}),
        ("new_episode_reason", {"S", "L", "P", "T", "B", "U"}),
        ("episode_ceased_reason", {"X1", "E11", "E4A", "E17"}),
        ("placement_type", {"P1", "R1", "K2", "A3", "A6"} | {f"U{i}" for i in range(1, 7)}),
        ("placement_change_reason", {"CARPL", "CUSTOD", "OTHER"}),
        ("accommodation", {"B", "S", "X", "Z"}),
        ("activity", {"F1", "F5", "P5", "G4", "G6"}),
    ],
)
def test_code_set_includes(name, some):
    assert some <= set(code_set(name))


def test_sizes_of_the_statutory_lists():
    assert len(code_set("ethnicity")) == 20
    assert len(code_set("disability")) == 13
    assert len(code_set("referral_source")) == 22
    assert set(code_set("accommodation")) == set("BCDEGHKRSTUVWXYZ")
    assert "0" not in code_set("activity")  # 903 ACTIV 0 is stored as NULL (formats.md §4.6)


def test_professional_roles_are_clearsight_own_and_open():
    roles = code_set("professional_role")
    assert {"ALLOCATED_WORKER", "SOCIAL_WORKER", "PERSONAL_ADVISER", "IRO", "TEAM_MANAGER"} == set(roles)
    assert roles.own and not roles.closed
    assert code_set("sex").closed and not code_set("sex").own


def test_code_sets_are_read_only():
    sex = code_set("sex")
    assert sex["M"] == "Male"
    with pytest.raises(TypeError):
        sex.labels["X"] = "Other"
    with pytest.raises(dataclasses.FrozenInstanceError):
        sex.closed = False


def test_unknown_set_is_refused():
    with pytest.raises(KeyError, match="no code set called 'colour'"):
        code_set("colour")


@pytest.mark.parametrize(
    "text",
    [
        "title: t\nsource: s\ncodes:\n  NO: Not in touch\n",  # YAML reads NO as false
        "title: t\nsource: s\ncodes:\n  1: One\n",
        "title: t\nsource: s\ncodes: {}\n",
        "title: t\ncodes:\n  'A': a\n",
        "title: t\nsource: s\nsynonym: x\ncodes:\n  'A': a\n",
        "title: t\nsource: s\nclosed: 'no'\ncodes:\n  'A': a\n",
    ],
)
def test_malformed_files_are_refused(tmp_path, monkeypatch, text):
    (tmp_path / "bad.yml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(codes, "_FOLDER", tmp_path)
    monkeypatch.setattr(codes, "CODE_SETS", ("bad",))
    with pytest.raises(ValueError, match=r"bad\.yml"):
        codes.code_set.__wrapped__("bad")
