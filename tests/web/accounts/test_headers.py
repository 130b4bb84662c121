"""Security headers on every page, pages that keep to the Content-Security-Policy (no inline script or
style), cookies, and the HTTPS settings and required variables of a council deployment (computed from
the environment when the settings are imported, so tested in a fresh process)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from clearsight.web.accounts.roles import Role

HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
EVENT_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy as directive: sources."""
    directives = [part.split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


def assert_secure(response, what: str) -> None:
    """The headers and the page's HTML keep to the policy."""
    for header, value in HEADERS.items():
        assert response.get(header) == value, f"{what}: {header} is {response.get(header)!r}"
    assert "camera=()" in response["Permissions-Policy"], what
    # Pages may show children: never kept by the browser or a proxy (Django's own views may say more).
    assert "no-store" in [part.strip() for part in response["Cache-Control"].split(",")], what
    csp = policy(response)
    assert csp["default-src"] == ["'self'"], what
    assert csp["frame-ancestors"] == ["'none'"], what
    assert csp["object-src"] == ["'none'"], what
    for directive in ("script-src", "style-src"):
        sources = csp.get(directive, csp["default-src"])
        assert "'unsafe-inline'" not in sources, f"{what}: {directive}"
        assert "'unsafe-eval'" not in sources, f"{what}: {directive}"
        assert not any(source.startswith(("'nonce-", "'sha")) for source in sources), what
    if response.get("Content-Type", "").startswith("text/html"):
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), f"{what}: inline script {INLINE_SCRIPT.search(html)[0]}"
        assert not STYLE_ATTRIBUTE.search(html), (
            f"{what}: a style attribute {STYLE_ATTRIBUTE.search(html)[0]}"
        )
        assert not EVENT_ATTRIBUTE.search(html), f"{what}: an event handler {EVENT_ATTRIBUTE.search(html)[0]}"
        assert not JAVASCRIPT_URL.search(html), f"{what}: a javascript: URL"
        assert "<style" not in html.lower(), f"{what}: a style element"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_sign_in_page_and_the_lock_out_page(settings, person, sign_in, browser):
    page = browser.get("/account/sign-in/")
    assert page.status_code == 200
    assert_secure(page, "sign-in")
    wrong = sign_in(browser, "nobody", "wrong")
    assert_secure(wrong, "sign-in, wrong password")
    user = person(Role.ANALYST)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = sign_in(browser, user.username, "wrong")
    assert locked.status_code == 429
    assert_secure(locked, "lock-out")


def test_the_pages_of_a_person_who_sees_children(person):
    client = signed_in(person(Role.ANALYST))
    home = client.get("/")
    assert home.status_code == 200
    assert_secure(home, "home")
    exceptions = client.get("/exceptions/")
    assert exceptions.status_code == 200
    assert_secure(exceptions, "exceptions")
    child = re.search(r'href="(/children/[^"/]+/)"', exceptions.content.decode())
    assert child, "the exception list links to no child"
    page = client.get(child.group(1))
    assert page.status_code == 200
    assert_secure(page, "child")
    export = client.get("/exceptions/export.csv")
    assert export.status_code == 200
    assert_secure(export, "export")
    assert_secure(client.get("/account/sign-out/"), "sign-out")


def test_refusals_and_pages_not_found(person):
    member = signed_in(person(Role.ELECTED_MEMBER))
    refused = member.get("/exceptions/")
    assert refused.status_code == 403
    assert_secure(refused, "403")
    missing = member.get("/no-such-page/")
    assert missing.status_code == 404
    assert_secure(missing, "404")
    anonymous = Client().get("/exceptions/")
    assert anonymous.status_code == 302
    assert_secure(anonymous, "redirect to sign in")


def test_the_two_factor_page_with_its_qr_code(person):
    user = person(Role.ANALYST, otp_exempt=False)
    client = signed_in(user)
    page = client.get("/account/two-factor/")
    assert b"<svg" in page.content
    assert_secure(page, "two-factor set-up")
    TOTPDevice.objects.filter(user=user).update(confirmed=True)
    assert_secure(client.get("/account/two-factor/"), "two-factor code")


def test_the_admin_site(person):
    admin = person(Role.ADMINISTRATOR)
    client = signed_in(admin)
    for path in (
        "/admin/",
        "/admin/auth/user/",
        f"/admin/auth/user/{admin.pk}/change/",
        "/admin/auth/group/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_secure(response, path)
    login = Client().get("/admin/login/")
    assert login.status_code == 200
    assert_secure(login, "the admin site's sign-in")


def test_the_health_check(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert_secure(response, "health")


def test_cookies_are_http_only_and_same_site_lax(browser, person, sign_in):
    user = person(Role.BOARD_MEMBER)
    response = sign_in(browser, user.username)
    assert response.status_code == 302
    for name in ("sessionid", "csrftoken"):
        cookie = response.cookies[name]
        assert cookie["httponly"], name
        assert cookie["samesite"] == "Lax", name
        # Secure out of debug, even over plain HTTP: browsers keep them for 127.0.0.1 and localhost.
        assert cookie["secure"], name
    # The session cookie lasts as long as the browser does (and the session itself the idle limit).
    assert not response.cookies["sessionid"]["max-age"]
    assert not response.cookies["sessionid"]["expires"]


def test_strict_transport_security_on_an_https_request(db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client = Client()  # its middleware reads the settings now
    secure = client.get("/account/sign-in/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert secure.cookies["csrftoken"]["secure"]
    assert_secure(secure, "sign-in over HTTPS")
    plain = client.get("/account/sign-in/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/account/sign-in/"


def test_strict_transport_security_is_sent_on_https_requests_only(db):
    client = Client()
    assert client.get("/account/sign-in/", secure=True)["Strict-Transport-Security"].startswith("max-age=")
    plain = client.get("/account/sign-in/")
    assert plain.status_code == 200  # the embedded app is not redirected to HTTPS
    assert "Strict-Transport-Security" not in plain


HTTPS_NAMES = [
    "HTTPS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_PROXY_SSL_HEADER",
    "DEBUG",
]


def test_https_on_makes_cookies_secure_and_sends_hsts(settings_from):
    values = settings_from({"CLEARSIGHT_HTTPS": "1"}, HTTPS_NAMES)
    assert values == {
        "HTTPS": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "DEBUG": False,
    }


def test_the_embedded_default_is_plain_http_on_this_machine(settings_from):
    values = settings_from({}, [*HTTPS_NAMES, "ALLOWED_HOSTS"])
    assert values["HTTPS"] is False
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    # Not in debug: Secure cookies and HSTS on any HTTPS response, even here.
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]


def test_no_hsts_in_debug_mode(settings_from):
    values = settings_from({"CLEARSIGHT_HTTPS": "1", "CLEARSIGHT_DEBUG": "1"}, HTTPS_NAMES)
    assert values["DEBUG"] is True
    assert values["SESSION_COOKIE_SECURE"] is True  # over HTTPS, secure even in debug
    assert values["SECURE_HSTS_SECONDS"] == 0
    plain_debug = settings_from({"CLEARSIGHT_DEBUG": "1"}, HTTPS_NAMES)
    assert plain_debug["SESSION_COOKIE_SECURE"] is False
    assert plain_debug["SECURE_HSTS_SECONDS"] == 0


def test_a_flag_that_is_not_1_or_0_stops_start_up(settings_from):
    refused = settings_from({"CLEARSIGHT_HTTPS": "maybe"}, HTTPS_NAMES)
    assert not isinstance(refused, dict)
    assert "ImproperlyConfigured: CLEARSIGHT_HTTPS must be 1 or 0, not 'maybe'" in refused.stderr


COUNCIL = {
    "CLEARSIGHT_DEPLOYMENT": "council",
    "CLEARSIGHT_SECRET_KEY": "a-council-secret-key-long-enough-to-be-real-0123456789",
    "DATABASE_URL": "postgres://clearsight@db.council.example:5432/clearsight",
    "CLEARSIGHT_ALLOWED_HOSTS": "clearsight.council.example",
}


def test_a_council_deployment_is_https_by_default_and_never_in_debug(settings_from, tmp_path):
    env = {**COUNCIL, "CLEARSIGHT_DATA": str(tmp_path / "snapshots"), "CLEARSIGHT_DEBUG": "1"}
    values = settings_from(env, [*HTTPS_NAMES, "ALLOWED_HOSTS", "SECRET_KEY"])
    assert values["HTTPS"] is True
    assert values["DEBUG"] is False
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["ALLOWED_HOSTS"] == ["clearsight.council.example"]
    assert values["SECRET_KEY"] == COUNCIL["CLEARSIGHT_SECRET_KEY"]
    assert not (tmp_path / "snapshots" / ".clearsight-secret-key").exists()  # never made up


@pytest.mark.parametrize(
    "missing", ["CLEARSIGHT_SECRET_KEY", "DATABASE_URL", "CLEARSIGHT_DATA", "CLEARSIGHT_ALLOWED_HOSTS"]
)
@pytest.mark.parametrize("how", ["unset", "blank"])
def test_a_council_deployment_refuses_to_start_without_each_required_variable(
    settings_from, tmp_path, missing, how
):
    env = {
        **COUNCIL,
        "CLEARSIGHT_DATA": str(tmp_path / "snapshots"),
        missing: None if how == "unset" else "  ",
    }
    refused = settings_from(env, ["SECRET_KEY"])
    assert not isinstance(refused, dict), f"started without {missing}"
    assert (
        f"django.core.exceptions.ImproperlyConfigured: {missing} must be set when "
        "CLEARSIGHT_DEPLOYMENT=council" in refused.stderr
    )


def test_an_unknown_deployment_refuses_to_start(settings_from):
    refused = settings_from({"CLEARSIGHT_DEPLOYMENT": "cloud"}, ["DEBUG"])
    assert not isinstance(refused, dict)
    assert "CLEARSIGHT_DEPLOYMENT must be embedded or council, not 'cloud'" in refused.stderr


def test_second_factor_roles_and_throttling_come_from_the_environment(settings_from):
    values = settings_from(
        {
            "CLEARSIGHT_OTP_ROLES": "analyst, administrator",
            "CLEARSIGHT_LOGIN_FAILURES": "3",
            "CLEARSIGHT_LOCKOUT_MINUTES": "60",
        },
        ["OTP_ROLES", "AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME"],
    )
    assert "analyst" in values["OTP_ROLES"] and "administrator" in values["OTP_ROLES"]
    assert "team_manager" not in values["OTP_ROLES"]
    assert values["AXES_FAILURE_LIMIT"] == 3
    assert values["AXES_COOLOFF_TIME"] == "1:00:00"
    assert settings_from({"CLEARSIGHT_OTP_ROLES": ""}, ["OTP_ROLES"]) == {"OTP_ROLES": "frozenset()"}
    refused = settings_from({"CLEARSIGHT_OTP_ROLES": "analyst,social_worker"}, ["OTP_ROLES"])
    assert not isinstance(refused, dict)
    assert "CLEARSIGHT_OTP_ROLES: 'social_worker' is not a role" in refused.stderr
    refused = settings_from({"CLEARSIGHT_LOGIN_FAILURES": "five"}, ["AXES_FAILURE_LIMIT"])
    assert not isinstance(refused, dict)
    assert "CLEARSIGHT_LOGIN_FAILURES must be a whole number of failures" in refused.stderr
