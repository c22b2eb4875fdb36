"""The academy in the console, under /console/training/ (exdesk/urls.py)."""

from django.urls import path

from . import views

app_name = "academy"
urlpatterns = [
    path("", views.my_training, name="mine"),
    path("lessons/<slug:key>/", views.lesson, name="lesson"),
    path("exams/<slug:key>/start/", views.start_exam, name="start_exam"),
    path("attempts/<int:pk>/", views.attempt, name="attempt"),
    path("trainer/", views.trainer, name="trainer"),
    path("certificates/<int:pk>/revoke/", views.revoke, name="revoke"),
]
