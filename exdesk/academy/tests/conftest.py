import pytest

from exdesk import testing
from exdesk.academy import services
from exdesk.academy.models import Certification, Exam, Lesson, Module, Question
from exdesk.accounts.choices import Role
from exdesk.accounts.models import Skill


@pytest.fixture
def skill():
    return Skill.objects.create(slug="security", name="Account security")


@pytest.fixture
def module(skill):
    return Module.objects.create(
        key="account-security", title_en="Security", title_zh="安全", skill=skill
    )


def make_questions(module, language="en", n=6, lesson_key="", prefix="q"):
    """n questions: single, multiple, true/false, ordering in turn (objective kinds)."""
    shapes = [
        ("single", ["Never ask", "Ask for the 2FA code", "Ask for the password"], [0]),
        ("multiple", ["UID", "TxID", "Seed phrase", "Network"], [0, 1, 3]),
        ("true_false", [], [False]),
        ("ordering", ["Freeze", "Verify", "Escalate", "Follow up"], []),
    ]
    made = []
    for i in range(n):
        kind, options, answer = shapes[i % len(shapes)]
        made.append(
            Question.objects.create(
                module=module,
                key=f"{prefix}-{lesson_key or module.key}-{i:02d}",
                language=language,
                kind=kind,
                prompt=f"Question {i}",
                options=options,
                answer=answer,
                explanation="Because support never asks for secrets.",
                lesson_key=lesson_key,
            )
        )
    return made


@pytest.fixture
def questions(module):
    return make_questions(module)


@pytest.fixture
def certification(skill):
    return Certification.objects.create(
        key="security-l1", skill=skill, title_en="Security L1", title_zh="安全 L1", valid_days=180
    )


@pytest.fixture
def exam(module, questions, certification):
    return Exam.objects.create(
        key="security-l1",
        title_en="Security L1 exam",
        title_zh="安全 L1 考试",
        blueprint={module.key: 4},
        time_limit_minutes=20,
        pass_mark=75,
        max_attempts=2,
        cooldown_hours=24,
        certification=certification,
    )


@pytest.fixture
def trainee():
    return testing.staff("trainee")


@pytest.fixture
def trainer():
    return testing.staff("trainer", role=Role.TRAINER)


@pytest.fixture
def lesson(module):
    lesson = Lesson.objects.create(module=module, key="phishing", language="en")
    services.publish_lesson(lesson, title="Phishing", body="## Fake support\n\nNever.")
    make_questions(module, n=3, lesson_key="phishing")
    return lesson


def right_answer(question, order):
    """What a candidate who knows the answer sends, for options shown in ``order``."""
    if question.kind in ("single", "scenario"):
        return order.index(question.answer[0])
    if question.kind == "multiple":
        return sorted(order.index(i) for i in question.answer)
    if question.kind == "true_false":
        return question.answer[0]
    if question.kind == "ordering":
        return [order.index(i) for i in range(len(order))]
    return "A full answer."


def wrong_answer(question, order):
    if question.kind in ("single", "scenario"):
        return next(p for p, i in enumerate(order) if i not in question.answer)
    if question.kind == "multiple":
        return [order.index(question.answer[0])]
    if question.kind == "true_false":
        return not question.answer[0]
    if question.kind == "ordering":
        return list(reversed([order.index(i) for i in range(len(order))]))
    return ""
