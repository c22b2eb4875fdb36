from django.urls import path

from . import public_views, views

public_patterns = (
    [
        path("", public_views.root, name="root"),
        path("<str:lang>/", public_views.verify, name="verify"),
    ],
    "trust",
)

console_patterns = (
    [
        path("", views.registry, name="registry"),
        path("new/", views.channel_new, name="new"),
        path("<int:pk>/", views.channel_edit, name="edit"),
        path("<int:pk>/active/", views.channel_active, name="active"),
    ],
    "trust_console",
)
