"""The academy in the console, under /console/training/ (exdesk/urls.py)."""

from django.urls import path

from . import views, views_curriculum, views_record, views_recruitment

app_name = "academy"
urlpatterns = [
    path("", views.my_training, name="mine"),
    path("lessons/<slug:key>/", views.lesson, name="lesson"),
    path("exams/<slug:key>/start/", views.start_exam, name="start_exam"),
    path("attempts/<int:pk>/", views.attempt, name="attempt"),
    path("attempts/<int:pk>/grade/", views.grade, name="grade"),
    path("trainer/", views.trainer, name="trainer"),
    path("curriculum/", views_curriculum.overview, name="curriculum"),
    path("curriculum/modules/new/", views_curriculum.module_edit, name="module_new"),
    path("curriculum/modules/<int:pk>/", views_curriculum.module_edit, name="module_edit"),
    path(
        "curriculum/modules/<int:module_pk>/lessons/new/",
        views_curriculum.lesson_new,
        name="lesson_new",
    ),
    path("curriculum/lessons/<int:pk>/", views_curriculum.lesson_edit, name="lesson_edit"),
    path(
        "curriculum/lessons/<int:pk>/images/",
        views_curriculum.image_upload,
        name="image_upload",
    ),
    path(
        "curriculum/lessons/<int:pk>/<slug:action>/",
        views_curriculum.lesson_review,
        name="lesson_review",
    ),
    path("images/<str:sha256>/", views_curriculum.image, name="image"),
    path(
        "curriculum/modules/<int:module_pk>/questions/",
        views_curriculum.questions,
        name="questions",
    ),
    path("curriculum/questions/<int:pk>/", views_curriculum.question_edit, name="question_edit"),
    path("curriculum/paths/new/", views_curriculum.path_edit, name="path_new"),
    path("curriculum/paths/<int:pk>/", views_curriculum.path_edit, name="path_edit"),
    path("items/", views.item_analysis, name="items"),
    path("reviews/<int:pk>/", views.resolve_flag, name="resolve_flag"),
    path("certificates/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("cases/", views.case_list, name="cases"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("cases/from/<int:conversation_pk>/", views.make_case, name="make_case"),
    path("recruitment/", views_recruitment.candidates, name="recruitment"),
    path("recruitment/<int:pk>/", views_recruitment.candidate, name="candidate"),
    path("drills/", views.drill_list, name="drills"),
    path("drills/start/<int:pk>/", views.start_drill, name="start_drill"),
    path("drills/<int:pk>/", views.drill, name="drill"),
    path("drills/<int:pk>/finish/", views.finish_drill, name="finish_drill"),
    path("drills/<int:pk>/review/", views.review_drill, name="review_drill"),
    path("people/<int:user_id>/", views_record.record, name="record"),
    path("team/", views_record.team, name="team"),
    path("team.csv", views_record.team_csv, name="team_csv"),
]
