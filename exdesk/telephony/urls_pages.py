"""The phone channel's pages, included at the site's root (exdesk/urls.py) ahead of the
help center, whose ``<lang>/<slug>/`` would otherwise take /help/<lang>/callback/."""

from django.urls import path

from . import views

app_name = "phone"
urlpatterns = [
    path("help/<str:lang>/callback/", views.callback, name="callback"),
    path("console/phone/callbacks/", views.callback_list, name="callbacks"),
    path("console/phone/callbacks/<int:pk>/outcome/", views.callback_outcome, name="outcome"),
]
