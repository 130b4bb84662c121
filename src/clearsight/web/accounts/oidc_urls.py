"""Council single sign-on's URLs, mounted under `oidc/` when `OIDC_RP_CLIENT_ID` is set: starting it
and the provider's return, both public (`oidc.py`). Signing out is the app's own sign-out, so
mozilla-django-oidc's is not mounted."""

from django.urls import path

from clearsight.web.accounts import oidc

urlpatterns = [
    path("authenticate/", oidc.AuthenticationRequestView.as_view(), name="oidc_authentication_init"),
    path("callback/", oidc.AuthenticationCallbackView.as_view(), name="oidc_authentication_callback"),
]
