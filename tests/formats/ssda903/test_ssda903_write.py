"""The 903 writer: the collection year's files, columns and codes, dd/mm/yyyy dates, atomic writes."""

import csv
import datetime as dt

import pytest

from clearsight.formats.common.spec_diffs import SpecError
from clearsight.formats.ssda903.write import file_name, write
from clearsight.model import TABLES

D = dt.date


def table(name, *rows):
    return TABLES[name].from_rows(rows)


def snapshot(start):
    """One child in care from `start`, a care leaver, and a DoLo order."""
    return {
        "ssd_person": table(
            "ssd_person",
            {
                "pers_person_id": "A",
                "pers_sex": "F",
                "pers_dob": D(2012, 2, 1),
                "pers_ethnicity": "WBRI",
                "pers_upn_unknown": "UN1",
                "pers_is_mother": "N",
            },
            {
                "pers_person_id": "L",
                "pers_sex": "M",
                "pers_dob": D(start.year - 18, 1, 1),
                "pers_ethnicity": "WBRI",
            },
        ),
        "ssd_cla_episodes": table(
            "ssd_cla_episodes",
            {
                "clae_cla_episode_id": "E1",
                "clae_person_id": "A",
                "clae_cla_episode_start_date": start,
                "clae_cla_episode_start_reason": "S",
                "clae_cla_primary_need_code": "N1",
                "clae_cla_placement_id": "P1",
                "clae_entered_care_date": start,
            },
        ),
        "ssd_cla_placement": table(
            "ssd_cla_placement",
            {
                "clap_cla_placement_id": "P1",
                "clap_person_id": "A",
                "clap_cla_placement_start_date": start,
                "clap_cla_placement_type": "H5",
                "clap_cla_placement_provider": "PR1",
            },
        ),
        "ssd_legal_status": table(
            "ssd_legal_status",
            {
                "lega_legal_status_id": "S1",
                "lega_person_id": "A",
                "lega_legal_status": "C2",
                "lega_legal_status_start_date": start,
            },
            {
                "lega_legal_status_id": "S2",
                "lega_person_id": "A",
                "lega_legal_status": "DOLO",
                "lega_legal_status_start_date": start,
                "lega_legal_status_end_date": start + dt.timedelta(days=30),
            },
        ),
        "ssd_care_leavers": table(
            "ssd_care_leavers",
            {"clea_table_id": "C1", "clea_person_id": "L", "clea_care_leaver_in_touch": "NO"},
        ),
    }


def read_csv(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_a_2023_24_return_has_that_years_tables_and_codes(tmp_path):
    paths = write(snapshot(D(2023, 5, 1)), D(2024, 3, 31), tmp_path)
    assert [p.name for p in paths] == [
        file_name(2024, name)
        for name in (
            "Header",
            "Episodes",
            "Reviews",
            "UASC",
            "OC2",
            "OC3",
            "AD1",
            "PlacedAdoption",
            "PrevPerm",
            "Missing",
            "SWEpisodes",
        )
    ]
    assert file_name(2024, "Header") == "SSDA903_2023-24_Header.csv"
    header = read_csv(tmp_path / file_name(2024, "Header"))
    assert header == [
        ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
        ["A", "2", "01/02/2012", "WBRI", "UN1", "0", ""],
        ["L", "1", "01/01/2005", "WBRI", "", "", ""],
    ]
    episodes = read_csv(tmp_path / file_name(2024, "Episodes"))
    assert episodes[1] == ["A", "01/05/2023", "S", "C2", "N1", "H5", "PR1", "", "", "", "", "", ""]
    # Not in touch: activity and accommodation are written as 0 (not applicable).
    assert read_csv(tmp_path / file_name(2024, "OC3"))[1:] == [["L", "01/01/2005", "NO", "0", "0"]]
    assert read_csv(tmp_path / file_name(2024, "Reviews")) == [["CHILD", "DOB", "REVIEW", "REVIEW_CODE"]]


def test_a_2026_27_return_writes_m_f_dolo_and_keeps_a_withdrawn_code(tmp_path):
    paths = write(snapshot(D(2026, 5, 1)), D(2026, 12, 31), tmp_path)
    assert paths[-1].name == "SSDA903_2026-27_DoLo.csv"
    assert read_csv(paths[-1]) == [
        ["CHILD", "DOB", "DOLO_START", "DOLO_END"],
        ["A", "01/02/2012", "01/05/2026", "31/05/2026"],
    ]
    assert read_csv(tmp_path / file_name(2027, "Header"))[1][1] == "F"
    # H5 was withdrawn in 2024/25: it is written as it stands, for the DfE's validation to report.
    assert read_csv(tmp_path / file_name(2027, "Episodes"))[1][5] == "H5"


def test_a_2022_23_return_has_no_social_worker_episodes(tmp_path):
    names = [p.name for p in write(snapshot(D(2022, 5, 1)), D(2023, 3, 31), tmp_path)]
    assert "SSDA903_2022-23_SWEpisodes.csv" not in names and len(names) == 10


def test_files_are_replaced_whole_and_no_temporary_file_is_left(tmp_path):
    (tmp_path / file_name(2024, "Header")).write_text("old\n")
    write(snapshot(D(2023, 5, 1)), D(2024, 3, 31), tmp_path)
    assert read_csv(tmp_path / file_name(2024, "Header"))[0][0] == "CHILD"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_year_before_the_spec_is_refused(tmp_path):
    with pytest.raises(SpecError, match="the first is 2017"):
        write(snapshot(D(2015, 5, 1)), D(2016, 3, 31), tmp_path)
    assert list(tmp_path.iterdir()) == []
