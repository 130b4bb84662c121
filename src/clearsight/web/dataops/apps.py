from django.apps import AppConfig


class DataopsConfig(AppConfig):
    name = "clearsight.web.dataops"
    label = "dataops"
    verbose_name = "Data loads"
