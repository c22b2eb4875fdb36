"""The countdown in the inbox and on the conversation page, and notifications."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.sla import services
from exdesk.sla.templatetags.sla import span_text, state

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)


def test_the_inbox_counts_down_and_colours_warning_and_breach():
    alice = testing.staff("alice")
    url = reverse("conversations:inbox") + "?view=all"
    with time_machine.travel(START, tick=False) as traveller:
        conversation = testing.conversation()  # first response due in 4 h
        text = testing.signed_in(alice).get(url).content.decode()
        assert "sla sla-ok" in text and "4 h 0 min left" in text
        assert 'id="sla-labels"' in text  # the words the script updates it with
        traveller.shift(dt.timedelta(hours=3, minutes=30))
        # (A session idle for hours has ended: sign in again each time.)
        assert "sla sla-warning" in testing.signed_in(alice).get(url).content.decode()
        traveller.shift(dt.timedelta(hours=1))
        client = testing.signed_in(alice)
        text = client.get(url).content.decode()
        assert "sla sla-breached" in text and "30 min overdue" in text
        page = client.get(reverse("conversations:detail", args=[conversation.pk]))
        assert "First response" in page.content.decode()


def test_the_countdown_words():
    assert span_text(59 * 60) == "59 min"
    assert span_text(-(2 * 3600 + 5 * 60)) == "2 h 5 min"
    assert span_text(26 * 3600) == "1 d 2 h"
    assert state(START, START - dt.timedelta(minutes=1), START - dt.timedelta(minutes=2)) == "ok"
    assert state(START, START - dt.timedelta(minutes=1), START) == "breached"


def test_notifications_are_listed_counted_and_marked_read():
    supervisor = testing.staff("sue", Role.SUPERVISOR)
    conversation = testing.conversation()
    services.notify([supervisor], conversation, "sla_breach", "first_response")
    client = testing.signed_in(supervisor)
    page = client.get(reverse("sla:notifications")).content.decode()
    assert "A service-level target was missed" in page and conversation.reference in page
    assert 'class="notice-count">1<' in page
    assert client.post(reverse("sla:mark_read")).status_code == 302
    assert 'class="notice-count"' not in client.get(reverse("sla:notifications")).content.decode()
    # Each person sees only their own.
    other = testing.signed_in(testing.staff("amy"))
    assert conversation.reference not in other.get(reverse("sla:notifications")).content.decode()


def test_a_missed_target_stays_missed_when_its_priority_is_raised():
    alice = testing.staff("alice")
    with time_machine.travel(START, tick=False) as traveller:
        conversation = testing.conversation()
        traveller.shift(dt.timedelta(hours=5))
        services.fire_due()  # breach: the rules raise it to P1, with a new deadline
        conversation.refresh_from_db()
        assert conversation.priority == "p1"
        text = testing.signed_in(alice).get(reverse("conversations:inbox") + "?view=all")
        assert "missed" in text.content.decode()
