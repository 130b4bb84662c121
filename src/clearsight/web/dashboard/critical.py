"""Leaders must know: the critical exceptions (indicators.md §7, conditions K1–K8) in a person's scope,
one row per child and condition, with how long each has been open and who has acknowledged it.

An exception has been open since it first appeared on a list (`first_seen_as_at`) or since it fell due,
whichever is earlier. One open for `ACKNOWLEDGE_DAYS` or more with no acknowledgement is highlighted
and listed first, for the director. Acknowledging records who, when and the action being taken; every
acknowledgement is kept, newest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from clearsight.warehouse import Snapshot
from clearsight.web import snapshots
from clearsight.web.access import allow
from clearsight.web.accounts.models import scope_of_user
from clearsight.web.accounts.roles import CHILD_DATA
from clearsight.web.audit.log import record
from clearsight.web.audit.models import Action
from clearsight.web.dashboard.models import Acknowledgement, latest_by_key
from clearsight.web.navigation import menu

# The critical conditions of indicators.md §7, in plain English.
CONDITIONS = {
    "K1": "Care leaver homeless or unsuitably housed",
    "K2": "Care leaver not in touch",
    "K3": "Child on a protection plan not seen within 20 working days",
    "K4": "Child on a protection plan with no allocated worker",
    "K5": "Physical-abuse enquiry with no medical and no decision",
    "K6": "Placed with parents without assessment or approval",
    "K7": "Child in care's statutory visit over 4 weeks overdue",
    "K8": "Missing episode with no return interview offered in 72 hours",
}
FILTERS = {"severity": "critical"}  # what the access log records of this list


@dataclass(frozen=True)
class Critical:
    """One critical exception as the list shows it."""

    row: dict[str, Any]
    open_days: int
    acknowledgements: list[Acknowledgement]
    overdue_for_acknowledgement: bool

    @property
    def condition(self) -> str:
        return CONDITIONS.get(self.row["condition"] or "", self.row["reason"] or "")


def register_in(snapshot: Snapshot, request: HttpRequest) -> list[Critical]:
    """The critical register within the person's scope, those awaiting acknowledgement too long first."""
    rows = snapshots.critical_in(snapshot, scope_of_user(request.user))
    acknowledged = latest_by_key(snapshot.la_code, [r["exception_key"] for r in rows])
    found = []
    for row in rows:
        since_seen = (snapshot.as_at - (row["first_seen_as_at"] or snapshot.as_at)).days
        open_days = max(since_seen, row["days_overdue"] or 0)
        acks = acknowledged.get(row["exception_key"], [])
        found.append(Critical(row, open_days, acks, not acks and open_days >= settings.ACKNOWLEDGE_DAYS))
    found.sort(key=lambda c: (not c.overdue_for_acknowledgement, -c.open_days))
    return found


def counts(register: list[Critical]) -> list[tuple[str, int, int]]:
    """Per condition: (condition, children, of whom awaiting acknowledgement too long)."""
    found: dict[str, list[int]] = {}
    for item in register:
        tally = found.setdefault(item.condition, [0, 0])
        tally[0] += 1
        tally[1] += item.overdue_for_acknowledgement
    return [(condition, n, late) for condition, (n, late) in sorted(found.items())]


@allow(CHILD_DATA, children=True)
def leaders_must_know(request: HttpRequest) -> HttpResponse:
    snapshot = snapshots.published()
    register = register_in(snapshot, request)
    record(
        request,
        Action.VIEW_EXCEPTIONS,
        subject="leaders must know",
        filters=FILTERS,
        rows=len(register),
        snapshot=snapshot.id,
    )
    return render(
        request,
        "dashboard/critical.html",
        {
            "snapshot": snapshot,
            "register": register,
            "counts": counts(register),
            "days": settings.ACKNOWLEDGE_DAYS,
            "nav": menu(request),
        },
    )


class AcknowledgeForm(forms.Form):
    exception_key = forms.CharField(max_length=400)
    note = forms.CharField(max_length=2000, error_messages={"required": "Say what is being done about it"})


@require_POST
@allow(CHILD_DATA, children=True)
def acknowledge(request: HttpRequest) -> HttpResponse:
    """Acknowledge one critical exception in the person's scope (any other is refused, 403)."""
    snapshot = snapshots.published()
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("dashboard:critical")
    key = form.cleaned_data["exception_key"]
    item = next((c for c in register_in(snapshot, request) if c.row["exception_key"] == key), None)
    if item is None:
        raise PermissionDenied
    row = item.row
    record(request, Action.ACKNOWLEDGE, child_id=row["child_id"] or "", snapshot=snapshot.id, rows=1)
    Acknowledgement.objects.create(
        la_code=snapshot.la_code,
        exception_key=key,
        child_id=row["child_id"] or "",
        indicator_id=row["indicator_id"],
        snapshot=snapshot.id,
        user=request.user,
        username=request.user.get_username(),
        note=form.cleaned_data["note"],
    )
    messages.success(request, f"Acknowledged: {item.condition}")
    return redirect("dashboard:critical")
