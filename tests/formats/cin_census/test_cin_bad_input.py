"""Bad CIN census input: each case is refused with a plain UnusableInput, or read with issues.

Nothing here may end in any other exception. The attacks (billion laughs, external entities) must be
refused before anything expands or is fetched.
"""

import datetime as dt
import json
import time

import pytest
from cin_documents import CHILD, census

from clearsight.formats.cin_census.read import read, recognise
from clearsight.model.issues import ERROR, WARNING, UnusableInput
from clearsight.model.validate import validate

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Message [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""
PASSWD = '<?xml version="1.0"?>\n<!DOCTYPE Message [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>\n'
DOCTYPE_REFUSED = "contains a DOCTYPE, which is not allowed in a statutory return"


def read_one(path, la_code=None, limit_mb=10):
    return read([path], la_code=la_code, limit_mb=limit_mb)


def refused(path, match, **kwargs):
    with pytest.raises(UnusableInput, match=match) as error:
        read_one(path, **kwargs)
    assert str(path) in str(error.value)
    return str(error.value)


def issues_about(result, column):
    return [i for i in result.issues if i.column == column]


def test_a_well_formed_census_reads_without_issues(write_census):
    result = read_one(write_census())
    assert result.issues == []
    assert result.tables["ssd_person"].num_rows == 1


def test_empty_file(write_census):
    refused(write_census(""), "is empty")


def test_wrong_extension(write_census):
    path = write_census(census(), name="census.txt")
    assert not recognise(path)
    refused(path, r"is not an \.xml file")


def test_not_xml(write_census):
    refused(write_census("LAchildID,PersonBirthDate\nC1,2015-05-01\n"), "is not well-formed XML at line 1")


def test_truncated_xml(write_census):
    text = census()
    message = refused(write_census(text[: text.index("<CINdetails>") + 20]), "is not well-formed XML at line")
    assert "line 16" in message or "line 17" in message


def test_doctype_is_refused(write_census):
    refused(
        write_census('<?xml version="1.0"?>\n<!DOCTYPE Message>\n' + census().split("\n", 1)[1]),
        DOCTYPE_REFUSED,
    )


def test_billion_laughs_is_refused_before_anything_expands(write_census):
    path = write_census(
        LAUGHS + census(CHILD.replace("<LAchildID>C1", "<LAchildID>&lol9;")).split("\n", 1)[1]
    )
    started = time.perf_counter()
    refused(path, DOCTYPE_REFUSED)
    assert time.perf_counter() - started < 1


def test_external_entity_is_never_read(write_census):
    path = write_census(
        PASSWD + census(CHILD.replace("<LAchildID>C1", "<LAchildID>&secret;")).split("\n", 1)[1]
    )
    message = refused(path, DOCTYPE_REFUSED)
    assert "root:" not in message


def test_external_entity_after_a_long_prolog_is_still_refused(write_census):
    # A comment longer than the bytes scanned before parsing hides the DOCTYPE from that scan; the
    # parser resolves no entity and fetches nothing, and the parsed document is refused.
    padding = "<!--" + "x" * (2 << 20) + "-->\n"
    body = census(CHILD.replace("<LAchildID>C1", "<LAchildID>&secret;")).split("\n", 1)[1]
    path = write_census('<?xml version="1.0"?>\n' + padding + PASSWD.split("\n", 1)[1] + body)
    message = refused(path, DOCTYPE_REFUSED)
    assert "root:" not in message


def test_a_year_with_no_schema_is_read_against_the_nearest(write_census):
    result = read_one(write_census(census(year="2019", reference="2019-03-31")))
    assert result.collection_year == 2019
    notes = [(i.problem, i.sheet, i.row) for i in result.issues if i.severity == WARNING]
    assert notes == [
        (
            "clearsight has no CIN schema for the 2018/19 census (it has 2023/24 to 2025/26); "
            "checked against the CIN 2023/24 schema, the nearest",
            "Message/Header/CollectionDetails",
            None,
        ),
        (
            "not valid against the CIN 2023/24 schema: Element 'Sex': This element is not expected. "
            "Expected is one of ( ExpectedPersonBirthDate, GenderCurrent ).",
            "/Message/Children/Child/ChildIdentifiers/Sex",
            12,
        ),
    ]
    assert result.tables["ssd_person"].column("pers_sex").to_pylist() == ["F"]


def test_elements_of_another_year_are_reported_against_the_files_own_schema(write_census):
    older = CHILD.replace("<Sex>F</Sex>", "<GenderCurrent>2</GenderCurrent>")
    result = read_one(write_census(census(older)))
    assert [(i.problem, i.sheet, i.row) for i in result.issues] == [
        (
            "not valid against the CIN 2025/26 schema: Element 'GenderCurrent': This element is not "
            "expected. Expected is one of ( ExpectedPersonBirthDate, Sex ).",
            "/Message/Children/Child/ChildIdentifiers/GenderCurrent",
            12,
        )
    ]
    person = result.tables["ssd_person"].to_pylist()[0]
    assert (person["pers_gender"], person["pers_sex"]) == ("F", None)


def test_unknown_codes_are_stored_empty_with_an_issue_each(write_census):
    child = (
        CHILD.replace("<Ethnicity>WBRI", "<Ethnicity>XXXX")
        .replace("<ReferralSource>1A", "<ReferralSource>ZZ")
        .replace("<ReferralNFA>0", "<ReferralNFA>maybe")
    )
    result = read_one(write_census(census(child)))
    assert result.tables["ssd_person"].column("pers_ethnicity").to_pylist() == [None]
    episode = result.tables["ssd_cin_episodes"].to_pylist()[0]
    assert (episode["cine_referral_source_code"], episode["cine_referral_nfa"]) == (None, None)
    errors = {(i.column, i.value, i.row, i.problem) for i in result.issues if i.severity == ERROR}
    assert errors == {
        ("pers_ethnicity", "XXXX", 14, "not a known ethnicity code; stored as empty"),
        ("cine_referral_source_code", "ZZ", 17, "not a known referral source code; stored as empty"),
        ("cine_referral_nfa", "maybe", 18, "not a known yes no code; stored as empty"),
    }
    provenance = result.provenance("201", result.as_at).to_pylist()
    raw = next(p["raw_values"] for p in provenance if p["table_name"] == "ssd_cin_episodes")
    assert json.loads(raw) == {"cine_referral_source_code": "ZZ", "cine_referral_nfa": "maybe"}


def test_impossible_dates_are_stored_empty_with_an_issue(write_census):
    child = CHILD.replace("2015-05-01", "2015-02-30").replace(
        "<CINreferralDate>2025-06-01", "<CINreferralDate>01/06/2025"
    )
    result = read_one(write_census(census(child)))
    assert result.tables["ssd_person"].column("pers_dob").to_pylist() == [None]
    assert result.tables["ssd_cin_episodes"].column("cine_referral_date").to_pylist() == [None]
    dob = issues_about(result, "pers_dob")[0]
    assert (dob.value, dob.row, dob.sheet, dob.key, dob.severity) == (
        "2015-02-30",
        11,
        "Message/Children/Child/ChildIdentifiers/PersonBirthDate",
        "C1",
        ERROR,
    )
    assert issues_about(result, "cine_referral_date")[0].value == "01/06/2025"


def test_future_dates_are_kept_and_the_validator_warns(write_census):
    child = CHILD.replace("<CINreferralDate>2025-06-01", "<CINreferralDate>2028-06-01")
    result = read_one(write_census(census(child)))
    assert result.tables["ssd_cin_episodes"].column("cine_referral_date").to_pylist() == [dt.date(2028, 6, 1)]
    later = [i for i in validate(result.tables, result.as_at) if i.column == "cine_referral_date"]
    assert [(i.severity, i.value) for i in later] == [(WARNING, "2028-06-01")]


def test_the_same_child_twice_with_two_dates_of_birth(write_census):
    again = CHILD.replace("2015-05-01", "2016-01-01").replace("2025-06-01", "2025-09-01")
    result = read_one(write_census(census(CHILD + again)))
    assert result.tables["ssd_person"].to_pylist()[0]["pers_dob"] == dt.date(2015, 5, 1)
    assert result.tables["ssd_person"].num_rows == 1
    assert result.tables["ssd_cin_episodes"].num_rows == 2
    differ = [i for i in result.issues if i.severity == ERROR]
    assert [(i.key, i.value, i.row, i.sheet) for i in differ] == [
        ("C1", "2016-01-01", 24, "Message/Children/Child/ChildIdentifiers/PersonBirthDate")
    ]
    assert differ[0].problem == (
        "the child appears again with a different PersonBirthDate; "
        "the first record's value (2015-05-01, line 11) is kept"
    )


def test_a_file_larger_than_the_limit(write_census):
    refused(write_census(census(CHILD * 50)), r"larger than the limit of 0\.001 MB", limit_mb=0.001)


def test_a_missing_required_element_is_reported_and_the_row_kept(write_census):
    child = CHILD.replace("<CINreferralDate>2025-06-01</CINreferralDate>", "")
    result = read_one(write_census(census(child)))
    assert result.tables["ssd_cin_episodes"].column("cine_referral_date").to_pylist() == [None]
    # libxml2 names the element found where the missing one should be, and the one it expected.
    assert [(i.problem, i.sheet, i.row) for i in result.issues] == [
        (
            "not valid against the CIN 2025/26 schema: "
            "Element 'ReferralSource': This element is not expected. Expected is ( CINreferralDate ).",
            "/Message/Children/Child/CINdetails/ReferralSource",
            17,
        )
    ]


def test_a_child_without_an_id_is_not_read(write_census):
    result = read_one(
        write_census(census(CHILD.replace("<LAchildID>C1</LAchildID>", "<LAchildID> </LAchildID>")))
    )
    assert result.tables["ssd_person"].num_rows == 0
    assert [(i.severity, i.row) for i in result.issues if i.severity == ERROR] == [(ERROR, 8)]


def test_a_file_that_is_not_a_census(write_census):
    refused(
        write_census('<?xml version="1.0"?>\n<EXPSSDA903><CHILD/></EXPSSDA903>\n'),
        "root element is <EXPSSDA903>",
    )


def test_no_la_code_anywhere(write_census):
    refused(write_census(census(lea="")), "names no LA code")
    assert read_one(write_census(census(lea="")), la_code="998").la_code is None


def test_a_missing_file():
    with pytest.raises(UnusableInput, match="does not exist"):
        read([__file__ + ".missing.xml"], la_code=None, limit_mb=10)
