"""Quality in the console, under /console/quality/ (exdesk/urls.py)."""

from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("", views.automatic, name="automatic"),
    path("sample/", views.sample, name="sample"),
    path("score/<int:conversation_pk>/", views.score, name="score"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path(
        "calibrations/new/<int:conversation_pk>/",
        views.start_calibration,
        name="start_calibration",
    ),
    path("calibrations/<int:pk>/", views.calibration, name="calibration"),
]
