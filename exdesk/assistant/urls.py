from django.urls import path

from . import views

app_name = "assistant"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("retrain/", views.retrain, name="retrain"),
    path("intents/<slug:slug>/", views.intent_detail, name="intent"),
    path(
        "intents/<slug:slug>/examples/<int:pk>/delete/", views.delete_example, name="delete_example"
    ),
    path("responses/", views.responses, name="responses"),
    path("responses/new/", views.response_edit, name="response_new"),
    path("responses/<int:pk>/", views.response_edit, name="response"),
]
