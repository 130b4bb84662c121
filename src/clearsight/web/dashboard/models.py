"""Acknowledgements of critical exceptions: a leader saying they have seen one and what is being done.
Each is kept (never changed or deleted), so a critical exception's history of acknowledgements stays."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Acknowledgement(models.Model):
    """Who acknowledged which critical exception (by its stable `exception_key`), when, and the action."""

    at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    la_code = models.CharField(max_length=16)
    exception_key = models.CharField(max_length=400, db_index=True)
    child_id = models.CharField(max_length=64)
    indicator_id = models.CharField(max_length=64)
    snapshot = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150)
    note = models.TextField()

    class Meta:
        ordering = ["-at", "-pk"]

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("an acknowledgement is kept as made: make a new one instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("acknowledgements are kept")


def latest_by_key(la_code: str, keys: list[str]) -> dict[str, list[Acknowledgement]]:
    """Each of these exceptions' acknowledgements, newest first (the council's are read in one query and
    picked here: hundreds of keys in an IN list cost more to send than the rows)."""
    wanted = set(keys)
    found: dict[str, list[Acknowledgement]] = {}
    for ack in Acknowledgement.objects.filter(la_code=la_code):
        if ack.exception_key in wanted:
            found.setdefault(ack.exception_key, []).append(ack)
    return found
