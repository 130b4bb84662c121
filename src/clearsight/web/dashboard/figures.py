"""The figures the overview and indicator pages show, from a snapshot's stored results: values grouped by
ILACS area with how each is rated, trends over the council's snapshots, breakdown cells, and their
charts (drawn once and kept under the data root, `.cache/charts/`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from clearsight import charts
from clearsight.indicators import listing, rag
from clearsight.indicators.catalogue import AREA_TITLES, Indicator, find
from clearsight.warehouse import Snapshot
from clearsight.web import snapshots

# How a status reads, and the GOV.UK tag colour that goes with the words (never colour alone).
STATUS_TAGS = {
    rag.GREEN: ("Green", "govuk-tag--green"),
    rag.AMBER: ("Amber", "govuk-tag--yellow"),
    rag.RED: ("Red", "govuk-tag--red"),
    rag.GREY: ("Context", "govuk-tag--grey"),
    rag.NO_DATA: ("No data", "govuk-tag--grey"),
    rag.NO_SOURCE_DATA: ("Not available", "govuk-tag--grey"),
    rag.LOW_N: ("Too few to rate", "govuk-tag--grey"),
}
DIRECTIONS = {
    rag.IMPROVING: "Improving",
    rag.DETERIORATING: "Getting worse",
    rag.STABLE: "No real change",
    rag.UP: "Up",
    rag.DOWN: "Down",
    rag.NOT_APPLICABLE: "No comparison",
}
BREAKDOWN_TITLES = {
    "team": "Team",
    "worker": "Worker",
    "age_band": "Age band",
    "ethnicity": "Ethnicity",
    "disability": "Disability",
}


def shown(value: float | None, unit: str) -> str:
    """A value as a page shows it (`listing.figure`), a dash when there is none."""
    return listing.figure(value, unit, missing="–")


@dataclass(frozen=True)
class Figure:
    """One indicator's value at a snapshot, as the overview and indicator pages show it."""

    indicator: Indicator
    row: dict[str, Any]  # `listing.value_rows` shape
    trend: tuple[tuple[dt.date, float | None], ...]

    @property
    def value(self) -> str:
        return shown(self.row["value"], self.indicator.unit)

    @property
    def target(self) -> str:
        return (
            shown(self.row["target"], self.indicator.unit) if self.row["target"] is not None else "None set"
        )

    @property
    def status(self) -> tuple[str, str]:
        return STATUS_TAGS.get(self.row["status"], (self.row["status"] or "Not rated", "govuk-tag--grey"))

    @property
    def direction(self) -> str:
        return DIRECTIONS.get(self.row["direction"], self.row["direction"] or "No comparison")

    @property
    def sparkline(self) -> SafeString:
        return svg(charts.sparkline, self.trend, title=f"{self.indicator.title}: trend")

    @property
    def trend_rows(self) -> list[tuple[dt.date, str]]:
        return [(day, shown(value, self.indicator.unit)) for day, value in self.trend]


def figures(snapshot: Snapshot, indicator_id: str | None = None) -> list[Figure]:
    """Every indicator's figure at the snapshot (or only the one named), in catalogue order."""
    values = snapshots.results(snapshot).values
    if indicator_id is not None:
        values = values.filter(pc.equal(values["id"], indicator_id))
    trends = trend_points(snapshot)
    return [
        Figure(find(row["id"]), row, tuple(trends.get(row["id"], ()))) for row in listing.value_rows(values)
    ]


def by_area(found: list[Figure]) -> list[tuple[str, list[Figure]]]:
    """The figures grouped by ILACS area, in the areas' order."""
    return [(title, [f for f in found if f.indicator.area == area]) for area, title in AREA_TITLES.items()]


def trend_points(snapshot: Snapshot) -> dict[str, list[tuple[dt.date, float | None]]]:
    """Each indicator's value at every snapshot of the council up to this one, oldest first."""
    points: dict[str, list[tuple[dt.date, float | None]]] = {}
    for earlier in snapshots.history(snapshot):
        values = snapshots.results(earlier).values
        for indicator_id, value in zip(values["id"].to_pylist(), values["value"].to_pylist(), strict=True):
            points.setdefault(indicator_id, []).append((earlier.as_at, value))
    return points


def breakdown_cells(snapshot: Snapshot, indicator: Indicator) -> list[tuple[str, list[dict[str, Any]]]]:
    """Each breakdown the indicator supports, as its cells (cell, numerator, denominator, value), in the
    stored order."""
    table = snapshots.results(snapshot).breakdowns
    mine = table.filter(pc.equal(table["indicator_id"], indicator.id))
    cells: dict[str, list[dict[str, Any]]] = {name: [] for name in indicator.breakdowns}
    for row in mine.to_pylist():
        if row["breakdown"] in cells:
            cells[row["breakdown"]].append(row | {"shown": shown(row["value"], indicator.unit)})
    return [(BREAKDOWN_TITLES.get(name, name), rows) for name, rows in cells.items()]


def svg(kind: Any, *args: Any, **kwargs: Any) -> SafeString:
    """A chart of `charts` (`kind`) drawn as inline SVG: vl-convert's output, which holds no script."""
    drawn = charts.draw(kind, *args, cache_dir=Path(settings.CLEARSIGHT_DATA) / ".cache" / "charts", **kwargs)
    return mark_safe(drawn)
