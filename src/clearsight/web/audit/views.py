"""The data protection officer's view of the access log: search, and export (which is itself logged)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from clearsight.web.access import allow
from clearsight.web.accounts.roles import ACCESS_LOG
from clearsight.web.audit.forms import SearchForm
from clearsight.web.audit.log import record
from clearsight.web.audit.models import AccessEvent, Action
from clearsight.web.downloads import check_format, download
from clearsight.web.navigation import menu

PAGE_ROWS = 200
COLUMNS = (
    "at",
    "username",
    "role",
    "action",
    "child_id",
    "subject",
    "filters",
    "rows",
    "snapshot",
    "ip_address",
)


def _search(request: HttpRequest) -> tuple[SearchForm, QuerySet[AccessEvent]]:
    """The search form as filled in, and the entries it finds (all of them before any search)."""
    form = SearchForm(request.GET or None)
    events = AccessEvent.objects.all()
    if not request.GET:
        return form, events
    if not form.is_valid():
        return form, events.none()
    found = form.cleaned_data
    if found["username"]:
        events = events.filter(username__iexact=found["username"].strip())
    if found["child_id"]:
        events = events.filter(child_id=found["child_id"].strip())
    if found["action"]:
        events = events.filter(action=found["action"])
    zone = timezone.get_current_timezone()
    if found["since"]:
        events = events.filter(at__gte=dt.datetime.combine(found["since"], dt.time(), zone))
    if found["until"]:
        events = events.filter(
            at__lt=dt.datetime.combine(found["until"] + dt.timedelta(days=1), dt.time(), zone)
        )
    return form, events


def _filters(form: SearchForm) -> dict[str, str]:
    return {key: str(value) for key, value in (form.cleaned_data if form.is_valid() else {}).items() if value}


@allow(ACCESS_LOG)
def log(request: HttpRequest) -> HttpResponse:
    form, events = _search(request)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "events": events[:PAGE_ROWS],
            "total": events.count(),
            "page_rows": PAGE_ROWS,
            "query": request.GET.urlencode(),
            "nav": menu(request),
        },
    )


@allow(ACCESS_LOG)
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    check_format(fmt)
    form, events = _search(request)
    rows = [
        {
            # As text, to the second: a workbook's date cells would keep only the day.
            "at": timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
            **{column: getattr(event, column) for column in COLUMNS[1:]},
        }
        for event in events
    ]
    record(
        request,
        Action.EXPORT_ACCESS_LOG,
        subject=f"access log ({fmt})",
        filters=_filters(form),
        rows=len(rows),
    )
    return download(rows, fmt, "Access log", f"access-log-{timezone.localdate()}")
