import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.test.utils import CaptureQueriesContext
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


def test_a_get_loads_the_named_fields_and_the_rest_on_first_use(django_assert_num_queries):
    conversation = testing.conversation(subject="deposit")
    with django_assert_num_queries(1):
        row = plainsql.get(Conversation, conversation.pk, ["status", "customer"], for_update=True)
        assert (row.pk, row.status, row.customer_id) == (
            conversation.pk,
            conversation.status,
            conversation.customer_id,
        )
    with django_assert_num_queries(1):
        assert row.subject == "deposit"


def test_a_locking_get_asks_for_the_row_lock_where_the_database_has_one():
    from django.db import connection

    conversation = testing.conversation()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        plainsql.get(Conversation, conversation.pk, ["status"], for_update=True)
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert selects[0].endswith("FOR UPDATE") == connection.features.has_select_for_update


def test_a_get_of_a_missing_row_raises_does_not_exist():
    with pytest.raises(Conversation.DoesNotExist):
        plainsql.get(Conversation, 10**9, ["status"])


def test_a_get_refuses_fields_whose_values_need_converting():
    with pytest.raises(TypeError, match="converter"):
        plainsql.get(Conversation, 1, ["created_at"])
