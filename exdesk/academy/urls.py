"""The academy in the console, under /console/training/ (exdesk/urls.py)."""

from django.urls import path

from . import views

app_name = "academy"
urlpatterns = [
    path("", views.my_training, name="mine"),
    path("lessons/<slug:key>/", views.lesson, name="lesson"),
    path("exams/<slug:key>/start/", views.start_exam, name="start_exam"),
    path("attempts/<int:pk>/", views.attempt, name="attempt"),
    path("attempts/<int:pk>/grade/", views.grade, name="grade"),
    path("trainer/", views.trainer, name="trainer"),
    path("items/", views.item_analysis, name="items"),
    path("reviews/<int:pk>/", views.resolve_flag, name="resolve_flag"),
    path("certificates/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("cases/", views.case_list, name="cases"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("cases/from/<int:conversation_pk>/", views.make_case, name="make_case"),
    path("drills/", views.drill_list, name="drills"),
    path("drills/start/<int:pk>/", views.start_drill, name="start_drill"),
    path("drills/<int:pk>/", views.drill, name="drill"),
    path("drills/<int:pk>/finish/", views.finish_drill, name="finish_drill"),
    path("drills/<int:pk>/review/", views.review_drill, name="review_drill"),
]
