"""The candidate's pages (recruitment), under /assess/ (exdesk/urls.py): no console."""

from django.urls import path

from . import views_recruitment as views

app_name = "assessment"
urlpatterns = [
    path("", views.home, name="home"),
    path("exam/", views.exam, name="exam"),
    path("scenario/", views.scenario, name="scenario"),
    path("scenario/end/", views.end_scenario, name="end_scenario"),
    path("link/<str:token>/", views.open_link, name="open"),
]
