"""Every reference 903 sample loads: rows per canonical table and every issue found, pinned.

The validator's fake data holds deliberate errors (formats.md B.3), so its issues are the point.
"""

import datetime as dt

import pytest
from ssda903_helpers import TODAY, counts, summary

from clearsight.formats.ssda903.read import read
from clearsight.model.issues import UnusableInput

NO_HOME = "has no place in the canonical tables (formats.md §1); not stored"
PROVISIONAL = (
    "the child's first episode here is not RNE S: the period of care began before these data, "
    "so its start date is provisional"
)
GAP = "does not start on the day the previous episode ended, though that episode ended with X1"
NEW_PERIOD_WITHOUT_S = (
    "follows an episode that ended the period of care, but is not RNE S; a new period is started"
)
S_AFTER_X1 = "starts a new period of care (RNE S), but the previous episode ended with X1 (care continuing)"
OC2_NO_HOME = {
    ("info", "OC2", column, NO_HOME): 1
    for column in (
        "CONVICTED",
        "IMMUNISATIONS",
        "INTERVENTION_OFFERED",
        "INTERVENTION_RECEIVED",
        "SUBSTANCE_MISUSE",
    )
}


def test_liiatools_pipeline_samples(samples):
    result = read([samples / "samples_liia-tools-pipeline"], la_code="999", limit_mb=10, today=TODAY)
    assert (result.collection_year, result.as_at) == (2020, dt.date(2020, 3, 31))
    assert counts(result) == {
        "ssd_person": 2,
        "ssd_cla_episodes": 5,
        "ssd_cla_placement": 5,
        "ssd_legal_status": 5,
    }
    assert summary(result.issues) == {
        ("error", "Episodes", "LS", "blank, but the 2019/20 return requires it"): 1,
        ("error", "Episodes", "RNE", "not one of the RNE codes; stored as empty"): 1,
        ("error", "Header", "ETHNIC", "not one of the ETHNIC codes; stored as empty"): 1,
        ("error", "Header", None, "repeats an earlier row"): 3,
        ("info", "Episodes", "HOME_POST", NO_HOME): 1,
        ("info", "Episodes", "RNE", PROVISIONAL): 1,
        ("info", "Header", "MC_DOB", NO_HOME): 1,
        ("info", None, None, "collection year 2019/20, from the file names"): 1,
        ("warning", "Episodes", "DECOM", GAP): 1,
        ("warning", "Episodes", "RNE", NEW_PERIOD_WITHOUT_S): 1,
        ("warning", "Episodes", "TEST_COLUMN", "not a column of the 2019/20 Episodes table; skipped"): 1,
        (
            "warning",
            "Header",
            "UPN",
            "not a 13-character UPN (a letter, 11 digits, then a digit or letter); kept",
        ): 2,
    }
    # The Header lists 689661 three times with three dates of birth: the first is kept.
    person = result.tables["ssd_person"].to_pylist()
    assert [(p["pers_person_id"], p["pers_dob"], p["pers_sex"]) for p in person] == [
        ("689661", dt.date(2015, 7, 11), "M"),
        ("249901", dt.date(2013, 1, 7), "F"),
    ]


def test_liiatools_episodes_sample_without_a_header(samples):
    result = read([samples / "samples_liia-tools" / "SSDA903_2020_episodes.csv"], la_code="999", limit_mb=10)
    assert counts(result) == {"ssd_cla_episodes": 5, "ssd_cla_placement": 4, "ssd_legal_status": 5}
    assert summary(result.issues) == {
        ("info", "Episodes", "HOME_POST", NO_HOME): 1,
        ("info", "Episodes", "RNE", PROVISIONAL): 1,
        ("info", None, None, "collection year 2019/20, from the file names"): 1,
        ("warning", "Episodes", "DECOM", GAP): 1,
        ("warning", "Episodes", "RNE", NEW_PERIOD_WITHOUT_S): 1,
        ("warning", None, None, "no Header table: the children have no ssd_person rows (2019/20)"): 1,
    }


def test_liiatools_iso_dated_sample_needs_a_year_and_loses_every_date(samples):
    path = samples / "samples_liia-tools" / "SSDA903_episodes_for_testing_fixes_INPUT.csv"
    with pytest.raises(UnusableInput, match="cannot tell the collection year"):
        read([path], la_code="999", limit_mb=10)
    result = read([path], la_code="999", limit_mb=10, collection_year=2022)
    # Dates must be dd/mm/yyyy (formats.md §2.4): ISO dates are refused, so no episode has a start.
    assert counts(result) == {"ssd_cla_episodes": 23, "ssd_cla_placement": 0, "ssd_legal_status": 0}
    assert summary(result.issues) == {
        ("error", "Episodes", "DEC", "not a date written dd/mm/yyyy; stored as empty"): 14,
        ("error", "Episodes", "DECOM", "not a date written dd/mm/yyyy; stored as empty"): 23,
        ("info", "Episodes", "HOME_POST", NO_HOME): 1,
        ("info", None, None, "collection year 2021/22, as given"): 1,
        ("warning", "Episodes", "LA", "not a column of the 2021/22 Episodes table; skipped"): 1,
        ("warning", "Episodes", "YEAR", "not a column of the 2021/22 Episodes table; skipped"): 1,
        ("warning", None, None, "no Header table: the children have no ssd_person rows (2021/22)"): 1,
    }


def test_validator_fake_csv_files(samples):
    folder = samples / "validator_fake_data"
    paths = [p for p in sorted(folder.glob("*.csv")) if p.name != "placed_for_adoption_errors.csv"]
    result = read(paths, la_code="999", limit_mb=10, today=TODAY)
    assert result.collection_year == 2019
    assert counts(result) == {
        "ssd_person": 2675,
        "ssd_cla_episodes": 5050,
        "ssd_cla_placement": 4274,
        "ssd_legal_status": 3031,
        "ssd_immigration_status": 132,
        "ssd_cla_reviews": 12568,
        "ssd_missing": 43,
        "ssd_sdq_scores": 2675,
        "ssd_cla_health": 3994,
        "ssd_care_leavers": 53,
        "ssd_cla_previous_permanence": 2675,
        "ssd_professionals": 1,
        "ssd_involvements": 1,
        "ssd_permanence": 29,
    }
    after_2018_19 = "after the end of the 2018/19 collection year (31/03/2019); kept"
    assert summary(result.issues) == {
        ("error", "Header", "MOTHER", "not one of the MOTHER codes; stored as empty"): 1,
        ("error", "OC3", "ACCOM", "not one of the 2018/19 ACCOM codes; stored as empty"): 2,
        (
            "error",
            "PlacedAdoption",
            "REASON_PLACED_CEASED",
            "not one of the REASON_PLACED_CEASED codes; stored as empty",
        ): 29,
        ("error", "Reviews", None, "repeats an earlier row"): 14,
        ("error", "SWEpisodes", "SW_REASON", "not one of the SW_REASON codes; stored as empty"): 1,
        ("info", "Episodes", "HOME_POST", NO_HOME): 1,
        ("info", "Episodes", "RNE", PROVISIONAL): 1856,
        ("info", "Header", "MC_DOB", NO_HOME): 1,
        **OC2_NO_HOME,
        ("info", None, None, "collection year 2018/19, from the latest activity date (01/04/2018)"): 1,
        ("warning", "DoLo", "CHILD", "the child is not in the Header"): 1,
        ("warning", "DoLo", "DOLO_END", after_2018_19): 1,
        ("warning", "DoLo", "DOLO_START", after_2018_19): 1,
        ("warning", "DoLo", None, "the 2018/19 return has no DoLo table; read with its newest columns"): 1,
        ("warning", "Episodes", "DECOM", GAP): 12,
        ("warning", "Episodes", "DECOM", "follows an episode that has no DEC (it was never closed)"): 10,
        ("warning", "Episodes", "RNE", NEW_PERIOD_WITHOUT_S): 7,
        ("warning", "Episodes", "RNE", S_AFTER_X1): 11,
        (
            "warning",
            "Reviews",
            "REVIEW",
            "falls in none of the child's periods of care in the Episodes",
        ): 2701,
        ("warning", "Reviews", "REVIEW", after_2018_19): 3277,
        ("warning", "SWEpisodes", "CHILD", "the child is not in the Header"): 1,
        ("warning", "SWEpisodes", "SW_DEC", after_2018_19): 1,
        ("warning", "SWEpisodes", "SW_DECOM", after_2018_19): 1,
        (
            "warning",
            "SWEpisodes",
            None,
            "the 2018/19 return has no SWEpisodes table; read with its newest columns",
        ): 1,
    }
    # Every row of every table says where it came from (formats.md §2.7).
    provenance = result.provenance("999", None)
    assert provenance.num_rows == sum(counts(result).values())
    assert set(provenance["source_file"].to_pylist()) <= {p.name for p in paths}


def test_validator_fake_placed_for_adoption_errors(samples):
    result = read(
        [samples / "validator_fake_data" / "placed_for_adoption_errors.csv"], la_code="999", limit_mb=10
    )
    assert counts(result) == {"ssd_permanence": 30}
    assert summary(result.issues) == {
        (
            "error",
            "PlacedAdoption",
            "REASON_PLACED_CEASED",
            "not one of the REASON_PLACED_CEASED codes; stored as empty",
        ): 30,
        ("info", None, None, "collection year 2017/18, from the latest activity date (08/03/2018)"): 1,
        ("warning", None, None, "no Header table: the children have no ssd_person rows (2017/18)"): 1,
    }


def test_validator_fake_xml(samples):
    result = read([samples / "validator_fake_data" / "fake_903.xml"], la_code="999", limit_mb=10, today=TODAY)
    assert counts(result) == {
        "ssd_person": 253,
        "ssd_cla_episodes": 459,
        "ssd_cla_placement": 385,
        "ssd_legal_status": 281,
        "ssd_immigration_status": 12,
        "ssd_cla_reviews": 1206,
        "ssd_missing": 6,
        "ssd_sdq_scores": 253,
        "ssd_cla_health": 365,
        "ssd_care_leavers": 6,
        "ssd_cla_previous_permanence": 253,
        "ssd_permanence": 3,
    }
    assert summary(result.issues) == {
        ("error", "OC3", "ACCOM", "not one of the 2018/19 ACCOM codes; stored as empty"): 1,
        (
            "error",
            "PlacedAdoption",
            "REASON_PLACED_CEASED",
            "not one of the REASON_PLACED_CEASED codes; stored as empty",
        ): 3,
        ("info", "Episodes", "HOME_POST", NO_HOME): 1,
        ("info", "Episodes", "RNE", PROVISIONAL): 169,
        **OC2_NO_HOME,
        ("info", None, None, "collection year 2018/19, from the latest activity date (01/04/2018)"): 1,
        ("warning", "Episodes", "DECOM", GAP): 4,
        ("warning", "Episodes", "RNE", NEW_PERIOD_WITHOUT_S): 1,
        ("warning", "Episodes", "RNE", S_AFTER_X1): 2,
        ("warning", "Reviews", "REVIEW", "falls in none of the child's periods of care in the Episodes"): 249,
        (
            "warning",
            "Reviews",
            "REVIEW",
            "after the end of the 2018/19 collection year (31/03/2019); kept",
        ): 315,
    }
    # The XML's first child, 907440: two episodes, the second ending in adoption (E11).
    episodes = [e for e in result.tables["ssd_cla_episodes"].to_pylist() if e["clae_person_id"] == "907440"]
    assert [(e["clae_cla_episode_start_date"], e["clae_cla_episode_ceased_reason"]) for e in episodes] == [
        (dt.date(2017, 1, 6), "X1"),
        (dt.date(2017, 10, 6), "E11"),
    ]
    placement = [p for p in result.tables["ssd_cla_placement"].to_pylist() if p["clap_person_id"] == "907440"]
    assert [(p["clap_cla_placement_type"], p["clap_cla_placement_change_reason"]) for p in placement] == [
        ("R5", "CUSTOD"),
        ("P2", None),
    ]
    issue = next(i for i in result.issues if i.table == "OC3" and i.column == "ACCOM")
    assert (issue.sheet, issue.value) == ("EXPSSDA903/CHILD/HEADER", "01")
