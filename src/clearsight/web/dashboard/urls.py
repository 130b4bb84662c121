from django.urls import path

from clearsight.web.dashboard import child, views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("exceptions/", views.exceptions, name="exceptions"),
    path("exceptions/export.<str:fmt>", views.export_exceptions, name="exceptions-export"),
    path("children/<str:child_id>/", child.child, name="child"),
]
