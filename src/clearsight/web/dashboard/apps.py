from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "clearsight.web.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"

    def ready(self) -> None:
        from clearsight.web import checks  # noqa: F401  (registers the data-root checks)
