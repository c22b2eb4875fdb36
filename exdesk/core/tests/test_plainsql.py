import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from exdesk import testing
from exdesk.conversations.choices import EventKind
from exdesk.conversations.models import Conversation, Event
from exdesk.core import plainsql

pytestmark = pytest.mark.django_db


def test_an_insert_stores_what_the_orm_would_with_defaults_and_auto_now_add():
    conversation = testing.conversation()
    before = timezone.now()
    event = plainsql.insert(
        Event(conversation=conversation, kind=EventKind.INTERNAL_NOTE, seq=99, body="plain")
    )
    assert event.pk is not None and not event._state.adding
    stored = Event.objects.get(pk=event.pk)
    assert (stored.seq, stored.kind, stored.body, stored.data, stored.client_id) == (
        99,
        EventKind.INTERNAL_NOTE,
        "plain",
        {},
        None,
    )
    assert stored.created_at >= before and stored.created_at == event.created_at


def test_an_insert_keeps_json_as_json():
    conversation = testing.conversation()
    event = plainsql.insert(
        Event(conversation=conversation, kind=EventKind.STATUS_CHANGE, seq=50, data={"to": "é"})
    )
    assert Event.objects.get(pk=event.pk).data == {"to": "é"}


def test_a_duplicate_insert_raises_djangos_integrity_error_and_stores_nothing():
    conversation = testing.conversation()
    plainsql.insert(Event(conversation=conversation, kind=EventKind.CUSTOMER_MESSAGE, seq=7))
    with pytest.raises(IntegrityError), transaction.atomic():
        plainsql.insert(Event(conversation=conversation, kind=EventKind.CUSTOMER_MESSAGE, seq=7))
    assert conversation.events.filter(seq=7).count() == 1


def test_an_update_writes_only_the_named_fields_and_auto_now():
    conversation = testing.conversation(subject="old")
    stale = Conversation.objects.get(pk=conversation.pk)
    stale.subject, stale.coin = "new", "USDT"
    earlier = stale.updated_at
    plainsql.update(stale, ["coin", "updated_at"])
    stored = Conversation.objects.get(pk=conversation.pk)
    assert (stored.subject, stored.coin) == ("old", "USDT")
    assert stored.updated_at > earlier


def test_an_update_of_a_row_that_is_gone_fails_loudly():
    conversation = testing.conversation()
    ghost = Conversation.objects.get(pk=conversation.pk)
    ghost.pk = 10**9
    with pytest.raises(DatabaseError):
        plainsql.update(ghost, ["coin"])


def test_an_insert_can_number_the_row_within_its_scope_in_the_same_statement():
    one, two = testing.conversation(), testing.conversation()  # each has its seq 1
    first = plainsql.insert(
        Event(conversation=one, kind=EventKind.INTERNAL_NOTE), number=("seq", "conversation")
    )
    second = plainsql.insert(
        Event(conversation=one, kind=EventKind.INTERNAL_NOTE), number=("seq", "conversation")
    )
    other = plainsql.insert(
        Event(conversation=two, kind=EventKind.INTERNAL_NOTE), number=("seq", "conversation")
    )
    assert (first.seq, second.seq, other.seq) == (2, 3, 2)
    assert Event.objects.get(pk=second.pk).seq == 3


def test_an_insert_that_would_conflict_can_be_skipped_without_spoiling_the_transaction():
    conversation = testing.conversation()
    with transaction.atomic():
        kept = plainsql.insert(
            Event(conversation=conversation, kind=EventKind.CUSTOMER_MESSAGE, client_id="x"),
            number=("seq", "conversation"),
            skip_conflicts=True,
        )
        again = plainsql.insert(
            Event(conversation=conversation, kind=EventKind.CUSTOMER_MESSAGE, client_id="x"),
            number=("seq", "conversation"),
            skip_conflicts=True,
        )
        assert kept is not None and again is None
        assert conversation.events.count() == 2  # the transaction still works
    assert conversation.events.filter(client_id="x").count() == 1
