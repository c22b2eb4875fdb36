"""Complaints in the console, under /console/complaints/ (exdesk/urls.py)."""

from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_register, name="register"),
    path("register.<str:fmt>", views.export, name="export"),
    path("open/<int:conversation_pk>/", views.open_complaint, name="open"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/escalate/", views.escalate, name="escalate"),
    path("<int:pk>/resolve/", views.resolve, name="resolve"),
]
