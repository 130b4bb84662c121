"""A child's page: their exceptions first, then their timeline across every table, newest first, with a
choice of kind; one access-log entry per view. On the small synthetic council."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from clearsight.warehouse import Snapshot
from clearsight.warehouse.teams import Team
from clearsight.warehouse.timeline import timeline
from clearsight.web import snapshots
from clearsight.web.accounts.roles import Scope
from clearsight.web.audit.models import AccessEvent, Action

pytestmark = pytest.mark.django_db


def timeline_rows(response) -> list[list[str]]:
    """The timeline table's rows as the cells' text."""
    body = response.content.decode()
    table = body[body.index('id="timeline"') :]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table.split("<tbody", 1)[1], re.S)
    return [
        [html.unescape(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in rows
    ]


@pytest.fixture
def child(council: Snapshot, two_teams: tuple[Team, Team]) -> str:
    """Of the first children on the own team's exception list that the other team's scope does not
    cover, the one whose timeline draws on the most tables."""
    own, other = two_teams
    outside = Scope(teams=frozenset({other.id}))
    on_list = sorted(
        {
            r["child_id"]
            for r in snapshots.exceptions(council).to_pylist()
            if r["team"] == own.name and r["child_id"]
        }
    )
    candidates = [
        c
        for c in on_list[:40]
        if not snapshots.covers_child(council, outside, c, snapshots.child_exceptions(council, c))
    ]
    return max(candidates, key=lambda c: len({event.table for event in timeline(council, c)}))


def test_the_page_shows_the_exceptions_then_the_timeline_from_several_tables(
    client_as: Callable[..., Client], council: Snapshot, child: str
) -> None:
    events = timeline(council, child)
    tables = {event.table for event in events}
    assert len(tables) >= 5
    response = client_as("team_manager").get(reverse("dashboard:child", args=[child]))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index('<h2 class="govuk-heading-m">Exceptions</h2>') < body.index('id="timeline"')
    shown = timeline_rows(response)
    assert len(shown) == len(events)
    for row, event in zip(shown, events, strict=True):
        date = "Not recorded" if event.date is None else f"{event.date.day} {event.date:%b %Y}"
        assert row == [date, event.what, event.team or "", event.worker or ""]
    event = AccessEvent.objects.get()
    own_rows = snapshots.child_exceptions(council, child).num_rows
    assert (event.action, event.child_id, event.rows, event.snapshot) == (
        Action.VIEW_CHILD,
        child,
        own_rows,
        council.id,
    )


def test_choosing_a_kind_shows_only_those_events_and_still_logs_once(
    client_as: Callable[..., Client], council: Snapshot, child: str
) -> None:
    events = timeline(council, child)
    kind = events[0].kind
    client = client_as("team_manager")
    response = client.get(reverse("dashboard:child", args=[child]), {"kind": kind})
    shown = timeline_rows(response)
    assert [row[1] for row in shown] == [event.what for event in events if event.kind == kind]
    assert f'<option value="{kind}" selected>' in response.content.decode()
    assert AccessEvent.objects.filter(action=Action.VIEW_CHILD, child_id=child).count() == 1
    assert client.get(reverse("dashboard:child", args=[child]), {"kind": "Gossip"}).status_code == 404


def test_a_child_out_of_scope_is_refused_before_any_timeline_is_shown(
    client_as: Callable[..., Client], council: Snapshot, child: str
) -> None:
    response = client_as("team_manager", own=False).get(reverse("dashboard:child", args=[child]))
    assert response.status_code == 403
    assert child not in response.content.decode() and 'id="timeline"' not in response.content.decode()
    assert not AccessEvent.objects.exists()
