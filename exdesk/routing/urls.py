from django.urls import path

from . import views

app_name = "routing"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("pin/", views.pin, name="pin"),
    path("staffing/", views.staffing_plan, name="staffing"),
    path("c/<int:pk>/unpin/", views.unpin, name="unpin"),
]
