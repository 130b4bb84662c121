"""The data-quality report: the same counts and rows as JSON, HTML and xlsx."""

import datetime as dt
import json

from python_calamine import CalamineWorkbook

from clearsight.data_quality import HTML_ROW_LIMIT, ReportContext, as_html, as_json, as_xlsx
from clearsight.model.issues import ERROR, WARNING, Issue

CONTEXT = ReportContext("926", dt.date(2025, 3, 31), {"ssd_person": 3})
ISSUES = [
    Issue(
        "not a valid date",
        ERROR,
        table="ssd_person",
        key="C1",
        column="pers_dob",
        value="31/02/2024",
        file="person.csv",
        row=2,
    ),
    Issue(
        "not a valid date",
        ERROR,
        table="ssd_person",
        key="C2",
        column="pers_dob",
        value="x",
        file="person.csv",
        row=3,
    ),
    Issue(
        "column not in the model; skipped", WARNING, table="ssd_person", column="colour", file="person.csv"
    ),
]


def test_json_counts_worst_first_then_every_issue():
    report = json.loads(as_json(ISSUES, CONTEXT))
    assert report["counts"] == {"error": 2, "warning": 1, "info": 0}
    assert report["summary"][0] == {
        "severity": "error",
        "file": "person.csv",
        "table": "ssd_person",
        "column": "pers_dob",
        "problem": "not a valid date",
        "count": 2,
    }
    assert [i["row"] for i in report["issues"]] == [2, 3, None]
    assert report["council"] == "926" and report["as_at"] == "2025-03-31"


def test_html_is_escaped_and_its_tables_have_captions_and_header_scopes():
    page = as_html([*ISSUES, Issue("bad <script>", ERROR, value="<b>")], CONTEXT).decode()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.count("<caption>") == 2 and 'scope="col"' in page and '<html lang="en">' in page


def test_html_says_when_it_shows_only_the_first_rows():
    many = [Issue("x", WARNING, row=n) for n in range(HTML_ROW_LIMIT + 1)]
    assert f"Showing the first {HTML_ROW_LIMIT:,}" in as_html(many, CONTEXT).decode()


def test_xlsx_opens_with_a_summary_and_every_issue(tmp_path):
    path = tmp_path / "dq.xlsx"
    path.write_bytes(as_xlsx(ISSUES, CONTEXT))
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["Summary", "Issues"]
    issues = book.get_sheet_by_name("Issues").to_python()
    assert issues[0][:4] == ["severity", "file", "sheet", "row"]
    assert len(issues) == 4 and issues[1][7] == "31/02/2024"
