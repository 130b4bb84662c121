"""The service menu: the pages a person's role lets them use, and which one they are on."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from clearsight.web.accounts.models import role_of
from clearsight.web.accounts.roles import ACCESS_LOG, CHILD_DATA, DATA_LOADS, EVERY_ROLE, Role

PAGES: tuple[tuple[str, str, frozenset[Role]], ...] = (
    ("dashboard:home", "Home", EVERY_ROLE),
    ("dashboard:exceptions", "Exceptions", CHILD_DATA),
    ("dashboard:teams", "Teams", CHILD_DATA),
    ("dataops:index", "Data", DATA_LOADS),
    ("dashboard:members", "Members' view", EVERY_ROLE),
    ("audit:log", "Access log", ACCESS_LOG),
)


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str
    current: bool


def menu(request: HttpRequest) -> list[MenuItem]:
    role = role_of(request.user)
    items = []
    for name, label, roles in PAGES:
        if role in roles:
            url = reverse(name)
            items.append(MenuItem(label, url, request.path == url))
    return items
