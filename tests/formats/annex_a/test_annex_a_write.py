"""The written Annex A workbook: Ofsted's sheets and headers, template values, real dates, atomic writes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml
from python_calamine import CalamineWorkbook

from clearsight import synth
from clearsight.formats.annex_a import write as writer
from clearsight.formats.annex_a.write import write
from clearsight.model.codes import code_set


@pytest.fixture(scope="module")
def council():
    return synth.generate("small", seed=2)


@pytest.fixture(scope="module")
def workbook(council, tmp_path_factory):
    out = write(council.tables, council.as_at, tmp_path_factory.mktemp("annex_a") / "annex_a.xlsx")
    book = CalamineWorkbook.from_path(str(out))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_sheets_are_lists_1_to_11(workbook):
    assert list(workbook) == [f"List {n}" for n in range(1, 12)]


def test_header_rows_are_ofsteds_exactly(workbook, reference):
    """Each header row is the AA-schema column names of its list, in order (List 9 in 17 columns)."""
    schema = yaml.safe_load((reference / "annex_a" / "Annex_A_schema.yml").read_text())["column_map"]
    for number in range(1, 12):
        assert workbook[f"List {number}"][0] == list(schema[f"list_{number}"]), number
    assert len(workbook["List 9"][0]) == 17


def test_list_11_has_its_header_only(workbook):
    assert len(workbook["List 11"]) == 1


def test_template_values_and_real_dates(workbook):
    header, *rows = workbook["List 1"]
    assert rows, "the small council has contacts in the window"
    column = {name: header.index(name) for name in header}
    assert all(isinstance(r[column["Date of Contact"]], dt.date) for r in rows)
    sources = {r[column["Contact Source"]] for r in rows}
    assert {re.fullmatch(r"[a-z]{1,2}\d?\) (\w+): .+", s).group(1) for s in sources} <= set(
        code_set("referral_source")
    )
    assert {r[column["Gender"]] for r in rows} <= {
        "a) Male",
        "b) Female",
        "c) Not stated/recorded",
        "d) Neither",
    }
    assert all(
        isinstance(r[column["Age of Child (Years)"]], float)
        for r in rows
        if r[column["Age of Child (Years)"]] != ""
    )


def test_yes_no_and_unknown(workbook):
    header, *rows = workbook["List 4"]
    assert {r[header.index("Does the Child have a Disability")] for r in rows} <= {
        "a) Yes",
        "b) No",
        "c) Unknown",
    }
    assert {r[header.index("Child Seen During Continuous Assessment")] for r in rows} <= {
        "a) Yes",
        "b) No",
        "c) Unknown",
    }


def test_windows_end_at_the_as_at_date(workbook, council):
    header, *rows = workbook["List 1"]
    days = [r[header.index("Date of Contact")] for r in rows]
    assert dt.date(2025, 9, 30) <= min(days) and max(days) <= council.as_at
    header, *rows = workbook["List 10"]
    assert all(
        r[header.index("Date of Decision that Child Should be Placed for Adoption")] <= council.as_at
        for r in rows
    )


def test_columns_the_model_cannot_fill_are_blank(workbook):
    header, *rows = workbook["List 8"]
    for name in ("LA of Placement", "Placement Location", "What is the permanence plan for this child?"):
        assert {r[header.index(name)] for r in rows} == {""}, name


def test_text_is_never_a_formula(tmp_path, council):
    """A cell starting `=` is written as text, so a name cannot run as a formula in the inspector's Excel."""
    tables = dict(council.tables)
    department = tables["ssd_department"]
    tables["ssd_department"] = department.set_column(1, "dept_team_name", [["=1+1"] * department.num_rows])
    book = CalamineWorkbook.from_path(str(write(tables, council.as_at, tmp_path / "a.xlsx")))
    header, *rows = book.get_sheet_by_name("List 3").to_python()
    assert {r[header.index("Allocated Team")] for r in rows} == {"=1+1"}


def test_written_atomically(tmp_path, council, monkeypatch):
    out = tmp_path / "annex_a.xlsx"
    out.write_bytes(b"the previous export")

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "frames", broken)
    with pytest.raises(RuntimeError):
        write(council.tables, council.as_at, out)
    assert out.read_bytes() == b"the previous export"
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind
    monkeypatch.undo()
    write(council.tables, council.as_at, out)
    assert out.read_bytes()[:2] == b"PK" and list(tmp_path.iterdir()) == [out]


def test_an_empty_snapshot_writes_headers_only(tmp_path):
    book = CalamineWorkbook.from_path(str(write({}, dt.date(2026, 3, 31), tmp_path / "empty.xlsx")))
    assert all(len(book.get_sheet_by_name(n).to_python()) == 1 for n in book.sheet_names)
