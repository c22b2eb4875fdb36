"""The public status page, under /status/ (exdesk/urls.py)."""

from django.urls import path

from . import public_views

app_name = "status"
urlpatterns = [
    path("", public_views.root, name="root"),
    path("<str:lang>/", public_views.page, name="page"),
    path("<str:lang>/subscribe/", public_views.subscribe, name="subscribe"),
    path("<str:lang>/confirm/<str:token>/", public_views.confirm, name="confirm"),
    path("<str:lang>/unsubscribe/<str:token>/", public_views.unsubscribe, name="unsubscribe"),
]
