"""The second factor: a person whose role is in `OTP_ROLES` sets up an authenticator app, then enters its
code at every sign-in, before any page; demonstration (exempt) accounts and other roles go straight in;
the roles are a setting; the admin site refuses an administrator who has not passed it."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django.test import Client, RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from clearsight.web.accounts.admin import site as admin_site
from clearsight.web.accounts.roles import DEFAULT_OTP_ROLES, Role
from clearsight.web.security import needs_second_factor

TWO_FACTOR = "/account/two-factor/"
PAGES = ["/", "/exceptions/", "/exceptions/export.csv", "/access-log/", "/admin/", "/children/any-child/"]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_code(client: Client, code: str):
    return client.post(TWO_FACTOR, {"code": code})


@pytest.mark.parametrize("role", sorted(DEFAULT_OTP_ROLES))
def test_by_default_the_roles_that_see_children_and_the_dpo_need_a_second_factor(settings, person, role):
    assert frozenset(settings.OTP_ROLES) == DEFAULT_OTP_ROLES
    client = signed_in(person(role, otp_exempt=False))
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"] == TWO_FACTOR, page


def test_setting_up_shows_a_qr_code_and_the_key_then_a_right_code_lets_the_person_in(person, code_for):
    user = person(Role.ANALYST, otp_exempt=False)
    client = signed_in(user)
    page = client.get(TWO_FACTOR)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Set up your authenticator app" in html
    assert re.search(r"<svg[^>]*>.*?</svg>", html, re.S), "no inline SVG QR code"
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    key = re.search(r"Key: <code[^>]*>([A-Z2-7]+)</code>", html)
    assert key, "the key is not shown"
    assert b32decode(key.group(1)) == device.bin_key
    # The same device (and key) until it is confirmed: reloading the page does not make another.
    assert client.get(TWO_FACTOR).status_code == 200
    assert TOTPDevice.objects.filter(user=user).count() == 1

    response = post_code(client, code_for(device))
    assert response.status_code == 302
    assert response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    home = client.get("/")
    assert home.status_code == 200
    assert b"Your authenticator app is set up." in home.content
    assert client.get("/exceptions/").status_code == 200
    # Passed: the two-factor page now sends the person on.
    assert client.get(TWO_FACTOR)["Location"] == "/"


@pytest.mark.parametrize("code", ["000000", "12345", "abcdef", ""])
def test_a_wrong_code_is_refused_with_an_error(person, code_for, code):
    user = person(Role.TEAM_MANAGER, otp_exempt=False)
    client = signed_in(user)
    client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=user)
    if code == "000000" and code_for(device) == code:
        code = "999999"
    response = post_code(client, code)
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"govuk-error-message" in response.content
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/")["Location"] == TWO_FACTOR


def test_after_a_wrong_code_the_page_says_how_long_to_wait(person, code_for):
    user = person(Role.ANALYST, otp_exempt=False)
    client = signed_in(user)
    client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=user)
    right = code_for(device)
    post_code(client, "999999" if right != "999999" else "000000")
    response = post_code(client, right)  # at once: django-otp makes the next try wait a second
    assert b"Too many wrong codes: wait 1 second and try again" in response.content
    device.refresh_from_db()
    assert not device.confirmed


def test_the_next_sign_in_asks_for_a_code_and_a_used_code_is_not_accepted_again(settings, person, code_for):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp otherwise makes a wrong code wait a second
    user = person(Role.QA_LEAD, otp_exempt=False)
    first = signed_in(user)
    first.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=user)
    used = code_for(device)
    assert post_code(first, used).status_code == 302

    second = signed_in(user)  # signing in again, elsewhere
    assert second.get("/")["Location"] == TWO_FACTOR
    page = second.get(TWO_FACTOR)
    assert b"Enter the code from your authenticator app" in page.content
    assert b"<svg" not in page.content  # no QR code or key once set up
    assert b"Key:" not in page.content
    assert post_code(second, used).status_code == 200  # a code is good once
    assert second.get("/")["Location"] == TWO_FACTOR
    response = post_code(second, code_for(device, steps_ahead=1))
    assert response.status_code == 302
    assert second.get("/").status_code == 200
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_person_who_has_not_passed_may_still_sign_out(person):
    client = signed_in(person(Role.DPO, otp_exempt=False))
    assert client.get("/account/sign-out/").status_code == 200
    response = client.post("/account/sign-out/")
    assert response.status_code == 302
    assert client.get("/")["Location"].startswith("/account/sign-in/")


@pytest.mark.parametrize("role", sorted(DEFAULT_OTP_ROLES))
def test_exempt_demonstration_accounts_go_straight_in(person, role):
    client = signed_in(person(role, otp_exempt=True))
    assert client.get("/").status_code == 200
    assert client.get(TWO_FACTOR)["Location"] == "/"


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.ELECTED_MEMBER, Role.ADMINISTRATOR])
def test_roles_outside_the_list_are_not_asked(person, role):
    assert role not in DEFAULT_OTP_ROLES
    client = signed_in(person(role, otp_exempt=False))
    assert client.get("/").status_code == 200
    assert client.get(TWO_FACTOR)["Location"] == "/"
    assert not TOTPDevice.objects.exists()


def test_the_roles_are_a_setting(settings, person):
    settings.OTP_ROLES = frozenset({Role.BOARD_MEMBER})
    board = signed_in(person(Role.BOARD_MEMBER, otp_exempt=False))
    analyst = signed_in(person(Role.ANALYST, otp_exempt=False))
    assert board.get("/")["Location"] == TWO_FACTOR
    assert analyst.get("/").status_code == 200

    settings.OTP_ROLES = frozenset()
    assert board.get("/").status_code == 200


def test_the_admin_site_refuses_an_administrator_who_has_not_passed(settings, person, code_for):
    settings.OTP_ROLES = frozenset({Role.ADMINISTRATOR})
    user = person(Role.ADMINISTRATOR, otp_exempt=False)
    client = signed_in(user)
    assert client.get("/admin/")["Location"] == TWO_FACTOR

    # The admin site's own check, whatever the middleware does first.
    request = RequestFactory().get("/admin/")
    request.user = user
    assert needs_second_factor(user)
    assert not admin_site.has_permission(request)

    client.get(TWO_FACTOR)
    assert post_code(client, code_for(TOTPDevice.objects.get(user=user))).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_admin_site_is_the_administrators_only(person):
    for role in (Role.ANALYST, Role.DPO):
        response = signed_in(person(role)).get("/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    assert signed_in(person(Role.ADMINISTRATOR)).get("/admin/").status_code == 200
