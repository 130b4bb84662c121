from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "clearsight.web.audit"
    label = "audit"
    verbose_name = "Access log"
