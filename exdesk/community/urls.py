"""Forum addresses: public under /community/, moderation under /console/community/."""

from django.urls import path

from . import public_views, views

public_patterns = (
    [
        path("", public_views.root, name="root"),
        path("<str:lang>/", public_views.home, name="home"),
        path("<str:lang>/ask/", public_views.ask, name="ask"),
        path("<str:lang>/search/", public_views.search_page, name="search"),
        path("<str:lang>/c/<slug:slug>/", public_views.category_page, name="category"),
        path("<str:lang>/t/<int:pk>/", public_views.topic_page, name="topic"),
        path("<str:lang>/t/<int:pk>/reply/", public_views.reply, name="reply"),
        path("<str:lang>/p/<int:pk>/vote/", public_views.vote, name="vote"),
        path("<str:lang>/p/<int:pk>/report/", public_views.report, name="report"),
        path("<str:lang>/sign-in/", public_views.sign_in, name="sign_in"),
        path(
            "<str:lang>/sign-in/exchange/", public_views.exchange_sign_in, name="exchange_sign_in"
        ),
        path("<str:lang>/sign-in/<str:token>/", public_views.email_sign_in, name="email_sign_in"),
        path("<str:lang>/sign-out/", public_views.sign_out, name="sign_out"),
        path("<str:lang>/profile/", public_views.profile, name="profile"),
    ],
    "community",
)

console_patterns = (
    [
        path("", views.queue, name="queue"),
        path("log/", views.log, name="log"),
        path("t/<int:pk>/", views.topic, name="topic"),
        path("t/<int:pk>/reply/", views.staff_reply, name="reply"),
        path("t/<int:pk>/<str:action>/", views.topic_action, name="topic_action"),
        path("p/<int:pk>/<str:action>/", views.post_action, name="post_action"),
        path("m/<int:pk>/<str:action>/", views.member_action, name="member_action"),
    ],
    "community_console",
)
