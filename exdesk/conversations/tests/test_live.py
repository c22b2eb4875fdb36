import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.migrations.loader import MigrationLoader

from exdesk import testing
from exdesk.conversations import live, services
from exdesk.conversations.choices import EventKind, Status
from exdesk.conversations.models import Conversation, Event

pytestmark = pytest.mark.django_db


def test_every_event_takes_the_next_seq_of_its_conversation():
    one, two = testing.conversation(), testing.conversation()
    agent = testing.staff("alice")
    services.do_reply(one, agent, "hello", status=Status.PENDING)
    services.do_add_note(one, agent, "note")
    services.do_add_customer_message(two, "more")
    assert list(one.events.order_by("id").values_list("seq", flat=True)) == [1, 2, 3, 4]
    assert list(two.events.order_by("id").values_list("seq", flat=True)) == [1, 2]


def test_existing_events_are_numbered_by_the_migration():
    conversation = testing.conversation()
    services.do_add_customer_message(conversation, "second")
    plain = models.QuerySet(Event)
    for n, pk in enumerate(conversation.events.order_by("id").values_list("pk", flat=True)):
        plain.filter(pk=pk).update(seq=100 - n)  # scrambled
    migration = importlib.import_module("exdesk.conversations.migrations.0004_chat")
    loader = MigrationLoader(connection)
    migration.number_events(loader.project_state(("conversations", "0004_chat")).apps, None)
    assert list(conversation.events.order_by("id").values_list("seq", flat=True)) == [1, 2]


def test_customers_see_messages_and_plain_system_lines_never_staff_notes():
    conversation = testing.conversation(body="where is my deposit")
    alice = testing.staff("alice")
    alice.first_name, alice.last_name = "Alice", "Wong"
    alice.save()
    services.do_take(conversation, alice)
    services.do_add_note(conversation, alice, "looks like wrong network")
    services.do_set_tags(conversation, alice, ["deposit"])
    services.do_reply(conversation, alice, "Checking")
    services.do_change_status(conversation, alice, Status.SOLVED)
    services.do_add_customer_message(conversation, "still there?")
    services.do_assign(conversation, alice, None)
    events = live.events_after(conversation.pk, 0)

    customer = [(f["seq"], f["kind"], f["author"]) for f in live.frames(events, for_staff=False)]
    assert customer == [
        (1, "customer_message", str(conversation.customer)),
        (2, "agent_joined", "Alice Wong"),
        (5, "agent_reply", "Alice Wong"),
        (6, "chat_ended", "Alice Wong"),
        (7, "customer_message", str(conversation.customer)),
        (8, "reopened", ""),
        (9, "agent_left", "Alice Wong"),
    ]
    staff = live.frames(events, for_staff=True)
    assert [f["seq"] for f in staff] == list(range(1, 10))
    assert staff[2]["kind"] == EventKind.INTERNAL_NOTE and staff[2]["body"].startswith("looks")
    assert live.last_seq(conversation.pk) == 9
    assert [e.seq for e in live.events_after(conversation.pk, 7)] == [8, 9]


def test_attachments_link_through_the_audience_s_own_door():
    conversation = testing.conversation(uploads=[("shot.png", testing.PNG_BYTES)])
    (staff_frame,) = live.frames(live.events_after(conversation.pk, 0), for_staff=True)
    (customer_frame,) = live.frames(live.events_after(conversation.pk, 0), for_staff=False)
    assert staff_frame["attachments"][0]["url"].startswith("/console/attachments/")
    assert conversation.tracking_token in customer_frame["attachments"][0]["url"]


def test_rating_is_checked_and_stored_with_the_conversation():
    conversation = testing.conversation()
    for bad in (0, 6, "five", None):
        with pytest.raises(ValidationError):
            services.do_rate(conversation, bad)
    with pytest.raises(ValidationError):
        services.do_rate(conversation, 3, "x" * 1001)
    event = services.do_rate(conversation, "5", "  fast and kind  ")
    conversation.refresh_from_db()
    assert (conversation.rating, conversation.rating_comment) == (5, "fast and kind")
    assert event.kind == EventKind.RATING and event.data == {"score": 5}


def test_read_receipts_only_move_forward():
    conversation = testing.conversation()
    assert services.do_mark_read(conversation, by_customer=True, seq=3) == 3
    services.do_mark_read(conversation, by_customer=True, seq=2)
    services.do_mark_read(conversation, by_customer=False, seq=1)
    conversation.refresh_from_db()
    assert (conversation.customer_read_seq, conversation.staff_read_seq) == (3, 1)
    with pytest.raises(ValidationError):
        services.do_mark_read(conversation, by_customer=True, seq="x")


def test_ending_a_chat_solves_it_once():
    conversation = testing.conversation()
    assert services.do_end_chat(conversation).data == {"from": "new", "to": "solved"}
    assert services.do_end_chat(conversation) is None
    assert Conversation.objects.get(pk=conversation.pk).status == Status.SOLVED


def test_only_a_chat_becomes_a_follow_up_ticket():
    conversation = testing.conversation()
    with pytest.raises(ValidationError):
        services.do_convert_to_ticket(conversation, testing.staff("alice"))


def test_a_publisher_failure_does_not_undo_the_change(monkeypatch, caplog):
    def broken(group, message):
        raise ConnectionError("layer down")

    monkeypatch.setattr(live, "send_to_group", broken)
    conversation = testing.conversation()
    live.publish_event(conversation.events.get())
    assert "could not publish" in caplog.text
