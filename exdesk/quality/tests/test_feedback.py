"""The satisfaction survey: asked once by e-mail when a conversation is solved, answered
through a signed link in the customer's language, changeable for a while; a bad rating
alerts the team's supervisors or reopens the case, as configured."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.conversations import services as conversations
from exdesk.conversations.models import Event
from exdesk.quality import feedback
from exdesk.quality.models import Feedback, SurveyRequest
from exdesk.sla.models import StaffNotification

pytestmark = pytest.mark.django_db


def solve(conversation, agent, capture):
    with capture(execute=True):
        conversations.do_change_status(conversation, agent, "solved")


def survey_link() -> str:
    return re.search(r"https?://\S+/feedback/\S+/", mail.outbox[-1].body).group(0)


def mailed_conversation(**extra):
    customer = testing.customer(email="li@example.com", language="zh-hans")
    return testing.conversation(who=customer, channel="email", language="zh-hans", **extra)


def test_solving_sends_the_survey_once_in_the_customers_language(
    django_capture_on_commit_callbacks,
):
    agent = testing.staff("alice")
    conversation = mailed_conversation()
    solve(conversation, agent, django_capture_on_commit_callbacks)
    [message] = [m for m in mail.outbox if "/feedback/" in m.body]
    assert message.to == ["li@example.com"] and conversation.reference in message.subject
    assert "我们的服务怎么样？只需半分钟" in message.body  # written in Chinese
    conversations.do_change_status(conversation, agent, "open")
    solve(conversation, agent, django_capture_on_commit_callbacks)
    assert len([m for m in mail.outbox if "/feedback/" in m.body]) == 1
    assert SurveyRequest.objects.filter(conversation=conversation).count() == 1


def test_chats_and_drills_get_no_survey_mail(django_capture_on_commit_callbacks):
    agent = testing.staff("alice")
    chat = testing.conversation(
        who=testing.customer(email="c@example.com"), channel="chat", subject="Chat"
    )
    solve(chat, agent, django_capture_on_commit_callbacks)
    assert feedback.ask_for_feedback(chat.pk) is None
    assert not [m for m in mail.outbox if "/feedback/" in m.body]


def test_the_customer_answers_through_the_link_and_may_change_it_for_a_day(
    django_capture_on_commit_callbacks,
):
    agent = testing.staff("alice")
    conversation = mailed_conversation()
    solve(conversation, agent, django_capture_on_commit_callbacks)
    path = survey_link().split("://", 1)[1].split("/", 1)[1]
    client = Client()
    page = client.get(f"/{path}")
    assert page.status_code == 200 and "您的问题解决了吗？" in page.content.decode()
    answer = {"score": "4", "solved": "yes", "effort": "2", "comment": "很快"}
    assert client.post(f"/{path}", answer).status_code == 200
    given = Feedback.objects.get(conversation=conversation)
    assert (given.score, given.solved, given.effort, given.comment) == (4, True, 2, "很快")
    conversation.refresh_from_db()
    assert conversation.rating == 4
    client.post(f"/{path}", {**answer, "score": "5"})
    given.refresh_from_db()
    assert given.score == 5 and Feedback.objects.count() == 1
    later = given.created_at + feedback.EDIT_WINDOW + dt.timedelta(minutes=1)
    with pytest.raises(ValidationError):
        feedback.record_feedback(conversation, score=1, now=later)
    Feedback.objects.filter(pk=given.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    done = client.get(f"/{path}").content.decode()
    assert "不能再修改" in done


@pytest.mark.parametrize("token", ["forged", "MQ:1tAbCd:not-a-signature"])
def test_a_forged_link_opens_nothing(token):
    response = Client().get(reverse("feedback:survey", args=[token]))
    assert response.status_code == 404


def test_an_expired_link_opens_nothing():
    conversation = mailed_conversation()
    token = feedback.survey_token(conversation)
    assert feedback.conversation_for(token) == conversation
    later = timezone.now() + feedback.SURVEY_LIFETIME + dt.timedelta(days=1)
    with time_machine.travel(later), pytest.raises(ValidationError):
        feedback.conversation_for(token)


@pytest.mark.parametrize("bad", [{"score": 0}, {"score": 6}, {"score": 3, "effort": 9}])
def test_out_of_range_answers_are_refused_and_nothing_is_kept(bad):
    conversation = mailed_conversation()
    with pytest.raises(ValidationError):
        feedback.record_feedback(conversation, **bad)
    assert not Feedback.objects.exists()
    assert not Event.objects.filter(conversation=conversation, kind="rating").exists()


def test_a_bad_rating_alerts_the_teams_supervisors(settings):
    settings.QUALITY_BAD_RATING_ACTION = "alert"
    lead = testing.staff("lena", role=Role.SUPERVISOR)
    elsewhere = testing.staff("otto", role=Role.SUPERVISOR, teams=("vip",))
    conversation = mailed_conversation()
    feedback.record_feedback(conversation, score=1, comment="太慢了")
    assert StaffNotification.objects.filter(user=lead, kind="bad_rating").exists()
    assert not StaffNotification.objects.filter(user=elsewhere).exists()
    feedback.record_feedback(conversation, score=2)  # changed: not alerted twice
    assert StaffNotification.objects.filter(kind="bad_rating").count() == 1


def test_a_bad_rating_can_reopen_the_case(settings, django_capture_on_commit_callbacks):
    settings.QUALITY_BAD_RATING_ACTION = "reopen"
    agent = testing.staff("alice")
    conversation = mailed_conversation()
    solve(conversation, agent, django_capture_on_commit_callbacks)
    feedback.record_feedback(conversation, score=1)
    conversation.refresh_from_db()
    assert conversation.status == "open"
    assert conversation.events.filter(kind="internal_note", body__contains="1 of 5").exists()


def test_a_good_rating_or_none_action_changes_nothing(settings):
    settings.QUALITY_BAD_RATING_ACTION = "none"
    testing.staff("lena", role=Role.SUPERVISOR)
    conversation = mailed_conversation()
    feedback.record_feedback(conversation, score=1, source="widget")
    assert not StaffNotification.objects.exists()
    assert Feedback.objects.get().source == "widget"


def test_the_customer_says_whether_a_bot_answer_helped():
    from exdesk.conversations import live

    conversation = testing.conversation(channel="chat")
    conversations.do_assistant_turn(
        conversation.pk, triage={}, replies=[("Deposits need 12 confirmations.", {})]
    )
    answer = conversation.events.get(kind="agent_reply")
    [frame] = live.frames([answer], for_staff=False)
    assert frame["bot"] is True  # the widget asks whether it helped
    first = feedback.record_bot_feedback(conversation, answer.seq, False, "wrong")
    assert (first.helpful, first.reason) == (False, "wrong")
    again = feedback.record_bot_feedback(conversation, answer.seq, True, "wrong")
    assert (again.pk, again.helpful, again.reason) == (first.pk, True, "")
    with pytest.raises(ValidationError):
        feedback.record_bot_feedback(conversation, 1, True)  # the customer's own message
    with pytest.raises(ValidationError):
        feedback.record_bot_feedback(conversation, answer.seq, "yes")
    with pytest.raises(ValidationError):
        feedback.record_bot_feedback(conversation, answer.seq, False, "bored")
