"""Team pages: the teams in a manager's scope with counts, and one team's overdue work and caseloads, on
the small synthetic council (its first team, 'own', is the Assessment Team; 'other' the Children in Care
Team, in another service area)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from clearsight.indicators.config import default_config
from clearsight.warehouse import Snapshot, read_parquet
from clearsight.warehouse.teams import Team, caseloads, teams
from clearsight.web import snapshots
from clearsight.web.audit.models import AccessEvent, Action
from clearsight.web.dashboard.team import SECTIONS

pytestmark = pytest.mark.django_db


def words(response) -> str:
    """The page's text, tags taken out and spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))).strip()


def linked_children(response) -> list[str]:
    """The children the page links to, in page order, each once."""
    found = re.findall(r'href="/children/([^/"]+)/"', response.content.decode())
    return list(dict.fromkeys(found))


def team_exceptions(council: Snapshot, team: Team, indicators: tuple[str, ...]) -> list[dict]:
    return [
        row
        for row in snapshots.exceptions(council).to_pylist()
        if row["team"] == team.name and row["indicator_id"] in indicators
    ]


def every_child(council: Snapshot) -> set[str]:
    return set(read_parquet(council.file("ssd_person"), ["pers_person_id"])["pers_person_id"].to_pylist())


def test_a_team_manager_sees_their_own_team_listed_with_counts_and_no_child(
    client_as: Callable[..., Client], council: Snapshot, two_teams: tuple[Team, Team]
) -> None:
    own, other = two_teams
    response = client_as("team_manager").get(reverse("dashboard:teams"))
    assert response.status_code == 200
    page = words(response)
    counts = [len(team_exceptions(council, own, section.indicators)) for section in SECTIONS]
    every = sum(row["team"] == own.name for row in snapshots.exceptions(council).to_pylist())
    assert f"{own.name} {own.service_area_name} {' '.join(map(str, counts))} {every}" in page
    assert other.name not in page
    assert reverse("dashboard:team", args=[own.id]) in response.content.decode()
    assert not any(child in page for child in every_child(council))
    assert not AccessEvent.objects.exists()  # counts only: nothing to log


def linked_teams(response) -> set[str]:
    return set(re.findall(r'href="/teams/([^/"]+)/"', response.content.decode()))


def test_a_head_of_service_sees_their_service_areas_teams_and_a_leader_every_team(
    client_as: Callable[..., Client], council: Snapshot, two_teams: tuple[Team, Team]
) -> None:
    """Teams, not the service areas above them."""
    own, _ = two_teams
    every = teams(council)
    areas = {team.service_area_id for team in every}
    listed = {team.id for team in every if team.id not in areas}
    head = client_as("head_of_service").get(reverse("dashboard:teams"))
    assert linked_teams(head) == {team.id for team in every if team.service_area_id == own.service_area_id}
    assert linked_teams(client_as("senior_leader").get(reverse("dashboard:teams"))) == listed
    assert own.id in listed and not listed & areas


def test_a_team_page_lists_the_teams_overdue_work_each_child_linked_and_is_logged(
    client_as: Callable[..., Client], council: Snapshot, two_teams: tuple[Team, Team]
) -> None:
    _, other = two_teams  # the Children in Care Team: overdue visits and reviews
    response = client_as("analyst").get(reverse("dashboard:team", args=[other.id]))
    assert response.status_code == 200
    page = words(response)
    listed: set[str] = set()
    for section in SECTIONS:
        rows = team_exceptions(council, other, section.indicators)
        assert section.title in page
        for row in rows:
            if row["child_id"]:
                assert f"{row['child_name']} ({row['child_id']})" in page
                listed.add(row["child_id"])
    visits = team_exceptions(council, other, SECTIONS[0].indicators)
    reviews = team_exceptions(council, other, SECTIONS[1].indicators)
    assert visits and reviews
    workers = caseloads(council, other.id, default_config()["allocation.worker_roles"])
    listed |= {child for worker in workers for child in worker.children}
    assert set(linked_children(response)) == listed
    event = AccessEvent.objects.get()
    assert event.action == Action.VIEW_TEAM
    assert event.subject == f"team {other.name} ({other.id})"
    assert (event.child_id, event.rows, event.snapshot) == ("", len(listed), council.id)


def test_the_caseloads_are_the_warehouses_and_add_up_to_the_indicators_team_figure(
    client_as: Callable[..., Client], council: Snapshot, two_teams: tuple[Team, Team]
) -> None:
    """Each worker's children as D7 allocates them; together they are D07's numerator for the team (in the
    synthetic council each worker holds cases in one team, and every worker has an FTE)."""
    own, _ = two_teams
    workers = caseloads(council, own.id, default_config()["allocation.worker_roles"])
    assert len(workers) > 3
    response = client_as("team_manager").get(reverse("dashboard:team", args=[own.id]))
    page = words(response)
    for worker in workers:
        assert f"{worker.worker_name} {len(worker.children)} {worker.worker_name}'s children" in page
    total = sum(len(worker.children) for worker in workers)
    assert f"{total} children allocated to {len(workers)} workers of this team" in page
    d07 = [
        row["numerator"]
        for row in snapshots.results(council).breakdowns.to_pylist()
        if (row["indicator_id"], row["breakdown"], row["cell"]) == ("wf_caseload_average", "team", own.name)
    ]
    assert d07 == [total]


def test_another_teams_page_and_an_unknown_team_are_refused_alike_naming_no_child(
    client_as: Callable[..., Client], council: Snapshot, two_teams: tuple[Team, Team]
) -> None:
    own, other = two_teams
    manager = client_as("team_manager")
    children = every_child(council)
    refusals = []
    for team_id in (other.id, "D999999", other.service_area_id, own.service_area_id):
        response = manager.get(reverse("dashboard:team", args=[team_id]))
        assert response.status_code == 403, team_id
        assert not any(child in response.content.decode() for child in children)
        refusals.append(words(response))
    assert len(set(refusals)) == 1  # nothing tells an existing team from none
    assert not AccessEvent.objects.exists()
    assert client_as("board_member").get(reverse("dashboard:teams")).status_code == 403
