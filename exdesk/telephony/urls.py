"""The provider's webhook, under /channels/phone/ (exdesk/urls.py)."""

from django.urls import path

from . import views

app_name = "telephony"
urlpatterns = [
    path("calls/", views.call_status, name="call_status"),
]
