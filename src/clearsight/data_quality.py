"""The data-quality report: every issue a load or validate found, as JSON, HTML and xlsx.

Counts come first — by file, table, column and problem, worst severity first, then the largest —
followed by every issue row (the child-level detail an analyst fixes the source from). The same
content in three forms: JSON for machines, HTML to read, xlsx to filter and share. Must not import
Django.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from clearsight import __version__
from clearsight.model.issues import SEVERITIES, Issue
from clearsight.model.validate import summarise
from clearsight.tabular import xlsx_bytes

JSON_NAME = "data-quality.json"
HTML_NAME = "data-quality.html"
XLSX_NAME = "data-quality.xlsx"

ISSUE_COLUMNS = ("severity", "file", "sheet", "row", "table", "key", "column", "value", "problem")
SUMMARY_COLUMNS = ("severity", "file", "table", "column", "problem", "count")
HTML_ROW_LIMIT = 5_000  # beyond this, the HTML says so and points to the xlsx and JSON, which hold all


@dataclass(frozen=True)
class ReportContext:
    """What the report is about: the council (if known), the as-at date, and the rows read."""

    la_code: str | None
    as_at: dt.date
    row_counts: dict[str, int]


def _ordered(issues: Sequence[Issue]) -> list[Issue]:
    return sorted(
        issues,
        key=lambda i: (
            SEVERITIES.index(i.severity),
            i.file or "",
            i.sheet or "",
            i.row or 0,
            i.table or "",
            i.column or "",
        ),
    )


def as_json(issues: Sequence[Issue], context: ReportContext) -> bytes:
    """The report as JSON: `{council, as_at, clearsight_version, counts, summary, issues}`."""
    counts = Counter(i.severity for i in issues)
    document = {
        "council": context.la_code,
        "as_at": context.as_at.isoformat(),
        "clearsight_version": __version__,
        "rows_read": context.row_counts,
        "counts": {s: counts.get(s, 0) for s in SEVERITIES},
        "summary": [asdict(row) for row in summarise(issues)],
        "issues": [{c: getattr(i, c) for c in ISSUE_COLUMNS} for i in _ordered(issues)],
    }
    return json.dumps(document, indent=1, ensure_ascii=False).encode()


def _cells(values) -> str:
    return "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in values)


def _heads(names) -> str:
    return "".join(f'<th scope="col">{n}</th>' for n in names)


def as_html(issues: Sequence[Issue], context: ReportContext) -> bytes:
    """The report as a standalone, accessible HTML page (tables with captions and header scopes)."""
    counts = Counter(i.severity for i in issues)
    council = f"council {html.escape(context.la_code)}, " if context.la_code else ""
    summary = "".join(f"<tr>{_cells(asdict(r).values())}</tr>" for r in summarise(issues))
    ordered = _ordered(issues)
    rows = "".join(
        f"<tr>{_cells(getattr(i, c) for c in ISSUE_COLUMNS)}</tr>" for i in ordered[:HTML_ROW_LIMIT]
    )
    more = (
        f"<p>Showing the first {HTML_ROW_LIMIT:,} of {len(ordered):,} issues; {XLSX_NAME} and {JSON_NAME} "
        "hold them all.</p>"
        if len(ordered) > HTML_ROW_LIMIT
        else ""
    )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Data-quality report</title>
<style>body{{font-family:Arial,sans-serif;margin:2rem}}table{{border-collapse:collapse;margin-bottom:2rem}}
th,td{{border:1px solid #b1b4b6;padding:.3rem .5rem;text-align:left;vertical-align:top}}
th{{background:#f3f2f1}}caption{{font-weight:bold;text-align:left;padding:.5rem 0}}</style></head>
<body><main>
<h1>Data-quality report</h1>
<p>{council}as at {context.as_at.isoformat()}: {sum(context.row_counts.values()):,} rows read.
{", ".join(f"{counts.get(s, 0):,} {s}" for s in SEVERITIES)}.</p>
<table><caption>Issues by file, table, column and problem, worst first</caption>
<thead><tr>{_heads(SUMMARY_COLUMNS)}</tr></thead><tbody>{summary}</tbody></table>
<table><caption>Every issue</caption>
<thead><tr>{_heads(ISSUE_COLUMNS)}</tr></thead><tbody>{rows}</tbody></table>
{more}
</main></body></html>
"""
    return page.encode()


def as_xlsx(issues: Sequence[Issue], context: ReportContext) -> bytes:
    """The report as a workbook: a Summary sheet and an Issues sheet, each filterable."""
    every = (tuple(getattr(i, c) for c in ISSUE_COLUMNS) for i in _ordered(issues))
    return xlsx_bytes(
        {
            "Summary": (SUMMARY_COLUMNS, [tuple(asdict(r).values()) for r in summarise(issues)]),
            "Issues": (ISSUE_COLUMNS, every),
        }
    )


def report_files(issues: Sequence[Issue], context: ReportContext) -> dict[str, bytes]:
    """The report in all three forms, by file name."""
    return {
        JSON_NAME: as_json(issues, context),
        HTML_NAME: as_html(issues, context),
        XLSX_NAME: as_xlsx(issues, context),
    }
