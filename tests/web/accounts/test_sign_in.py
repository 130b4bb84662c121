"""Signing in and out: Argon2 password hashes, the form and its CSRF token, wrong passwords, the
lock-out after repeated failures, sign-out by POST only, and no redirect off the site after signing in."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import identify_hasher

from clearsight.web.accounts.roles import Role

HOME = "/"
SIGN_IN = "/account/sign-in/"
WRONG_PASSWORD = b"correct username and password"  # in the page's error summary


def signed_in_as(client) -> str | None:
    """The id of the user the client's session is signed in as, if any."""
    return client.session.get(SESSION_KEY)


def test_passwords_are_hashed_with_argon2(make_user):
    user = make_user(Role.ANALYST)  # as create_user hashes it
    assert user.password.startswith("argon2")
    user.set_password("another long enough password")
    assert user.password.startswith("argon2$argon2id$")
    assert identify_hasher(user.password).algorithm == "argon2"
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_signing_in_through_the_form_goes_to_the_home_page(browser, person, sign_in):
    user = person(Role.BOARD_MEMBER)
    response = sign_in(browser, user.username)
    assert response.status_code == 302
    assert response["Location"] == HOME
    assert signed_in_as(browser) == str(user.pk)
    assert browser.get(HOME).status_code == 200


def test_the_sign_in_form_carries_a_csrf_token_and_a_post_without_one_is_refused(browser, person):
    user = person(Role.BOARD_MEMBER)
    page = browser.get(SIGN_IN)
    assert page.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in page.content
    refused = browser.post(
        SIGN_IN, {"username": user.username, "password": "a long enough password for tests"}
    )
    assert refused.status_code == 403
    assert signed_in_as(browser) is None


def test_a_wrong_password_is_refused_with_an_error(browser, person, sign_in):
    user = person(Role.ANALYST)
    response = sign_in(browser, user.username, "not the password")
    assert response.status_code == 200
    assert WRONG_PASSWORD in response.content
    assert b"govuk-error-summary" in response.content
    assert signed_in_as(browser) is None


def test_an_unknown_username_gets_the_same_error(browser, db, sign_in):
    response = sign_in(browser, "nobody-here", "not the password")
    assert response.status_code == 200
    assert WRONG_PASSWORD in response.content


def test_after_too_many_failures_even_the_right_password_gets_the_lock_out_page(browser, person, sign_in):
    user = person(Role.ANALYST)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(browser, user.username, "not the password")
        assert response.status_code == 200
        assert WRONG_PASSWORD in response.content
    locked = sign_in(browser, user.username, "still not the password")  # the last failure allowed
    assert locked.status_code == 429
    response = sign_in(browser, user.username)  # the right password
    assert response.status_code == 429
    assert b"Too many sign-in attempts" in response.content
    assert signed_in_as(browser) is None


def test_the_lock_out_is_for_that_username_only(browser, person, sign_in):
    locked, other = person(Role.ANALYST), person(Role.BOARD_MEMBER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(browser, locked.username, "not the password")
    assert sign_in(browser, locked.username).status_code == 429
    response = sign_in(browser, other.username)
    assert response.status_code == 302
    assert signed_in_as(browser) == str(other.pk)


def test_a_success_before_the_limit_clears_the_failures(browser, person, sign_in):
    user = person(Role.BOARD_MEMBER)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(browser, user.username, "not the password")
    assert sign_in(browser, user.username).status_code == 302
    browser.post("/account/sign-out/", {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value})
    sign_in(browser, user.username, "not the password")
    assert sign_in(browser, user.username).status_code == 302


def test_signing_out_is_a_post_a_get_only_shows_the_button(browser, person, sign_in, csrf_token):
    user = person(Role.BOARD_MEMBER)
    sign_in(browser, user.username)
    page = browser.get("/account/sign-out/")
    assert page.status_code == 200
    assert b'<form method="post"' in page.content
    assert signed_in_as(browser) == str(user.pk)

    token = csrf_token(browser, "/account/sign-out/")
    assert browser.post("/account/sign-out/").status_code == 403  # no token: not signed out
    assert signed_in_as(browser) == str(user.pk)
    response = browser.post("/account/sign-out/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == SIGN_IN
    assert signed_in_as(browser) is None
    after = browser.get(HOME)
    assert after.status_code == 302
    assert after["Location"].startswith(SIGN_IN)


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/", "http://evil.example/exceptions/", "https:evil.example"],
)
def test_signing_in_never_redirects_off_the_site(browser, person, sign_in, next_url):
    user = person(Role.BOARD_MEMBER)
    response = sign_in(browser, user.username, next_url=next_url)
    assert response.status_code == 302
    assert response["Location"] == HOME
    assert signed_in_as(browser) == str(user.pk)


def test_signing_in_goes_on_to_a_page_of_the_site(browser, person, sign_in):
    user = person(Role.ANALYST)
    anonymous = browser.get("/exceptions/?severity=critical")
    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"{SIGN_IN}?next=/exceptions/%3Fseverity%3Dcritical"
    response = sign_in(browser, user.username, next_url="/exceptions/?severity=critical")
    assert response["Location"] == "/exceptions/?severity=critical"


def test_the_sign_in_page_sends_a_signed_in_person_home(browser, person, sign_in):
    user = person(Role.BOARD_MEMBER)
    sign_in(browser, user.username)
    response = browser.get(SIGN_IN)
    assert response.status_code == 302
    assert response["Location"] == HOME


def test_an_inactive_account_cannot_sign_in(browser, person, sign_in):
    user = person(Role.ANALYST)
    user.is_active = False
    user.save()
    response = sign_in(browser, user.username)
    assert response.status_code == 200
    assert signed_in_as(browser) is None
