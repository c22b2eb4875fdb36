from django.urls import path

from . import views, views_social, views_telegram

app_name = "messaging"
urlpatterns = [
    path("mail/inbound/", views.inbound_webhook, name="mail_webhook"),
    path("telegram/webhook/", views_telegram.webhook, name="telegram_webhook"),
    path("x/webhook/", views_social.x_webhook, name="x_webhook"),
    path("facebook/webhook/", views_social.facebook_webhook, name="facebook_webhook"),
]
