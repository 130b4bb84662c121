"""Accounts in the admin site: each user with their role and scope, edited by administrators only."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.http import HttpRequest

from clearsight.web.accounts.models import Profile, role_of
from clearsight.web.accounts.roles import Role
from clearsight.web.security import needs_second_factor


class AdministratorsSite(admin.AdminSite):
    """The admin site, for the administrator role only (and only once any second factor is passed)."""

    site_header = site_title = "Clearsight administration"
    index_title = "Accounts"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and role_of(user) == Role.ADMINISTRATOR
            and not needs_second_factor(user)
        )


site = AdministratorsSite(name="admin")


class ForAdministrators:
    """What an administrator may do in the admin site comes from their role, not from Django's own
    per-model permissions (which no account is given): view, add, change and delete accounts."""

    def _administrator(self, request: HttpRequest) -> bool:
        return site.has_permission(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._administrator(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._administrator(request)

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return self._administrator(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._administrator(request)


class ProfileInline(ForAdministrators, admin.StackedInline):
    model = Profile
    can_delete = False


@admin.register(User, site=site)
class AccountAdmin(ForAdministrators, UserAdmin):
    inlines = [ProfileInline]
    list_display = ("username", "first_name", "last_name", "role", "is_active")

    @admin.display(description="Role")
    def role(self, user: User) -> str:
        profile = getattr(user, "profile", None)
        return Role(profile.role).label if profile else "—"


@admin.register(Group, site=site)
class GroupAdmin(ForAdministrators, DjangoGroupAdmin):
    pass
