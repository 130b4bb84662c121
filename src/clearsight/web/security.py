"""Middleware for what Django's own does not cover: the Content-Security-Policy and other headers, the
absolute session limit, and the second factor for the roles that need one."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from clearsight.web.accounts.models import Profile, role_of
from clearsight.web.accounts.signals import SIGNED_IN_AT

# No inline script or style anywhere: scripts and styles come from the app's own static files; charts
# and QR codes are inline SVG.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
TIMED_OUT = "clearsight_timed_out"

View = TypeVar("View", bound=Callable[..., HttpResponse])
BEFORE_SECOND_FACTOR = "clearsight_before_second_factor"


class HeadersMiddleware:
    """Adds the Content-Security-Policy, Permissions-Policy and no-store caching of pages (pages may
    show children; static files are cached by WhiteNoise, which answers before this runs)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cache-Control", "no-store")
        return response


class SessionLimitMiddleware:
    """Signs a person out once `SESSION_MAX_SECONDS` have passed since they signed in, however active
    (the idle limit is the session cookie's own age)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            signed_in = request.session.get(SIGNED_IN_AT)
            if signed_in is None or time.time() - float(signed_in) > settings.SESSION_MAX_SECONDS:
                logout(request)
                request.session[TIMED_OUT] = True
        return self.get_response(request)


def client_ip(request: HttpRequest) -> str | None:
    """The address a request came from: the connection's, or with `CLEARSIGHT_PROXIES` trusted proxies
    in front, the one the outermost proxy saw (X-Forwarded-For read from the right, so that a client
    cannot choose it by sending the header itself)."""
    proxies = settings.CLEARSIGHT_PROXIES
    if proxies:
        forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [hop for hop in forwarded if hop]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def before_second_factor(view: View) -> View:
    """A view a person may use before passing their second factor (setting it up, signing out)."""
    setattr(view, BEFORE_SECOND_FACTOR, True)
    return view


def needs_second_factor(user: Any) -> bool:
    """Whether this signed-in person must pass a second factor before going further."""
    role = role_of(user)
    if role is None or role not in settings.OTP_ROLES:
        return False
    try:
        exempt = user.profile.otp_exempt
    except Profile.DoesNotExist:
        exempt = False
    # is_verified comes from django_otp's middleware; a user that has not passed through it is not.
    verified = getattr(user, "is_verified", None)
    return not exempt and not (verified is not None and verified())


class SecondFactorMiddleware:
    """Sends a person whose role needs a second factor to set one up or enter a code, before any view
    but those marked `before_second_factor` (and public ones)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if getattr(view, BEFORE_SECOND_FACTOR, False) or not getattr(view, "login_required", True):
            return None
        if request.user.is_authenticated and needs_second_factor(request.user):
            return redirect("accounts:two-factor")
        return None
