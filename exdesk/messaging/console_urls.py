from django.urls import path

from . import views_console

app_name = "messaging_console"
urlpatterns = [
    path("mail/quarantine/", views_console.quarantine, name="quarantine"),
    path("mail/<int:pk>/raw/", views_console.raw_mail, name="raw"),
    path("mail/<int:pk>/release/", views_console.release, name="release"),
    path("mail/<int:pk>/dismiss/", views_console.dismiss, name="dismiss"),
    path("identities/<int:pk>/link/", views_console.link_identity, name="link_identity"),
]
