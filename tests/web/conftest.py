"""Fixtures for the web tests: a small synthetic council published once per session, and a signed-in
person for each role (team managers and heads of service scoped to that council's teams).

The tests run on SQLite by default and on PostgreSQL when `DATABASE_URL` names one (`make test` does
both).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from clearsight import pipeline
from clearsight.warehouse import Snapshot
from clearsight.warehouse.teams import Team, teams
from clearsight.web.accounts.models import Profile
from clearsight.web.accounts.roles import Role
from clearsight.web.snapshots import exceptions

PASSWORD = "correct horse battery staple"
CLEARSIGHT = str(Path(sys.executable).with_name("clearsight"))  # the installed command


def _run_clearsight(
    *args: object, env: Mapping[str, str | None] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in {**os.environ, **(env or {})}.items() if value is not None}
    return subprocess.run(
        [CLEARSIGHT, *(str(arg) for arg in args)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def clearsight() -> Callable[..., subprocess.CompletedProcess[str]]:
    """clearsight(*args, env=None, timeout=300): run the installed `clearsight` command in its own
    process; `env` replaces variables of this one's (None removes one)."""
    return _run_clearsight


@pytest.fixture(scope="session")
def council_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data root holding the small synthetic council's snapshot, with its indicators."""
    root = tmp_path_factory.mktemp("web-data")
    pipeline.demo(root, scale="small", limit_mb=200)
    return root


@pytest.fixture(scope="session")
def council(council_root: Path) -> Snapshot:
    from clearsight.warehouse import latest_snapshot

    return latest_snapshot(council_root)


@pytest.fixture(autouse=True)
def _serve_council(settings, council_root: Path) -> None:
    """Every web test reads the small council (and a test may change settings freely)."""
    settings.CLEARSIGHT_DATA = council_root
    settings.CLEARSIGHT_LA = None


@pytest.fixture(scope="session")
def two_teams(council: Snapshot) -> tuple[Team, Team]:
    """Two teams, in different service areas, that both have children on exception lists: 'own' and
    'other' for the scope tests."""
    named = set(exceptions(council)["team"].drop_null().to_pylist())
    chosen: list[Team] = []
    for team in teams(council):
        if (
            team.name in named
            and team.service_area_id
            and all(team.service_area_id != c.service_area_id for c in chosen)
        ):
            chosen.append(team)
        if len(chosen) == 2:
            return chosen[0], chosen[1]
    raise AssertionError("the small council has no two teams in different service areas with exceptions")


@pytest.fixture
def make_user(db, two_teams: tuple[Team, Team]) -> Callable[..., User]:
    """make_user(role, own=True): a person with that role, scoped to the first team (or its service
    area) when `own`, else to the second; exempt from the second factor unless `otp_exempt=False`."""

    def make(
        role: Role | str, *, own: bool = True, otp_exempt: bool = True, username: str | None = None
    ) -> User:
        role = Role(role)
        team = two_teams[0] if own else two_teams[1]
        user = User.objects.create_user(
            username or f"{role.value}-{'own' if own else 'other'}",
            password=PASSWORD,
            is_staff=role == Role.ADMINISTRATOR,
        )
        Profile.objects.create(
            user=user,
            role=role.value,
            teams=[team.id] if role == Role.TEAM_MANAGER else [],
            service_areas=[team.service_area_id] if role == Role.HEAD_OF_SERVICE else [],
            otp_exempt=otp_exempt,
        )
        return user

    return make


@pytest.fixture
def client_as(make_user: Callable[..., User]) -> Callable[..., Client]:
    """client_as(role, own=True): a test client signed in as a new person with that role."""

    def signed_in(role: Role | str, **kwargs: object) -> Client:
        client = Client()
        client.force_login(make_user(role, **kwargs))  # signs in as Django's login() does, signals and all
        return client

    return signed_in
