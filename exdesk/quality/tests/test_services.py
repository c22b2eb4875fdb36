"""Every solved conversation is reviewed by the task queue; flags point at messages;
crypto auto-fail rules zero the score and alert QA reviewers; drills are left out."""

import pytest
from django.core.exceptions import ValidationError

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.conversations import services as conversations
from exdesk.quality import services
from exdesk.quality.models import AutoReview
from exdesk.sla.models import StaffNotification

pytestmark = pytest.mark.django_db


def solved(conversation, agent, capture):
    """Solve it and let the commit callbacks run (the review task among them)."""
    with capture(execute=True):
        conversations.do_change_status(conversation, agent, "solved")
    return AutoReview.objects.filter(conversation=conversation).first()


def test_solving_reviews_the_conversation_and_points_at_the_message(
    django_capture_on_commit_callbacks,
):
    agent = testing.staff("alice")
    qa = testing.staff("quinn", role=Role.QA_REVIEWER)
    conversation = testing.conversation(subject="Earn", body="Is this earn product safe?")
    promise = conversations.do_reply(conversation, agent, "Yes, 12% a year, guaranteed returns.")
    review = solved(conversation, agent, django_capture_on_commit_callbacks)
    assert review.auto_failed and review.score == 0
    [flag] = review.flags.all()
    assert (flag.kind, flag.event_id) == ("profit_promise", promise.pk)
    assert StaffNotification.objects.filter(user=qa, kind="qa_auto_fail").exists()


def test_a_clean_conversation_scores_full_marks(django_capture_on_commit_callbacks):
    agent = testing.staff("alice")
    conversation = testing.conversation()
    conversations.do_reply(
        conversation, agent, "It is credited now. Anything else I can help with?"
    )
    review = solved(conversation, agent, django_capture_on_commit_callbacks)
    assert (review.score, review.auto_failed, review.flags.count()) == (100, False, 0)


def test_a_refused_request_for_a_secret_still_fails_the_review(django_capture_on_commit_callbacks):
    agent = testing.staff("alice")
    conversation = testing.conversation()
    with pytest.raises(ValidationError):
        conversations.do_reply(conversation, agent, "Please tell me your 2FA code.")
    conversations.do_reply(conversation, agent, "Your deposit is credited.")
    review = solved(conversation, agent, django_capture_on_commit_callbacks)
    assert review.auto_failed
    assert list(review.flags.values_list("kind", flat=True)) == ["blocked_secret"]


def test_solving_again_replaces_the_review_and_the_sweep_catches_missed_ones():
    agent = testing.staff("alice")
    conversation = testing.conversation()
    conversations.do_reply(conversation, agent, "Calm down, it is pending.")
    conversations.do_change_status(conversation, agent, "solved")  # no commit: no task ran
    assert not AutoReview.objects.exists()
    assert services.review_missed() == 1
    review = AutoReview.objects.get(conversation=conversation)
    assert review.score == 80 and not review.auto_failed
    assert services.review_missed() == 0  # reviewed already
    services.review_conversation(conversation.pk)
    assert AutoReview.objects.filter(conversation=conversation).count() == 1


def test_training_drills_and_open_conversations_are_not_reviewed():
    conversation = testing.conversation()
    assert services.review_conversation(conversation.pk) is None  # not solved
    conversation.training = True
    conversation.solved_at = conversation.created_at
    conversation.save()
    assert services.review_conversation(conversation.pk) is None
    assert services.review_missed() == 0


def test_flags_are_shown_to_qa_and_the_agent_not_to_other_agents(
    django_capture_on_commit_callbacks,
):
    from django.urls import reverse

    agent = testing.staff("alice", role=Role.SUPERVISOR)
    conversation = testing.conversation()
    conversations.do_assign(conversation, agent, agent)
    conversations.do_reply(conversation, agent, "Not my problem, read the FAQ.")
    solved(conversation, agent, django_capture_on_commit_callbacks)
    url = reverse("conversations:detail", args=[conversation.pk])
    page = testing.signed_in(agent).get(url).content.decode()
    assert "Automatic quality review" in page and "Rude or dismissive tone" in page
    qa = testing.signed_in(testing.staff("quinn", role=Role.QA_REVIEWER))
    assert "Rude or dismissive tone" in qa.get(url).content.decode()
    listing = qa.get(reverse("quality:automatic") + "?kind=rude_tone").content.decode()
    assert conversation.reference in listing
    other = testing.signed_in(testing.staff("bob", role=Role.AGENT))
    assert other.get(reverse("quality:automatic")).status_code == 403
