"""Fixtures for the sign-in, second-factor, session, header and single-sign-on tests: signing in through
the real form (CSRF checked), the current code of an authenticator app, and the settings as a fresh
process computes them from its environment."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

SECRET = "a long enough password for tests"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(scope="session")
def secret_hash() -> str:
    """`SECRET` hashed once (Argon2 is slow on purpose)."""
    return make_password(SECRET)


@pytest.fixture
def person(make_user: Callable[..., User], secret_hash: str) -> Callable[..., User]:
    """person(role, otp_exempt=True, username=None): a new person whose password is `SECRET`."""

    def make(role: str, *, otp_exempt: bool = True, username: str | None = None) -> User:
        user = make_user(role, otp_exempt=otp_exempt, username=username)
        user.password = secret_hash
        user.save(update_fields=["password"])
        return user

    return make


def _csrf_token(client: Client, path: str) -> str:
    """The CSRF token of the form on this page."""
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    found = CSRF.search(page.content.decode())
    assert found, f"{path} has no CSRF token"
    return found.group(1)


@pytest.fixture
def csrf_token() -> Callable[[Client, str], str]:
    """csrf_token(client, path): the CSRF token of the form on that page."""
    return _csrf_token


@pytest.fixture
def sign_in() -> Callable[..., HttpResponse]:
    """sign_in(client, username, password=SECRET, next_url=None): post the sign-in form as a browser
    does (get the page and its token, then post it); the response."""

    def post(client: Client, username: str, password: str = SECRET, *, next_url: str | None = None):
        path = "/account/sign-in/" + (f"?next={quote(next_url, safe='/')}" if next_url is not None else "")
        data = {"csrfmiddlewaretoken": _csrf_token(client, path), "username": username, "password": password}
        if next_url is not None:
            data["next"] = next_url
        return client.post(path, data)

    return post


@pytest.fixture
def browser() -> Client:
    """A test client that checks CSRF tokens, as a browser's requests are checked."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def code_for() -> Callable[..., str]:
    """code_for(device, steps_ahead=0): the code the authenticator app shows now (or that many
    30-second steps later)."""

    def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
        device.refresh_from_db()
        value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead)
        return str(value).zfill(device.digits)

    return code


def clean_environment(extra: dict[str, str | None]) -> dict[str, str]:
    """This process's environment without any of the app's own settings, plus `extra` (None: unset)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("CLEARSIGHT_", "OIDC_", "DJANGO_")) and name != "DATABASE_URL"
    }
    env.update({name: value for name, value in extra.items() if value is not None})
    return env


@pytest.fixture
def python_with(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """python_with(env, script): run a Python script in a new process with this environment (and none
    of this one's app settings); the data root is a temporary folder unless `env` gives one (None:
    unset)."""

    def run(env: dict[str, str | None], script: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", script, *args],
            env=clean_environment({"CLEARSIGHT_DATA": str(tmp_path / "data"), **env}),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run


SETTINGS = """
import json, sys
import clearsight.web.settings as s
print(json.dumps({n: getattr(s, n, None) for n in sys.argv[1:]}, default=str))
"""


@pytest.fixture
def settings_from(python_with: Callable[..., subprocess.CompletedProcess[str]]) -> Callable[..., object]:
    """settings_from(env, names): the named settings as a new process computes them from this
    environment (a dict), or the failed process when importing the settings fails."""

    def compute(env: dict[str, str | None], names: list[str]) -> dict | subprocess.CompletedProcess[str]:
        done = python_with(env, SETTINGS, *names)
        return json.loads(done.stdout) if done.returncode == 0 else done

    return compute
