"""QA scorecards: weighted criteria and auto-fail, comments on exact messages, the
agent's dispute settled by a lead, samples, calibration, and lessons for what failed."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from exdesk import testing
from exdesk.academy.models import Lesson, LessonAssignment, Module
from exdesk.accounts.choices import Role
from exdesk.conversations import services as conversations
from exdesk.quality import scorecards
from exdesk.quality.models import Criterion, QaReview, Scorecard
from exdesk.quality.scorecards import Mark
from exdesk.sla.models import StaffNotification

pytestmark = pytest.mark.django_db


@pytest.fixture
def card():
    card = Scorecard.objects.create(name="Standard")
    Criterion.objects.create(
        scorecard=card, position=0, label_en="Greets", label_zh="问候", weight=1
    )
    Criterion.objects.create(
        scorecard=card,
        position=1,
        label_en="Asks for the TxID",
        label_zh="询问 TxID",
        weight=3,
        lesson_key="deposit-troubleshooting",
    )
    Criterion.objects.create(
        scorecard=card,
        position=2,
        label_en="Never asks for a secret",
        label_zh="绝不索要机密",
        weight=1,
        auto_fail=True,
    )
    return card


@pytest.fixture
def agent():
    return testing.staff("alice")


@pytest.fixture
def reviewer():
    return testing.staff("quinn", role=Role.QA_REVIEWER)


def solved_conversation(agent):
    conversation = testing.conversation()
    conversation.assignee = agent
    conversation.save(update_fields=["assignee"])
    conversations.do_reply(conversation, agent, "Hello! Could you send the TxID?")
    conversations.do_change_status(conversation, agent, "solved")
    conversation.refresh_from_db()
    return conversation


def marks(card, *passed, seq=None):
    return {
        c.pk: Mark(
            p, comment="see here" if seq and p is False else "", seq=seq if p is False else None
        )
        for c, p in zip(card.criteria.all(), passed, strict=True)
    }


def test_the_score_is_the_weighted_share_and_auto_fail_zeroes_it(card, agent, reviewer):
    conversation = solved_conversation(agent)
    review = scorecards.submit_review(
        reviewer, conversation, card, marks(card, True, False, True, seq=2)
    )
    assert (review.score, review.auto_failed) == (40, False)  # 2 of 5 weight points
    assert review.scores.get(passed=False).event.seq == 2  # the exact message
    other = testing.staff("rita", role=Role.QA_REVIEWER)
    failed = scorecards.submit_review(other, conversation, card, marks(card, True, True, False))
    assert (failed.score, failed.auto_failed) == (0, True)
    not_applicable = scorecards.submit_review(
        testing.staff("rob", role=Role.QA_REVIEWER),
        conversation,
        card,
        marks(card, None, True, True),
    )
    assert not_applicable.score == 100


def test_a_failed_criterion_gives_its_lesson_and_tells_the_agent(card, agent, reviewer):
    module = Module.objects.create(key="deposits", title_en="Deposits", title_zh="充值")
    Lesson.objects.create(module=module, key="deposit-troubleshooting", language="en")
    conversation = solved_conversation(agent)
    scorecards.submit_review(reviewer, conversation, card, marks(card, True, False, True))
    given = LessonAssignment.objects.get(user=agent)
    assert given.lesson_key == "deposit-troubleshooting" and given.reason == "Asks for the TxID"
    assert StaffNotification.objects.filter(user=agent, kind="qa_review").exists()


@pytest.mark.parametrize(
    "problem",
    ["own", "unsolved", "missing_mark", "foreign_message", "twice", "not_qa"],
)
def test_bad_reviews_are_refused_and_nothing_is_kept(card, agent, reviewer, problem):
    conversation = solved_conversation(agent)
    who, given, target = reviewer, marks(card, True, True, True), conversation
    if problem == "own":
        who = agent
        agent.role = Role.QA_REVIEWER
        agent.save()
    elif problem == "unsolved":
        target = testing.conversation()
    elif problem == "missing_mark":
        given.pop(next(iter(given)))
    elif problem == "foreign_message":
        given = marks(card, True, False, True, seq=99)
    elif problem == "twice":
        scorecards.submit_review(reviewer, conversation, card, given)
    elif problem == "not_qa":
        who = testing.staff("bob")
    before = QaReview.objects.count()
    with pytest.raises((ValidationError, PermissionDenied)):
        scorecards.submit_review(who, target, card, given)
    assert QaReview.objects.count() == before


def test_the_agent_disputes_and_a_lead_settles(card, agent, reviewer):
    lead = testing.staff("lena", role=Role.SUPERVISOR)
    conversation = solved_conversation(agent)
    review = scorecards.submit_review(reviewer, conversation, card, marks(card, True, False, True))
    with pytest.raises(PermissionDenied):
        scorecards.dispute(testing.staff("bob"), review, "not mine")
    with pytest.raises(ValidationError):
        scorecards.dispute(agent, review, " ")
    review = scorecards.dispute(agent, review, "I did ask for the TxID in message 2.")
    assert review.state == "disputed"
    assert StaffNotification.objects.filter(user=lead, kind="qa_dispute").exists()
    with pytest.raises(ValidationError):
        scorecards.dispute(agent, review, "again")
    with pytest.raises(PermissionDenied):
        scorecards.resolve_dispute(reviewer, review, note="mine", new_score=100)
    review = scorecards.resolve_dispute(lead, review, note="The TxID was asked.", new_score=100)
    assert (review.state, review.score, review.resolved_by) == ("amended", 100, lead)


def test_a_dispute_after_two_weeks_is_refused(card, agent, reviewer):
    review = scorecards.submit_review(
        reviewer, solved_conversation(agent), card, marks(card, True, True, True)
    )
    later = timezone.now() + dt.timedelta(days=15)
    with pytest.raises(ValidationError):
        scorecards.dispute(agent, review, "late", now=later)


def test_samples_leave_out_reviewed_own_and_training_conversations(card, agent, reviewer):
    one, two = solved_conversation(agent), solved_conversation(agent)
    own = solved_conversation(agent)
    own.assignee = reviewer  # handled by the reviewer once, before joining QA
    own.save(update_fields=["assignee"])
    scorecards.submit_review(reviewer, one, card, marks(card, True, True, True))
    picked = scorecards.sample(reviewer, "random", n=10)
    assert two in picked and one not in picked and own not in picked
    two.rating = 1
    two.save(update_fields=["rating"])
    assert scorecards.sample(reviewer, "low_csat") == [two]
    assert scorecards.sample(reviewer, "agent", agent_id=agent.pk) == [two]
    with pytest.raises(PermissionDenied):
        scorecards.sample(agent, "random")


def test_calibration_shows_how_far_reviewers_differ(card, agent, reviewer):
    conversation = solved_conversation(agent)
    session = scorecards.start_calibration(reviewer, conversation, card)
    scorecards.submit_review(
        reviewer, conversation, card, marks(card, True, True, True), calibration=session
    )
    other = testing.staff("rita", role=Role.QA_REVIEWER)
    scorecards.submit_review(
        other, conversation, card, marks(card, True, False, True), calibration=session
    )
    report = scorecards.calibration_report(session)
    assert report.spread == 60
    agreement = {c.label_en: share for c, share in report.agreement}
    assert agreement == {"Greets": 1.0, "Asks for the TxID": 0.5, "Never asks for a secret": 1.0}
    # Calibration reviews neither count against the agent nor hide it from samples.
    assert not StaffNotification.objects.filter(user=agent, kind="qa_review").exists()
    assert conversation in scorecards.sample(testing.staff("rob", role=Role.QA_REVIEWER), "random")
