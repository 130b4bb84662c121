"""The access log in the admin site: listed for nobody, and never added to, changed or deleted there."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from clearsight.web.accounts.admin import site
from clearsight.web.audit.models import AccessEvent


@admin.register(AccessEvent, site=site)
class AccessEventAdmin(admin.ModelAdmin):
    """Registered so that the refusal is explicit and tested: the DPO reads the log through its own
    page (`audit:log`), where reading it is itself controlled."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict:
        return {}
