"""Bad Annex A input, one case per test: a file that cannot be used at all raises UnusableInput with a plain
message naming it; anything less becomes NULL values and issues naming file, sheet, row and column."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from collections import Counter

import pytest
from annex_a_files import contact, headers, write_workbook

from clearsight.formats.annex_a.cells import BLANK_REQUIRED, NO_CHILD, NOT_A_DATE, TWO_DIGIT_YEAR
from clearsight.formats.annex_a.read import read
from clearsight.model.issues import UnusableInput
from clearsight.model.validate import validate

CFB = bytes.fromhex("d0cf11e0a1b11ae1")


def _read(*paths, limit_mb=200):
    return read(list(paths), la_code="999", limit_mb=limit_mb)


def _problems(result, column=None):
    return Counter(i.problem for i in result.issues if column is None or i.column == column)


def _csv(path, rows, encoding="utf-8", bom=b""):
    text = "\r\n".join(",".join(f'"{v}"' if "," in str(v) else str(v) for v in row) for row in rows)
    path.write_bytes(bom + text.encode(encoding))
    return path


def test_empty_xlsx(tmp_path):
    (tmp_path / "annex_a.xlsx").write_bytes(b"")
    with pytest.raises(UnusableInput, match=r"annex_a\.xlsx: is empty"):
        _read(tmp_path / "annex_a.xlsx")


def test_empty_csv(tmp_path):
    (tmp_path / "list_1.csv").write_bytes(b"")
    with pytest.raises(UnusableInput, match=r"list_1\.csv: is empty"):
        _read(tmp_path / "list_1.csv")


def test_wrong_extension(tmp_path):
    (tmp_path / "annex_a.pdf").write_bytes(b"%PDF-1.7")
    with pytest.raises(UnusableInput, match=r"annex_a\.pdf: is a \.pdf file, not an Annex A workbook"):
        _read(tmp_path / "annex_a.pdf")


def test_missing_file(tmp_path):
    with pytest.raises(UnusableInput, match="does not exist"):
        _read(tmp_path / "nowhere.xlsx")


def test_old_xls(tmp_path):
    (tmp_path / "annex_a.xls").write_bytes(CFB + bytes(4088))
    with pytest.raises(
        UnusableInput, match=r"annex_a\.xls: is an old Excel 97-2003 workbook.*save it as \.xlsx"
    ):
        _read(tmp_path / "annex_a.xls")


def test_corrupt_xlsx(tmp_path):
    (tmp_path / "annex_a.xlsx").write_bytes(b"PK\x03\x04" + b"not really a zip file" * 50)
    with pytest.raises(UnusableInput, match=r"annex_a\.xlsx: is damaged"):
        _read(tmp_path / "annex_a.xlsx")


def test_truncated_xlsx(tmp_path, list1):
    path = list1(contact())
    path.write_bytes(path.read_bytes()[:1500])
    with pytest.raises(UnusableInput, match="is damaged"):
        _read(path)


def test_password_protected_xlsx(tmp_path):
    # Encrypted OOXML: an OLE compound file holding the EncryptionInfo and EncryptedPackage streams.
    directory = "".join(name.ljust(32, "\0") for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    (tmp_path / "annex_a.xlsx").write_bytes(CFB + bytes(504) + directory.encode("utf-16-le") + bytes(2048))
    with pytest.raises(UnusableInput, match=r"annex_a\.xlsx: is password-protected"):
        _read(tmp_path / "annex_a.xlsx")


def test_zip_bomb_by_its_directory(tmp_path, list1):
    """A zip whose central directory claims 4 GB of content is refused before it is opened."""
    data = bytearray(list1(contact()).read_bytes())
    entry = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, entry + 24, 0xF000_0000)  # uncompressed size of the first member
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(UnusableInput, match=r"bomb\.xlsx: would unpack to .* possible zip bomb"):
        _read(path, limit_mb=10)


def test_zip_bomb_that_really_unpacks(tmp_path):
    """2 MB of zeros compress to a few KB: over 20 × a 0.05 MB limit once unpacked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", bytes(2 * 1024 * 1024))
    (tmp_path / "bomb.xlsx").write_bytes(buffer.getvalue())
    with pytest.raises(UnusableInput, match=r"20 times the limit of 0\.05 MB"):
        _read(tmp_path / "bomb.xlsx", limit_mb=0.05)


def test_file_larger_than_the_limit(list1):
    path = list1(*[contact(f"C{i}") for i in range(200)])
    with pytest.raises(UnusableInput, match=r"larger than the limit of 0\.001 MB"):
        _read(path, limit_mb=0.001)


def test_workbook_with_no_recognisable_list(tmp_path):
    path = write_workbook(tmp_path / "notes.xlsx", {"Notes": [["Name", "Comment"], ["a", "b"]]})
    with pytest.raises(UnusableInput, match=r"notes\.xlsx: holds no Annex A list"):
        _read(path)


def test_xlsx_named_csv(tmp_path, list1):
    path = tmp_path / "list_1.csv"
    path.write_bytes(list1(contact()).read_bytes())
    with pytest.raises(UnusableInput, match=r"list_1\.csv: is named \.csv but holds an Excel workbook"):
        _read(path)


def test_csv_named_xlsx(tmp_path):
    path = _csv(
        tmp_path / "list_1.xlsx", [headers(1), ["C1", "b) Female", "a) WBRI", "", "", "16/09/2024", "6"]]
    )
    with pytest.raises(UnusableInput, match=r"list_1\.xlsx: is a text file, not an Excel workbook"):
        _read(path)


def test_csv_neither_utf8_nor_cp1252(tmp_path):
    path = tmp_path / "list_1.csv"
    path.write_bytes(",".join(headers(1)).encode() + b"\r\nC1,\x81\x8d\x8f,a) WBRI,,,16/09/2024,6")
    with pytest.raises(UnusableInput, match="neither UTF-8 nor Windows-1252"):
        _read(path)


def test_csv_in_cp1252_with_a_bom(tmp_path):
    row = [
        "C1",
        "b) Female",
        "a) WBRI",
        "25/01/2015",
        "9",
        "16/09/2020",
        "s) 8: Other",
        "No",
        "0",
        "Team £",
        "Rí O’Brien",
    ]
    path = _csv(tmp_path / "list_3.csv", [headers(3), row], encoding="cp1252", bom=b"\xef\xbb\xbf")
    result = _read(path)
    assert result.tables["ssd_person"]["pers_person_id"].to_pylist() == ["C1"]  # no BOM stuck to the header
    assert result.tables["ssd_professionals"]["prof_professional_name"].to_pylist() == ["Rí O’Brien"]
    assert result.tables["ssd_department"]["dept_team_name"].to_pylist() == ["Team £"]
    assert result.tables["ssd_cin_episodes"]["cine_referral_date"].to_pylist() == [dt.date(2020, 9, 16)]


def test_duplicated_headers(list1):
    header = [*headers(1), "Contact Source"]
    result = _read(list1([*contact(), "a) 1A: Individual"], header=header))
    assert _problems(result)["column appears more than once; the first was read"] == 1
    assert result.tables["ssd_contacts"]["cont_contact_source_code"].to_pylist() == ["6"]


def test_required_column_missing(tmp_path):
    header = [h for h in headers(3) if h != "Referral Source"]
    row = [
        "C1",
        "a) Male",
        "a) WBRI",
        dt.date(2010, 1, 1),
        14,
        dt.date(2024, 9, 16),
        "b) No",
        1,
        "Team",
        "Worker",
    ]
    result = _read(write_workbook(tmp_path / "annex_a.xlsx", {"List 3": [header, row]}))
    issues = [i for i in result.issues if i.problem == "required column missing; left empty"]
    assert [(i.severity, i.column, i.sheet) for i in issues] == [("error", "Referral Source", "List 3")]
    assert result.tables["ssd_cin_episodes"]["cine_referral_source_code"].to_pylist() == [None]
    assert result.tables["ssd_cin_episodes"]["cine_referral_nfa"].to_pylist() == ["N"]


def test_extra_columns(list1):
    result = _read(list1([*contact(), "called back", "x"], header=[*headers(1), "Notes", None]))
    extra = [i.column for i in result.issues if i.problem == "column not in the List 1 template; ignored"]
    assert extra == ["Notes", "(unnamed column 9)"]
    assert result.tables["ssd_contacts"].num_rows == 1


def test_unknown_codes(list1):
    row = contact()
    row[1], row[6] = "z) Martian", "x) 99: Spaceship"
    result = _read(list1(row))
    issues = {(i.column, i.value, i.row, i.sheet) for i in result.issues if i.severity == "error"}
    assert issues == {
        ("Gender", "z) Martian", 2, "List 1"),
        ("Contact Source", "x) 99: Spaceship", 2, "List 1"),
    }
    assert result.tables["ssd_person"]["pers_gender"].to_pylist() == [None]
    assert result.tables["ssd_contacts"]["cont_contact_source_code"].to_pylist() == [None]


def test_impossible_dates(list1):
    result = _read(list1(contact(dob="31/02/2015", day="30/02/2024")))
    failed = [(i.column, i.value) for i in result.issues if i.problem == NOT_A_DATE]
    assert failed == [("Date of Birth", "31/02/2015"), ("Date of Contact", "30/02/2024")]
    assert result.tables["ssd_person"]["pers_dob"].to_pylist() == [None]


def test_two_digit_years(list1):
    result = _read(list1(contact(dob="25/01/15", day="16/9/85")))
    assert [i.value for i in result.issues if i.problem == TWO_DIGIT_YEAR] == ["25/01/15", "16/9/85"]
    assert result.tables["ssd_person"]["pers_dob"].to_pylist() == [dt.date(2015, 1, 25)]
    assert result.tables["ssd_contacts"]["cont_contact_date"].to_pylist() == [dt.date(1985, 9, 16)]


def test_dates_in_the_future(list1):
    result = _read(list1(contact(day=dt.date(2025, 6, 1))))
    assert result.tables["ssd_contacts"]["cont_contact_date"].to_pylist() == [dt.date(2025, 6, 1)]
    found = [i for i in validate(result.tables, dt.date(2024, 10, 1)) if i.column == "cont_contact_date"]
    assert [i.severity for i in found] == ["warning"]  # the validator, which knows the as-at date, reports it


def test_same_child_with_two_dates_of_birth(tmp_path):
    referral = ["C1", "b) Female", "a) WBRI", dt.date(2015, 2, 25), 9, dt.date(2024, 9, 16), "q) 6: Police"]
    referral += ["b) No", 1, "Team", "Worker"]
    path = write_workbook(
        tmp_path / "annex_a.xlsx", {"List 1": [headers(1), contact()], "List 3": [headers(3), referral]}
    )
    result = _read(path)
    assert result.tables["ssd_person"].to_pylist()[0]["pers_dob"] == dt.date(2015, 2, 25)  # the later list
    differs = [i for i in result.issues if "date of birth differs" in i.problem]
    assert [(i.sheet, i.row, i.value) for i in differs] == [("List 1", 2, "2015-01-25")]


def test_excel_serial_dates(list1):
    """Numbers in a date column (a date typed without a date format) are Excel serial dates."""
    result = _read(list1(contact(dob=42029, day=45551.0)))
    assert result.tables["ssd_person"]["pers_dob"].to_pylist() == [dt.date(2015, 1, 25)]
    assert result.tables["ssd_contacts"]["cont_contact_date"].to_pylist() == [dt.date(2024, 9, 16)]


def test_numeric_ids_lose_only_the_trailing_zero(tmp_path, list1):
    assert _read(list1(contact(child=12345.0))).tables["ssd_person"]["pers_person_id"].to_pylist() == [
        "12345"
    ]
    path = _csv(
        tmp_path / "list_1.csv", [headers(1), ["00123", "b) Female", "a) WBRI", "", "", "16/09/2024", "6"]]
    )
    assert _read(path).tables["ssd_person"]["pers_person_id"].to_pylist() == ["00123"]


def test_row_without_a_child_id(list1):
    result = _read(list1(contact(child=""), contact(child="C2")))
    assert [(i.problem, i.row) for i in result.issues if i.severity == "error"] == [(NO_CHILD, 2)]
    assert result.tables["ssd_contacts"]["cont_person_id"].to_pylist() == ["C2"]


def test_blank_rows_below_the_data_are_ignored(list1):
    result = _read(list1(contact(), [""] * 7, contact(child="C2")))
    assert result.tables["ssd_contacts"].num_rows == 2
    assert _problems(result)[BLANK_REQUIRED] == 0


def test_sheet_without_an_id_column(tmp_path):
    header = [h for h in headers(1) if h != "Child Unique ID"]
    eh = ["C2", "a) Male", "a) WBRI", dt.date(2012, 1, 1), 12, dt.date(2024, 9, 1), None, "School"]
    path = write_workbook(
        tmp_path / "annex_a.xlsx", {"List 1": [header, contact()[1:]], "List 2": [headers(2), eh]}
    )
    result = _read(path)
    assert [(i.sheet, i.severity) for i in result.issues if "no identifier column" in i.problem] == [
        ("List 1", "error")
    ]
    assert result.tables["ssd_early_help_episodes"].num_rows == 1


def test_formula_cells_give_their_cached_values(tmp_path):
    import xlsxwriter

    path = tmp_path / "annex_a.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("List 1")
    sheet.write_row(0, 0, headers(1))
    sheet.write_row(1, 0, ["C1", "b) Female", "a) WBRI"])
    sheet.write_formula(1, 5, "=DATE(2024,9,11)+5", book.add_format({"num_format": "dd/mm/yyyy"}), 45551)
    sheet.write(1, 6, "q) 6: Police")
    book.close()
    assert _read(path).tables["ssd_contacts"]["cont_contact_date"].to_pylist() == [dt.date(2024, 9, 16)]


def test_an_age_that_contradicts_the_date_of_birth(list1):
    """Age is derived: with the as-at date known, it checks the date of birth (formats.md §3.0)."""
    path = list1(contact(child="C1"), [*contact(child="C2")[:4], 3, *contact()[5:]])
    result = read([path], la_code="999", limit_mb=200, as_at=dt.date(2024, 10, 1))
    found = [(i.key, i.value) for i in result.issues if "age differs" in i.problem]
    assert found == [("C2", "3.0")]  # born 25/01/2015: 9 on 1/10/2024
