"""Writing the access log from a page: one call per view of child-level data or export (the command
line's entries: `command_line.py`)."""

from __future__ import annotations

from collections.abc import Mapping

from django.http import HttpRequest

from clearsight.web.accounts.models import role_of
from clearsight.web.audit.models import AccessEvent, Action
from clearsight.web.security import client_ip


def without_blanks(filters: Mapping[str, object] | None) -> dict[str, object]:
    """The filters that were set."""
    return {key: value for key, value in (filters or {}).items() if value not in (None, "")}


def record(
    request: HttpRequest,
    action: Action,
    *,
    child_id: str = "",
    subject: str = "",
    filters: Mapping[str, object] | None = None,
    rows: int | None = None,
    snapshot: str = "",
) -> AccessEvent:
    """Log that the person making `request` did `action` (on one child, or on a list with `filters`)."""
    user = request.user
    role = role_of(user)
    return AccessEvent.objects.create(
        user=user,
        username=user.get_username(),
        role=role.value if role else "",
        action=action,
        child_id=child_id,
        subject=subject,
        filters=without_blanks(filters),
        rows=rows,
        snapshot=snapshot,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
