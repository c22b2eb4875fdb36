"""A changed help-center article flags the lessons and questions that rely on it; the
trainer reviews them and may ask certificate holders to re-train."""

import pytest
from django.core.exceptions import ValidationError

from exdesk import testing
from exdesk.academy import services
from exdesk.academy.models import Certificate, Question, ReviewFlag
from exdesk.accounts.choices import Role
from exdesk.helpcenter import services as kb
from exdesk.helpcenter.models import Category, Section
from exdesk.sla.models import StaffNotification

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def article():
    author = testing.staff("writer")
    category = Category.objects.create(slug="security", name_en="Security", name_zh_hans="安全")
    section = Section.objects.create(
        category=category, slug="phishing", name_en="Phishing", name_zh_hans="钓鱼"
    )
    article = kb.create_article(
        author,
        section=section,
        language="en",
        slug="official-channels",
        title="Official channels",
        body="Our only channels are listed here.",
    )
    kb.submit_for_review(author, article)
    kb.approve(testing.staff("reviewer", role=Role.SUPERVISOR), article)
    return article, author


def test_a_new_version_flags_what_relies_on_it_and_tells_the_trainers(
    article, lesson, module, trainer
):
    article, author = article
    services.publish_lesson(lesson, title="Phishing", body="…", articles=["official-channels"])
    question = Question.objects.create(
        module=module,
        key="channels-q",
        language="en",
        kind="true_false",
        prompt="?",
        answer=[True],
        article_key="official-channels",
    )
    ReviewFlag.objects.all().delete()
    StaffNotification.objects.all().delete()
    kb.save_version(author, article, title="Official channels", description="", body="New list.")
    kb.submit_for_review(author, article)
    kb.approve(testing.staff("second", role=Role.SUPERVISOR), article)
    flags = ReviewFlag.objects.all()
    assert {(f.lesson_id, f.question_id) for f in flags} == {(lesson.pk, None), (None, question.pk)}
    assert StaffNotification.objects.filter(user=trainer, kind="training_review").exists()


def test_reviewing_can_ask_holders_to_retrain(
    lesson, module, exam, certification, trainee, trainer
):
    services.grant_certificate(trainee, certification)
    flag = ReviewFlag.objects.create(
        lesson=lesson, article_slug="official-channels", article_version=2
    )
    asked = services.resolve_flag(flag, trainer, retrain=True)
    assert asked == 1
    assert Certificate.objects.get(user=trainee).retrain_requested_at is not None
    assert StaffNotification.objects.filter(user=trainee, kind="certificate_retrain").exists()
    with pytest.raises(ValidationError):  # done once
        services.resolve_flag(flag, trainer)


def test_only_trainers_resolve(lesson, trainee, trainer):
    flag = ReviewFlag.objects.create(lesson=lesson, article_slug="x", article_version=2)
    assert (
        testing.signed_in(trainee).post(f"/console/training/reviews/{flag.pk}/").status_code == 403
    )
    testing.signed_in(trainer).post(f"/console/training/reviews/{flag.pk}/")
    flag.refresh_from_db()
    assert flag.resolved_by == trainer
