from django.urls import path

from clearsight.web.dataops import views

app_name = "dataops"
urlpatterns = [
    path("", views.index, name="index"),
    path("snapshots/<str:snapshot_id>/", views.snapshot, name="snapshot"),
    path("upload/", views.upload, name="upload"),
    path("uploads/<int:upload_id>/", views.upload_detail, name="upload-detail"),
    path("uploads/<int:upload_id>/data-quality.xlsx", views.upload_report, name="upload-report"),
]
