"""Exams: drawn per attempt, kept on the server, graded once, certificates granted."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from exdesk.academy import selectors, services
from exdesk.academy.choices import AttemptState
from exdesk.academy.models import Attempt, Certificate, Question

from .conftest import make_questions, right_answer, wrong_answer

pytestmark = pytest.mark.django_db


def answer_all(attempt, user, choose, now=None):
    questions = Question.objects.in_bulk([i["question"] for i in attempt.items])
    answers = {i["question"]: choose(questions[i["question"]], i["order"]) for i in attempt.items}
    return services.save_answers(attempt.pk, user, answers, now=now)


def test_an_attempt_draws_the_blueprint_and_survives_a_reload(exam, trainee):
    attempt = services.start_attempt(trainee, exam)
    assert len(attempt.items) == 4
    assert len({i["question"] for i in attempt.items}) == 4
    for item in attempt.items:
        assert sorted(item["order"]) == list(range(len(item["order"])))
    assert attempt.deadline - attempt.started_at == dt.timedelta(minutes=20)
    assert services.start_attempt(trainee, exam).pk == attempt.pk  # a reload: the same one


def test_options_are_shuffled_per_attempt(module, trainee, exam):
    make_questions(module, n=40, prefix="more")
    orders = set()
    for _ in range(6):
        attempt = services.start_attempt(trainee, exam)
        orders |= {tuple(i["order"]) for i in attempt.items if len(i["order"]) == 4}
        Attempt.objects.filter(pk=attempt.pk).delete()
    assert len(orders) > 1


def test_the_sheet_never_carries_the_answer_key(exam, trainee):
    attempt = services.start_attempt(trainee, exam)
    sheet = selectors.exam_sheet(attempt)
    shown = json.dumps([vars(item) for item in sheet], default=str)
    for word in ("answer", "rubric", "explanation", "Because support never asks"):
        assert word not in shown
    questions = Question.objects.in_bulk([i["question"] for i in attempt.items])
    for item, row in zip(attempt.items, sheet, strict=True):
        question = questions[item["question"]]
        assert row.options == [question.options[i] for i in item["order"]]


def test_right_answers_pass_and_grant_the_certificate(exam, trainee):
    attempt = answer_all(services.start_attempt(trainee, exam), trainee, right_answer)
    attempt = services.submit_attempt(attempt.pk, trainee)
    assert attempt.state == AttemptState.PASSED
    assert (attempt.score, attempt.max_score, attempt.percent) == (4, 4, 100)
    certificate = Certificate.objects.get(user=trainee)
    assert certificate.attempt == attempt
    assert certificate.expires_at - certificate.granted_at == dt.timedelta(days=180)


def test_wrong_answers_fail_without_a_certificate(exam, trainee):
    attempt = answer_all(services.start_attempt(trainee, exam), trainee, wrong_answer)
    attempt = services.submit_attempt(attempt.pk, trainee)
    assert attempt.state == AttemptState.FAILED and attempt.score == 0
    assert not Certificate.objects.exists()


def test_a_finished_attempt_cannot_be_submitted_again(exam, trainee):
    attempt = services.start_attempt(trainee, exam)
    services.submit_attempt(attempt.pk, trainee)
    with pytest.raises(ValidationError):  # a second tab, a replayed form
        services.submit_attempt(attempt.pk, trainee)
    with pytest.raises(ValidationError):
        answer_all(attempt, trainee, right_answer)


def test_another_user_cannot_touch_an_attempt(exam, trainee, trainer):
    attempt = services.start_attempt(trainee, exam)
    with pytest.raises(PermissionDenied):
        services.submit_attempt(attempt.pk, trainer)


def test_time_is_kept_on_the_server(exam, trainee):
    start = timezone.now()
    attempt = services.start_attempt(trainee, exam, now=start)
    half = answer_all(attempt, trainee, right_answer, now=start + dt.timedelta(minutes=5))
    assert len(half.answers) == 4
    late = start + dt.timedelta(minutes=21)
    with pytest.raises(ValidationError):
        answer_all(attempt, trainee, wrong_answer, now=late)
    attempt.refresh_from_db()
    # Finished with what was saved in time.
    assert attempt.state == AttemptState.PASSED


def test_answers_are_checked_against_the_question(exam, trainee):
    attempt = services.start_attempt(trainee, exam)
    item = attempt.items[0]
    with pytest.raises(ValidationError):
        services.save_answers(attempt.pk, trainee, {item["question"]: 99})
    with pytest.raises(ValidationError):
        services.save_answers(attempt.pk, trainee, {10**9: 0})


def test_a_failed_attempt_waits_for_the_cooldown_and_attempts_run_out(exam, trainee):
    start = timezone.now()
    first = services.start_attempt(trainee, exam, now=start)
    services.submit_attempt(first.pk, trainee, now=start + dt.timedelta(minutes=1))
    with pytest.raises(ValidationError):
        services.start_attempt(trainee, exam, now=start + dt.timedelta(hours=2))
    later = start + dt.timedelta(hours=25)
    second = services.start_attempt(trainee, exam, now=later)
    assert second.pk != first.pk
    services.submit_attempt(second.pk, trainee, now=later + dt.timedelta(minutes=1))
    with pytest.raises(PermissionDenied):  # max_attempts = 2
        services.start_attempt(trainee, exam, now=later + dt.timedelta(days=3))


def test_short_answers_wait_for_a_trainer(module, exam, trainee, trainer):
    text = Question.objects.create(
        module=module,
        key="why-never",
        language="en",
        kind="text",
        prompt="Why does support never ask for a seed phrase?",
        rubric="Whoever has it owns the funds.\nNobody legitimate needs it.",
        points=3,
    )
    exam.blueprint = {module.key: 7}
    exam.save()
    attempt = answer_all(services.start_attempt(trainee, exam), trainee, right_answer)
    attempt = services.submit_attempt(attempt.pk, trainee)
    assert attempt.state == AttemptState.AWAITING_GRADING and attempt.score is None
    with pytest.raises(PermissionDenied):
        services.grade_short_answer(attempt.pk, text.pk, 3, trainee)  # not their own
    with pytest.raises(ValidationError):
        services.grade_short_answer(attempt.pk, text.pk, 4, trainer)  # more than it is worth
    attempt = services.grade_short_answer(attempt.pk, text.pk, 2, trainer)
    assert attempt.state == AttemptState.PASSED
    assert (attempt.score, attempt.max_score) == (8, 9)


def test_the_bank_must_hold_enough_questions(exam, trainee):
    exam.blueprint = {"account-security": 50}
    exam.save()
    with pytest.raises(ValidationError):
        services.start_attempt(trainee, exam)
    assert not Attempt.objects.exists()


def test_questions_are_drawn_in_the_takers_language(module, exam, trainee):
    make_questions(module, language="zh-hans", n=4)
    attempt = services.start_attempt(trainee, exam, language="zh-hans")
    languages = set(
        Question.objects.filter(pk__in=[i["question"] for i in attempt.items]).values_list(
            "language", flat=True
        )
    )
    assert languages == {"zh-hans"}
