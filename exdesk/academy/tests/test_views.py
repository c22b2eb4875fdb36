"""The academy's pages: a trainee reads, checks, sits an exam; permissions hold."""

import pytest

from exdesk import testing
from exdesk.academy import services
from exdesk.academy.choices import AttemptState
from exdesk.academy.models import Assignment, Attempt, Certificate, LearningPath, PathStep

pytestmark = pytest.mark.django_db


def client_of(user):
    return testing.signed_in(user)


def test_my_training_lists_the_path_exams_and_certificates(lesson, module, exam, trainee, trainer):
    path = LearningPath.objects.create(key="security", title_en="Security path", title_zh="安全")
    PathStep.objects.create(path=path, position=0, module=module)
    services.assign_path(path, [trainee], by=trainer)
    page = client_of(trainee).get("/console/training/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Security path" in text and "Phishing" in text and "Security L1 exam" in text


def test_a_lesson_check_is_posted_and_graded(lesson, trainee):
    client = client_of(trainee)
    page = client.get(f"/console/training/lessons/{lesson.key}/")
    assert page.status_code == 200 and "Fake support" in page.content.decode()
    answers = {}
    for question in services.lesson_check(lesson):
        name = f"q{question.pk}"
        if question.kind == "true_false":
            answers[name] = "true" if question.answer[0] else "false"
        else:
            answers[name] = [str(i) for i in question.answer]
    result = client.post(f"/console/training/lessons/{lesson.key}/", answers)
    assert "The lesson is complete." in result.content.decode()


def test_an_exam_is_started_saved_and_submitted_once(exam, trainee):
    client = client_of(trainee)
    started = client.post(f"/console/training/exams/{exam.key}/start/")
    attempt = Attempt.objects.get(user=trainee)
    assert started.url == f"/console/training/attempts/{attempt.pk}/"
    page = client.get(started.url).content.decode()
    assert "Because support never asks" not in page  # no explanation or key before the end
    submitted = client.post(started.url, {"submit": "1"})
    assert submitted.status_code == 302
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FAILED  # nothing answered
    again = client.post(started.url, {"submit": "1"})  # another tab, the same form
    assert again.status_code == 200  # the result page; nothing changes
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FAILED and attempt.submitted_at is not None


def test_nobody_opens_another_agents_attempt(exam, trainee):
    other = testing.staff("other")
    attempt = services.start_attempt(trainee, exam)
    assert client_of(other).get(f"/console/training/attempts/{attempt.pk}/").status_code == 404


def test_only_trainers_assign_and_revoke(certification, trainee, trainer):
    certificate = services.grant_certificate(trainee, certification)
    agent = client_of(trainee)
    assert agent.get("/console/training/trainer/").status_code == 403
    denied = agent.post(f"/console/training/certificates/{certificate.pk}/revoke/", {"reason": "x"})
    assert denied.status_code == 403
    client = client_of(trainer)
    assert client.get("/console/training/trainer/").status_code == 200
    client.post(
        f"/console/training/certificates/{certificate.pk}/revoke/", {"reason": "Asked for a code"}
    )
    assert Certificate.objects.get().revoke_reason == "Asked for a code"


def test_a_trainer_assigns_a_path_to_a_team(module, trainer):
    path = LearningPath.objects.create(key="onboarding", title_en="Onboarding", title_zh="入职")
    PathStep.objects.create(path=path, position=0, module=module)
    members = [testing.staff(f"new{n}", teams=("deposits",)) for n in range(3)]
    response = client_of(trainer).post(
        "/console/training/trainer/",
        {"assign-path": path.pk, "assign-team": testing.team("deposits").pk},
    )
    assert response.status_code == 302
    assert set(Assignment.objects.values_list("user", flat=True)) == {m.pk for m in members}


def test_a_drill_is_started_from_the_list_and_served_in_the_console(trainee, trainer):
    from exdesk.academy import loader
    from exdesk.academy.models import DrillRun

    loader.load_starter_academy()
    client = client_of(trainee)
    page = client.get("/console/training/drills/")
    assert page.status_code == 200
    scenario = page.context["scenarios"][0]
    started = client.post(f"/console/training/drills/start/{scenario.pk}/")
    run = DrillRun.objects.get(trainee=trainee)
    assert (
        started.url == f"/console/{run.conversation_id}/" or str(run.conversation_id) in started.url
    )
    conversation_page = client.get(started.url).content.decode()
    assert "Training drill" in conversation_page and scenario.opening[:40] in conversation_page
    assert (
        client_of(testing.staff("someone")).get(f"/console/training/drills/{run.pk}/").status_code
        == 404
    )
    client.post(f"/console/training/drills/{run.pk}/finish/")
    run.refresh_from_db()
    assert run.finished_at is not None and run.passed is False
    review = client_of(trainer).post(
        f"/console/training/drills/{run.pk}/review/",
        {"comment": "Ask for the UID.", "adjustment": "5"},
    )
    assert review.status_code == 302
    run.refresh_from_db()
    assert run.review_comment == "Ask for the UID."


def test_a_trainer_grades_short_answers_on_a_page(module, exam, trainee, trainer):
    from exdesk.academy.models import Question

    text = Question.objects.create(
        module=module,
        key="why",
        language="en",
        kind="text",
        prompt="Why never ask for a seed phrase?",
        rubric="Whoever has it owns the funds.\nNobody legitimate needs it.",
        points=2,
    )
    exam.blueprint = {module.key: 7}
    exam.save()
    attempt = services.start_attempt(trainee, exam)
    services.save_answers(attempt.pk, trainee, {text.pk: "It gives away the wallet."})
    services.submit_attempt(attempt.pk, trainee)
    client = client_of(trainer)
    page = client.get(f"/console/training/attempts/{attempt.pk}/grade/").content.decode()
    assert "It gives away the wallet." in page and "Nobody legitimate needs it." in page
    assert (
        client_of(trainee).get(f"/console/training/attempts/{attempt.pk}/grade/").status_code == 403
    )
    client.post(f"/console/training/attempts/{attempt.pk}/grade/", {f"points-{text.pk}": "2"})
    attempt.refresh_from_db()
    assert attempt.state in (AttemptState.PASSED, AttemptState.FAILED)
    assert attempt.marks[str(text.pk)] == 2
    # Graded once: the page is gone.
    assert client.get(f"/console/training/attempts/{attempt.pk}/grade/").status_code == 404
