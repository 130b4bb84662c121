from django.urls import path

from clearsight.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.login, name="login"),
    path("sign-out/", views.logout, name="logout"),
    path("two-factor/", views.two_factor, name="two-factor"),
]
