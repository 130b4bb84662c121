"""Every URL of the app. Each view declares who may use it (`access.py`); the admin site is the
administrators' (`accounts/admin.py`)."""

from django.conf import settings
from django.urls import include, path

from clearsight.web import health
from clearsight.web.accounts.admin import site as admin_site

urlpatterns = [
    path("", include("clearsight.web.dashboard.urls")),
    path("account/", include("clearsight.web.accounts.urls")),
    path("access-log/", include("clearsight.web.audit.urls")),
    path("data/", include("clearsight.web.dataops.urls")),
    path("admin/", admin_site.urls),
    path("healthz", health.health, name="health"),
]
if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("clearsight.web.accounts.oidc_urls")))
