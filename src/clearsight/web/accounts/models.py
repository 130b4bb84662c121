"""A person's role and scope, kept beside Django's own user."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from clearsight.web.accounts.roles import Role, Scope, scope_of


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(max_length=32, choices=[(r.value, r.label) for r in Role])
    teams = models.JSONField(
        default=list, blank=True, help_text="Team ids (ssd_department) a team manager manages."
    )
    service_areas = models.JSONField(
        default=list, blank=True, help_text="Service-area ids (parent departments) a head of service leads."
    )
    otp_exempt = models.BooleanField(
        default=False, help_text="Signs in without a second factor (demonstration accounts only)."
    )

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({Role(self.role).label})"

    @property
    def scope(self) -> Scope:
        return scope_of(Role(self.role), list(self.teams), list(self.service_areas))


def role_of(user: object) -> Role | None:
    """A signed-in user's role, or None (anonymous, or no profile: no access beyond signing out)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return Role(user.profile.role)  # type: ignore[attr-defined]
    except Profile.DoesNotExist:
        return None


def scope_of_user(user: object) -> Scope:
    if role_of(user) is None:
        return Scope()
    return user.profile.scope  # type: ignore[attr-defined]
