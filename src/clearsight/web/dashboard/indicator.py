"""An indicator's page: what it measures and why, its value and rating, the trend over the council's
snapshots and each breakdown, each chart beside a table of the same figures. Aggregates only: the
children behind the figure are on the exception list it links to (child-level, in scope, logged)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from clearsight import charts
from clearsight.indicators.catalogue import AREA_TITLES, find
from clearsight.web import snapshots
from clearsight.web.access import allow
from clearsight.web.accounts.models import role_of
from clearsight.web.accounts.roles import AGGREGATES, CHILD_DATA
from clearsight.web.dashboard import figures
from clearsight.web.navigation import menu


@allow(AGGREGATES)
def indicator(request: HttpRequest, indicator_id: str) -> HttpResponse:
    try:
        chosen = find(indicator_id)
    except KeyError:
        raise Http404("no such indicator") from None
    snapshot = snapshots.published()
    (figure,) = figures.figures(snapshot, chosen.id)
    target = figure.row["target"]

    def charted() -> dict[str, object]:
        """The trend and breakdowns, each drawn and tabled (worked out only when their kept HTML is not
        there)."""
        breakdowns = []
        for title, cells in figures.breakdown_cells(snapshot, chosen):
            bars = tuple((c["cell"], c["value"]) for c in cells)
            by = f"{chosen.title} by {title.lower()}"
            breakdowns.append((title, cells, figures.svg(charts.breakdown, bars, unit=chosen.unit, title=by)))
        trend = f"{chosen.title}: trend"
        line = figures.svg(charts.trend, figure.trend, unit=chosen.unit, target=target, title=trend)
        return {"trend_chart": line, "breakdowns": breakdowns}

    return render(
        request,
        "dashboard/indicator.html",
        {
            "snapshot": snapshot,
            "figure": figure,
            "indicator": chosen,
            "area": AREA_TITLES[chosen.area],
            "charted": charted,
            "figures_key": snapshots.figures_key(snapshot),
            "sees_children": role_of(request.user) in CHILD_DATA,
            "nav": menu(request),
        },
    )
