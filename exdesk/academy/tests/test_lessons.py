"""Lessons end with a short check; passing it completes the lesson and moves the path."""

import pytest

from exdesk.academy import selectors, services
from exdesk.academy.models import Assignment, LearningPath, LessonCompletion, PathStep

from .conftest import right_answer, wrong_answer

pytestmark = pytest.mark.django_db


def check_answers(lesson, choose, wrong_ones=0):
    answers = {}
    for n, question in enumerate(services.lesson_check(lesson)):
        order = list(range(len(question.options)))
        answers[question.pk] = (wrong_answer if n < wrong_ones else choose)(question, order)
    return answers


def test_a_passed_check_completes_the_lesson(lesson, trainee):
    result = services.check_lesson(trainee, lesson, check_answers(lesson, right_answer))
    assert (result.score, result.total, result.passed) == (3, 3, True)
    done = LessonCompletion.objects.get(user=trainee, lesson=lesson)
    assert done.version == 1


def test_one_miss_is_allowed_two_are_not(lesson, trainee):
    one = services.check_lesson(trainee, lesson, check_answers(lesson, right_answer, 1))
    assert one.passed and one.score == 2
    LessonCompletion.objects.all().delete()
    two = services.check_lesson(trainee, lesson, check_answers(lesson, right_answer, 2))
    assert not two.passed and len(two.wrong) == 2
    assert not LessonCompletion.objects.exists()


def test_a_new_version_is_what_learners_read(lesson, trainer):
    version = services.publish_lesson(lesson, title="Phishing, again", body="New", author=trainer)
    lesson.refresh_from_db()
    assert (lesson.published_version, version.number) == (version, 2)
    assert lesson.versions.count() == 2  # the first stays, for the history


def test_an_assigned_path_completes_with_its_lessons(lesson, module, trainee, trainer):
    path = LearningPath.objects.create(key="security", title_en="Security", title_zh="安全")
    PathStep.objects.create(path=path, position=0, module=module)
    (assignment,) = services.assign_path(path, [trainee], by=trainer)
    progress = selectors.path_progress(path, trainee)
    assert (progress.lessons_done, progress.lessons_total, progress.percent) == (0, 1, 0)
    services.check_lesson(trainee, lesson, check_answers(lesson, right_answer))
    progress = selectors.path_progress(path, trainee)
    assert progress.done and progress.percent == 100
    assignment.refresh_from_db()
    assert assignment.completed_at is not None
    assert Assignment.objects.get(user=trainee).assigned_by == trainer
