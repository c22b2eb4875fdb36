"""Customer education in the console, under /console/education/ (exdesk/urls.py)."""

from django.urls import path

from . import views

app_name = "education_console"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("series/new/", views.series_new, name="series_new"),
    path("series/<int:pk>/", views.series_detail, name="series"),
    path("series/<int:pk>/steps/", views.step_add, name="step_add"),
    path("series/<int:pk>/steps/<int:step_pk>/remove/", views.step_remove, name="step_remove"),
    path("series/<int:pk>/steps/<int:step_pk>/move/", views.step_move, name="step_move"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/end/", views.campaign_end, name="campaign_end"),
    path("webinars/new/", views.webinar_new, name="webinar_new"),
    path("webinars/<int:pk>/", views.webinar_detail, name="webinar"),
    path("webinars/<int:pk>/cancel/", views.webinar_cancel, name="webinar_cancel"),
    path("webinars/<int:pk>/recording/", views.webinar_recording, name="webinar_recording"),
]
