"""The SSD extract reader: files named after tables, read with no mapping, nothing lost silently."""

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clearsight.formats.ssd.read import read
from clearsight.model.issues import UnusableInput


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_extract_is_read_with_types_and_ids_kept_as_text(tmp_path):
    write(
        tmp_path / "ssd_person.csv",
        "pers_person_id,pers_dob,pers_sex\n00123,2015-03-04,M\n00124,04/05/2016,F\n",
    )
    result = read([tmp_path], limit_mb=10)
    person = result.tables["ssd_person"]
    assert person.column("pers_person_id").to_pylist() == ["00123", "00124"]
    assert person.column("pers_dob").to_pylist() == [dt.date(2015, 3, 4), dt.date(2016, 5, 4)]
    assert person.schema.field("pers_dob").type == pa.date32()
    assert len(result.files["ssd_person.csv"].sha256) == 64
    assert result.origins["ssd_person"].column("source_row").to_pylist() == [2, 3]


def test_bad_cells_become_null_with_an_issue_naming_file_row_and_column(tmp_path):
    write(
        tmp_path / "SSD_Person.csv",
        "PERS_PERSON_ID,pers_dob\nA1,31/02/2024\nA2,2016-01-01\nA3,not a date\n",
    )
    result = read([tmp_path], limit_mb=10)
    assert result.tables["ssd_person"].column("pers_dob").to_pylist() == [None, dt.date(2016, 1, 1), None]
    bad = [i for i in result.issues if i.column == "pers_dob"]
    assert [(i.row, i.key, i.value) for i in bad] == [(2, "A1", "31/02/2024"), (4, "A3", "not a date")]
    assert all(i.file.endswith("SSD_Person.csv") and i.severity == "error" for i in bad)


def test_missing_and_unknown_columns_and_files_are_reported(tmp_path):
    write(tmp_path / "ssd_person.csv", "pers_person_id,favourite_colour\nA1,blue\n")
    write(tmp_path / "ssd_address.csv", "addr_id\n1\n")
    result = read([tmp_path], limit_mb=10)
    problems = {(i.column, i.problem) for i in result.issues}
    assert ("favourite_colour", "column not in the model; skipped") in problems
    assert ("pers_dob", "column missing from the file; left empty") in problems
    assert any(i.file.endswith("ssd_address.csv") for i in result.issues)
    assert result.tables["ssd_person"].num_rows == 1


def test_a_file_without_its_primary_key_cannot_be_used(tmp_path):
    write(tmp_path / "ssd_cp_plans.csv", "cppl_person_id\nA1\n")
    with pytest.raises(UnusableInput, match="has no cppl_cp_plan_id column"):
        read([tmp_path], limit_mb=10)


def test_parquet_ids_stored_as_numbers_are_text(tmp_path):
    pq.write_table(
        pa.table({"pers_person_id": [12345, 7], "pers_dob": [dt.date(2010, 1, 1), None]}),
        tmp_path / "ssd_person.parquet",
    )
    person = read([tmp_path], limit_mb=10).tables["ssd_person"]
    assert person.column("pers_person_id").to_pylist() == ["12345", "7"]


def test_file_over_the_size_limit_is_refused(tmp_path):
    write(tmp_path / "ssd_person.csv", "pers_person_id\n" + "A\n" * 2000)
    with pytest.raises(UnusableInput, match=r"larger than the limit of 0\.001 MB"):
        read([tmp_path], limit_mb=0.001)


def test_empty_file_and_folder_without_tables(tmp_path):
    write(tmp_path / "ssd_person.csv", "")
    with pytest.raises(UnusableInput, match="is empty"):
        read([tmp_path], limit_mb=10)
    empty = tmp_path / "nothing"
    empty.mkdir()
    with pytest.raises(UnusableInput, match="holds no csv or Parquet files"):
        read([empty], limit_mb=10)


def test_a_csv_copy_beside_the_parquet_file_is_reported_and_the_parquet_read(tmp_path):
    pq.write_table(pa.table({"pers_person_id": ["A1"]}), tmp_path / "ssd_person.parquet")
    write(tmp_path / "ssd_person.csv", "pers_person_id\nA1\nA2\n")
    result = read([tmp_path], limit_mb=10)
    assert result.tables["ssd_person"].num_rows == 1
    assert list(result.files) == ["ssd_person.parquet"]
    assert any(i.file.endswith("ssd_person.csv") and "csv copy" in i.problem for i in result.issues)


def test_two_files_for_one_table_cannot_be_used(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        write(tmp_path / folder / "ssd_person.csv", "pers_person_id\nA1\n")
    with pytest.raises(UnusableInput, match="is a second file for ssd_person"):
        read([tmp_path / "a", tmp_path / "b"], limit_mb=10)


def test_coded_values_are_stored_as_codes_and_unknown_ones_reported(tmp_path):
    write(
        tmp_path / "ssd_cp_plans.csv",
        "cppl_cp_plan_id,cppl_person_id,cppl_cp_plan_initial_category,cppl_cp_plan_ola\n"
        "CP1,A1,Neglect,Yes\nCP2,A2,b) PHY: Physical abuse,b) No\nCP3,A3,Bananas,\n",
    )
    result = read([tmp_path], limit_mb=10)
    plans = result.tables["ssd_cp_plans"]
    assert plans.column("cppl_cp_plan_initial_category").to_pylist() == ["NEG", "PHY", None]
    assert plans.column("cppl_cp_plan_ola").to_pylist() == ["Y", "N", None]
    (issue,) = [i for i in result.issues if i.column == "cppl_cp_plan_initial_category"]
    assert (issue.row, issue.key, issue.value) == (4, "CP3", "Bananas")
    assert "not a known abuse category code" in issue.problem


def test_accommodation_with_a_suitability_digit_is_split_and_unsuitable_wins(tmp_path):
    write(
        tmp_path / "ssd_care_leavers.csv",
        "clea_table_id,clea_person_id,clea_care_leaver_accommodation,clea_care_leaver_accom_suitable\n"
        "L1,A1,S2,\nL2,A2,D1,2\nL3,A3,D,1\n",
    )
    result = read([tmp_path], limit_mb=10)
    leavers = result.tables["ssd_care_leavers"]
    assert leavers.column("clea_care_leaver_accommodation").to_pylist() == ["S", "D", "D"]
    assert leavers.column("clea_care_leaver_accom_suitable").to_pylist() == ["2", "2", "1"]
    (issue,) = [i for i in result.issues if i.column == "clea_care_leaver_accom_suitable"]
    assert (issue.key, issue.severity) == ("L2", "warning")
