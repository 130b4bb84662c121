"""Council single sign-on (OpenID Connect): the group-to-role mapping, the backend that makes and updates
accounts from the identity provider's claims (and refuses a person with no role), the whole sign-in
through the callback with the provider's answers stood in for (no network), and the settings and URLs
when `OIDC_*` is set (which happens at import, so in a fresh process)."""

from __future__ import annotations

import types
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.test import Client
from django.urls import include, path, reverse_lazy
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from clearsight.web import urls as app_urls
from clearsight.web.access import access_of
from clearsight.web.accounts.models import Profile
from clearsight.web.accounts.oidc import (
    NO_ROLE,
    AuthenticationCallbackView,
    AuthenticationRequestView,
    RoleMappingBackend,
    groups_in,
    username_from,
)
from clearsight.web.accounts.roles import Role, parse_role_groups, role_from_groups

MAPPING = "cs-admins=administrator, cs-analysts=analyst, cs-managers=team_manager, cs-members=elected_member"
AUTHORIZE = "https://idp.council.example/authorize"

# The app's URLs with single sign-on's, as urls.py makes them when OIDC_RP_CLIENT_ID is set at start-up.
OIDC_URLS = types.ModuleType("oidc_urls")
OIDC_URLS.urlpatterns = [*app_urls.urlpatterns, path("oidc/", include("clearsight.web.accounts.oidc_urls"))]


@pytest.fixture
def oidc(settings, db):
    """Single sign-on on, against a made-up identity provider (never reached)."""
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "clearsight"
    settings.OIDC_RP_CLIENT_SECRET = "client-secret"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = AUTHORIZE
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.council.example/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.council.example/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://idp.council.example/jwks"
    settings.OIDC_RP_SCOPES = "openid email profile"
    settings.OIDC_USE_PKCE = True
    settings.LOGIN_REDIRECT_URL_FAILURE = reverse_lazy("accounts:login")
    settings.AXES_WHITELIST_CALLABLE = "clearsight.web.accounts.oidc.not_throttled"
    settings.CLEARSIGHT_OIDC_GROUPS_CLAIM = "groups"
    settings.CLEARSIGHT_OIDC_ROLE_GROUPS = MAPPING
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "clearsight.web.accounts.oidc.RoleMappingBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    settings.ROOT_URLCONF = OIDC_URLS
    return settings


def claims(email: str | None = "Jo.Bloggs@Council.example", *groups: str, **more: object) -> dict:
    made: dict[str, object] = {"sub": "0f1e2d", "groups": list(groups), **more}
    if email is not None:
        made["email"] = email
    return made


# The mapping ------------------------------------------------------------------------------------------


def test_the_mapping_keeps_its_order():
    mapping = parse_role_groups(MAPPING)
    assert mapping == {
        "cs-admins": Role.ADMINISTRATOR,
        "cs-analysts": Role.ANALYST,
        "cs-managers": Role.TEAM_MANAGER,
        "cs-members": Role.ELECTED_MEMBER,
    }
    assert list(mapping) == ["cs-admins", "cs-analysts", "cs-managers", "cs-members"]


def test_the_mapping_tolerates_spaces_case_blank_entries_and_lines():
    assert parse_role_groups(" a = Analyst ,, b=dpo,\n c=qa_lead \n") == {
        "a": Role.ANALYST,
        "b": Role.DPO,
        "c": Role.QA_LEAD,
    }
    assert parse_role_groups("x=analyst,x=analyst") == {"x": Role.ANALYST}


def test_group_names_with_commas_or_equals_signs_use_semicolons():
    mapping = parse_role_groups(
        "CN=Clearsight Analysts,OU=Groups,DC=council,DC=example=analyst; CN=Heads,OU=Groups=head_of_service"
    )
    assert mapping == {
        "CN=Clearsight Analysts,OU=Groups,DC=council,DC=example": Role.ANALYST,
        "CN=Heads,OU=Groups": Role.HEAD_OF_SERVICE,
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cs-analysts=analyst,cs-social=social_worker", "'cs-social=social_worker' names no Clearsight role"),
        ("cs-analysts=analyst,cs-board", "'cs-board' is not group=role"),
        ("=analyst", "'=analyst' is not group=role"),
        ("cs-board=", "'cs-board=' is not group=role"),
        ("a=analyst,a=dpo", "the group 'a' is given two roles (analyst and dpo)"),
        ("", "must map at least one identity-provider group to a role"),
        ("  , ,\n", "must map at least one identity-provider group to a role"),
    ],
)
def test_a_bad_mapping_is_refused_naming_the_entry(text, message):
    with pytest.raises(ImproperlyConfigured, match="CLEARSIGHT_OIDC_ROLE_GROUPS") as refused:
        parse_role_groups(text)
    assert message in str(refused.value)


def test_an_unknown_role_lists_the_roles_there_are():
    with pytest.raises(ImproperlyConfigured) as refused:
        parse_role_groups("g=manager")
    assert "the roles are administrator, analyst, senior_leader" in str(refused.value)


def test_several_groups_give_the_role_of_the_first_in_the_mappings_order():
    mapping = parse_role_groups(MAPPING)
    assert role_from_groups(["cs-members", "cs-analysts"], mapping) == Role.ANALYST
    assert role_from_groups(["cs-analysts", "cs-members"], mapping) == Role.ANALYST
    assert role_from_groups(["cs-members", "cs-admins", "other"], mapping) == Role.ADMINISTRATOR
    assert role_from_groups(["other", "CS-ANALYSTS"], mapping) is None  # names match exactly
    assert role_from_groups([], mapping) is None


def test_groups_and_usernames_from_claims():
    assert groups_in({"groups": ["a", "b"]}, "groups") == ["a", "b"]
    assert groups_in({"groups": "a"}, "groups") == ["a"]
    assert groups_in({"roles": ["a"]}, "groups") == []
    assert groups_in({"groups": None}, "groups") == []
    assert groups_in({"groups": {"a": 1}}, "groups") == []
    assert username_from({"email": " Jo@Council.example "}) == "jo@council.example"
    assert (
        username_from({"email": "jo@x.example", "email_verified": False, "preferred_username": "jo"}) == "jo"
    )
    assert username_from({"preferred_username": "jo.bloggs"}) == "jo.bloggs"
    assert username_from({"email": "", "preferred_username": " "}) is None
    assert username_from({}) is None


# The backend ------------------------------------------------------------------------------------------


def test_the_backend_reads_the_mapping_and_claim_from_the_settings(oidc):
    oidc.CLEARSIGHT_OIDC_GROUPS_CLAIM = "roles"
    backend = RoleMappingBackend()
    assert backend.groups_claim == "roles"
    assert backend.role_of_claims({"roles": ["cs-analysts"], "groups": ["cs-admins"]}) == Role.ANALYST
    oidc.CLEARSIGHT_OIDC_ROLE_GROUPS = "cs-analysts=analyst,cs-x=nobody"
    with pytest.raises(ImproperlyConfigured, match="'cs-x=nobody' names no Clearsight role"):
        RoleMappingBackend()


def test_only_a_person_with_a_username_and_a_role_passes(oidc):
    backend = RoleMappingBackend()
    assert backend.verify_claims(claims("jo@council.example", "cs-analysts"))
    assert backend.verify_claims(claims(None, "cs-analysts", preferred_username="jo"))
    assert not backend.verify_claims(claims("jo@council.example"))
    assert not backend.verify_claims(claims("jo@council.example", "everyone", "cs-analysts-old"))
    assert not backend.verify_claims(claims(None, "cs-analysts"))


def test_a_first_sign_in_makes_an_account_with_the_role_and_no_password(oidc):
    backend = RoleMappingBackend()
    made = claims(
        "Jo.Bloggs@Council.example", "cs-members", "cs-analysts", given_name="Jo", family_name="Bloggs"
    )
    assert not backend.filter_users_by_claims(made).exists()
    user = backend.create_user(made)
    assert user.username == "jo.bloggs@council.example"
    assert user.email == "Jo.Bloggs@Council.example"
    assert (user.first_name, user.last_name) == ("Jo", "Bloggs")
    assert not user.has_usable_password()
    assert not user.is_staff and not user.is_superuser
    profile = Profile.objects.get(user=user)
    assert profile.role == Role.ANALYST
    assert profile.otp_exempt is False  # single sign-on is not a second factor
    assert (profile.teams, profile.service_areas) == ([], [])
    assert list(backend.filter_users_by_claims(made)) == [user]


def test_each_sign_in_updates_the_role_from_the_groups(oidc):
    backend = RoleMappingBackend()
    user = backend.create_user(claims("jo@council.example", "cs-managers"))
    profile = Profile.objects.get(user=user)
    profile.teams = ["T1"]  # given by an administrator
    profile.save()

    updated = backend.update_user(User.objects.get(pk=user.pk), claims("jo@council.example", "cs-admins"))
    assert updated.pk == user.pk
    assert Profile.objects.get(user=user).role == Role.ADMINISTRATOR
    assert User.objects.get(pk=user.pk).is_staff  # the admin site is open to administrators
    assert Profile.objects.get(user=user).teams == ["T1"]

    backend.update_user(User.objects.get(pk=user.pk), claims("jo@council.example", "cs-members"))
    assert Profile.objects.get(user=user).role == Role.ELECTED_MEMBER
    assert not User.objects.get(pk=user.pk).is_staff


def test_an_existing_account_is_matched_by_username_whatever_its_case_and_given_a_profile(oidc, person):
    local = User.objects.create_user("Jo@Council.example", password="a long enough password for tests")
    backend = RoleMappingBackend()
    found = backend.filter_users_by_claims(claims("jo@council.example", "cs-analysts"))
    assert list(found) == [local]
    backend.update_user(found[0], claims("jo@council.example", "cs-analysts"))
    assert Profile.objects.get(user=local).role == Role.ANALYST
    assert User.objects.get(pk=local.pk).check_password("a long enough password for tests")


def test_a_person_with_no_role_is_refused_at_every_step(oidc):
    backend = RoleMappingBackend()
    user = backend.create_user(claims("jo@council.example", "cs-analysts"))
    no_role = claims("jo@council.example", "everyone")
    assert not backend.filter_users_by_claims(no_role).exists()
    assert backend.create_user(claims("new@council.example", "everyone")) is None
    assert backend.update_user(user, no_role) is None
    assert Profile.objects.get(user=user).role == Role.ANALYST  # unchanged, and not signed in
    assert not User.objects.filter(username="new@council.example").exists()


def test_the_whole_decision_reads_the_id_token_and_the_user_info(oidc, monkeypatch):
    """Groups only in the ID token (as Microsoft Entra ID gives them) still count; the user-info
    endpoint's claims win where both give one."""
    userinfo = {"sub": "0f1e2d", "email": "jo@council.example", "given_name": "Jo"}
    monkeypatch.setattr(OIDCAuthenticationBackend, "get_userinfo", lambda self, *args: dict(userinfo))
    backend = RoleMappingBackend()
    id_token = {"sub": "0f1e2d", "groups": ["cs-analysts"], "given_name": "Joanna", "nonce": "n"}
    user = backend.get_or_create_user("access", "id", id_token)
    assert user.username == "jo@council.example"
    assert user.first_name == "Jo"
    assert user.profile.role == Role.ANALYST
    again = backend.get_or_create_user("access", "id", {**id_token, "groups": ["cs-managers"]})
    assert again.pk == user.pk
    assert Profile.objects.get(user=user).role == Role.TEAM_MANAGER
    with pytest.raises(SuspiciousOperation, match="Claims verification failed"):
        backend.get_or_create_user("access", "id", {**id_token, "groups": ["everyone"]})


# The whole sign-in, with the provider's answers stood in for ------------------------------------------


@pytest.fixture
def provider(oidc, monkeypatch):
    """The identity provider's answers: `provider["id_token"]` and `provider["userinfo"]` are what it
    says of the person (the nonce is checked against the one sent, as the real token's is)."""
    answers: dict[str, dict] = {"id_token": {}, "userinfo": {}}

    def verify_token(self, token, **kwargs):
        assert token == "the-id-token"
        return {**answers["id_token"], "nonce": kwargs.get("nonce")}

    monkeypatch.setattr(RoleMappingBackend, "get_token", lambda self, payload: _token(payload))
    monkeypatch.setattr(RoleMappingBackend, "verify_token", verify_token)
    monkeypatch.setattr(
        OIDCAuthenticationBackend, "get_userinfo", lambda self, *args: dict(answers["userinfo"])
    )
    return answers


def _token(payload: dict) -> dict:
    assert payload["grant_type"] == "authorization_code"
    assert payload["code"] == "the-code"
    assert payload["code_verifier"]  # PKCE
    return {"id_token": "the-id-token", "access_token": "the-access-token"}


def start(client: Client, next_url: str = "/") -> str:
    """Follow the sign-in link: the state the provider is to send back."""
    response = client.get(f"/oidc/authenticate/?next={next_url}")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == AUTHORIZE
    query = parse_qs(location.query)
    assert query["client_id"] == ["clearsight"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == ["http://testserver/oidc/callback/"]
    return query["state"][0]


def test_signing_in_with_the_council_account(provider):
    provider["id_token"] = {"sub": "0f1e2d", "groups": ["cs-analysts"]}
    provider["userinfo"] = {"sub": "0f1e2d", "email": "jo@council.example"}
    client = Client()
    state = start(client, "/exceptions/")
    response = client.get(f"/oidc/callback/?code=the-code&state={state}")
    assert response.status_code == 302
    assert response["Location"] == "/exceptions/"
    user = User.objects.get(username="jo@council.example")
    assert user.profile.role == Role.ANALYST
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session["_auth_user_backend"] == "clearsight.web.accounts.oidc.RoleMappingBackend"
    # Not a second factor: an analyst still sets up an authenticator app first.
    assert client.get("/exceptions/")["Location"] == "/account/two-factor/"


def test_signing_in_with_the_council_account_in_a_role_without_a_second_factor(provider):
    provider["id_token"] = {"sub": "1", "groups": ["cs-members"]}
    provider["userinfo"] = {"sub": "1", "email": "cllr.smith@council.example"}
    client = Client()
    state = start(client)
    assert client.get(f"/oidc/callback/?code=the-code&state={state}")["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert b"cllr.smith@council.example" in home.content


def test_a_council_account_in_no_mapped_group_is_refused_and_told_why(provider):
    provider["id_token"] = {"sub": "2", "groups": ["everyone"]}
    provider["userinfo"] = {"sub": "2", "email": "someone@council.example"}
    client = Client()
    state = start(client)
    response = client.get(f"/oidc/callback/?code=the-code&state={state}")
    assert response.status_code == 302
    assert response["Location"] == "/account/sign-in/"
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="someone@council.example").exists()
    page = client.get("/account/sign-in/")
    assert NO_ROLE.encode() in page.content
    assert client.get("/")["Location"].startswith("/account/sign-in/")


def test_a_disabled_account_is_refused(provider):
    provider["id_token"] = {"sub": "3", "groups": ["cs-analysts"]}
    provider["userinfo"] = {"sub": "3", "email": "left@council.example"}
    User.objects.create_user("left@council.example", is_active=False)
    client = Client()
    state = start(client)
    assert client.get(f"/oidc/callback/?code=the-code&state={state}")["Location"] == "/account/sign-in/"
    assert "_auth_user_id" not in client.session


def test_a_callback_with_an_unknown_state_is_refused(provider):
    client = Client()
    start(client)
    response = client.get("/oidc/callback/?code=the-code&state=made-up")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_an_error_from_the_provider_goes_back_to_sign_in(provider):
    client = Client()
    state = start(client)
    response = client.get(f"/oidc/callback/?error=access_denied&state={state}")
    assert response["Location"] == "/account/sign-in/"


def test_the_single_sign_on_views_are_public_and_marked(oidc):
    for view in (AuthenticationRequestView.as_view(), AuthenticationCallbackView.as_view()):
        assert view.login_required is False
        assert access_of(view).public


def test_passwords_still_work_beside_single_sign_on(provider, person, sign_in, browser):
    user = person(Role.BOARD_MEMBER)
    assert sign_in(browser, user.username).status_code == 302
    assert browser.session["_auth_user_backend"] == "django.contrib.auth.backends.ModelBackend"


# The sign-in page's link ------------------------------------------------------------------------------

LINK = b"Sign in with your council account"


def test_the_sign_in_page_has_no_single_sign_on_link_when_it_is_off(db, settings):
    assert not settings.OIDC_ENABLED
    page = Client().get("/account/sign-in/")
    assert page.context["oidc_enabled"] is False
    assert LINK not in page.content


def test_the_sign_in_page_links_to_single_sign_on_when_it_is_on(oidc):
    page = Client().get("/account/sign-in/")
    assert page.context["oidc_enabled"] is True
    assert LINK in page.content
    assert b'href="/oidc/authenticate/"' in page.content


# Settings and URLs at start-up, in a fresh process ----------------------------------------------------

OIDC_ENV = {
    "OIDC_RP_CLIENT_ID": "clearsight",
    "OIDC_RP_CLIENT_SECRET": "client-secret",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": AUTHORIZE,
    "OIDC_OP_TOKEN_ENDPOINT": "https://idp.council.example/token",
    "OIDC_OP_USER_ENDPOINT": "https://idp.council.example/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://idp.council.example/jwks",
    "CLEARSIGHT_OIDC_ROLE_GROUPS": MAPPING,
}

STARTED = """
import django
from django.core.management import call_command
from django.urls import resolve, reverse
django.setup()
from clearsight.web.access import access_of
from clearsight.web.accounts import oidc
call_command("check", fail_level="WARNING")
assert reverse("oidc_authentication_init") == "/oidc/authenticate/"
assert reverse("oidc_authentication_callback") == "/oidc/callback/"
from django.conf import settings
assert str(settings.LOGIN_REDIRECT_URL_FAILURE) == "/account/sign-in/"
for path, view in (("/oidc/authenticate/", oidc.AuthenticationRequestView),
                   ("/oidc/callback/", oidc.AuthenticationCallbackView)):
    match = resolve(path)
    assert match.func.view_class is view, match.func
    assert match.func.login_required is False
    assert access_of(match.func).public
from django.contrib.auth import get_backends
assert any(isinstance(b, oidc.RoleMappingBackend) for b in get_backends())
print("started")
"""


def test_with_single_sign_on_configured_the_app_starts_with_its_urls_and_backend(python_with):
    done = python_with({**OIDC_ENV, "DJANGO_SETTINGS_MODULE": "clearsight.web.settings"}, STARTED)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["System check identified no issues (0 silenced).", "started"]


def test_single_sign_on_settings_at_start_up(settings_from):
    values = settings_from(
        OIDC_ENV,
        [
            "OIDC_ENABLED",
            "AUTHENTICATION_BACKENDS",
            "INSTALLED_APPS",
            "OIDC_USE_PKCE",
            "CLEARSIGHT_OIDC_GROUPS_CLAIM",
            "AXES_WHITELIST_CALLABLE",
            "OIDC_AUTHENTICATE_CLASS",
            "OIDC_CALLBACK_CLASS",
        ],
    )
    assert values["OIDC_ENABLED"] is True
    assert values["AUTHENTICATION_BACKENDS"] == [
        "axes.backends.AxesStandaloneBackend",
        "clearsight.web.accounts.oidc.RoleMappingBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    assert "mozilla_django_oidc" in values["INSTALLED_APPS"]
    assert values["OIDC_USE_PKCE"] is True
    assert values["CLEARSIGHT_OIDC_GROUPS_CLAIM"] == "groups"
    assert values["AXES_WHITELIST_CALLABLE"] == "clearsight.web.accounts.oidc.not_throttled"
    assert values["OIDC_AUTHENTICATE_CLASS"] == "clearsight.web.accounts.oidc.AuthenticationRequestView"
    assert values["OIDC_CALLBACK_CLASS"] == "clearsight.web.accounts.oidc.AuthenticationCallbackView"
    off = settings_from({}, ["OIDC_ENABLED", "AUTHENTICATION_BACKENDS"])
    assert off["OIDC_ENABLED"] is False
    assert "clearsight.web.accounts.oidc.RoleMappingBackend" not in off["AUTHENTICATION_BACKENDS"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"CLEARSIGHT_OIDC_ROLE_GROUPS": "cs-a=analyst,cs-b=boss"}, "'cs-b=boss' names no Clearsight role"),
        ({"CLEARSIGHT_OIDC_ROLE_GROUPS": None}, "must map at least one identity-provider group"),
        ({"OIDC_OP_TOKEN_ENDPOINT": None}, "OIDC_OP_TOKEN_ENDPOINT must be set when OIDC_RP_CLIENT_ID is"),
        ({"OIDC_RP_CLIENT_SECRET": " "}, "OIDC_RP_CLIENT_SECRET must be set when OIDC_RP_CLIENT_ID is"),
    ],
)
def test_single_sign_on_misconfigured_refuses_to_start(settings_from, change, message):
    refused = settings_from({**OIDC_ENV, **change}, ["OIDC_ENABLED"])
    assert not isinstance(refused, dict), "started"
    assert "django.core.exceptions.ImproperlyConfigured" in refused.stderr
    assert message in refused.stderr


def test_people_refused_single_sign_on_do_not_lock_out_others_at_the_same_address(provider, settings):
    """Sign-in throttling counts failures by username and address; a single sign-on callback has no
    username, so people refused (in no mapped group) must not lock out everyone signing in from the
    council's network."""
    client = Client()
    for number in range(settings.AXES_FAILURE_LIMIT + 1):
        provider["id_token"] = {"sub": str(number), "groups": ["everyone"]}
        provider["userinfo"] = {"sub": str(number), "email": f"refused-{number}@council.example"}
        state = start(client)
        assert client.get(f"/oidc/callback/?code=the-code&state={state}")["Location"] == "/account/sign-in/"
    provider["id_token"] = {"sub": "ok", "groups": ["cs-members"]}
    provider["userinfo"] = {"sub": "ok", "email": "allowed@council.example"}
    state = start(client)
    response = client.get(f"/oidc/callback/?code=the-code&state={state}")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_password_sign_ins_are_still_throttled_beside_single_sign_on(provider, person, sign_in, browser):
    user = person(Role.BOARD_MEMBER)
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        sign_in(browser, user.username, "not the password")
    locked = sign_in(browser, user.username)
    assert locked.status_code == 429
    assert b"Too many sign-in attempts" in locked.content
