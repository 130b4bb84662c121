"""A child's page: the exceptions that child is on, then their timeline across every table, newest first
(which kind of event may be chosen). Only a child in the person's scope is shown, and each view is
logged."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from clearsight.indicators import listing
from clearsight.warehouse.timeline import KINDS, kinds, timeline
from clearsight.web import snapshots
from clearsight.web.access import allow
from clearsight.web.accounts.models import scope_of_user
from clearsight.web.accounts.roles import CHILD_DATA
from clearsight.web.audit.log import record
from clearsight.web.audit.models import Action
from clearsight.web.dashboard.views import HEADINGS
from clearsight.web.navigation import menu

CHILD_COLUMNS = ["severity", "code", "reason", "team", "worker", "due_date", "days_overdue"]


def _kind(request: HttpRequest) -> str | None:
    """The kind of event chosen, if any; 404 for one that is no kind."""
    kind = request.GET.get("kind") or None
    if kind is not None and kind not in KINDS:
        raise Http404("no such kind of event")
    return kind


@allow(CHILD_DATA, children=True)
def child(request: HttpRequest, child_id: str) -> HttpResponse:
    """One child: their exceptions, then their timeline (of one kind of event, when chosen)."""
    kind = _kind(request)
    snapshot = snapshots.published()
    own_exceptions = snapshots.child_exceptions(snapshot, child_id)
    if not snapshots.covers_child(snapshot, scope_of_user(request.user), child_id, own_exceptions):
        # The same refusal whether or not the child exists, so that nothing is learnt from it.
        raise PermissionDenied
    rows = listing.exception_rows(own_exceptions)
    events = timeline(snapshot, child_id)
    record(request, Action.VIEW_CHILD, child_id=child_id, rows=len(rows), snapshot=snapshot.id)
    return render(
        request,
        "dashboard/child.html",
        {
            "snapshot": snapshot,
            "child_id": child_id,
            "child_name": next((r["child_name"] for r in rows if r["child_name"]), None),
            "headings": [HEADINGS[c] for c in CHILD_COLUMNS],
            "rows": [[row[c] for c in CHILD_COLUMNS] for row in rows],
            "events": [event for event in events if kind in (None, event.kind)],
            "kinds": kinds(events),
            "kind": kind,
            "nav": menu(request),
        },
    )
