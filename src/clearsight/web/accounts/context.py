"""What every template knows of the person signed in: their role and its label."""

from __future__ import annotations

from django.http import HttpRequest

from clearsight.web.accounts.models import role_of


def account(request: HttpRequest) -> dict[str, object]:
    role = role_of(getattr(request, "user", None))
    return {"role": role, "role_label": role.label if role else None}
