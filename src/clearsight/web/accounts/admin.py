"""Accounts in the admin site: each user with their role and scope, edited by administrators only."""

from __future__ import annotations

from django.contrib import admin
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


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


@admin.register(User, site=site)
class AccountAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ("username", "first_name", "last_name", "role", "is_active")

    @admin.display(description="Role")
    def role(self, user: User) -> str:
        profile = getattr(user, "profile", None)
        return Role(profile.role).label if profile else "—"


site.register(Group)
