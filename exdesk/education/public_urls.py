"""Customer education for readers, under /learn/ (exdesk/urls.py)."""

from django.urls import path

from . import public_views

app_name = "education"
urlpatterns = [
    path("", public_views.root, name="root"),
    path("<str:lang>/", public_views.home, name="home"),
    path("<str:lang>/series/<slug:slug>/", public_views.series, name="series"),
    path(
        "<str:lang>/series/<slug:slug>/steps/<int:step_pk>/",
        public_views.step_progress,
        name="step_progress",
    ),
    path("<str:lang>/webinars/<int:pk>/", public_views.webinar, name="webinar"),
    path(
        "<str:lang>/webinars/<int:pk>/event.ics",
        public_views.webinar_calendar,
        name="webinar_calendar",
    ),
    path(
        "<str:lang>/webinars/cancel/<str:token>/",
        public_views.cancel_registration,
        name="cancel_registration",
    ),
]
