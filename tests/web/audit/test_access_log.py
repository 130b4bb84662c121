"""The access log (issue 5): a row for each logged action, saying who, when, what and from where; nobody
can change or remove a row through the app, its admin site or the database; the data protection
officer searches it and exports it, and the export is itself logged."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from clearsight.warehouse import Snapshot
from clearsight.warehouse.teams import Team
from clearsight.web import snapshots
from clearsight.web.accounts.roles import Scope
from clearsight.web.audit.models import AccessEvent, Action, AppendOnly

IP = "198.51.100.7"
AGENT = "Mozilla/5.0 (test)"
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _quick_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def signed_in(make_user: Callable[..., User]) -> Callable[..., tuple[Client, User]]:
    """signed_in(role, own=True): a client signed in as a new person, from IP, with a browser's name."""

    def sign_in(role: str, **kwargs: object) -> tuple[Client, User]:
        user = make_user(role, **kwargs)
        client = Client(REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT)
        client.force_login(user)
        return client, user

    return sign_in


@pytest.fixture(scope="module")
def own_child(council: Snapshot, two_teams: tuple[Team, Team]) -> str:
    exceptions = snapshots.exceptions(council).to_pylist()
    return next(row["child_id"] for row in exceptions if row["team"] == two_teams[0].name and row["child_id"])


def only_new_event(before: set[int]) -> AccessEvent:
    return AccessEvent.objects.exclude(pk__in=before).get()


def event_ids() -> set[int]:
    return set(AccessEvent.objects.values_list("pk", flat=True))


def assert_who_and_where(event: AccessEvent, user: User, role: str) -> None:
    assert event.user == user and event.username == user.get_username() and event.role == role
    assert str(event.ip_address) == IP and event.user_agent == AGENT
    assert abs(timezone.now() - event.at) < dt.timedelta(minutes=1)


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_rows(content: bytes, sheet: str) -> list[dict[str, object]]:
    values = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name(sheet).to_python()
    header, *records = values
    return [dict(zip(header, record, strict=True)) for record in records]


# --- One test per logged action ---------------------------------------------------------------------


def test_viewing_a_childs_page(signed_in, council: Snapshot, own_child: str) -> None:
    client, user = signed_in("team_manager")
    before = event_ids()
    response = client.get(reverse("dashboard:child", args=[own_child]))
    assert response.status_code == 200
    event = only_new_event(before)
    assert_who_and_where(event, user, "team_manager")
    assert event.action == Action.VIEW_CHILD
    assert event.child_id == own_child
    assert event.subject == "" and event.filters == {}
    assert event.rows == snapshots.child_exceptions(council, own_child).num_rows > 0
    assert event.snapshot == council.id


def test_a_refused_childs_page_is_not_logged_as_a_view(signed_in, council, two_teams) -> None:
    exceptions = snapshots.exceptions(council).to_pylist()
    others = {row["child_id"] for row in exceptions if row["team"] == two_teams[1].name and row["child_id"]}
    client, _ = signed_in("team_manager")
    before = event_ids()
    own_scope = Scope(teams=frozenset({two_teams[0].id}))
    refused = next(
        c
        for c in sorted(others)
        if not snapshots.covers_child(council, own_scope, c, snapshots.child_exceptions(council, c))
    )
    assert client.get(reverse("dashboard:child", args=[refused])).status_code == 403
    assert event_ids() == before


def test_viewing_an_exception_list(signed_in, council: Snapshot) -> None:
    client, user = signed_in("head_of_service")
    before = event_ids()
    response = client.get(reverse("dashboard:exceptions"), {"severity": "normal", "indicator": ""})
    assert response.status_code == 200
    event = only_new_event(before)
    assert_who_and_where(event, user, "head_of_service")
    assert event.action == Action.VIEW_EXCEPTIONS
    assert event.child_id == ""
    assert event.subject == "exception list"
    assert event.filters == {"severity": "normal"}  # the blank filter is left out
    assert event.rows == len(response.context["page"].object_list)  # the rows on the page shown
    assert event.snapshot == council.id


def test_viewing_one_indicators_list(signed_in) -> None:
    client, _ = signed_in("analyst")
    before = event_ids()
    query = {"indicator": "asmt_45wd", "severity": "critical"}
    assert client.get(reverse("dashboard:exceptions"), query).status_code == 200
    assert only_new_event(before).filters == query


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exporting_an_exception_list(fmt: str, signed_in, council: Snapshot) -> None:
    client, user = signed_in("qa_lead")
    before = event_ids()
    response = client.get(reverse("dashboard:exceptions-export", args=[fmt]), {"severity": "critical"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    rows = csv_rows(response.content) if fmt == "csv" else xlsx_rows(response.content, "Exceptions")
    assert rows
    event = only_new_event(before)
    assert_who_and_where(event, user, "qa_lead")
    assert event.action == Action.EXPORT_EXCEPTIONS
    assert event.child_id == ""
    assert event.subject == f"exception list ({fmt})"
    assert event.filters == {"severity": "critical"}
    assert event.rows == len(rows)
    assert event.snapshot == council.id


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exporting_the_access_log(fmt: str, signed_in, logged) -> None:
    client, user = signed_in("dpo")
    before = event_ids()
    response = client.get(reverse("audit:export", args=[fmt]), {"action": "view_child"})
    assert response.status_code == 200
    rows = csv_rows(response.content) if fmt == "csv" else xlsx_rows(response.content, "Access log")
    assert len(rows) == AccessEvent.objects.filter(action="view_child").count() == 3
    event = only_new_event(before)
    assert_who_and_where(event, user, "dpo")
    assert event.action == Action.EXPORT_ACCESS_LOG
    assert event.child_id == ""
    assert event.subject == f"access log ({fmt})"
    assert event.filters == {"action": "view_child"}
    assert event.rows == 3
    assert event.snapshot == ""


# --- Append-only ------------------------------------------------------------------------------------


@pytest.fixture
def event(make_user: Callable[..., User]) -> AccessEvent:
    user = make_user("analyst")
    return AccessEvent.objects.create(
        user=user, username=user.username, role="analyst", action=Action.VIEW_CHILD, child_id="P000042"
    )


def assert_unchanged(event: AccessEvent) -> None:
    stored = AccessEvent.objects.get(pk=event.pk)
    assert (stored.child_id, stored.username, stored.action) == ("P000042", event.username, "view_child")
    assert AccessEvent.objects.count() == 1


def test_a_row_cannot_be_saved_again(event: AccessEvent) -> None:
    event.child_id = "P000001"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.save(update_fields=["child_id"])
    event.child_id = "P000042"
    assert_unchanged(event)


def test_a_row_cannot_be_deleted(event: AccessEvent) -> None:
    with pytest.raises(AppendOnly):
        event.delete()
    assert_unchanged(event)


@pytest.mark.parametrize(
    "change",
    [
        lambda events: events.update(child_id="P000001"),
        lambda events: events.delete(),
        lambda events: AccessEvent.objects.bulk_update(list(events), ["child_id"]),
    ],
    ids=["update", "delete", "bulk_update"],
)
def test_the_queryset_refuses(change, event: AccessEvent) -> None:
    with pytest.raises(AppendOnly):
        change(AccessEvent.objects.filter(pk=event.pk))
    assert_unchanged(event)


@pytest.mark.parametrize(
    "change",
    [
        # Past the model's refusals, by Django's plain manager: the database refuses.
        lambda pk: AccessEvent._base_manager.filter(pk=pk).update(child_id="P000001"),
        lambda pk: AccessEvent._base_manager.filter(pk=pk).delete(),
        # Raw SQL.
        lambda pk: _execute("UPDATE audit_accessevent SET child_id = 'P000001' WHERE id = %s", [pk]),
        lambda pk: _execute("DELETE FROM audit_accessevent WHERE id = %s", [pk]),
        lambda pk: _execute("DELETE FROM audit_accessevent", []),
    ],
    ids=["manager-update", "manager-delete", "sql-update", "sql-delete", "sql-delete-all"],
)
def test_the_database_refuses(change, event: AccessEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        change(event.pk)
    assert_unchanged(event)


def _execute(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_truncate(event: AccessEvent) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE (its DELETE is refused above)")
    # The row's foreign-key check is deferred to the end of the test's transaction: run it now, or
    # PostgreSQL refuses the TRUNCATE for that before the trigger can.
    _execute("SET CONSTRAINTS ALL IMMEDIATE", [])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _execute("TRUNCATE audit_accessevent CASCADE", [])
    assert_unchanged(event)


def test_a_person_with_logged_actions_cannot_be_deleted(event: AccessEvent) -> None:
    with pytest.raises(ProtectedError):
        event.user.delete()
    assert_unchanged(event)


def test_new_rows_are_still_written(event: AccessEvent) -> None:
    AccessEvent.objects.create(user=event.user, username="x", role="dpo", action=Action.EXPORT_ACCESS_LOG)
    assert AccessEvent.objects.count() == 2


# --- The admin site ---------------------------------------------------------------------------------


@pytest.mark.parametrize("superuser", [False, True], ids=["administrator", "superuser"])
def test_the_admin_site_offers_no_way_to_change_the_log(
    superuser: bool, event: AccessEvent, make_user: Callable[..., User]
) -> None:
    administrator = make_user("administrator")
    if superuser:
        User.objects.filter(pk=administrator.pk).update(is_superuser=True)
    client = Client()
    client.force_login(administrator)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert b"accessevent" not in index.content.lower()

    changelist = reverse("admin:audit_accessevent_changelist")
    change = reverse("admin:audit_accessevent_change", args=[event.pk])
    delete = reverse("admin:audit_accessevent_delete", args=[event.pk])
    for url in (
        changelist,
        reverse("admin:audit_accessevent_add"),
        change,
        delete,
        reverse("admin:audit_accessevent_history", args=[event.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"P000042" not in response.content, url

    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.post(change, {"child_id": "P000001"}).status_code == 403
    bulk = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert bulk.status_code == 403
    assert client.post(reverse("admin:audit_accessevent_add"), {"child_id": "P000001"}).status_code == 403
    assert_unchanged(event)


def test_the_admin_site_cannot_delete_a_person_with_logged_actions(
    event: AccessEvent, make_user: Callable[..., User]
) -> None:
    administrator = make_user("administrator")
    client = Client()
    client.force_login(administrator)
    delete = reverse("admin:auth_user_delete", args=[event.user.pk])
    response = client.post(delete, {"post": "yes"})
    assert response.status_code in (200, 403)  # the page saying why not, or a refusal
    assert b"P000042" not in response.content  # nor does it show the rows in the way
    assert User.objects.filter(pk=event.user.pk).exists()
    assert_unchanged(event)


# --- The data protection officer's search and export ------------------------------------------------


def _at(day: str, time: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.fromisoformat(time), LONDON)


@pytest.fixture
def logged(make_user: Callable[..., User]) -> dict[str, AccessEvent]:
    """Five rows: two people, three children, every action but the log's export, across a month's
    boundary in London time (midnight on 1 April 2026 is 23:00 UTC on 31 March)."""
    alice = make_user("team_manager", username="Alice")
    bob = make_user("analyst", username="bob")

    def row(user: User, action: Action, at: dt.datetime, child_id: str = "", **more: object) -> AccessEvent:
        return AccessEvent.objects.create(
            user=user,
            username=user.username,
            role=user.profile.role,
            action=action,
            child_id=child_id,
            at=at,
            ip_address="203.0.113.5",
            **more,
        )

    return {
        "alice-early": row(alice, Action.VIEW_CHILD, _at("2026-03-30", "09:00"), "P000101"),
        "alice-late": row(alice, Action.VIEW_CHILD, _at("2026-03-31", "23:30"), "P000102"),
        "bob-list": row(
            bob,
            Action.VIEW_EXCEPTIONS,
            _at("2026-04-01", "00:30"),
            subject="exception list",
            rows=12,
            filters={"severity": "critical"},
        ),
        "bob-child": row(bob, Action.VIEW_CHILD, _at("2026-04-01", "10:15"), "P000101"),
        "bob-export": row(
            bob, Action.EXPORT_EXCEPTIONS, _at("2026-04-02", "16:45"), subject="exception list (csv)", rows=40
        ),
    }


SEARCHES = [
    ({}, ["bob-export", "bob-child", "bob-list", "alice-late", "alice-early"]),
    ({"username": "alice"}, ["alice-late", "alice-early"]),  # any case
    ({"username": " Bob "}, ["bob-export", "bob-child", "bob-list"]),
    ({"child_id": "P000101"}, ["bob-child", "alice-early"]),
    ({"action": "view_child"}, ["bob-child", "alice-late", "alice-early"]),
    ({"action": "view_exceptions"}, ["bob-list"]),
    ({"since": "2026-04-01"}, ["bob-export", "bob-child", "bob-list"]),  # from London's midnight
    ({"until": "2026-03-31"}, ["alice-late", "alice-early"]),  # to the end of that day
    ({"since": "2026-04-01", "until": "2026-04-01"}, ["bob-child", "bob-list"]),
    ({"username": "bob", "child_id": "P000101", "action": "view_child"}, ["bob-child"]),
    ({"child_id": "P999999"}, []),
    ({"since": "not a date"}, []),  # a form with errors finds nothing rather than everything
]


@pytest.mark.parametrize(("query", "expected"), SEARCHES, ids=[str(q) for q, _ in SEARCHES])
def test_the_dpo_searches_the_log(query, expected, logged, signed_in) -> None:
    client, _ = signed_in("dpo")
    before = event_ids()
    response = client.get(reverse("audit:log"), query)
    assert response.status_code == 200
    assert [e.pk for e in response.context["events"]] == [logged[name].pk for name in expected]
    assert response.context["total"] == len(expected)
    assert event_ids() == before  # searching is not itself an export
    body = response.content.decode()
    for name in expected:
        assert logged[name].username in body


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_dpo_exports_a_search(fmt: str, logged, signed_in) -> None:
    client, dpo = signed_in("dpo")
    query = {"username": "bob", "since": "2026-04-01"}
    response = client.get(reverse("audit:export", args=[fmt]), query)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="access-log-')
    rows = csv_rows(response.content) if fmt == "csv" else xlsx_rows(response.content, "Access log")
    expected = [logged[name] for name in ("bob-export", "bob-child", "bob-list")]
    assert [row["username"] for row in rows] == ["bob"] * 3
    assert [row["action"] for row in rows] == [e.action for e in expected]
    assert [row["child_id"] or "" for row in rows] == ["", "P000101", ""]
    assert [row["ip_address"] for row in rows] == ["203.0.113.5"] * 3
    # When, in London time, to the second.
    assert [str(row["at"]).replace("T", " ")[:19] for row in rows] == [
        "2026-04-02 16:45:00",
        "2026-04-01 10:15:00",
        "2026-04-01 00:30:00",
    ]
    assert '"severity"' in str(rows[2]["filters"])
    assert str(rows[0]["rows"]).removesuffix(".0") == "40"

    export = AccessEvent.objects.get(action=Action.EXPORT_ACCESS_LOG)
    assert export.user == dpo and export.rows == 3
    assert export.filters == {"username": "bob", "since": "2026-04-01"}
    # The next search finds the export itself.
    again = client.get(reverse("audit:log"), {"action": "export_access_log"})
    assert [e.pk for e in again.context["events"]] == [export.pk]


def test_only_the_dpo_reads_the_log(logged, signed_in) -> None:
    for role in ("administrator", "analyst", "senior_leader", "team_manager", "board_member"):
        client, _ = signed_in(role)
        for url in (reverse("audit:log"), reverse("audit:export", args=["csv"])):
            response = client.get(url)
            assert response.status_code == 403, (role, url)
            assert b"P000101" not in response.content
    assert not AccessEvent.objects.filter(action=Action.EXPORT_ACCESS_LOG).exists()


def test_an_unknown_export_format_is_not_found(signed_in) -> None:
    client, _ = signed_in("dpo")
    assert client.get(reverse("audit:export", args=["json"])).status_code == 404
    assert not AccessEvent.objects.exists()
