"""Matching source values to stored codes (formats.md §1, §2.6)."""

import pyarrow as pa
import pytest

from clearsight.formats.common.codes import matcher_for, split_accommodation


@pytest.mark.parametrize(
    ("code_set", "raw", "stored"),
    [
        ("placement_type", "f) U6: Foster placement - not FFA", "U6"),
        ("placement_provider", "e) PR4 - Private provision", "PR4"),
        ("referral_source", "p1) 5D: LA services", "5D"),
        ("referral_source", "a) 1A: Individual", "1A"),
        ("legal_status", "C1: ICO", "C1"),
        ("primary_need", "N1 - Abuse or neglect", "N1"),
        ("ethnicity", "a) WBRI", "WBRI"),
        ("abuse_category", "neg", "NEG"),
        ("abuse_category", "Neglect", "NEG"),
        ("abuse_category", "Physical abuse", "PHY"),
        ("yes_no", "a) Yes", "Y"),
        ("yes_no", "false", "N"),
        ("yes_no", "1", "Y"),
        ("yes_no_na", "N/A", "NA"),
        ("gender", "02", "F"),
        ("care_leaver_eligibility", "former relevant", "Former Relevant"),
        ("health_check_status", "COMPLETED", "Completed"),
        ("yes_no", "c) Unknown", None),
        ("yes_no", "#N/A", None),
        ("placement_type", "  U1\u00a0", "U1"),
    ],
)
def test_values_match_their_stored_code(code_set, raw, stored):
    codes, unknown = matcher_for(code_set).match(pa.array([raw]))
    assert codes.to_pylist() == [stored]
    assert unknown.to_pylist() == [False]


@pytest.mark.parametrize(
    ("code_set", "raw"),
    [("placement_type", "a) Foster placement"), ("abuse_category", "Bananas"), ("yes_no", "maybe")],
)
def test_values_nothing_matches_are_unknown_and_null(code_set, raw):
    codes, unknown = matcher_for(code_set).match(pa.array([raw, None]))
    assert codes.to_pylist() == [None, None]
    assert unknown.to_pylist() == [True, False]


def test_format_synonyms_and_a_synonym_outside_the_set_is_refused():
    codes, _ = matcher_for("sex", {"1": "M", "2": "F"}).match(pa.array(["2", "1", "M"]))
    assert codes.to_pylist() == ["F", "M", "M"]
    with pytest.raises(ValueError, match="not in it"):
        matcher_for("sex", {"9": "X"})


def test_accommodation_suitability_digit_is_split_off():
    letters, digits = split_accommodation(pa.array(["S2", "D", "B1", None]))
    assert letters.to_pylist() == ["S", "D", "B", None]
    assert digits.to_pylist() == ["2", None, "1", None]
