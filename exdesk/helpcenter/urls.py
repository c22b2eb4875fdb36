from django.urls import path

from . import public_views, views

public_patterns = (
    [
        path("", public_views.root, name="root"),
        path("<str:lang>/", public_views.home, name="home"),
        path("<str:lang>/search/", public_views.search_page, name="search"),
        path("<str:lang>/glossary/", public_views.glossary, name="glossary"),
        path("<str:lang>/suggest/", public_views.suggest, name="suggest"),
        path("<str:lang>/articles/<slug:slug>/", public_views.article, name="article"),
        path("<str:lang>/articles/<slug:slug>/feedback/", public_views.feedback, name="feedback"),
        path("<str:lang>/sections/<slug:slug>/", public_views.section, name="section"),
        path("<str:lang>/<slug:slug>/", public_views.category, name="category"),
    ],
    "helpcenter",
)

console_patterns = (
    [
        path("", views.article_list, name="list"),
        path("new/", views.article_new, name="new"),
        path("search/", views.console_search, name="search"),
        path("figures/", views.figures, name="figures"),
        path("<int:pk>/", views.article_detail, name="article"),
        path("<int:pk>/edit/", views.article_edit, name="edit"),
        path("<int:pk>/diff/", views.article_diff, name="diff"),
        path("<int:pk>/translate/", views.article_translate, name="translate"),
        path("<int:pk>/settings/", views.article_settings, name="settings"),
        path("<int:pk>/<str:action>/", views.article_action, name="action"),
        path(
            "from-conversation/<int:conversation_pk>/",
            views.from_conversation,
            name="from_conversation",
        ),
    ],
    "helpcenter_console",
)
