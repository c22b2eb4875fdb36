"""Analytics in the console, under /console/analytics/ (exdesk/urls.py)."""

from django.urls import path

from . import views, views_topics

app_name = "analytics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("conversations/", views.conversations, name="conversations"),
    path("export/<slug:table>.<str:fmt>", views.export, name="export"),
    path("agents/", views.agents, name="agents"),
    path("reports/", views.reports, name="reports"),
    path("topics/", views_topics.topics, name="topics"),
    path("topics/draft/", views_topics.draft_article, name="topics_draft"),
]
