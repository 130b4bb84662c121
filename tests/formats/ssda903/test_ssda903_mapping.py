"""The mapping of each 903 table into canonical rows (formats.md §4.1–§4.13), on a small hand-made return."""

import datetime as dt
import json

import pytest
from ssda903_helpers import TODAY, write

from clearsight.formats.common.keys import derive_ids
from clearsight.formats.ssda903.read import read

D = dt.date
FILES = {
    "header.csv": "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
    "A,1,01/02/2012,WBRI,A123456789012,0,\n"
    "B,2,03/04/2009,AIND,UN3,1,05/06/2023\n"
    "C,1,07/08/2005,BAFR,B123456789012,,\n"
    "D,2,09/10/2004,CHNE,C123456789012,,\n",
    "episodes.csv": "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
    "HOME_POST,PL_POST,URN\n"
    "A,01/05/2023,S,C1,N1,U6,PR1,01/07/2023,X1,,AB1 2CD,ZZ1 1AA,SC000001\n"
    "A,01/07/2023,L,C2,N1,U6,PR1,01/09/2023,X1,CARPL,AB1 2CD,ZZ1 1AA,SC000001\n"
    "A,01/09/2023,P,E1,N1,A4,PR2,10/03/2024,E11,,AB1 2CD,ZZ2 2AA,\n"
    "B,01/06/2023,S,V2,N4,U4,PR1,01/08/2023,E4A,,,,\n"
    "B,01/10/2023,S,V2,N4,R1,pr4,,,,,ZZ3 3AA,XXXXXXX\n",
    "reviews.csv": "CHILD,DOB,REVIEW,REVIEW_CODE\nA,01/02/2012,15/08/2023,PN1\nB,03/04/2009,15/09/2023,PN5\n",
    "ad1.csv": "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n"
    "A,01/02/2012,01/08/2023,15/08/2023,1,2,MF,L11\n",
    "placed.csv": "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n"
    "A,01/02/2012,01/08/2023,,\nB,03/04/2009,01/11/2023,01/02/2024,RD3\n",
    "oc2.csv": "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,"
    "HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\n"
    "B,03/04/2009,12,,0,1,1,0,1,0,,\nA,01/02/2012,41,SDQ1,,0,,0,0,,,\n",
    "oc3.csv": "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\nC,07/08/2005,YES,F4,S2\nD,09/10/2004,NO,0,0\n",
    "uasc.csv": "CHILD,SEX,DOB,DUC\nB,2,03/04/2009,03/04/2027\n",
    "prev.csv": "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM\n"
    "B,03/04/2009,P2,123,ZZ/05/2020\nA,01/02/2012,Z1,,32/zz/2020\n",
    "missing.csv": "CHILD,DOB,MISSING,MIS_START,MIS_END\nA,01/02/2012,M,01/06/2023,02/06/2023\n",
    "sw.csv": "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\n"
    "A,01/02/2012,SW123,01/05/2023,,\nB,03/04/2009,XX99,01/06/2023,01/08/2023,LEFTRL\n",
}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    folder = tmp_path_factory.mktemp("return_2023_24")
    for name, text in FILES.items():
        write(folder / name, text)
    return read([folder], la_code="999", limit_mb=1, today=TODAY)


def rows(result, table, *columns):
    return [tuple(row[c] for c in columns) for row in result.tables[table].to_pylist()]


def test_year_and_as_at(result):
    assert (result.collection_year, result.as_at, result.source_format) == (2024, D(2024, 3, 31), "ssda903")


def test_persons(result):
    assert rows(
        result,
        "ssd_person",
        "pers_person_id",
        "pers_sex",
        "pers_dob",
        "pers_upn",
        "pers_upn_unknown",
        "pers_is_mother",
    ) == [
        ("A", "M", D(2012, 2, 1), "A123456789012", None, "N"),
        ("B", "F", D(2009, 4, 3), None, "UN3", "Y"),
        ("C", "M", D(2005, 8, 7), "B123456789012", None, None),
        ("D", "F", D(2004, 10, 9), "C123456789012", None, None),
    ]


def test_periods_of_care_and_episodes(result):
    episodes = result.tables["ssd_cla_episodes"].to_pylist()
    assert [
        (e["clae_person_id"], e["clae_cla_episode_start_date"], e["clae_entered_care_date"]) for e in episodes
    ] == [
        ("A", D(2023, 5, 1), D(2023, 5, 1)),
        ("A", D(2023, 7, 1), D(2023, 5, 1)),
        ("A", D(2023, 9, 1), D(2023, 5, 1)),
        ("B", D(2023, 6, 1), D(2023, 6, 1)),
        ("B", D(2023, 10, 1), D(2023, 10, 1)),
    ]
    periods = [e["clae_cla_id"] for e in episodes]
    assert periods[0] == periods[1] == periods[2] and len(set(periods)) == 3
    assert periods[0] == derive_ids("999", "ssd_cla_episodes.clae_cla_id", ["A"], [D(2023, 5, 1)])[0].as_py()
    assert (
        episodes[0]["clae_cla_episode_id"]
        == derive_ids("999", "ssd_cla_episodes", ["A"], [D(2023, 5, 1)])[0].as_py()
    )
    placement_of = {
        p["clap_cla_placement_id"]: p["clap_cla_placement_type"]
        for p in result.tables["ssd_cla_placement"].to_pylist()
    }
    assert [placement_of[e["clae_cla_placement_id"]] for e in episodes] == ["U6", "U6", "A4", "U4", "R1"]


def test_placements_start_at_every_episode_but_a_legal_status_change(result):
    assert rows(
        result,
        "ssd_cla_placement",
        "clap_person_id",
        "clap_cla_placement_type",
        "clap_cla_placement_start_date",
        "clap_cla_placement_end_date",
        "clap_cla_placement_change_reason",
        "clap_cla_placement_provider",
        "clap_cla_placement_postcode",
        "clap_cla_placement_urn",
    ) == [
        ("A", "U6", D(2023, 5, 1), D(2023, 9, 1), "CARPL", "PR1", "ZZ1 1AA", "SC000001"),
        ("A", "A4", D(2023, 9, 1), D(2024, 3, 10), None, "PR2", "ZZ2 2AA", None),
        ("B", "U4", D(2023, 6, 1), D(2023, 8, 1), None, "PR1", None, None),
        ("B", "R1", D(2023, 10, 1), None, None, "PR4", "ZZ3 3AA", None),
    ]


def test_legal_statuses_change_with_ls_and_end_with_the_period(result):
    assert rows(
        result,
        "ssd_legal_status",
        "lega_person_id",
        "lega_legal_status",
        "lega_legal_status_start_date",
        "lega_legal_status_end_date",
    ) == [
        ("A", "C1", D(2023, 5, 1), D(2023, 7, 1)),
        ("A", "C2", D(2023, 7, 1), D(2023, 9, 1)),
        ("A", "E1", D(2023, 9, 1), D(2024, 3, 10)),
        ("B", "V2", D(2023, 6, 1), D(2023, 8, 1)),
        ("B", "V2", D(2023, 10, 1), None),
    ]


def test_reviews_belong_to_the_period_that_holds_them(result):
    period_a = result.tables["ssd_cla_episodes"]["clae_cla_id"][0].as_py()
    assert rows(
        result,
        "ssd_cla_reviews",
        "clar_cla_person_id",
        "clar_cla_review_date",
        "clar_cla_id",
        "clar_cla_review_participation",
    ) == [
        ("A", D(2023, 8, 15), period_a, "PN1"),
        ("B", D(2023, 9, 15), None, "PN5"),
    ]
    assert [(i.row, i.problem) for i in result.issues if i.table == "Reviews"] == [
        (3, "falls in none of the child's periods of care in the Episodes")
    ]


def test_permanence_merges_ad1_and_placed_adoption_and_takes_dates_from_the_episodes(result):
    period_a = result.tables["ssd_cla_episodes"]["clae_cla_id"][0].as_py()
    assert rows(
        result,
        "ssd_permanence",
        "perm_person_id",
        "perm_cla_id",
        "perm_adm_decision_date",
        "perm_matched_date",
        "perm_adopted_by_carer_flag",
        "perm_number_of_adopters",
        "perm_adopter_sex",
        "perm_adopter_legal_status",
        "perm_placement_order_date",
        "perm_placed_for_adoption_date",
        "perm_permanence_order_date",
        "perm_permanence_order_type",
        "perm_decision_reversed_date",
        "perm_decision_reversed_reason",
    ) == [
        (
            "A",
            period_a,
            D(2023, 8, 1),
            D(2023, 8, 15),
            "Y",
            "2",
            "MF",
            "L11",
            D(2023, 9, 1),
            D(2023, 9, 1),
            D(2024, 3, 10),
            "Adoption",
            None,
            None,
        ),
        (
            "B",
            result.tables["ssd_cla_episodes"]["clae_cla_id"][4].as_py(),
            D(2023, 11, 1),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            D(2024, 2, 1),
            "RD3",
        ),
    ]


def test_oc2_gives_sdq_scores_and_dateless_health_checks(result):
    assert rows(
        result,
        "ssd_sdq_scores",
        "csdq_person_id",
        "csdq_sdq_score",
        "csdq_sdq_reason",
        "csdq_sdq_completed_date",
    ) == [
        ("B", "12", None, None),
        ("A", None, "SDQ1", None),
    ]
    assert [
        (i.column, i.value, i.problem) for i in result.issues if i.table == "OC2" and i.severity == "error"
    ] == [("SDQ_SCORE", "41", "outside 0–40; stored as empty")]
    assert rows(
        result,
        "ssd_cla_health",
        "clah_person_id",
        "clah_health_check_type",
        "clah_health_check_status",
        "clah_health_check_date",
    ) == [
        ("B", "SURVEILLANCE", "Completed", None),
        ("B", "HEALTH", "Completed", None),
    ]


def test_oc3_care_leavers_split_accommodation_and_empty_not_applicable_codes(result):
    assert rows(
        result,
        "ssd_care_leavers",
        "clea_person_id",
        "clea_care_leaver_in_touch",
        "clea_care_leaver_activity",
        "clea_care_leaver_accommodation",
        "clea_care_leaver_accom_suitable",
    ) == [
        ("C", "YES", "F4", "S", "2"),
        ("D", "NO", None, None, None),
    ]


def test_uasc_previous_permanence_missing_and_social_workers(result):
    assert rows(
        result,
        "ssd_immigration_status",
        "immi_person_id",
        "immi_immigration_status",
        "immi_immigration_status_end_date",
    ) == [("B", "UASC", D(2027, 4, 3))]
    assert rows(
        result,
        "ssd_cla_previous_permanence",
        "lapp_person_id",
        "lapp_previous_permanence_option",
        "lapp_previous_permanence_la",
        "lapp_previous_permanence_order_date",
    ) == [
        ("B", "P2", "123", "zz/05/2020"),
        ("A", "Z1", None, None),
    ]
    assert [(i.column, i.value) for i in result.issues if i.table == "PrevPerm"] == [
        ("DATE_PERM", "32/zz/2020")
    ]
    assert rows(
        result,
        "ssd_missing",
        "miss_person_id",
        "miss_missing_episode_type",
        "miss_missing_episode_start_date",
        "miss_missing_episode_end_date",
    ) == [("A", "M", D(2023, 6, 1), D(2023, 6, 2))]
    assert rows(
        result, "ssd_professionals", "prof_professional_id", "prof_social_worker_registration_no"
    ) == [
        ("SW123", "SW123"),
        ("XX99", None),
    ]
    assert rows(
        result,
        "ssd_involvements",
        "invo_person_id",
        "invo_professional_id",
        "invo_professional_role_id",
        "invo_involvement_start_date",
        "invo_involvement_end_date",
        "invo_worker_change_reason",
    ) == [
        ("A", "SW123", "SOCIAL_WORKER", D(2023, 5, 1), None, None),
        ("B", "XX99", "SOCIAL_WORKER", D(2023, 6, 1), D(2023, 8, 1), "LEFTRL"),
    ]


def test_provenance_keeps_raw_values_only_where_a_mapping_reduced_them(result):
    provenance = result.provenance("999", None).to_pylist()
    person_a = next(p for p in provenance if p["table_name"] == "ssd_person" and p["row_key"] == "A")
    assert (person_a["source_file"], person_a["source_location"], person_a["source_row"]) == (
        "header.csv",
        "Header",
        2,
    )
    assert json.loads(person_a["raw_values"]) == {"pers_sex": "1", "pers_is_mother": "0"}
    person_b = next(p for p in provenance if p["table_name"] == "ssd_person" and p["row_key"] == "B")
    assert json.loads(person_b["raw_values"]) == {"pers_sex": "2", "pers_is_mother": "1", "pers_upn": "UN3"}
    assert (person_a["collection_year"], person_a["as_at"], person_a["source_format"]) == (
        2024,
        D(2024, 3, 31),
        "ssda903",
    )
    placement_b = [p for p in provenance if p["table_name"] == "ssd_cla_placement" and p["source_row"] == 6]
    assert json.loads(placement_b[0]["raw_values"]) == {
        "clap_cla_placement_urn": "XXXXXXX",
        "clap_cla_placement_provider": "pr4",
    }
    care_leaver_c = next(
        p for p in provenance if p["table_name"] == "ssd_care_leavers" and p["source_row"] == 2
    )
    assert json.loads(care_leaver_c["raw_values"]) == {
        "clea_care_leaver_accommodation": "S2",
        "clea_care_leaver_accom_suitable": "S2",
    }


def test_unmapped_columns_are_reported_once(result):
    assert sorted((i.table, i.column) for i in result.issues if i.severity == "info" and i.column) == [
        ("Episodes", "HOME_POST"),
        ("Header", "MC_DOB"),
        ("OC2", "CONVICTED"),
        ("OC2", "IMMUNISATIONS"),
        ("OC2", "SUBSTANCE_MISUSE"),
    ]


def test_dolo_orders_are_legal_statuses_from_2026_27(tmp_path):
    write(tmp_path / "dolo.csv", "CHILD,DOB,DOLO_START,DOLO_END\nE,01/01/2010,01/06/2026,01/09/2026\n")
    result = read([tmp_path], la_code="999", limit_mb=1, today=D(2027, 6, 1))
    assert result.collection_year == 2027
    assert rows(
        result,
        "ssd_legal_status",
        "lega_person_id",
        "lega_legal_status",
        "lega_legal_status_start_date",
        "lega_legal_status_end_date",
    ) == [("E", "DOLO", D(2026, 6, 1), D(2026, 9, 1))]


def test_broken_episode_chains_are_flagged_not_repaired(tmp_path):
    write(
        tmp_path / "episodes.csv",
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
        "A,01/05/2023,P,C2,N1,U6,PR1,,,,,,\n"  # first episode not S, and left open
        "A,01/06/2023,P,C2,N1,U4,PR1,15/06/2023,X1,,,,\n"
        "A,20/06/2023,T,C2,N1,U5,PR1,01/07/2023,E8,,,,\n"  # a gap after X1
        "A,01/08/2023,P,C2,N1,U5,PR1,01/07/2023,X1,,,,\n",  # a new period without S, ending before it starts
    )
    result = read([tmp_path], la_code="999", limit_mb=1, today=TODAY)
    assert sorted(
        (i.row, i.severity, i.column, i.problem.split(":")[0].split(",")[0])
        for i in result.issues
        if i.table == "Episodes" and i.column != "HOME_POST"
    ) == [
        (2, "info", "RNE", "the child's first episode here is not RNE S"),
        (3, "warning", "DECOM", "follows an episode that has no DEC (it was never closed)"),
        (4, "warning", "DECOM", "does not start on the day the previous episode ended"),
        (5, "warning", "DEC", "ends before it starts"),
        (5, "warning", "RNE", "follows an episode that ended the period of care"),
    ]
    # The open first episode is not closed: its DEC stays empty, as the source has it.
    assert result.tables["ssd_cla_episodes"]["clae_cla_episode_ceased_date"].to_pylist()[0] is None
    assert len(set(result.tables["ssd_cla_episodes"]["clae_cla_id"].to_pylist())) == 2
