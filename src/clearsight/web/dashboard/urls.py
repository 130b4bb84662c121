from django.urls import path

from clearsight.web.dashboard import child, critical, indicator, members, team, views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("indicators/<str:indicator_id>/", indicator.indicator, name="indicator"),
    path("leaders-must-know/", critical.leaders_must_know, name="critical"),
    path("leaders-must-know/acknowledge/", critical.acknowledge, name="acknowledge"),
    path("exceptions/", views.exceptions, name="exceptions"),
    path("exceptions/export.<str:fmt>", views.export_exceptions, name="exceptions-export"),
    path("children/<str:child_id>/", child.child, name="child"),
    path("teams/", team.team_list, name="teams"),
    path("teams/<str:team_id>/", team.team, name="team"),
    path("members/", members.members, name="members"),
    path("members/indicators/<str:indicator_id>/", members.indicator, name="members-indicator"),
]
