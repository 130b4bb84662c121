"""Deny by default (issue 5): every view declares who may use it, and the route × role matrix.

Two parts:

- The URL walk: every view in the live URL configuration carries an `access` mark, except the admin
  site's, which the `AdministratorsSite` guards (checked separately, and by request); public pages are
  an explicit allow-list.
- The matrix: an EXPECTED table, written out by hand (never read from the decorators), of what every
  person gets from every URL: each role, own team's child and another team's, and anonymous. A denial
  is a 403 (a redirect to sign in when anonymous, or the admin site's own sign-in for its pages) whose
  body names no child; an allowed child-level page writes an access-log row saying who, what, and from
  where.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.admin import AdminSite
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, resolve, reverse

from clearsight.warehouse import Snapshot, read_parquet
from clearsight.warehouse.teams import Team, teams
from clearsight.web import snapshots
from clearsight.web.access import access_of, allow, public, signed_in
from clearsight.web.accounts.admin import site as administrators_site
from clearsight.web.accounts.models import Profile
from clearsight.web.accounts.roles import Role, Scope
from clearsight.web.audit.models import AccessEvent, Action
from clearsight.web.dashboard import child as child_page
from clearsight.web.dataops.models import Upload

IP = "192.0.2.10"  # a documentation address, so that the log's "from where" is the request's own

# --- The URL walk ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern of the live configuration: its whole route, name (namespaced) and view."""

    route: str
    name: str | None
    view: Callable[..., Any]
    in_admin_site: bool

    def __str__(self) -> str:
        view = getattr(self.view, "__qualname__", repr(self.view))
        return f"/{self.route} (name {self.name or '-'}, view {getattr(self.view, '__module__', '?')}.{view})"


def walk(
    resolver: URLResolver, prefix: str = "", namespace: str = "", in_admin_site: bool = False
) -> Iterator[Route]:
    """Every pattern under `resolver`, through every include."""
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from walk(entry, route, inner, in_admin_site or entry.app_name == "admin")
        else:
            assert isinstance(entry, URLPattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(route, name, entry.callback, in_admin_site)


def live_routes() -> list[Route]:
    return list(walk(get_resolver()))


# The pages anyone may use without signing in: a short list, each a deliberate choice.
PUBLIC = {"accounts:login", "health"}
# The admin site's sign-in form: Django's own, not behind the site's guard (it is where the guard sends
# people); every other admin view is.
ADMIN_SIGN_IN_FORM = {"admin:login"}


def unmarked(routes: list[Route]) -> list[str]:
    """The problems with these routes: a view outside the admin site without an access mark, a public
    view not on the allow-list (or the reverse), or a view let past sign-in without being public."""
    problems = []
    for route in routes:
        if route.in_admin_site:
            continue
        access = access_of(route.view)
        if access is None:
            problems.append(f"{route}: no access mark (use allow, signed_in or public)")
            continue
        if access.public != (route.name in PUBLIC):
            problems.append(f"{route}: public is {access.public}, but the allow-list says otherwise")
        if not access.public and getattr(route.view, "login_required", True) is False:
            problems.append(f"{route}: lets anonymous people past sign-in but is not marked public")
        if access.public and getattr(route.view, "login_required", True) is not False:
            problems.append(f"{route}: marked public, but sign-in is still required")
        if not access.public and not access.roles:
            problems.append(f"{route}: allows no role")
    return problems


def guarding_site(view: Callable[..., Any]) -> AdminSite | None:
    """The admin site whose `has_permission` runs before this view, if any: its `get_urls` (and its
    model admins') wrap each view to call `admin_view` on every request; a view passed to `admin_view`
    directly (the user admin's password form) is found by the `inner` function it closes over."""
    for site in (
        getattr(view, "admin_site", None),
        getattr(getattr(view, "model_admin", None), "admin_site", None),
    ):
        if isinstance(site, AdminSite):
            return site
    seen: set[int] = set()
    todo: list[Any] = [view]
    while todo:
        function = todo.pop()
        if id(function) in seen or not callable(function):
            continue
        seen.add(id(function))
        code = getattr(function, "__code__", None)
        closure = getattr(function, "__closure__", None) or ()
        if code is not None and code.co_qualname == "AdminSite.admin_view.<locals>.inner":
            cells = dict(zip(code.co_freevars, (cell.cell_contents for cell in closure), strict=True))
            return cells["self"]
        for cell in closure:
            with suppress(ValueError):  # a cell not yet filled
                todo.append(cell.cell_contents)
        if hasattr(function, "__wrapped__"):
            todo.append(function.__wrapped__)
    return None


def test_the_walk_finds_the_known_views() -> None:
    """The walk cannot pass by finding nothing: it finds the app's views, through every include, and
    the admin site's."""
    routes = {route.name: route for route in live_routes()}
    assert routes["dashboard:child"].route == "children/<str:child_id>/"
    assert routes["dashboard:child"].view.__wrapped__ is child_page.child.__wrapped__
    assert routes["dashboard:exceptions-export"].route == "exceptions/export.<str:fmt>"
    assert routes["audit:export"].route == "access-log/export.<str:fmt>"
    assert routes["accounts:login"].route == "account/sign-in/"
    assert routes["health"].route == "healthz"
    assert routes["admin:index"].in_admin_site and routes["admin:audit_accessevent_delete"].in_admin_site
    assert not routes["dashboard:home"].in_admin_site
    assert len(routes) > 30


def test_every_view_declares_who_may_use_it(settings) -> None:
    problems = unmarked(live_routes())
    assert not problems, "\n".join(problems)
    # What makes a mark without `public` mean "signed in first".
    assert "django.contrib.auth.middleware.LoginRequiredMiddleware" in settings.MIDDLEWARE


def test_the_check_catches_an_unmarked_view() -> None:
    def forgotten(request: Any) -> HttpResponse:
        return HttpResponse("child P000001")

    @public
    def open_door(request: Any) -> HttpResponse:
        return HttpResponse()

    @signed_in
    def fine(request: Any) -> HttpResponse:
        return HttpResponse()

    fake = URLResolver(
        get_resolver().pattern,
        [
            path("forgotten/", forgotten, name="forgotten"),
            path("open/", open_door, name="open"),
            path("fine/", fine, name="fine"),
            path("scoped/", allow({Role.ANALYST})(forgotten), name="scoped"),
        ],
    )
    problems = unmarked(list(walk(fake)))
    assert len(problems) == 2
    assert problems[0].startswith("/forgotten/ (name forgotten, view ")
    assert "test_the_check_catches_an_unmarked_view.<locals>.forgotten" in problems[0]
    assert "no access mark" in problems[0]
    assert "open/" in problems[1] and "allow-list" in problems[1]
    with pytest.raises(ValueError, match="at least one role"):
        allow(set())


def test_public_pages_are_the_allow_list_and_nothing_else() -> None:
    marked = {r.name for r in live_routes() if not r.in_admin_site and (a := access_of(r.view)) and a.public}
    assert marked == PUBLIC


def test_the_admin_site_guards_every_view_of_its_own() -> None:
    """Each admin view but its sign-in form passes through the AdministratorsSite's `has_permission`
    (administrators only); no other admin site (Django's default one, say) is mounted."""
    admin_routes = [route for route in live_routes() if route.in_admin_site]
    assert len(admin_routes) > 20
    unguarded = []
    for route in admin_routes:
        if route.name in ADMIN_SIGN_IN_FORM:
            assert getattr(route.view, "__self__", None) is administrators_site, route
            continue
        if guarding_site(route.view) is not administrators_site:
            unguarded.append(str(route))
    assert not unguarded, "admin views not behind the AdministratorsSite:\n" + "\n".join(unguarded)
    assert type(administrators_site).has_permission is not AdminSite.has_permission


# --- The matrix -----------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
# Written out by hand: a new role must be added to every entry below (test_the_table_knows_every_role).
EVERY_ROLE = frozenset(
    {
        "administrator",
        "analyst",
        "senior_leader",
        "head_of_service",
        "team_manager",
        "qa_lead",
        "dpo",
        "board_member",
        "elected_member",
    }
)
SEE_EVERY_CHILD = frozenset({"analyst", "senior_leader", "qa_lead"})
SEE_CHILDREN = SEE_EVERY_CHILD | {"head_of_service", "team_manager"}
PEOPLE = (*sorted(EVERY_ROLE), ANONYMOUS)

# What a request gets.
OK = "200"
DENIED = "403"
NOT_FOUND = "404"
NOT_ALLOWED = "405"
SIGN_IN = "redirect to sign in"
ADMIN_SIGN_IN = "redirect to the admin site's sign-in"
TO_HOME = "redirect to the home page"
TO_ADMIN = "redirect to the admin site's index"


def outcomes(
    allowed: frozenset[str] | set[str],
    *,
    ok: str = OK,
    others: str = DENIED,
    anonymous: str = SIGN_IN,
) -> dict[str, str]:
    """Each person's outcome: `ok` for the roles `allowed`, `others` for the other roles, `anonymous`
    for nobody signed in."""
    table = {role: ok if role in allowed else others for role in EVERY_ROLE}
    table[ANONYMOUS] = anonymous
    return table


def admin_only(administrator: str = OK, anonymous: str = ADMIN_SIGN_IN) -> dict[str, str]:
    """An admin page: what the administrator gets, and the guard's redirect to the admin site's sign-in
    for every other role (Django's admin does not 403 a signed-in person without permission: it offers
    its sign-in form, for another account)."""
    return outcomes({"administrator"}, ok=administrator, others=ADMIN_SIGN_IN, anonymous=anonymous)


@dataclass(frozen=True)
class Case:
    """One URL (by name), with which sample arguments and query, and what each person gets."""

    url: str
    expected: Mapping[str, str]
    args: str = ""  # a key of ARGUMENTS
    query: str = ""
    children: bool = False  # shows child-level data when allowed (so it is logged)
    logged: Action | None = None  # the access-log action an allowed request writes
    filters: Mapping[str, object] = field(default_factory=dict)  # the filters that log entry records

    @property
    def id(self) -> str:
        return f"{self.url}[{self.args}]" if self.args else self.url


EXPECTED: tuple[Case, ...] = (
    # The dashboard.
    Case("dashboard:home", outcomes(EVERY_ROLE)),
    Case(
        "dashboard:exceptions",
        outcomes(SEE_CHILDREN),
        query="severity=critical",
        children=True,
        logged=Action.VIEW_EXCEPTIONS,
        filters={"severity": "critical"},
    ),
    Case(
        "dashboard:exceptions-export",
        outcomes(SEE_CHILDREN),
        args="csv",
        query="severity=critical",
        children=True,
        logged=Action.EXPORT_EXCEPTIONS,
        filters={"severity": "critical"},
    ),
    Case(
        "dashboard:exceptions-export",
        outcomes(SEE_CHILDREN),
        args="xlsx",
        children=True,
        logged=Action.EXPORT_EXCEPTIONS,
    ),
    Case(
        "dashboard:child", outcomes(SEE_CHILDREN), args="own child", children=True, logged=Action.VIEW_CHILD
    ),
    Case(
        "dashboard:child",
        outcomes(SEE_EVERY_CHILD),
        args="other team's child",
        children=True,
        logged=Action.VIEW_CHILD,
    ),
    # The overview's pages: an indicator's figures (aggregates), and Leaders must know (child-level).
    Case("dashboard:indicator", outcomes(SEE_CHILDREN | {"board_member"}), args="an indicator"),
    Case(
        "dashboard:critical",
        outcomes(SEE_CHILDREN),
        children=True,
        logged=Action.VIEW_EXCEPTIONS,
        filters={"severity": "critical"},
    ),
    # Acknowledging is a form's POST: a GET is refused as such (405) before anything else.
    Case(
        "dashboard:acknowledge",
        outcomes(EVERY_ROLE, ok=NOT_ALLOWED),
        children=True,
        logged=Action.ACKNOWLEDGE,
    ),
    # A child nobody has heard of: the same refusal as another team's child, so nothing is learnt.
    Case(
        "dashboard:child",
        outcomes(SEE_EVERY_CHILD),
        args="unknown child",
        children=True,
        logged=Action.VIEW_CHILD,
    ),
    # Team pages: the teams in scope with counts only; one team's children (in scope; any other team, or
    # none, refused alike).
    Case("dashboard:teams", outcomes(SEE_CHILDREN)),
    Case("dashboard:team", outcomes(SEE_CHILDREN), args="own team", children=True, logged=Action.VIEW_TEAM),
    Case(
        "dashboard:team",
        outcomes(SEE_EVERY_CHILD),
        args="other team's team",
        children=True,
        logged=Action.VIEW_TEAM,
    ),
    Case("dashboard:team", outcomes(set()), args="unknown team", children=True, logged=Action.VIEW_TEAM),
    # The Members' view: aggregates with small numbers suppressed, for every role; nothing child-level.
    Case("dashboard:members", outcomes(EVERY_ROLE)),
    Case("dashboard:members-indicator", outcomes(EVERY_ROLE), args="an indicator"),
    # Signing in and out, and the second factor (these people are exempt from it, so it sends them home).
    Case("accounts:login", outcomes(EVERY_ROLE, ok=TO_HOME, anonymous=OK)),
    Case("accounts:logout", outcomes(EVERY_ROLE)),
    Case("accounts:two-factor", outcomes(EVERY_ROLE, ok=TO_HOME)),
    # The data page (dataops): the analysts'. An upload's data-quality report names children.
    Case("dataops:index", outcomes({"analyst"})),
    Case("dataops:snapshot", outcomes({"analyst"}), args="a snapshot"),
    Case("dataops:upload", outcomes({"analyst"})),
    Case(
        "dataops:upload-detail",
        outcomes({"analyst"}),
        args="an upload",
        children=True,
        logged=Action.VIEW_DATA_QUALITY,
    ),
    Case(
        "dataops:upload-report",
        outcomes({"analyst"}),
        args="an upload",
        children=True,
        logged=Action.VIEW_DATA_QUALITY,
    ),
    # The access log: the data protection officer's.
    Case("audit:log", outcomes({"dpo"})),
    Case("audit:export", outcomes({"dpo"}), args="csv", logged=Action.EXPORT_ACCESS_LOG),
    Case("audit:export", outcomes({"dpo"}), args="xlsx", logged=Action.EXPORT_ACCESS_LOG),
    Case("health", outcomes(EVERY_ROLE, anonymous=OK)),
    # The admin site: the administrator's. Its site-wide pages send anonymous people to its own sign-in
    # form (they carry a `login_url`, which LoginRequiredMiddleware follows); its model pages, which
    # do not, to the app's.
    Case("admin:index", admin_only()),
    Case(
        "admin:login",
        outcomes({"administrator"}, ok=TO_ADMIN, others=OK, anonymous=OK),  # the form, for anyone else
    ),
    # GET does not sign out (405); the guard sends anyone else to the index, which sends them to sign in.
    Case(
        "admin:logout",
        outcomes({"administrator"}, ok=NOT_ALLOWED, others=TO_ADMIN, anonymous=ADMIN_SIGN_IN),
    ),
    Case("admin:password_change", admin_only()),
    Case("admin:password_change_done", admin_only()),
    Case("admin:autocomplete", admin_only(DENIED)),  # without a field to complete
    Case("admin:jsi18n", admin_only()),
    Case("admin:view_on_site", admin_only(NOT_FOUND), args="a user on site"),  # users have no page
    Case("admin:app_list", admin_only(), args="auth"),
    Case("admin:app_list", admin_only(NOT_FOUND), args="audit"),  # nothing of the log is listed
    Case("admin:auth_user_changelist", admin_only(anonymous=SIGN_IN)),
    Case("admin:auth_user_add", admin_only(anonymous=SIGN_IN)),
    Case("admin:auth_user_change", admin_only(anonymous=SIGN_IN), args="a user"),
    Case("admin:auth_user_history", admin_only(anonymous=SIGN_IN), args="a user"),
    Case("admin:auth_user_delete", admin_only(anonymous=SIGN_IN), args="a user"),
    Case("admin:auth_user_password_change", admin_only(anonymous=SIGN_IN), args="a user's password"),
    Case("admin:auth_group_changelist", admin_only(anonymous=SIGN_IN)),
    Case("admin:auth_group_add", admin_only(anonymous=SIGN_IN)),
    Case("admin:auth_group_change", admin_only(anonymous=SIGN_IN), args="a group"),
    Case("admin:auth_group_history", admin_only(anonymous=SIGN_IN), args="a group"),
    Case("admin:auth_group_delete", admin_only(anonymous=SIGN_IN), args="a group"),
    # The access log in the admin site: refused even to the administrator.
    Case("admin:audit_accessevent_changelist", admin_only(DENIED, anonymous=SIGN_IN)),
    Case("admin:audit_accessevent_add", admin_only(DENIED, anonymous=SIGN_IN)),
    Case("admin:audit_accessevent_change", admin_only(DENIED, anonymous=SIGN_IN), args="an access event"),
    Case("admin:audit_accessevent_history", admin_only(DENIED, anonymous=SIGN_IN), args="an access event"),
    Case("admin:audit_accessevent_delete", admin_only(DENIED, anonymous=SIGN_IN), args="an access event"),
)


@dataclass(frozen=True)
class Children:
    """Sample children: one on the own team's exception list (and no other team's or service area's),
    one on the other team's, and every child id in the snapshot."""

    own: str
    other: str
    every: frozenset[str]


UNKNOWN_CHILD = "P999999"


def _only_in(snapshot: Snapshot, candidates: list[str], inside: Scope, outside: list[Scope]) -> str:
    for child_id in candidates:
        own = snapshots.child_exceptions(snapshot, child_id)
        if snapshots.covers_child(snapshot, inside, child_id, own) and not any(
            snapshots.covers_child(snapshot, scope, child_id, own) for scope in outside
        ):
            return child_id
    raise AssertionError(f"no child only in {inside}")


@pytest.fixture(scope="session")
def children(council: Snapshot, two_teams: tuple[Team, Team]) -> Children:
    own, other = two_teams
    exceptions = snapshots.exceptions(council)
    on_list = list(zip(exceptions["child_id"].to_pylist(), exceptions["team"].to_pylist(), strict=True))

    def of(team: Team) -> list[str]:
        return sorted({child for child, name in on_list if name == team.name and child})

    def scopes(team: Team) -> list[Scope]:
        return [Scope(teams=frozenset({team.id})), Scope(service_areas=frozenset({team.service_area_id}))]

    every = frozenset(
        read_parquet(council.file("ssd_person"), ["pers_person_id"])["pers_person_id"].to_pylist()
    )
    assert UNKNOWN_CHILD not in every
    return Children(
        own=_only_in(council, of(own), scopes(own)[0], scopes(other)),
        other=_only_in(council, of(other), scopes(other)[0], scopes(own)),
        every=every,
    )


@dataclass
class Samples:
    """The objects a URL's arguments name, made in the test's database when a case needs them."""

    children: Children
    teams: tuple[Team, Team]  # (own, other): the two_teams fixture's

    @cached_property
    def user(self) -> User:
        return User.objects.create_user("someone-else", password=None)

    @cached_property
    def group(self) -> Group:
        return Group.objects.create(name="Reviewers")

    @cached_property
    def event(self) -> AccessEvent:
        return AccessEvent.objects.create(
            user=self.user,
            username="someone-else",
            role="analyst",
            action=Action.VIEW_CHILD,
            child_id=self.children.own,
        )

    # The data page (dataops): an upload published as the council's snapshot (its report is the snapshot's).
    @cached_property
    def upload(self) -> Upload:
        snapshot = snapshots.current()
        return Upload.objects.create(
            uploaded_by=self.user,
            files=["extract.zip"],
            folder="published",
            la_code=snapshot.la_code,
            as_at=snapshot.as_at,
            status=Upload.Status.PUBLISHED,
            snapshot_id=snapshot.id,
        )


ARGUMENTS: dict[str, Callable[[Samples], dict[str, object]]] = {
    "": lambda s: {},
    "csv": lambda s: {"fmt": "csv"},
    "xlsx": lambda s: {"fmt": "xlsx"},
    "own child": lambda s: {"child_id": s.children.own},
    "other team's child": lambda s: {"child_id": s.children.other},
    "unknown child": lambda s: {"child_id": UNKNOWN_CHILD},
    "an indicator": lambda s: {"indicator_id": "cp_visit_timely"},
    "auth": lambda s: {"app_label": "auth"},
    "audit": lambda s: {"app_label": "audit"},
    "a user": lambda s: {"object_id": s.user.pk},
    "a user's password": lambda s: {"id": s.user.pk},
    "a user on site": lambda s: {
        "content_type_id": ContentType.objects.get_for_model(User).pk,
        "object_id": s.user.pk,
    },
    "a group": lambda s: {"object_id": s.group.pk},
    "an access event": lambda s: {"object_id": s.event.pk},
    # Team pages.
    "own team": lambda s: {"team_id": s.teams[0].id},
    "other team's team": lambda s: {"team_id": s.teams[1].id},
    "unknown team": lambda s: {"team_id": "D999999"},
    # The data page (dataops).
    "a snapshot": lambda s: {"snapshot_id": snapshots.current().id},
    "an upload": lambda s: {"upload_id": s.upload.pk},
}


@pytest.fixture(autouse=True)
def _quick_passwords(settings) -> None:
    """People are made for every case: a fast hasher in place of Argon2 (which takes a tenth of a
    second a password, on purpose)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_table_knows_every_role_and_every_named_url() -> None:
    assert {role.value for role in Role} == EVERY_ROLE
    for case in EXPECTED:
        assert set(case.expected) == set(PEOPLE), case.id
        assert case.args in ARGUMENTS, case.id
    named = {route.name for route in live_routes() if route.name}
    assert named == {case.url for case in EXPECTED}, "URLs with no entry in EXPECTED (or gone)"


def test_the_table_logs_every_child_level_view() -> None:
    """A view marked as showing child-level data appears in the table as such, with the action it logs
    (the matrix then checks the row is written)."""
    by_name = {route.name: route for route in live_routes()}
    for case in EXPECTED:
        access = None if by_name[case.url].in_admin_site else access_of(by_name[case.url].view)
        assert case.children == bool(access and access.children), case.id
        if case.children:
            assert case.logged is not None, case.id


def assert_outcome(response: HttpResponse, outcome: str, path: str) -> None:
    location = response.get("Location", "")
    got = f"{response.status_code} {location}".strip()
    if outcome in (OK, DENIED, NOT_FOUND, NOT_ALLOWED):
        assert response.status_code == int(outcome), got
    elif outcome == SIGN_IN:
        assert response.status_code == 302 and location.startswith(reverse("accounts:login") + "?next="), got
    elif outcome == ADMIN_SIGN_IN:
        assert response.status_code == 302, got
        assert location == f"{reverse('admin:login')}?next={quote(path, safe='/')}", got
    elif outcome == TO_HOME:
        assert response.status_code == 302 and location == reverse("dashboard:home"), got
    elif outcome == TO_ADMIN:
        assert response.status_code == 302 and location == reverse("admin:index"), got
    else:
        raise AssertionError(f"no such outcome {outcome!r}")


def named_children(response: HttpResponse, every: frozenset[str]) -> list[str]:
    body = response.content.decode("utf-8", errors="replace")
    return sorted(child for child in every if child in body)


@pytest.fixture(scope="module")
def client() -> Client:
    """One test client for the module, its cookies cleared for each person: a new client loads the
    middleware afresh, and WhiteNoise's then indexes every static file (a twentieth of a second)."""
    return Client(REMOTE_ADDR=IP, HTTP_USER_AGENT="matrix")


def sign_in(client: Client, make_user: Callable[..., User], person: str, **kwargs: Any) -> User | None:
    """Sign the client in as a new person with this role (scoped to the own team), or as nobody."""
    client.cookies.clear()
    if person == ANONYMOUS:
        return None
    user = make_user(person, **kwargs)
    client.force_login(user)
    return user


MATRIX = [pytest.param(case, person, id=f"{case.id}-{person}") for case in EXPECTED for person in PEOPLE]


@pytest.mark.parametrize(("case", "person"), MATRIX)
def test_route_by_role(
    case: Case,
    person: str,
    client: Client,
    make_user: Callable[..., User],
    children: Children,
    council: Snapshot,
    two_teams: tuple[Team, Team],
) -> None:
    samples = Samples(children, two_teams)
    kwargs = ARGUMENTS[case.args](samples)
    url = reverse(case.url, kwargs=kwargs or None)
    user = sign_in(client, make_user, person)
    before = set(AccessEvent.objects.values_list("pk", flat=True))

    response = client.get(f"{url}?{case.query}" if case.query else url)

    outcome = case.expected[person]
    assert_outcome(response, outcome, url)
    shows_children = outcome == OK and case.children
    if not shows_children:
        assert not named_children(response, children.every), f"{case.id} for {person} names a child"
    written = AccessEvent.objects.exclude(pk__in=before)
    if outcome != OK or case.logged is None:
        assert not written.exists(), f"{case.id} for {person} was logged, but shows nothing"
        return
    event = written.get()
    assert (event.user, event.username, event.role) == (user, user.get_username(), person)
    assert event.action == case.logged
    assert str(event.ip_address) == IP
    if case.children:
        assert event.child_id == kwargs.get("child_id", "")
        assert event.filters == case.filters
        assert event.snapshot == council.id
    if shows_children and "child_id" in kwargs and case.args != "unknown child":
        assert named_children(response, children.every) == [kwargs["child_id"]]


# --- Scope: what a team manager's and a head of service's lists hold -------------------------------


def _team_of_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("role", "teams_in_scope"),
    [
        ("team_manager", lambda own, every: {own.name}),
        (
            "head_of_service",
            lambda own, every: {team.name for team in every if team.service_area_id == own.service_area_id},
        ),
    ],
)
def test_a_scoped_list_holds_only_the_scope(
    role: str,
    teams_in_scope: Callable[[Team, list[Team]], set[str]],
    client: Client,
    make_user: Callable[..., User],
    council: Snapshot,
    two_teams: tuple[Team, Team],
    children: Children,
) -> None:
    own, other = two_teams
    names = teams_in_scope(own, teams(council))
    assert own.name in names and other.name not in names
    exceptions = snapshots.exceptions(council).to_pylist()
    expected = sorted(row["exception_key"] for row in exceptions if row["team"] in names)
    outside = {row["child_id"] for row in exceptions if row["team"] == other.name} - {
        row["child_id"] for row in exceptions if row["team"] in names
    }
    assert expected and outside

    sign_in(client, make_user, role)
    rows = _team_of_rows(client.get(reverse("dashboard:exceptions-export", args=["csv"])).content)
    assert sorted(row["exception_key"] for row in rows) == expected
    assert {row["team"] for row in rows} <= names

    page = client.get(reverse("dashboard:exceptions"))
    assert page.status_code == 200
    shown = set(named_children(page, children.every))
    assert shown and not shown & outside
    assert f"{len(expected)} row" in page.content.decode()

    assert children.own in shown and children.other not in shown
    assert client.get(reverse("dashboard:child", args=[children.other])).status_code == 403
    assert client.get(reverse("dashboard:child", args=[children.own])).status_code == 200


def test_a_whole_council_list_holds_every_row(
    client: Client, make_user: Callable[..., User], council: Snapshot
) -> None:
    sign_in(client, make_user, "analyst")
    rows = _team_of_rows(client.get(reverse("dashboard:exceptions-export", args=["csv"])).content)
    assert len(rows) == snapshots.exceptions(council).num_rows


def test_no_role_means_no_access(client: Client, db) -> None:
    """A signed-in person with no profile (no role) may sign out and nothing else."""
    user = User.objects.create_user("nobody", password=None, is_staff=True, is_superuser=True)
    client.cookies.clear()
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 200
    for name in ("dashboard:home", "dashboard:exceptions", "audit:log"):
        assert client.get(reverse(name)).status_code == 403, name
    index = client.get(reverse("admin:index"))
    assert index.status_code == 302 and index["Location"].startswith(reverse("admin:login"))


# --- The admin site, for every one of its patterns (named or not) -----------------------------------

SAMPLE_VALUES = {"object_id": "1", "id": "1", "content_type_id": "1", "app_label": "auth", "url": "anything/"}


def filled(route: str) -> str:
    """A URL for a route, its parameters filled with sample values (route and regular-expression
    patterns alike)."""
    url = re.sub(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)", lambda m: SAMPLE_VALUES[m[1]], route)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLE_VALUES[m[1]], url)
    return "/" + url.replace("^", "").replace("$", "")


@pytest.mark.parametrize("role", sorted(EVERY_ROLE - {"administrator"}))
def test_the_admin_site_sends_everyone_else_away(
    role: str, client: Client, make_user: Callable[..., User]
) -> None:
    """Every admin pattern refuses a person of any other role, even one made staff and superuser by
    mistake: the guard sends them to the admin's sign-in (its sign-out, to its index)."""
    user = sign_in(client, make_user, role)
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    checked = 0
    for route in live_routes():
        if not route.in_admin_site or route.name in ADMIN_SIGN_IN_FORM:
            continue
        url = filled(route.route)
        assert resolve(url).func is route.view, (url, route)
        response = client.get(url)
        expected = TO_ADMIN if route.name == "admin:logout" else ADMIN_SIGN_IN
        assert_outcome(response, expected, url)
        checked += 1
    assert checked > 20


def test_an_administrator_must_be_staff(client: Client, make_user: Callable[..., User]) -> None:
    user = sign_in(client, make_user, "administrator")
    User.objects.filter(pk=user.pk).update(is_staff=False)
    assert_outcome(client.get(reverse("admin:index")), ADMIN_SIGN_IN, reverse("admin:index"))
    assert Profile.objects.get(user=user).role == "administrator"
