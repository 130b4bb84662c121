from django.urls import path

from clearsight.web.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.log, name="log"),
    path("export.<str:fmt>", views.export, name="export"),
]
