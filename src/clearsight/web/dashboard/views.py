"""The home page, and the child-level pages every later page builds on: the exception lists within a
person's scope (and their export) and a child's page. Each use of a child-level page is logged."""

from __future__ import annotations

from urllib.parse import urlencode

import pyarrow as pa
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from clearsight.indicators import listing
from clearsight.indicators.catalogue import catalogue
from clearsight.warehouse import Snapshot
from clearsight.web import snapshots
from clearsight.web.access import allow
from clearsight.web.accounts.models import role_of, scope_of_user
from clearsight.web.accounts.roles import AGGREGATES, CHILD_DATA, EVERY_ROLE
from clearsight.web.audit.log import record
from clearsight.web.audit.models import Action
from clearsight.web.dashboard import critical, figures
from clearsight.web.downloads import check_format, download
from clearsight.web.navigation import menu

LIST_COLUMNS = [
    "severity",
    "code",
    "reason",
    "child_id",
    "child_name",
    "age",
    "team",
    "worker",
    "due_date",
    "days_overdue",
]
HEADINGS = {
    "severity": "Severity",
    "code": "Indicator",
    "reason": "Reason",
    "child_id": "Child",
    "child_name": "Name",
    "age": "Age",
    "team": "Team",
    "worker": "Worker",
    "due_date": "Due",
    "days_overdue": "Days overdue",
}
PAGE_ROWS = 100  # rows a page of the list shows; the export holds every row


@allow(EVERY_ROLE)
def home(request: HttpRequest) -> HttpResponse:
    """The overview: for leaders, every indicator by ILACS area with its rating, direction and trend, and
    (for those who see children) how many critical exceptions are open in their scope, by condition."""
    snapshot = snapshots.current()
    role = role_of(request.user)
    context: dict[str, object] = {"snapshot": snapshot, "nav": menu(request), "critical": None}
    if snapshot is not None and role in AGGREGATES:
        # Called by the template only when the HTML kept for these figures is not there.
        context["areas"] = lambda: figures.by_area(figures.figures(snapshot))
        context["figures_key"] = snapshots.figures_key(snapshot)
    if snapshot is not None and role in CHILD_DATA:
        register = critical.register_in(snapshot, request)
        context |= {
            "critical": critical.counts(register),
            "critical_total": len(register),
            "critical_late": sum(c.overdue_for_acknowledgement for c in register),
            "days": settings.ACKNOWLEDGE_DAYS,
        }
    return render(request, "dashboard/home.html", context)


def _filters(request: HttpRequest) -> dict[str, str | None]:
    indicator = request.GET.get("indicator") or None
    severity = request.GET.get("severity") or None
    if severity not in (None, "critical", "normal"):
        raise Http404("no such severity")
    if indicator is not None and indicator not in {i.id for i in catalogue()}:
        raise Http404("no such indicator")
    return {"indicator": indicator, "severity": severity}


def _scoped(request: HttpRequest) -> tuple[Snapshot, dict[str, str | None], pa.Table]:
    snapshot = snapshots.published()
    filters = _filters(request)
    return snapshot, filters, snapshots.exceptions_in(snapshot, scope_of_user(request.user), **filters)


@allow(CHILD_DATA, children=True)
def exceptions(request: HttpRequest) -> HttpResponse:
    """The exceptions in the person's scope, a page at a time, most urgent first."""
    snapshot, filters, table = _scoped(request)
    page = Paginator(range(table.num_rows), PAGE_ROWS).get_page(request.GET.get("page"))
    shown = table.slice(page.start_index() - 1, PAGE_ROWS) if table.num_rows else table
    record(
        request,
        Action.VIEW_EXCEPTIONS,
        subject="exception list",
        filters=filters,
        rows=shown.num_rows,
        snapshot=snapshot.id,
    )
    filter_query = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "dashboard/exceptions.html",
        {
            "snapshot": snapshot,
            "filters": filters,
            "indicators": [(i.id, f"{i.code} {i.title}") for i in catalogue()],
            "headings": [HEADINGS[c] for c in LIST_COLUMNS],
            # Called by the template only when the HTML kept for this page of this list is not there.
            "rows": lambda: [[row[c] for c in LIST_COLUMNS] for row in listing.exception_rows(shown)],
            "total": table.num_rows,
            "page": page,
            "filter_query": filter_query,
            "list_key": f"{snapshot.id}|{scope_of_user(request.user).key}|{filter_query}|{page.number}",
            "nav": menu(request),
        },
    )


@allow(CHILD_DATA, children=True)
def export_exceptions(request: HttpRequest, fmt: str) -> HttpResponse:
    check_format(fmt)
    snapshot, filters, table = _scoped(request)
    rows = listing.exception_rows(table)
    record(
        request,
        Action.EXPORT_EXCEPTIONS,
        subject=f"exception list ({fmt})",
        filters=filters,
        rows=len(rows),
        snapshot=snapshot.id,
    )
    return download(rows, fmt, "Exceptions", f"exceptions-{snapshot.la_code}-{snapshot.as_at}")
