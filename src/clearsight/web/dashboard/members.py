"""The elected Members' view (scrutiny): every indicator by ILACS area in plain English, and each one's
breakdowns and trend, as aggregates with small numbers suppressed (indicators.md §5, `disclosure`).

Nothing here names a child, a worker or a record: there is no worker breakdown (workers are
individuals) and no exception list, so every role may use these pages and no use is logged. A figure
that is suppressed takes its status and direction of travel with it, since both are read from it.
"""

from __future__ import annotations

import re
from typing import Any

import pyarrow.compute as pc
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from clearsight import disclosure
from clearsight.indicators import listing
from clearsight.indicators.catalogue import AREA_TITLES, Indicator, catalogue
from clearsight.warehouse import Snapshot
from clearsight.web import snapshots
from clearsight.web.access import allow
from clearsight.web.accounts.roles import EVERY_ROLE
from clearsight.web.dashboard import figures
from clearsight.web.navigation import menu

BREAKDOWNS = {  # (title, heading of its cells); never `worker`: a worker is a person
    "team": ("By team", "Team"),
    "age_band": ("By age band", "Age band"),
    "ethnicity": ("By ethnicity", "Ethnic group"),
    "disability": ("By disability", "Disability"),
}
WITHHELD = ("Not shown (small numbers)", "govuk-tag--grey")  # the status of a suppressed figure
HEADINGS = {  # a breakdown table's columns after the cell, by unit (the counts of `disclosure.COUNTED`)
    "percent": ("Counted", "Out of", "Percentage"),
    "count": ("Number", "Out of"),
    "rate_10k": ("Number", "Children in the population", "Rate per 10,000"),
    "average_days": ("Records", "Average days"),
    "average": ("Case-holding FTE", "Average"),
}
UNKNOWN_CELLS = ("Unallocated", "Refused", "Not obtained", "Unknown")  # shown after the named cells


@allow(EVERY_ROLE)
def members(request: HttpRequest) -> HttpResponse:
    """Every indicator, by ILACS area: what it measures, its figure, status and direction."""
    snapshot = snapshots.current()
    areas = []
    if snapshot is not None:
        rows = {row["id"]: row for row in listing.value_rows(snapshots.results(snapshot).values)}
        for area, title in AREA_TITLES.items():
            shown = [_headline(i, rows[i.id]) for i in catalogue() if i.area == area and i.id in rows]
            areas.append({"title": title, "indicators": shown})
    return render(
        request,
        "dashboard/members.html",
        {"snapshot": snapshot, "areas": areas, "symbols": disclosure.SYMBOLS, "nav": menu(request)},
    )


@allow(EVERY_ROLE)
def indicator(request: HttpRequest, indicator_id: str) -> HttpResponse:
    """One indicator: its definition and basis, its breakdowns as tables, and its trend."""
    chosen = {i.id: i for i in catalogue()}.get(indicator_id)
    if chosen is None:
        raise Http404("no such indicator")
    snapshot = snapshots.current()
    context: dict[str, Any] = {
        "snapshot": snapshot,
        "indicator": chosen,
        "summary": plain(chosen.definition, sentences=1),
        "basis": plain(chosen.basis),
        "symbols": disclosure.SYMBOLS,
        "nav": menu(request),
    }
    row = _row(snapshot, chosen) if snapshot is not None else None
    if snapshot is not None and row is not None:
        context |= {
            "headline": _headline(chosen, row),
            "notes": [shown for note in (row["note"] or "").split("; ") if (shown := plain(note))],
            "headings": HEADINGS[chosen.unit],
            "breakdowns": _breakdowns(snapshot, chosen, row),
            "trend": _trend(snapshot, chosen),
        }
    return render(request, "dashboard/members_indicator.html", context)


def _row(snapshot: Snapshot, indicator: Indicator) -> dict[str, Any] | None:
    values = listing.value_rows(snapshots.results(snapshot).values)
    return next((row for row in values if row["id"] == indicator.id), None)


def _headline(indicator: Indicator, row: dict[str, Any]) -> dict[str, Any]:
    shown = disclosure.figure(indicator.unit, row["value"], row["numerator"], row["denominator"])
    withheld = shown == disclosure.SUPPRESSED
    figure = figures.Figure(indicator, row, ())
    status, tag = WITHHELD if withheld else figure.status
    return {
        "indicator": indicator,
        "summary": plain(indicator.definition, sentences=1),
        "value": value_text(indicator.unit, shown),
        "status": status,
        "tag": tag,
        "direction": WITHHELD[0] if withheld else figure.direction,
    }


def _breakdowns(snapshot: Snapshot, indicator: Indicator, row: dict[str, Any]) -> list[dict[str, Any]]:
    """Each breakdown Members may see, as a suppressed table with its total (§5, §6)."""
    every = snapshots.results(snapshot).breakdowns
    table = every.filter(pc.equal(every["indicator_id"], indicator.id)).to_pylist()
    overall = (row["numerator"], row["denominator"], row["value"])
    shown = []
    for name, (title, heading) in BREAKDOWNS.items():
        if name not in indicator.breakdowns:
            continue
        cells = sorted(
            (r for r in table if r["breakdown"] == name),
            key=lambda r: _cell_order(name, r["cell"]),
        )
        if not cells:
            continue
        lines, total = disclosure.breakdown(
            indicator.unit,
            [(r["cell"], r["numerator"], r["denominator"], r["value"]) for r in cells],
            overall,
        )
        shown.append(
            {
                "title": title,
                "heading": heading,
                "lines": [_line(indicator.unit, line) for line in lines],
                "total": _line(indicator.unit, total),
            }
        )
    return shown


def _line(unit: str, line: disclosure.Line) -> dict[str, Any]:
    counts = [
        count_text(getattr(line, name))
        for name in ("numerator", "denominator")
        if name in disclosure.COUNTED[unit] or unit == "rate_10k"
    ]
    values = [] if unit == "count" else [value_text(unit, line.value)]
    return {"label": line.label, "figures": [*counts, *values]}


def _cell_order(breakdown: str, cell: str) -> tuple[int, int, str]:
    """Named cells first (age bands youngest first, others by name), then the unknown and unallocated."""
    if cell in UNKNOWN_CELLS:
        return (1, UNKNOWN_CELLS.index(cell), cell)
    if breakdown == "age_band":
        first = {"unborn": -2, "under 1": -1}.get(cell)
        digits = re.match(r"\d+", cell)
        return (0, first if first is not None else int(digits[0]) if digits else 99, cell)
    return (0, 0, cell)


def _trend(snapshot: Snapshot, indicator: Indicator) -> list[dict[str, Any]]:
    """The indicator's figure at each of the council's snapshots, oldest first, suppressed alike."""
    points = []
    for earlier in snapshots.history(snapshot):
        row = _row(earlier, indicator)
        if row is not None:
            shown = disclosure.figure(indicator.unit, row["value"], row["numerator"], row["denominator"])
            points.append({"as_at": earlier.as_at, "value": value_text(indicator.unit, shown)})
    return points


def count_text(shown: disclosure.Shown) -> str:
    """A count (or FTE) as text: whole numbers with thousands separated, FTE to 1 decimal place."""
    if isinstance(shown, str):
        return shown
    return f"{shown:,.0f}" if float(shown).is_integer() else f"{shown:,.1f}"


def value_text(unit: str, shown: disclosure.Shown) -> str:
    """A value as text in its unit, as the other pages show it; a symbol as itself."""
    return shown if isinstance(shown, str) else figures.shown(shown, unit)


# --- Plain English -------------------------------------------------------------------------------
# The catalogue's definitions and bases are written for analysts: they name settings, columns and the
# specification's derived concepts and carry evidence markers. Members read them without those.

SETTING = r"\b[a-z_]{2,}\.[a-z_]{2,}\b"  # a configuration key, e.g. cp_visits.standard_wd
TECHNICAL = re.compile(rf"\b\w+_\w+\b|{SETTING}|§")  # a column, code or setting name
REFERENCE = re.compile(r"^D[1-9]\d?$|^D[1-9]\d?:\s*|,\s*D[1-9]\d?\b|\bD[1-9]\d? (?=[a-z])")  # D7, "D3: ..."
DEFAULTED = re.compile(rf"{SETTING} \((default [^()]*)\)")  # supervision.case_cohorts (default CP, ...)
COUNTED_SETTING = re.compile(
    rf"{SETTING}((?: [a-z]+)*) \((\d+)\)"
)  # life_story.complete_wd working days (10)
TABLE = re.compile(r"\bssd_(\w+)")
ASIDE = re.compile(r"(\s*)\(([^()]*)\)")
SENTENCE = re.compile(r"(?<!\bi\.e)(?<!\be\.g)\.\s+(?=[A-Z])")


def plain(text: str, sentences: int | None = None) -> str:
    """A definition or basis without settings, column names, derived-concept references or evidence
    markers ([R], unverified, said in words); the first `sentences` that remain, or all of them."""
    text = " ".join(text.split()).replace(" is [R]", " is not verified")
    text = re.sub(r"\s*\[[^\]]*\]", "", text)
    kept = [s for s in map(_plain_sentence, SENTENCE.split(text)) if s]
    return " ".join(kept[:sentences])


def _plain_sentence(text: str) -> str:
    """The sentence in words; cut at the last colon or semicolon before anything technical that is
    left, or dropped when there is none."""
    text = ASIDE.sub(_plain_aside, REFERENCE.sub("", text))
    text = DEFAULTED.sub(r"the council's choice (by \1)", text)
    text = COUNTED_SETTING.sub(r"\2\1", text)
    found = TECHNICAL.search(text)
    if found:
        cut = max(text.rfind(": ", 0, found.start()), text.rfind("; ", 0, found.start()))
        text = text[:cut] if cut > 0 else text
    text = TABLE.sub(lambda m: "the recorded " + m[1].replace("_", " "), text)
    if not text or TECHNICAL.search(text):
        return ""
    return text[0].upper() + text[1:].rstrip(" .") + "."


def _plain_aside(match: re.Match[str]) -> str:
    """A parenthesis keeping only its parts in words."""
    parts = [REFERENCE.sub("", part) for part in re.split(r"[,;]\s+", match[2])]
    kept = [part for part in parts if part and not TECHNICAL.search(part)]
    return f"{match[1]}({', '.join(kept)})" if kept else ""
