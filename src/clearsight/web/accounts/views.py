"""Signing in and out, and the second factor (a TOTP authenticator app, django-otp)."""

from __future__ import annotations

import base64
import math

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from clearsight.web.access import public, signed_in
from clearsight.web.accounts.forms import CodeForm, SignInForm
from clearsight.web.security import TIMED_OUT, before_second_factor, needs_second_factor


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["timed_out"] = self.request.session.pop(TIMED_OUT, False)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        return context


login = public(LoginView.as_view())


@signed_in
@before_second_factor
def logout(request: HttpRequest) -> HttpResponse:
    """Signing out is a POST (a link cannot sign anyone out); GET shows a button."""
    if request.method == "POST":
        return auth_views.LogoutView.as_view()(request)
    return render(request, "accounts/logout.html")


@signed_in
@before_second_factor
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app (first time) or enter its code (every sign-in)."""
    if not needs_second_factor(request.user):
        return redirect("dashboard:home")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=request.user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, why = device.verify_is_allowed()
        if not allowed:
            # django-otp waits longer after each wrong code; a right code is refused until then.
            wait = max(1, math.ceil((why["locked_until"] - timezone.now()).total_seconds()))
            seconds = f"{wait} second{'s' * (wait != 1)}"
            form.add_error("code", f"Too many wrong codes: wait {seconds} and try again")
        elif device.verify_token(form.cleaned_data["code"]):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                messages.success(request, "Your authenticator app is set up.")
            otp_login(request, device)
            return redirect("dashboard:home")
        else:
            form.add_error("code", "That code is not right or has expired: enter the code your app shows now")
    context: dict[str, object] = {"form": form, "setting_up": setting_up}
    if setting_up:
        qr = segno.make(device.config_url, error="m")
        context["qr_svg"] = qr.svg_inline(scale=4, title="QR code to scan with an authenticator app")
        context["secret"] = base64.b32encode(device.bin_key).decode("ascii")
    return render(request, "accounts/two_factor.html", context)
