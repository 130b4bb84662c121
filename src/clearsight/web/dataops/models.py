"""An analyst's upload: who sent which files when, what checking them found, and the snapshot it became.

The files themselves wait in a staging folder under the data root (`uploads.py`) until published.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Upload(models.Model):
    """One set of files uploaded together, checked, and published at most once."""

    class Status(models.TextChoices):
        VALIDATED = "validated", "Checked, not yet published"
        PUBLISHING = "publishing", "Being published"
        PUBLISHED = "published", "Published"
        FAILED = "failed", "Could not be used"

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="uploads"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    files = models.JSONField(default=list, help_text="The file names, as saved.")
    folder = models.CharField(max_length=64, help_text="The staging folder, under the data root's uploads.")
    la_code = models.CharField(max_length=32, blank=True)
    as_at = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    problem = models.TextField(blank=True, help_text="Why the files could not be used.")
    rows_read = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    info_count = models.PositiveIntegerField(default=0)
    snapshot_id = models.CharField(max_length=80, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"upload {self.pk}"
