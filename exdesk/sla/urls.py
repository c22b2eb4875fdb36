from django.urls import path

from . import views

app_name = "sla"
urlpatterns = [
    path("", views.notifications, name="notifications"),
    path("read/", views.mark_read, name="mark_read"),
]
