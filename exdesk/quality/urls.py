"""Quality in the console, under /console/quality/ (exdesk/urls.py)."""

from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("", views.automatic, name="automatic"),
]
