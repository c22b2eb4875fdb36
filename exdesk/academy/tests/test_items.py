"""Item analysis: share right and discrimination, exact on a fixed set of attempts."""

import pytest
from django.utils import timezone

from exdesk import testing
from exdesk.academy import selectors
from exdesk.academy.choices import AttemptState
from exdesk.academy.models import Attempt

from .conftest import make_questions

pytestmark = pytest.mark.django_db

# Ten attempts at four questions (A, B, C, D): three weak ones get only B right, four get
# A and C, three strong ones get A, C and D.
GROUPS = [((0, 1, 0, 0), 3), ((1, 0, 1, 0), 4), ((1, 0, 1, 1), 3)]


@pytest.fixture
def graded(module, exam, trainee):
    a, b, c, d = make_questions(module, n=4, prefix="item")
    now = timezone.now()
    for marks, count in GROUPS:
        for _ in range(count):
            Attempt.objects.create(
                exam=exam,
                user=trainee,
                started_at=now,
                deadline=now,
                state=AttemptState.PASSED if sum(marks) >= 2 else AttemptState.FAILED,
                items=[{"question": q.pk, "order": []} for q in (a, b, c, d)],
                marks={str(q.pk): m for q, m in zip((a, b, c, d), marks, strict=True)},
                score=sum(marks),
                max_score=4,
            )
    return a, b, c, d


def test_share_right_and_discrimination_are_exact(graded):
    a, b, c, d = graded
    figures = {f.question.pk: f for f in selectors.item_analysis()}
    assert (figures[a.pk].share_correct, figures[a.pk].discrimination) == (0.7, 1.0)
    assert (round(figures[b.pk].share_correct, 6), figures[b.pk].discrimination) == (0.3, -1.0)
    assert (round(figures[d.pk].share_correct, 6), figures[d.pk].discrimination) == (0.3, 1.0)
    assert figures[b.pk].flags == ["negative_discrimination"]
    assert figures[a.pk].flags == [] and figures[c.pk].flags == []
    assert selectors.item_analysis()[0].question == b  # the flagged first


def test_few_attempts_give_no_discrimination(module, exam, trainee):
    (a,) = make_questions(module, n=1, prefix="few")
    now = timezone.now()
    Attempt.objects.create(
        exam=exam,
        user=trainee,
        started_at=now,
        deadline=now,
        state=AttemptState.PASSED,
        items=[{"question": a.pk, "order": []}],
        marks={str(a.pk): 1},
        score=1,
        max_score=1,
    )
    (figure,) = selectors.item_analysis()
    assert figure.discrimination is None and figure.flags == []


def test_only_trainers_see_the_analysis(graded, trainee, trainer):
    assert testing.signed_in(trainee).get("/console/training/items/").status_code == 403
    page = testing.signed_in(trainer).get("/console/training/items/")
    assert page.status_code == 200 and "check the key" in page.content.decode()
