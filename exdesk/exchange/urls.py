from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("conversations/<int:pk>/", views.account, name="account"),
    path("conversations/<int:pk>/panel/", views.account_panel, name="panel"),
    path("conversations/<int:pk>/actions/", views.request_action, name="request_action"),
    path("conversations/<int:pk>/stolen/", views.report_stolen, name="report_stolen"),
    path("conversations/<int:pk>/recovery/", views.tick_recovery, name="tick_recovery"),
    path("conversations/<int:pk>/diagnose/", views.diagnose, name="diagnose"),
    path("conversations/<int:pk>/withdrawal/", views.check_withdrawal, name="check_withdrawal"),
    path("actions/<int:action_id>/approve/", views.approve, name="approve"),
    path("actions/<int:action_id>/reject/", views.reject, name="reject"),
    path("actions/<int:action_id>/retry/", views.retry, name="retry"),
]
