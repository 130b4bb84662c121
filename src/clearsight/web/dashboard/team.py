"""Team pages for managers: the teams in a person's scope with counts of their children's exceptions, and
one team's overdue visits, reviews and supervision, its unallocated children and each worker's caseload.

A team's page names children, so it is logged; the list of teams shows counts only. A team outside the
person's scope, or no team at all, gets the same refusal, so that nothing is learnt from it."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clearsight.indicators import listing
from clearsight.indicators.config import load_config
from clearsight.warehouse import Snapshot
from clearsight.warehouse.layout import council_dir
from clearsight.warehouse.teams import Team, caseloads, teams
from clearsight.web import snapshots
from clearsight.web.access import allow
from clearsight.web.accounts.models import scope_of_user
from clearsight.web.accounts.roles import CHILD_DATA, Scope
from clearsight.web.audit.log import record
from clearsight.web.audit.models import Action
from clearsight.web.navigation import menu


@dataclass(frozen=True)
class Section:
    """A part of a team's page: the exceptions of these indicators, under `title` (`short` in the list)."""

    title: str
    short: str
    indicators: tuple[str, ...]


SECTIONS = (
    Section("Overdue or late visits", "Visits", ("cp_visit_timely", "cin_visit_timely", "cla_visit_timely")),
    Section(
        "Overdue or late reviews",
        "Reviews",
        ("cp_rcpc_timely", "cla_review_timely", "cl_pathway_plan_in_date"),
    ),
    Section(
        "Overdue supervision", "Supervision", ("wf_case_supervision_timely", "wf_worker_supervision_timely")
    ),
    Section("Children with no allocated worker", "Unallocated", ("wf_unallocated_cases",)),
)


def teams_in(snapshot: Snapshot, scope: Scope) -> list[Team]:
    """The teams a scope covers: every department that is no other's service area (a council without
    service areas has teams only), by name."""
    every = teams(snapshot)
    areas = {team.service_area_id for team in every}
    return [t for t in every if t.id not in areas and scope.covers(t.id, t.service_area_id)]


def _of_section(table: pa.Table, section: Section) -> pa.Table:
    chosen = pa.array(section.indicators, pa.string())
    return table.filter(pc.fill_null(pc.is_in(table["indicator_id"], value_set=chosen), False))


def _counts(table: pa.Table) -> dict[str, list[int]]:
    """Each team's exceptions (by name): how many in each section, then how many in all."""
    counts: dict[str, list[int]] = {}
    for name, indicator in zip(table["team"].to_pylist(), table["indicator_id"].to_pylist(), strict=True):
        if name is not None:
            row = counts.setdefault(name, [0] * (len(SECTIONS) + 1))
            for place, section in enumerate(SECTIONS):
                row[place] += indicator in section.indicators
            row[-1] += 1
    return counts


@allow(CHILD_DATA)
def team_list(request: HttpRequest) -> HttpResponse:
    """The teams in the person's scope, each with how many exceptions its children (and workers) are on,
    by section: counts only, no child named."""
    snapshot = snapshots.published()
    scope = scope_of_user(request.user)
    counts = _counts(snapshots.exceptions_in(snapshot, scope))
    none = [0] * (len(SECTIONS) + 1)
    return render(
        request,
        "dashboard/teams.html",
        {
            "snapshot": snapshot,
            "sections": [section.short for section in SECTIONS],
            "teams": [(team, counts.get(team.name, none)) for team in teams_in(snapshot, scope)],
            "nav": menu(request),
        },
    )


@allow(CHILD_DATA, children=True)
def team(request: HttpRequest, team_id: str) -> HttpResponse:
    """One team in the person's scope: its exceptions by section, then each worker's caseload."""
    snapshot = snapshots.published()
    scope = scope_of_user(request.user)
    chosen = next((t for t in teams_in(snapshot, scope) if t.id == team_id), None)
    if chosen is None:
        raise PermissionDenied  # the same refusal whether or not the team exists
    table = snapshots.exceptions_in(snapshot, scope)
    table = table.filter(pc.fill_null(pc.equal(table["team"], chosen.name), False))
    sections = [(s.title, listing.exception_rows(_of_section(table, s))) for s in SECTIONS]
    roles = load_config(council_dir(settings.CLEARSIGHT_DATA, snapshot.la_code))["allocation.worker_roles"]
    workers = caseloads(snapshot, chosen.id, roles)
    named = {r["child_id"] for _, rows in sections for r in rows} | {c for w in workers for c in w.children}
    named.discard(None)
    record(
        request,
        Action.VIEW_TEAM,
        subject=f"team {chosen.name} ({chosen.id})",
        rows=len(named),
        snapshot=snapshot.id,
    )
    return render(
        request,
        "dashboard/team.html",
        {
            "snapshot": snapshot,
            "team": chosen,
            "sections": sections,
            "caseloads": workers,
            "allocated": sum(len(w.children) for w in workers),
            "nav": menu(request),
        },
    )
