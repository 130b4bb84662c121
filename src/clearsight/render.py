"""Terminal rendering of what a validate, load or demo run found (Rich tables on stdout)."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table as RichTable

from clearsight.indicators.listing import figure
from clearsight.model.issues import SEVERITIES
from clearsight.model.validate import summarise

out = Console(soft_wrap=True)

TOP_PROBLEMS = 15


def print_outcome(outcome) -> None:
    """Row counts per table, issue counts by severity, and the most frequent problems, worst first."""
    rows = RichTable(title="Rows by table", title_justify="left")
    rows.add_column("table")
    rows.add_column("rows", justify="right")
    for name, count in sorted(outcome.row_counts.items()):
        if count:
            rows.add_row(name, f"{count:,}")
    rows.add_row("[bold]total", f"[bold]{sum(outcome.row_counts.values()):,}")
    out.print(rows)

    by_severity = Counter(i.severity for i in outcome.issues)
    out.print("Issues: " + ", ".join(f"{by_severity.get(s, 0):,} {s}" for s in SEVERITIES))
    if outcome.issues:
        table = RichTable(title="Most frequent problems, worst first", title_justify="left")
        for heading in ("severity", "table", "column", "problem", "count"):
            table.add_column(heading, justify="right" if heading == "count" else "left")
        for row in summarise(outcome.issues)[:TOP_PROBLEMS]:
            table.add_row(row.severity, row.table or "", row.column or "", row.problem, f"{row.count:,}")
        out.print(table)
    if outcome.snapshot is not None:
        out.print(
            f"Published snapshot [bold]{outcome.snapshot.id}[/] for council {outcome.la_code}, "
            f"as at {outcome.as_at}: {outcome.snapshot.path}"
        )


def print_values(rows: list[dict], title: str) -> None:
    """The indicator values as a table: figure, numerator/denominator, status and the critical count."""
    table = RichTable(title=title, title_justify="left")
    for heading in ("code", "indicator", "value", "num / den", "status", "trend", "critical", "note"):
        table.add_column(
            heading, justify="right" if heading in ("value", "num / den", "critical") else "left"
        )
    for row in rows:
        fraction = (
            f"{row['numerator']:,.0f} / {row['denominator']:,.0f}"
            if row["available"] and row["denominator"] is not None
            else ""
        )
        table.add_row(
            row["code"],
            row["title"],
            figure(row["value"], row["unit"]),
            fraction,
            row["status"],
            row["direction"],
            str(row["critical_count"] or ""),
            row["note"] or "",
        )
    out.print(table)


def print_rows(rows: list[dict], columns: list[str], title: str) -> None:
    """Rows of any listing (exceptions, a trend) as a table of the columns named."""
    table = RichTable(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    out.print(table)


def print_results_summary(results) -> None:
    """One line on the indicators computed and the children behind them, with where to look next."""
    values = results.values.to_pylist()
    available = sum(1 for v in values if v["available"])
    critical = sum(1 for e in results.exceptions.column("severity").to_pylist() if e == "critical")
    out.print(
        f"Indicators: {available} of {len(values)} computed from this data; "
        f"{results.exceptions.num_rows:,} exceptions, {critical:,} of them critical. "
        "See `clearsight indicators` and `clearsight exceptions --severity critical`."
    )
