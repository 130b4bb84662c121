"""Bad 903 input, one case per test: each ends as NULL + an issue, or UnusableInput with a plain message."""

import datetime as dt

import pytest
from ssda903_helpers import TODAY, write

from clearsight.formats.ssda903.read import read
from clearsight.model.issues import UnusableInput

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
EPISODE = "C1,01/05/2023,S,C2,N1,U6,PR1,,,,,,\n"
REVIEWS = "CHILD,DOB,REVIEW,REVIEW_CODE\n"


def load(*paths, **options):
    return read(list(paths), la_code="999", limit_mb=options.pop("limit_mb", 1), today=TODAY, **options)


def issues_for(result, column):
    return [(i.severity, i.row, i.value, i.problem) for i in result.issues if i.column == column]


def xml(children):
    return f"<?xml version='1.0' encoding='utf-8'?>\n<EXPSSDA903>{children}</EXPSSDA903>\n"


CHILD_2017 = (
    "<CHILD><HEADER><CHILDID>X1</CHILDID><UPN>A123456789012</UPN><SEX>1</SEX><DOB>01/02/2010</DOB>"
    "<ETHNIC>WBRI</ETHNIC><UASC /><AREVIEW><REVIEW>01/06/2017</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE>"
    "</AREVIEW>"
    "</HEADER><EPISODE><DECOM>01/05/2017</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U6</PL>"
    "<PLACE_PROVIDER>PR1</PLACE_PROVIDER><DEC /><REC /></EPISODE></CHILD>"
)


def test_empty_file(tmp_path):
    with pytest.raises(UnusableInput, match=r"header\.csv: is empty: it has no header row$"):
        load(write(tmp_path / "header.csv", ""))


def test_wrong_extension(tmp_path):
    with pytest.raises(
        UnusableInput, match=r"episodes\.xlsx: is not a csv or XML file, so it cannot be a 903"
    ):
        load(write(tmp_path / "episodes.xlsx", EPISODES + EPISODE))


def test_csv_in_cp1252_with_a_bom_is_read_with_a_warning(tmp_path):
    path = write(
        tmp_path / "episodes.csv",
        b"\xef\xbb\xbf" + (EPISODES + "C1,01/05/2023,S,C2,N1,U6,PR1,,,,,Caf\xe9 1,\n").encode("cp1252"),
    )
    result = load(path)
    assert [(i.severity, i.problem) for i in result.issues if i.file == str(path) and i.column is None] == [
        ("warning", "not UTF-8; read as Windows-1252 (save the file as UTF-8)")
    ]
    assert result.tables["ssd_cla_placement"]["clap_cla_placement_postcode"].to_pylist() == ["Café 1"]
    assert result.tables["ssd_cla_episodes"]["clae_person_id"].to_pylist() == [
        "C1"
    ]  # the BOM is not in CHILD


def test_utf16_is_refused(tmp_path):
    with pytest.raises(UnusableInput, match="is not a text csv file"):
        load(write(tmp_path / "episodes.csv", EPISODES + EPISODE, encoding="utf-16"))


def test_duplicated_headers(tmp_path):
    path = write(
        tmp_path / "reviews.csv", "CHILD,DOB,REVIEW,REVIEW_CODE,dob\nC1,01/02/2010,01/06/2023,PN1,\n"
    )
    with pytest.raises(UnusableInput, match=r"reviews\.csv: has the column DOB more than once"):
        load(path)


def test_a_required_column_missing_is_an_error_issue(tmp_path):
    write(tmp_path / "episodes.csv", EPISODES + EPISODE)
    write(tmp_path / "header.csv", "CHILD,SEX,DOB,UPN\nC1,1,01/02/2010,A123456789012\n")
    result = load(tmp_path)
    assert ("error", "the file has no ETHNIC column, which the 2023/24 return requires; left empty") in {
        (i.severity, i.problem) for i in result.issues if i.column == "ETHNIC"
    }
    assert ("warning", "the file has no MOTHER column; left empty") in {
        (i.severity, i.problem) for i in result.issues if i.column == "MOTHER"
    }
    assert result.tables["ssd_person"]["pers_ethnicity"].to_pylist() == [None]


def test_a_key_column_missing_makes_the_file_unusable(tmp_path):
    path = write(tmp_path / "episodes.csv", "CHILD,RNE,LS,CIN,PLACE\nC1,S,C2,N1,U6\n")
    with pytest.raises(
        UnusableInput, match=r"episodes\.csv: has no DECOM column, which identifies each Episodes row"
    ):
        load(path, collection_year=2024)


def test_extra_columns_are_skipped_with_a_warning(tmp_path):
    path = write(
        tmp_path / "reviews.csv", "CHILD,DOB,REVIEW,REVIEW_CODE,NOTES\nC1,01/02/2010,01/06/2023,pn1,x\n"
    )
    result = load(path)
    assert issues_for(result, "NOTES") == [
        ("warning", None, None, "not a column of the 2023/24 Reviews table; skipped")
    ]
    assert result.tables["ssd_cla_reviews"]["clar_cla_review_participation"].to_pylist() == ["PN1"]


def test_unknown_codes_and_codes_of_another_year_become_empty(tmp_path):
    write(tmp_path / "header.csv", HEADER + "C1,U,01/02/2010,XXXX,A123456789012,,\n")
    write(tmp_path / "episodes.csv", EPISODES + "C1,01/05/2023,S,C2,N1,Z11,PR9,,,,,,\n")
    result = load(tmp_path)
    assert issues_for(result, "SEX") == [
        ("error", 2, "U", "not one of the 2023/24 SEX codes; stored as empty")
    ]
    assert issues_for(result, "ETHNIC") == [
        ("error", 2, "XXXX", "not one of the ETHNIC codes; stored as empty")
    ]
    assert issues_for(result, "PLACE") == [
        ("error", 2, "Z11", "not one of the 2023/24 PLACE codes; stored as empty")
    ]
    assert issues_for(result, "PLACE_PROVIDER") == [
        ("error", 2, "PR9", "not one of the PLACE_PROVIDER codes; stored as empty")
    ]
    person = result.tables["ssd_person"].to_pylist()[0]
    assert (person["pers_sex"], person["pers_ethnicity"]) == (None, None)
    placement = result.tables["ssd_cla_placement"].to_pylist()[0]
    assert (placement["clap_cla_placement_type"], placement["clap_cla_placement_provider"]) == (None, None)


def test_impossible_dates(tmp_path):
    result = load(
        write(
            tmp_path / "reviews.csv", REVIEWS + "C1,31/02/2010,01/06/2023,PN1\nC1,01/02/2010,30/02/2024,PN1\n"
        )
    )
    assert issues_for(result, "DOB") == [("error", 2, "31/02/2010", "not a real date; stored as empty")]
    assert ("error", 3, "30/02/2024", "not a real date; stored as empty") in issues_for(result, "REVIEW")
    assert result.tables["ssd_cla_reviews"]["clar_cla_review_date"].to_pylist() == [dt.date(2023, 6, 1), None]


def test_two_digit_years_and_other_date_forms_are_refused(tmp_path):
    path = write(
        tmp_path / "reviews.csv", REVIEWS + "C1,01/02/10,01/06/2023,PN1\nC2,2010-02-01,1 June 2023,PN1\n"
    )
    result = load(path, collection_year=2024)
    wrong = "not a date written dd/mm/yyyy; stored as empty"
    assert issues_for(result, "DOB") == [("error", 2, "01/02/10", wrong), ("error", 3, "2010-02-01", wrong)]
    assert issues_for(result, "REVIEW") == [("error", 3, "1 June 2023", wrong)]


def test_dates_in_the_future_are_kept_with_a_warning_and_do_not_move_the_year(tmp_path):
    write(tmp_path / "episodes.csv", EPISODES + EPISODE + "C1,05/01/2029,P,C2,N1,U4,PR1,,,,,,\n")
    result = load(tmp_path)
    assert result.collection_year == 2024
    late = "after the end of the 2023/24 collection year (31/03/2024); kept"
    assert [(i.row, i.value) for i in result.issues if i.problem == late] == [(3, "05/01/2029")]
    assert dt.date(2029, 1, 5) in result.tables["ssd_cla_episodes"]["clae_cla_episode_start_date"].to_pylist()


def test_the_same_child_with_two_dates_of_birth(tmp_path):
    write(
        tmp_path / "header.csv",
        HEADER + "C1,1,01/02/2010,WBRI,A123456789012,,\nC1,1,03/04/2011,WBRI,A123456789012,,\n",
    )
    write(tmp_path / "reviews.csv", REVIEWS + "C1,03/04/2011,01/06/2023,PN1\n")
    write(tmp_path / "episodes.csv", EPISODES + EPISODE)
    result = load(tmp_path)
    header = [
        (i.severity, i.row, i.problem) for i in result.issues if i.table == "Header" and i.severity != "info"
    ]
    assert header == [("error", 3, "repeats the CHILD of row 2; row not loaded")]
    assert [(i.table, i.row, i.value, i.problem) for i in result.issues if i.column == "DOB"] == [
        ("Reviews", 2, "03/04/2011", "differs from the Header's DOB (01/02/2010); the Header's is kept")
    ]
    assert result.tables["ssd_person"]["pers_dob"].to_pylist() == [dt.date(2010, 2, 1)]


def test_a_file_larger_than_the_limit(tmp_path):
    path = write(tmp_path / "reviews.csv", REVIEWS + "C1,01/02/2010,01/06/2023,PN1\n" * 2000)
    with pytest.raises(UnusableInput, match=r"reviews\.csv: is 0\.1 MB, larger than the limit of 0\.01 MB"):
        load(path, limit_mb=0.01)


def test_xml_with_a_doctype_and_entity_expansion_is_refused(tmp_path):
    laughs = (
        '<?xml version="1.0"?>\n<!DOCTYPE EXPSSDA903 [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>\n<EXPSSDA903><CHILD><HEADER><CHILDID>&c;</CHILDID></HEADER>'
        "</CHILD></EXPSSDA903>\n"
    )
    with pytest.raises(UnusableInput, match="contains a DOCTYPE"):
        load(write(tmp_path / "return.xml", laughs))


def test_xml_external_entity_is_refused(tmp_path):
    external = (
        '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        "<EXPSSDA903><CHILD><HEADER><CHILDID>&x;</CHILDID></HEADER></CHILD></EXPSSDA903>\n"
    )
    with pytest.raises(UnusableInput, match="contains a DOCTYPE"):
        load(write(tmp_path / "return.xml", external))


def test_xml_of_the_wrong_collection_year(tmp_path):
    path = write(tmp_path / "return.xml", xml(CHILD_2017))
    assert load(path).collection_year == 2018
    with pytest.raises(UnusableInput, match=r"the 2024/25 return was expected \(as given\), but no date"):
        load(path, collection_year=2025)
    named = write(tmp_path / "SSDA903_2024-25.xml", xml(CHILD_2017))
    with pytest.raises(UnusableInput, match=r"the latest is 01/06/2017, in 2017/18"):
        load(named)


def test_xml_that_is_not_well_formed_or_not_a_903_return(tmp_path):
    with pytest.raises(UnusableInput, match="is not well-formed XML at line 2"):
        load(write(tmp_path / "return.xml", "<?xml version='1.0'?>\n<EXPSSDA903><CHILD></EXPSSDA903>\n"))
    with pytest.raises(UnusableInput, match="is not a 903 XML file: its root is <Message>"):
        load(write(tmp_path / "census.xml", "<?xml version='1.0'?>\n<Message/>\n"))


def test_rows_with_too_many_or_too_few_cells_are_skipped_with_a_warning(tmp_path):
    path = write(
        tmp_path / "reviews.csv", REVIEWS + "C1,01/02/2010,01/06/2023\n\nC1,01/02/2010,02/07/2023,PN1\n"
    )
    result = load(path)
    assert [(i.row, i.value, i.problem) for i in result.issues if i.file == str(path)] == [
        (2, "C1,01/02/2010,01/06/2023", "has 3 cells where the header has 4; row skipped")
    ]
    assert result.origins["ssd_cla_reviews"]["source_row"].to_pylist() == [4]


def test_a_row_without_a_child_is_skipped(tmp_path):
    result = load(
        write(
            tmp_path / "reviews.csv", REVIEWS + ",01/02/2010,01/06/2023,PN1\nC1,01/02/2010,01/06/2023,PN1\n"
        )
    )
    assert issues_for(result, "CHILD") == [
        ("error", 2, None, "no CHILD, so the row cannot belong to a child; row skipped")
    ]
    assert result.tables["ssd_cla_reviews"].num_rows == 1


def test_files_that_are_not_903_tables(tmp_path):
    write(tmp_path / "notes.csv", "name,colour\nA,blue\n")
    write(tmp_path / "reviews.csv", REVIEWS + "C1,01/02/2010,01/06/2023,PN1\n")
    result = load(tmp_path)
    assert any(i.problem == "not a 903 table (its columns match none); skipped" for i in result.issues)
    with pytest.raises(UnusableInput, match="holds no SSDA903 table"):
        load(tmp_path / "notes.csv")
    with pytest.raises(UnusableInput, match="does not exist"):
        load(tmp_path / "missing.csv")
