"""The access log: an append-only record of every view of child-level data and every export.

Nothing in the app can change or remove a row: the model refuses to save an existing row or delete
one, its queryset refuses bulk updates and deletes, the admin site offers no way to (admin.py), and
the database itself refuses UPDATE and DELETE on the table (triggers, migration 0002).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnly(Exception):
    """Raised on any attempt to change or remove an access-log row."""


def _refuse(*args: Any, **kwargs: Any) -> NoReturn:
    raise AppendOnly("the access log is append-only: rows cannot be changed or removed")


class AccessEventQuerySet(models.QuerySet):
    update = _refuse
    delete = _refuse
    bulk_update = _refuse


class Action(models.TextChoices):
    VIEW_CHILD = "view_child", "Viewed a child's page"
    VIEW_EXCEPTIONS = "view_exceptions", "Viewed an exception list"
    EXPORT_EXCEPTIONS = "export_exceptions", "Exported an exception list"
    EXPORT_RETURN = "export_return", "Exported a statutory return"
    EXPORT_ACCESS_LOG = "export_access_log", "Exported the access log"
    VIEW_INDICATOR = "view_indicator", "Viewed an indicator's exception list"
    EXPORT_INDICATOR = "export_indicator", "Exported an indicator's exception list"
    VIEW_TEAM = "view_team", "Viewed a team's children"
    VIEW_DATA_QUALITY = "view_data_quality", "Viewed a data-quality report"
    ACKNOWLEDGE = "acknowledge", "Acknowledged a critical exception"


class Via(models.TextChoices):
    WEB = "web", "Web app"
    COMMAND_LINE = "command_line", "Command line"


class AccessEvent(models.Model):
    """Who, when, what (a child, or a list and its filter), from where: through the web app (an account
    and an address) or the command line (the computer's user name and the command; no account)."""

    at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    via = models.CharField(max_length=16, choices=Via.choices, default=Via.WEB, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="access_events",
        null=True,
        blank=True,
        editable=False,
    )
    username = models.CharField(max_length=150, editable=False, help_text="As it was at the time.")
    role = models.CharField(max_length=32, editable=False)
    action = models.CharField(max_length=32, choices=Action.choices, db_index=True, editable=False)
    child_id = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    subject = models.CharField(max_length=200, blank=True, editable=False, help_text="The list or file.")
    filters = models.JSONField(default=dict, blank=True, editable=False)
    rows = models.PositiveIntegerField(null=True, blank=True, editable=False)
    snapshot = models.CharField(max_length=80, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)
    user_agent = models.CharField(
        max_length=300, blank=True, editable=False, help_text="The browser, or the command as typed."
    )

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.child_id or self.subject}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            _refuse()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()
