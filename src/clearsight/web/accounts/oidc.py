"""Council single sign-on over OpenID Connect (mozilla-django-oidc), on when `OIDC_RP_CLIENT_ID` is set.

The identity provider says who a person is and which groups they are in; Clearsight keeps the role:

- The username is the `email` claim (lower-cased; not when the provider says `email_verified` is false),
  or else `preferred_username`. An account with that username (any case) is the person's; a first
  sign-in makes one, with no password (it can only be used through single sign-on).
- The role comes from the groups claim (`CLEARSIGHT_OIDC_GROUPS_CLAIM`, default `groups`) through
  `CLEARSIGHT_OIDC_ROLE_GROUPS` ("group=role,group=role", `roles.parse_role_groups`), at every sign-in:
  a person moved between groups at the council has the new role next time. A person in several mapped
  groups has the role of the first of those groups in the mapping's order, so put the wider roles
  first or last as the council decides. A person in no mapped group is refused, and told so.
- The groups may come in the ID token or from the user-info endpoint (some providers, such as
  Microsoft Entra ID, put them only in the ID token): both are read, the user-info endpoint's winning.
- Teams and service areas are not the provider's to say: an administrator gives them in the admin
  site, and a team manager or head of service signing in for the first time sees no child until then.
- Single sign-on is not a second factor: the roles in `CLEARSIGHT_OTP_ROLES` still enter a code from
  an authenticator app after it (a council whose provider already asks for one may narrow that list).

The sign-in and callback views are public (the person is not signed in yet); the settings point
mozilla-django-oidc at them (`OIDC_AUTHENTICATE_CLASS`, `OIDC_CALLBACK_CLASS`). Sign-in throttling
(django-axes) is for passwords: a callback is not counted (`not_throttled`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.decorators import method_decorator
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from clearsight.web.access import MARK, Access
from clearsight.web.accounts.models import Profile
from clearsight.web.accounts.roles import Role, parse_role_groups, role_from_groups

LOGGER = logging.getLogger(__name__)
NO_ROLE = (
    "Your council account is not in a group that gives access to Clearsight. "
    "Ask your Clearsight administrator to add you to one."
)


def groups_in(claims: dict[str, Any], claim: str) -> list[str]:
    """The groups a person is in, from the claims: a list of names, or one name on its own."""
    value = claims.get(claim)
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, dict):
        return [str(group) for group in value]
    return []


def _email(claims: dict[str, Any]) -> str | None:
    """The email address the claims give, unless the provider marks it unverified."""
    email = claims.get("email")
    if isinstance(email, str) and email.strip() and claims.get("email_verified") is not False:
        return email.strip()
    return None


def username_from(claims: dict[str, Any]) -> str | None:
    """The username the claims give: the email address (unless marked unverified), else the
    preferred username; None if neither."""
    email = _email(claims)
    if email is not None:
        return email.lower()
    preferred = claims.get("preferred_username")
    if isinstance(preferred, str) and preferred.strip():
        return preferred.strip()
    return None


class RoleMappingBackend(OIDCAuthenticationBackend):
    """Signs in a person the council's identity provider vouches for, with the role their groups give."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role_groups = parse_role_groups(self.get_settings("CLEARSIGHT_OIDC_ROLE_GROUPS", ""))
        self.groups_claim = self.get_settings("CLEARSIGHT_OIDC_GROUPS_CLAIM", "groups") or "groups"

    def role_of_claims(self, claims: dict[str, Any]) -> Role | None:
        return role_from_groups(groups_in(claims, self.groups_claim), self.role_groups)

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The ID token's claims with the user-info endpoint's over them (groups are often only in the
        ID token)."""
        return {**(payload or {}), **super().get_userinfo(access_token, id_token, payload)}

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        """Only a person with a username and a role may sign in."""
        username = username_from(claims)
        if username is None:
            LOGGER.warning("single sign-on refused: the identity provider gave no email or username")
            return False
        if self.role_of_claims(claims) is None:
            LOGGER.warning("single sign-on refused: %s is in no group mapped to a role", username)
            request = getattr(self, "request", None)
            if request is not None:
                messages.error(request, NO_ROLE, fail_silently=True)
            return False
        return True

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return f"username {username_from(claims)}"

    def get_username(self, claims: dict[str, Any]) -> str:
        username = username_from(claims)
        if username is None:  # verify_claims refuses these first
            raise ValueError("the claims give no username")
        return username

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        username = username_from(claims)
        if username is None or self.role_of_claims(claims) is None:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username__iexact=username)

    @transaction.atomic
    def create_user(self, claims: dict[str, Any]) -> User | None:
        role = self.role_of_claims(claims)
        if role is None:
            return None
        user = self.UserModel.objects.create_user(self.get_username(claims))  # no (usable) password
        Profile.objects.create(user=user, role=role.value, otp_exempt=False)
        return self._update(user, claims, role)

    @transaction.atomic
    def update_user(self, user: User, claims: dict[str, Any]) -> User | None:
        role = self.role_of_claims(claims)
        if role is None:
            return None
        profile, created = Profile.objects.get_or_create(
            user=user, defaults={"role": role.value, "otp_exempt": False}
        )
        if not created and profile.role != role.value:
            LOGGER.info("single sign-on: %s's role is now %s (was %s)", user.username, role, profile.role)
            profile.role = role.value
            profile.save(update_fields=["role"])
        return self._update(user, claims, role)

    def _update(self, user: User, claims: dict[str, Any], role: Role) -> User:
        """The details the provider keeps: email, names, and whether the admin site is open to them."""
        user.email = _email(claims) or user.email
        user.first_name = str(claims.get("given_name") or user.first_name)[:150]
        user.last_name = str(claims.get("family_name") or user.last_name)[:150]
        user.is_staff = role == Role.ADMINISTRATOR
        user.save(update_fields=["email", "first_name", "last_name", "is_staff"])
        return user


def not_throttled(request: HttpRequest, credentials: dict[str, Any] | None) -> bool:
    """For django-axes (`AXES_WHITELIST_CALLABLE`): a single-sign-on callback is not a password guess.
    It carries no username, so its failures (people in no mapped group) would otherwise be counted
    together by address and lock everyone on the council's network out of single sign-on; the
    identity provider throttles its own sign-ins, and a callback needs a code only it gives."""
    match = getattr(request, "resolver_match", None)
    return (
        match is not None
        and match.url_name == "oidc_authentication_callback"
        and not (credentials or {}).get("username")
    )


_PUBLIC = Access(frozenset(), public=True)


@method_decorator(login_not_required, name="dispatch")
class AuthenticationRequestView(OIDCAuthenticationRequestView):
    """Sends a person to the council's identity provider to sign in (public: nobody is signed in yet)."""


@method_decorator(login_not_required, name="dispatch")
class AuthenticationCallbackView(OIDCAuthenticationCallbackView):
    """Where the identity provider sends the person back (public: nobody is signed in yet)."""


setattr(AuthenticationRequestView, MARK, _PUBLIC)
setattr(AuthenticationCallbackView, MARK, _PUBLIC)
