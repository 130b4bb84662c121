"""Deny by default: every view says who may use it, through `allow` (or `public`), and nothing else.

`allow(roles, children=True)` marks a view that shows child-level data: such a view must record each
use in the access log (`audit.log`), and `tests/web/test_access.py` checks that it does. A request
from a role not named gets 403 (a page that names no child); an anonymous request is sent to sign in
by Django's `LoginRequiredMiddleware` first. `tests/web/test_access.py` walks the whole URL
configuration and fails on any view without a mark.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from clearsight.web.accounts.models import role_of
from clearsight.web.accounts.roles import Role

View = TypeVar("View", bound=Callable[..., HttpResponse])
MARK = "clearsight_access"


@dataclass(frozen=True)
class Access:
    """Who may use a view: `roles` (empty for a public view) and whether it shows child-level data."""

    roles: frozenset[Role]
    children: bool = False
    public: bool = False


def allow(roles: Iterable[Role], *, children: bool = False) -> Callable[[View], View]:
    """Let only these roles use the view; `children` marks it as showing child-level data."""
    access = Access(frozenset(roles), children)
    if not access.roles:
        raise ValueError("a view must allow at least one role (or be public)")

    def decorate(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if role_of(request.user) not in access.roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        setattr(checked, MARK, access)
        return checked  # type: ignore[return-value]

    return decorate


def signed_in(view: View) -> View:
    """A view any signed-in person may use, whatever their role (signing out, their second factor)."""
    setattr(view, MARK, Access(frozenset(Role)))
    return view


def public(view: View) -> View:
    """A view anyone may use without signing in (signing in itself, the health check)."""
    view = login_not_required(view)
    setattr(view, MARK, Access(frozenset(), public=True))
    return view


def access_of(view: Callable[..., Any]) -> Access | None:
    """The mark a view (or a class-based view's function) carries, if any."""
    return getattr(view, MARK, None) or getattr(getattr(view, "view_class", None), MARK, None)
