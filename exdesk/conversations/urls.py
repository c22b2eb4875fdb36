from django.urls import path

from . import portal_views, views

app_name = "conversations"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("bulk/", views.bulk, name="bulk"),
    path("c/<int:pk>/", views.conversation_detail, name="detail"),
    path("c/<int:pk>/reply/", views.reply, name="reply"),
    path("c/<int:pk>/note/", views.note, name="note"),
    path("c/<int:pk>/status/", views.change_status, name="status"),
    path("c/<int:pk>/priority/", views.change_priority, name="priority"),
    path("c/<int:pk>/tags/", views.set_tags, name="tags"),
    path("c/<int:pk>/take/", views.take, name="take"),
    path("c/<int:pk>/assign/", views.assign, name="assign"),
    path("c/<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("c/<int:pk>/escalate/", views.escalate, name="escalate"),
    path("c/<int:pk>/hand-back/", views.hand_back, name="hand_back"),
    path("presence/", views.set_presence, name="presence"),
    path("live/summary", views.live_summary, name="live_summary"),
    path("customers/<int:pk>/", views.customer_detail, name="customer"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]

portal_patterns = (
    [
        path("", portal_views.home, name="home"),
        path("support/new/", portal_views.new_request, name="new"),
        path("support/t/<str:token>/", portal_views.track, name="track"),
        path(
            "support/t/<str:token>/attachments/<int:pk>/",
            portal_views.track_attachment,
            name="track_attachment",
        ),
    ],
    "portal",
)
