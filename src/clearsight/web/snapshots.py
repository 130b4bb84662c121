"""What the web reads of the snapshots, through the core only: the council's latest snapshot, its
results, the council's earlier snapshots (for trends), and which children and exceptions a person's
scope covers.

A snapshot never changes once published, so each worker process reads a snapshot's results once and
keeps them (`results`), for the few snapshots pages ask about; pages then work from memory."""

from __future__ import annotations

import functools

import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.http import Http404

from clearsight.indicators import listing, store
from clearsight.indicators.results import Results, critical_register
from clearsight.warehouse import Snapshot, WarehouseError, latest_snapshot, list_snapshots
from clearsight.warehouse.teams import allocated_team_ids, teams
from clearsight.web.accounts.roles import Scope


def published() -> Snapshot:
    """The latest snapshot, for a page that has nothing to show without one (404 until one is published)."""
    snapshot = current()
    if snapshot is None:
        raise Http404("no snapshot has been published")
    return snapshot


def current() -> Snapshot | None:
    """The latest snapshot of the council served (`CLEARSIGHT_LA`, or the only one), or None."""
    try:
        return latest_snapshot(settings.CLEARSIGHT_DATA, settings.CLEARSIGHT_LA)
    except WarehouseError:
        return None


KEPT = 8  # snapshots whose results a worker keeps in memory (the latest and those its trends read)


@functools.lru_cache(maxsize=KEPT)
def results(snapshot: Snapshot) -> Results:
    """The snapshot's stored results (values, breakdowns, exceptions), read once per worker and kept."""
    return store.read_results(snapshot)


def history(snapshot: Snapshot) -> list[Snapshot]:
    """The council's snapshots with results up to and including this one, oldest first (for trends)."""
    return [
        s
        for s in list_snapshots(settings.CLEARSIGHT_DATA, snapshot.la_code)
        if (s.as_at, s.created) <= (snapshot.as_at, snapshot.created) and store.has_results(s)
    ][-KEPT:]


def figures_key(snapshot: Snapshot) -> str:
    """What a page drawn from this snapshot's results and trends rests on (the snapshots its trends read),
    for keeping the page's HTML: a new snapshot makes a new key."""
    return ",".join(s.id for s in history(snapshot))


def exceptions(snapshot: Snapshot) -> pa.Table:
    """Every exception of the snapshot (§7)."""
    return results(snapshot).exceptions


@functools.lru_cache(maxsize=64)
def critical_in(snapshot: Snapshot, scope: Scope) -> tuple[dict, ...]:
    """The critical register (§7: one row per child and condition) of the exceptions a scope covers, as
    `listing.exception_rows`; kept per snapshot and scope (the rows must not be changed)."""
    scoped = exceptions_in(snapshot, scope, severity="critical")
    return tuple(listing.exception_rows(critical_register(scoped))) if scoped.num_rows else ()


def team_names_in(snapshot: Snapshot, scope: Scope) -> set[str]:
    return {team.name for team in teams(snapshot) if scope.covers(team.id, team.service_area_id)}


def exceptions_in(
    snapshot: Snapshot, scope: Scope, *, indicator: str | None = None, severity: str | None = None
) -> pa.Table:
    """The exceptions a scope covers: all of them for the whole council, else those whose current team
    (§7 `team`) is one of the scope's teams (an unallocated child's only for the whole council)."""
    chosen = listing.select_exceptions(exceptions(snapshot), indicator=indicator, severity=severity)
    if scope.whole_council:
        return chosen
    names = pa.array(sorted(team_names_in(snapshot, scope)), pa.string())
    return chosen.filter(pc.fill_null(pc.is_in(chosen["team"], value_set=names), False))


def child_exceptions(snapshot: Snapshot, child_id: str) -> pa.Table:
    every = exceptions(snapshot)
    return every.filter(pc.equal(every["child_id"], child_id))


def covers_child(snapshot: Snapshot, scope: Scope, child_id: str, own_exceptions: pa.Table) -> bool:
    """Whether the scope covers a child: a team working with the child at the as-at date, or the current
    team of one of the child's exceptions (`own_exceptions`, from `child_exceptions`), is in scope."""
    if scope.whole_council:
        return True
    if not scope.sees_children:
        return False
    by_name = {team.name: team for team in teams(snapshot)}
    by_id = {team.id: team for team in by_name.values()}
    named = set(own_exceptions["team"].drop_null().to_pylist())
    working = [by_id[i] for i in allocated_team_ids(snapshot, child_id) if i in by_id]
    working += [by_name[n] for n in named if n in by_name]
    return any(scope.covers(team.id, team.service_area_id) for team in working)
