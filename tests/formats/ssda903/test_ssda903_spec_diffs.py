"""The base-plus-diffs spec loader: on the reference schema, on the 903 spec, and on broken diffs."""

import pytest

from clearsight.formats.common.spec_diffs import SpecError, apply_diff, load_spec
from clearsight.formats.ssda903.spec import spec_for, supported_years


@pytest.fixture(scope="module")
def schema(reference):
    folder = reference / "ssda903" / "schema"
    return lambda year: load_spec(folder, "SSDA903_schema", year)["column_map"]


def codes(column):
    return [entry["code"] for entry in column["category"]]


def test_reference_2019_diff_replaces_rec_e43_e44_and_adds_custod(schema):
    assert {"E43", "E44"} <= set(codes(schema(2018)["episodes"]["REC"]))
    rec_2019 = codes(schema(2019)["episodes"]["REC"])
    assert {"E43", "E44"}.isdisjoint(rec_2019) and {"E45", "E46", "E47", "E48"} <= set(rec_2019)
    assert "CUSTOD" not in codes(schema(2018)["episodes"]["REASON_PLACE_CHANGE"])
    assert "CUSTOD" in codes(schema(2019)["episodes"]["REASON_PLACE_CHANGE"])


def test_reference_2022_diff_changes_care_leaver_activity(schema):
    assert {"F3", "P3"} <= set(codes(schema(2021)["oc3"]["ACTIV"]))
    activity = set(codes(schema(2022)["oc3"]["ACTIV"]))
    assert {"F3", "P3"}.isdisjoint(activity) and {"F4", "P4", "F5", "P5"} <= activity


def test_reference_2024_diff_adds_the_social_worker_table(schema):
    assert "social_worker" not in schema(2023)
    assert list(schema(2024)["social_worker"]) == ["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"]


def test_reference_2025_diff_changes_sex_and_placement_codes(schema):
    assert codes(schema(2024)["header"]["SEX"]) == ["1", "2"]
    assert codes(schema(2025)["header"]["SEX"]) == ["M", "F", "U"]
    place_2024, place_2025 = (set(codes(schema(y)["episodes"]["PLACE"])) for y in (2024, 2025))
    assert place_2024 - place_2025 == {"H5", "P2"} and place_2025 - place_2024 == {"K3"}


def test_reference_2026_diff_adds_z11_to_z14_and_keeps_z1(schema):
    added = set(codes(schema(2026)["episodes"]["PLACE"])) - set(codes(schema(2025)["episodes"]["PLACE"]))
    assert added == {"Z11", "Z12", "Z13", "Z14"}
    assert "Z1" in codes(schema(2026)["episodes"]["PLACE"])


def test_clearsight_spec_pins_each_year_change():
    assert supported_years() == (2017, 2027)
    rec = {y: set(spec_for(y).tables["Episodes"].columns["REC"].codes) for y in (2018, 2019)}
    assert "E43" in rec[2018] and "E43" not in rec[2019] and "E48" in rec[2019]
    assert "F4" not in spec_for(2021).tables["OC3"].columns["ACTIV"].codes
    assert spec_for(2022).tables["OC3"].columns["ACTIV"].codes["F4"] == "F4"
    assert "SWEpisodes" not in spec_for(2023).tables and "SWEpisodes" in spec_for(2024).tables
    assert dict(spec_for(2024).tables["Header"].columns["SEX"].codes) == {"1": "M", "2": "F"}
    assert dict(spec_for(2025).tables["Header"].columns["SEX"].codes) == {"M": "M", "F": "F", "U": "U"}
    assert spec_for(2025).tables["UASC"].columns["SEX"].codes["2"] == "F"
    assert "H5" in spec_for(2024).tables["Episodes"].columns["PLACE"].codes
    assert "H5" not in spec_for(2025).tables["Episodes"].columns["PLACE"].codes
    assert "Z14" in spec_for(2026).tables["Episodes"].columns["PLACE"].codes
    assert "DoLo" not in spec_for(2026).tables and spec_for(2027).tables["DoLo"].column_names == [
        "CHILD",
        "DOB",
        "DOLO_START",
        "DOLO_END",
    ]


def test_a_later_year_takes_the_newest_spec_and_an_earlier_one_is_refused():
    assert spec_for(2030).tables.keys() == spec_for(2027).tables.keys()
    with pytest.raises(SpecError, match="has no ssda903 spec for 2016; the first is 2017"):
        spec_for(2016)


def test_the_stored_form_of_codes_and_how_they_are_written_back():
    sex = spec_for(2024).tables["Header"].columns["SEX"]
    assert sex.stored_codes == {"M", "F"} and sex.code_for("F") == "2"
    activity = spec_for(2026).tables["OC3"].columns["ACTIV"]
    assert activity.codes["0"] is None and "0" not in activity.stored_codes
    assert (
        spec_for(2026).tables["Episodes"].columns["PLACE"].code_for("H5") == "H5"
    )  # kept for the DfE to report


def write_spec(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture
def folder(tmp_path):
    write_spec(tmp_path, "demo_2020.yml", "tables:\n  A:\n    X: 1\n    Y: 2\n")
    return tmp_path


def test_each_operation_and_that_rename_keeps_the_order(folder):
    write_spec(
        folder,
        "demo_2021.diff.yml",
        "tables.A.Z: {type: add, description: new column, value: 3}\n"
        "tables.A.X: {type: rename, description: X is now W, value: W}\n"
        "tables.A.Y: {type: modify, description: new value, value: 20}\n",
    )
    write_spec(folder, "demo_2023.diff.yml", "tables.A.Z: {type: remove, description: Z withdrawn}\n")
    assert load_spec(folder, "demo", 2020) == {"tables": {"A": {"X": 1, "Y": 2}}}
    assert list(load_spec(folder, "demo", 2022)["tables"]["A"].items()) == [("W", 1), ("Y", 20), ("Z", 3)]
    assert load_spec(folder, "demo", 2023) == {"tables": {"A": {"W": 1, "Y": 20}}}


@pytest.mark.parametrize(
    ("diff", "message"),
    [
        (
            "tables.B.X: {type: modify, description: d, value: 1}",
            "tables.B.X: the path tables.B does not exist",
        ),
        (
            "tables.A.Q: {type: modify, description: d, value: 1}",
            "tables.A.Q: cannot modify it: the path does",
        ),
        (
            "tables.A.X: {type: add, description: d, value: 1}",
            "tables.A.X: cannot be added: it already exists",
        ),
        ("tables.A.X: {type: replace, description: d, value: 1}", "tables.A.X: unknown type 'replace'"),
        ("tables.A.X: {type: modify, value: 1}", "tables.A.X: each change needs `type` and `description`"),
        ("tables.A.X: {type: modify, description: ' ', value: 1}", "tables.A.X: the description must say"),
        ("tables.A.X: {type: add, description: d}", "tables.A.X: a add needs a value"),
        ("tables.A.X: {type: rename, description: d, value: Y}", "tables.A.X: cannot be renamed to Y"),
        ("tables..X: {type: remove, description: d}", "tables..X: a diff key must be a dotted path"),
        ("tables.A.X.deeper: {type: remove, description: d}", "the path tables.A.X is not a mapping"),
    ],
)
def test_errors_name_the_diff_file_and_the_key(folder, diff, message):
    write_spec(folder, "demo_2021.diff.yml", diff + "\n")
    with pytest.raises(SpecError) as raised:
        load_spec(folder, "demo", 2021)
    assert str(raised.value).startswith("demo_2021.diff.yml: ")
    assert message in str(raised.value)


def test_broken_yaml_and_a_missing_base_are_reported(folder, tmp_path):
    write_spec(folder, "demo_2021.diff.yml", "tables.A.X: [unclosed\n")
    with pytest.raises(SpecError, match=r"^demo_2021\.diff\.yml: is not valid YAML"):
        load_spec(folder, "demo", 2021)
    with pytest.raises(SpecError, match=r"holds no full spec named other_<year>\.yml"):
        load_spec(folder, "other", 2021)


def test_apply_diff_never_changes_its_input():
    base = {"a": {"b": [1]}}
    changed = apply_diff(base, {"a.b": {"type": "modify", "description": "d", "value": [2]}}, file="x")
    assert base == {"a": {"b": [1]}} and changed == {"a": {"b": [2]}}
