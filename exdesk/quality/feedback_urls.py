"""The public survey page, under /feedback/ (exdesk/urls.py)."""

from django.urls import path

from . import views_feedback

app_name = "feedback"
urlpatterns = [
    path("<str:token>/", views_feedback.survey, name="survey"),
]
