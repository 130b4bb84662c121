from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "clearsight.web.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"
