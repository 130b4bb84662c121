"""The overview, an indicator's page and Leaders must know, on the small synthetic council."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from django.test import Client

from clearsight.indicators.catalogue import catalogue
from clearsight.warehouse import Snapshot
from clearsight.web import snapshots
from clearsight.web.accounts.roles import Scope
from clearsight.web.audit.models import AccessEvent, Action
from clearsight.web.dashboard.critical import CONDITIONS
from clearsight.web.dashboard.models import Acknowledgement

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page's words, as a reader meets them."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_the_overview_shows_every_indicator_by_area_with_its_rating_in_words(
    client_as: Callable[..., Client], council: Snapshot
) -> None:
    response = client_as("senior_leader").get("/")
    assert response.status_code == 200
    page = text(response)
    for area in (
        "Help and protection",
        "Children in care",
        "Care leavers",
        "Leadership, quality and workforce",
    ):
        assert area in page
    for indicator in catalogue():
        assert f"{indicator.code} {indicator.title}" in page
    values = snapshots.results(council).values.to_pylist()
    reds = sum(row["status"] == "RED" for row in values)
    assert reds and len(re.findall(r'govuk-tag--red">Red<', response.content.decode())) == reds
    assert response.content.decode().count('<svg role="img"') == len(values)  # a trend line per indicator


def test_the_overview_counts_critical_exceptions_by_condition_without_naming_children(
    client_as: Callable[..., Client], council: Snapshot
) -> None:
    register = snapshots.critical_in(council, Scope(whole_council=True))
    assert register
    page = text(client_as("analyst").get("/"))
    assert f"{len(register)} critical exceptions in your scope" in page
    assert not any(row["child_id"] in page for row in register)
    assert not AccessEvent.objects.exists()  # counts only: nothing to log


def test_a_board_member_sees_figures_but_no_critical_panel_and_a_member_neither(
    client_as: Callable[..., Client],
) -> None:
    board = text(client_as("board_member").get("/"))
    assert "Help and protection" in board and "Leaders must know" not in board
    member = text(client_as("elected_member").get("/"))
    assert "Help and protection" not in member and "Leaders must know" not in member


def test_an_indicator_page_gives_definition_charts_and_the_same_figures_as_tables(
    client_as: Callable[..., Client], council: Snapshot
) -> None:
    indicator = next(i for i in catalogue() if i.id == "cp_visit_timely")
    response = client_as("senior_leader").get(f"/indicators/{indicator.id}/")
    assert response.status_code == 200
    body = response.content.decode()
    page = text(response)
    assert indicator.title in page and " ".join(indicator.definition.split()) in page
    breakdowns = snapshots.results(council).breakdowns.to_pylist()
    teams = [r for r in breakdowns if r["indicator_id"] == indicator.id and r["breakdown"] == "team"]
    assert teams
    for cell in teams:
        assert f"{cell['cell']} {cell['numerator']:.0f} {cell['denominator']:.0f}" in page
    assert body.count('<svg role="img"') == 1 + len(indicator.breakdowns)
    assert "/exceptions/?indicator=cp_visit_timely" in body


def test_an_unknown_indicator_is_not_found(client_as: Callable[..., Client]) -> None:
    assert client_as("analyst").get("/indicators/no_such_thing/").status_code == 404


def test_leaders_must_know_lists_the_register_and_logs_the_view(
    client_as: Callable[..., Client], council: Snapshot
) -> None:
    register = snapshots.critical_in(council, Scope(whole_council=True))
    response = client_as("senior_leader").get("/leaders-must-know/")
    page = text(response)
    assert all(row["child_id"] in page for row in register)
    assert any(condition in page for condition in CONDITIONS.values())
    event = AccessEvent.objects.get()
    assert (event.action, event.rows, event.snapshot) == (Action.VIEW_EXCEPTIONS, len(register), council.id)


def test_an_acknowledgement_is_kept_with_who_when_and_what_and_unhighlights_the_row(
    client_as: Callable[..., Client], council: Snapshot, settings
) -> None:
    settings.ACKNOWLEDGE_DAYS = 0  # every open critical exception is then overdue for acknowledgement
    client = client_as("senior_leader")
    row = snapshots.critical_in(council, Scope(whole_council=True))[0]
    before = text(client.get("/leaders-must-know/")).count("Not acknowledged")
    for note in ("Team manager asked to visit today", "Visited; plan reviewed"):
        response = client.post(
            "/leaders-must-know/acknowledge/", {"exception_key": row["exception_key"], "note": note}
        )
        assert response.status_code == 302
    after = client.get("/leaders-must-know/")
    assert text(after).count("Not acknowledged") == before - 1
    kept = list(Acknowledgement.objects.filter(exception_key=row["exception_key"]))
    assert [a.note for a in kept] == ["Visited; plan reviewed", "Team manager asked to visit today"]
    assert kept[0].username == "senior_leader-own" and kept[0].child_id == row["child_id"]
    assert AccessEvent.objects.filter(action=Action.ACKNOWLEDGE, child_id=row["child_id"]).count() == 2
    with pytest.raises(ValueError):
        kept[0].save()


def test_a_team_manager_cannot_acknowledge_another_teams_child(
    client_as: Callable[..., Client], council: Snapshot
) -> None:
    own = {r["exception_key"] for r in snapshots.critical_in(council, Scope(whole_council=True))}
    manager = client_as("team_manager")
    mine = {r["exception_key"] for r in snapshots.critical_in(council, manager_scope(manager))}
    others = sorted(own - mine)
    assert others
    response = manager.post("/leaders-must-know/acknowledge/", {"exception_key": others[0], "note": "x"})
    assert response.status_code == 403
    assert not Acknowledgement.objects.exists()


def manager_scope(client: Client) -> Scope:
    from django.contrib.auth.models import User

    from clearsight.web.accounts.models import scope_of_user

    return scope_of_user(User.objects.get(username="team_manager-own"))


def test_a_list_page_kept_for_one_scope_is_never_shown_to_another(
    client_as: Callable[..., Client], two_teams, council: Snapshot
) -> None:
    """Pages of the exception list are kept once drawn, per snapshot, scope, filter and page: whoever
    asks first, each person still gets their own scope's rows."""
    own, other = two_teams
    column = 7  # the team's column in the list
    council_wide, own_manager = client_as("analyst"), client_as("team_manager")
    pages = {
        "council": council_wide.get("/exceptions/"),
        "own": own_manager.get("/exceptions/"),
        "other": client_as("team_manager", own=False).get("/exceptions/"),
        "own again": own_manager.get("/exceptions/"),
    }

    def teams_on(response) -> set[str]:
        rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", response.content.decode(), re.S)
        cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
        return {html.unescape(c[column - 1]) for c in cells if len(c) >= column}

    assert teams_on(pages["own"]) == {own.name} == teams_on(pages["own again"])
    assert teams_on(pages["other"]) == {other.name}
    assert len(teams_on(pages["council"])) > 2
