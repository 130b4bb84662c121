"""Session time-outs: an idle limit (the session's age, renewed by every request) and an absolute limit
from signing in, however active the person is."""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from clearsight.web.accounts.roles import Role
from clearsight.web.accounts.signals import SIGNED_IN_AT

SIGN_IN = "/account/sign-in/"
TIMED_OUT = b"your session reached its time limit"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def stored(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_the_idle_limit_is_the_sessions_age_renewed_by_every_request():
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_SECONDS
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_every_request_pushes_the_idle_limit_back(person):
    client = signed_in(person(Role.BOARD_MEMBER))
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(seconds=5)
    )
    before = timezone.now()
    assert client.get("/").status_code == 200
    expires = stored(client).expire_date
    assert expires >= before + timedelta(seconds=settings.SESSION_COOKIE_AGE - 5)


def test_a_session_idle_past_the_limit_is_signed_out(person):
    client = signed_in(person(Role.BOARD_MEMBER))
    assert client.get("/").status_code == 200
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


def test_the_idle_limit_is_a_setting(settings, person):
    settings.SESSION_COOKIE_AGE = 60
    client = signed_in(person(Role.BOARD_MEMBER))
    before = timezone.now()
    client.get("/")
    expires = stored(client).expire_date
    assert before + timedelta(seconds=55) <= expires <= timezone.now() + timedelta(seconds=61)


def set_signed_in_at(client: Client, when: float) -> None:
    session = client.session
    session[SIGNED_IN_AT] = when
    session.save()


def test_signing_in_records_the_time(person):
    before = time.time()
    client = signed_in(person(Role.BOARD_MEMBER))
    assert before <= client.session[SIGNED_IN_AT] <= time.time()


def test_a_session_past_the_absolute_limit_is_signed_out_and_told_why(person):
    client = signed_in(person(Role.ANALYST))
    set_signed_in_at(client, time.time() - settings.SESSION_MAX_SECONDS + 60)
    assert client.get("/").status_code == 200  # active, within the limit

    set_signed_in_at(client, time.time() - settings.SESSION_MAX_SECONDS - 1)
    response = client.get("/exceptions/")
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert TIMED_OUT in page.content
    assert TIMED_OUT not in client.get(SIGN_IN).content  # said once
    assert client.get("/").status_code == 302


def test_the_absolute_limit_is_a_setting(settings, person):
    settings.SESSION_MAX_SECONDS = 60
    client = signed_in(person(Role.BOARD_MEMBER))
    set_signed_in_at(client, time.time() - 30)
    assert client.get("/").status_code == 200
    set_signed_in_at(client, time.time() - 61)
    assert client.get("/").status_code == 302


def test_a_session_without_a_sign_in_time_is_signed_out(person):
    client = signed_in(person(Role.BOARD_MEMBER))
    session = client.session
    del session[SIGNED_IN_AT]
    session.save()
    assert client.get("/").status_code == 302


def test_an_anonymous_visitor_is_not_told_of_a_time_limit(db):
    page = Client().get(SIGN_IN)
    assert page.status_code == 200
    assert TIMED_OUT not in page.content


def test_the_limits_come_from_the_environment(settings_from):
    names = ["SESSION_COOKIE_AGE", "SESSION_MAX_SECONDS", "SESSION_SAVE_EVERY_REQUEST"]
    assert settings_from({}, names) == {  # half an hour idle, ten hours in all
        "SESSION_COOKIE_AGE": 1800,
        "SESSION_MAX_SECONDS": 36000,
        "SESSION_SAVE_EVERY_REQUEST": True,
    }
    values = settings_from(
        {"CLEARSIGHT_SESSION_IDLE_SECONDS": "600", "CLEARSIGHT_SESSION_MAX_SECONDS": "7200"},
        names,
    )
    assert values == {
        "SESSION_COOKIE_AGE": 600,
        "SESSION_MAX_SECONDS": 7200,
        "SESSION_SAVE_EVERY_REQUEST": True,
    }
    refused = settings_from({"CLEARSIGHT_SESSION_IDLE_SECONDS": "half an hour"}, ["SESSION_COOKIE_AGE"])
    assert not isinstance(refused, dict)
    assert "ImproperlyConfigured" in refused.stderr
    assert "CLEARSIGHT_SESSION_IDLE_SECONDS must be a whole number of seconds" in refused.stderr
    refused = settings_from({"CLEARSIGHT_SESSION_MAX_SECONDS": "0"}, ["SESSION_MAX_SECONDS"])
    assert not isinstance(refused, dict)
    assert "CLEARSIGHT_SESSION_MAX_SECONDS must be at least 1" in refused.stderr
