"""How the reader finds the collection year: the caller, the file names, or the dates (years.py)."""

import datetime as dt

import pytest
from ssda903_helpers import TODAY, write

from clearsight.formats.ssda903.read import read
from clearsight.formats.ssda903.years import year_in_name
from clearsight.model.issues import UnusableInput

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,1,01/02/2010,WBRI,A123456789012,,\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
REVIEWS = "CHILD,DOB,REVIEW,REVIEW_CODE\n"


def episodes(*rows):
    return EPISODES + "".join(f"C1,{decom},S,C2,N1,U6,PR1,{dec},{rec},,,,\n" for decom, dec, rec in rows)


def info(result):
    return [i.problem for i in result.issues if i.severity == "info" and i.table is None]


@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("SSDA903_2020_episodes.csv", 2020),
        ("903_2023-24_header.csv", 2024),
        ("903_2023_24.csv", 2024),
        ("ssda903_202324.csv", 2024),
        ("episodes_2324.csv", 2024),
        ("903 1920.csv", 2020),
        ("x_2024-25_v2.csv", 2025),
        ("header.csv", None),
        ("episodes_2023-27.csv", None),
        ("fake_903.xml", None),
    ],
)
def test_years_in_file_names(name, year):
    assert year_in_name(name) == year


def test_year_from_the_latest_episode_date_not_after_today(tmp_path):
    write(tmp_path / "header.csv", HEADER)
    write(tmp_path / "episodes.csv", episodes(("01/05/2023", "10/03/2024", "E11"), ("01/06/2030", "", "")))
    result = read([tmp_path], la_code="999", limit_mb=1, today=TODAY)
    assert (result.collection_year, result.as_at) == (2024, dt.date(2024, 3, 31))
    assert info(result) == ["collection year 2023/24, from the latest activity date (10/03/2024)"]
    late = [i for i in result.issues if i.problem.startswith("after the end")]
    assert [(i.column, i.value, i.row) for i in late] == [("DECOM", "01/06/2030", 3)]


def test_year_on_the_first_of_april_starts_the_next_collection_year(tmp_path):
    write(tmp_path / "episodes.csv", episodes(("01/04/2024", "", "")))
    assert read([tmp_path], la_code="999", limit_mb=1, today=TODAY).collection_year == 2025


def test_without_episodes_the_other_tables_dates_decide(tmp_path):
    write(tmp_path / "reviews.csv", REVIEWS + "C1,01/02/2010,05/11/2021,PN1\n")
    assert read([tmp_path], la_code="999", limit_mb=1, today=TODAY).collection_year == 2022


def test_the_file_name_wins_over_the_dates(tmp_path):
    # The Episodes alone say 2023/24; the names say 2024/25, and a review falls in that year.
    a = write(tmp_path / "SSDA903_2024-25_Episodes.csv", episodes(("01/05/2023", "", "")))
    b = write(tmp_path / "SSDA903_2024-25_Reviews.csv", REVIEWS + "C1,01/02/2010,05/04/2024,PN1\n")
    result = read([a, b], la_code="999", limit_mb=1, today=TODAY)
    assert result.collection_year == 2025
    assert info(result) == ["collection year 2024/25, from the file names"]


def test_the_callers_year_wins_over_everything(tmp_path):
    path = write(tmp_path / "SSDA903_2024-25_Episodes.csv", episodes(("01/05/2023", "", "")))
    result = read([path], la_code="999", limit_mb=1, collection_year=2024, today=TODAY)
    assert result.collection_year == 2024 and info(result) == ["collection year 2023/24, as given"]


def test_files_naming_different_years_cannot_be_read_together(tmp_path):
    a = write(tmp_path / "903_2022-23_header.csv", HEADER)
    b = write(tmp_path / "903_2023-24_episodes.csv", episodes(("01/05/2023", "", "")))
    with pytest.raises(UnusableInput, match="these files name different collection years; read each year"):
        read([a, b], la_code="999", limit_mb=1, today=TODAY)


def test_a_year_holding_none_of_the_dates_is_refused(tmp_path):
    path = write(tmp_path / "SSDA903_2019-20_Episodes.csv", episodes(("01/05/2023", "01/06/2023", "E11")))
    with pytest.raises(UnusableInput) as raised:
        read([path], la_code="999", limit_mb=1, today=TODAY)
    assert (
        "the 2019/20 return was expected (from the file names), but no date in these files falls in it"
        in str(raised.value)
    )
    assert "the latest is 01/06/2023, in 2023/24" in str(raised.value)


def test_no_year_and_no_dates_is_refused(tmp_path):
    write(tmp_path / "header.csv", HEADER)
    with pytest.raises(UnusableInput, match="cannot tell the collection year"):
        read([tmp_path], la_code="999", limit_mb=1, today=TODAY)


def test_a_year_before_the_spec_is_refused_and_a_later_one_read_with_the_newest(tmp_path):
    write(tmp_path / "episodes.csv", episodes(("01/05/2015", "", "")))
    with pytest.raises(UnusableInput, match="is a 2015/16 return; Clearsight reads 903 returns from 2016/17"):
        read([tmp_path], la_code="999", limit_mb=1, today=TODAY)
    later = write(tmp_path / "episodes.csv", episodes(("01/05/2027", "", "")))
    result = read([later], la_code="999", limit_mb=1, today=dt.date(2028, 1, 1))
    assert result.collection_year == 2028
    assert any(
        i.problem == "the 2027/28 return is read with the newest spec (2026/27)" for i in result.issues
    )


def test_a_table_the_year_does_not_collect_is_read_with_a_warning(tmp_path):
    write(tmp_path / "episodes.csv", episodes(("01/05/2022", "", "")))
    write(tmp_path / "sw.csv", "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\nC1,01/02/2010,SW1,01/05/2022,,\n")
    result = read([tmp_path], la_code="999", limit_mb=1, today=TODAY)
    assert result.collection_year == 2023
    assert ("SWEpisodes", "the 2022/23 return has no SWEpisodes table; read with its newest columns") in {
        (i.table, i.problem) for i in result.issues
    }
    assert result.tables["ssd_involvements"].num_rows == 1
