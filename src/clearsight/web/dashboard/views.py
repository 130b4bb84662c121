"""The home page, and the child-level pages every later page builds on: the exception lists within a
person's scope (and their export) and a child's page. Each use of a child-level page is logged."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from clearsight.indicators import listing
from clearsight.indicators.catalogue import catalogue
from clearsight.web import snapshots
from clearsight.web.access import allow
from clearsight.web.accounts.models import role_of, scope_of_user
from clearsight.web.accounts.roles import CHILD_DATA, EVERY_ROLE
from clearsight.web.audit.log import record
from clearsight.web.audit.models import Action
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
LIST_LIMIT = 500  # rows shown on the page; the export holds every row


@allow(EVERY_ROLE)
def home(request: HttpRequest) -> HttpResponse:
    snapshot = snapshots.current()
    return render(
        request,
        "dashboard/home.html",
        {"snapshot": snapshot, "nav": menu(request), "sees_children": role_of(request.user) in CHILD_DATA},
    )


def _filters(request: HttpRequest) -> dict[str, str | None]:
    indicator = request.GET.get("indicator") or None
    severity = request.GET.get("severity") or None
    if severity not in (None, "critical", "normal"):
        raise Http404("no such severity")
    if indicator is not None and indicator not in {i.id for i in catalogue()}:
        raise Http404("no such indicator")
    return {"indicator": indicator, "severity": severity}


def _scoped_rows(request: HttpRequest) -> tuple[object, dict[str, str | None], list[dict]]:
    snapshot = snapshots.current()
    if snapshot is None:
        raise Http404("no snapshot has been published")
    filters = _filters(request)
    table = snapshots.exceptions_in(snapshot, scope_of_user(request.user), **filters)
    return snapshot, filters, listing.exception_rows(table)


@allow(CHILD_DATA, children=True)
def exceptions(request: HttpRequest) -> HttpResponse:
    snapshot, filters, rows = _scoped_rows(request)
    record(
        request,
        Action.VIEW_EXCEPTIONS,
        subject="exception list",
        filters=filters,
        rows=min(len(rows), LIST_LIMIT),
        snapshot=snapshot.id,
    )
    return render(
        request,
        "dashboard/exceptions.html",
        {
            "snapshot": snapshot,
            "filters": filters,
            "indicators": [(i.id, f"{i.code} {i.title}") for i in catalogue()],
            "headings": [HEADINGS[c] for c in LIST_COLUMNS],
            "rows": [[row[c] for c in LIST_COLUMNS] for row in rows[:LIST_LIMIT]],
            "total": len(rows),
            "limit": LIST_LIMIT,
            "query": request.GET.urlencode(),
            "nav": menu(request),
        },
    )


@allow(CHILD_DATA, children=True)
def export_exceptions(request: HttpRequest, fmt: str) -> HttpResponse:
    check_format(fmt)
    snapshot, filters, rows = _scoped_rows(request)
    record(
        request,
        Action.EXPORT_EXCEPTIONS,
        subject=f"exception list ({fmt})",
        filters=filters,
        rows=len(rows),
        snapshot=snapshot.id,
    )
    return download(rows, fmt, "Exceptions", f"exceptions-{snapshot.la_code}-{snapshot.as_at}")
