"""Reading and storing in groups: a burst of mail costs one transaction per group, and a
message that fails in a group harms none of the others."""

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from exdesk import testing
from exdesk.conversations.choices import EventKind
from exdesk.conversations.models import Conversation
from exdesk.customers.models import Customer
from exdesk.messaging import receiver, services
from exdesk.messaging.models import InboundMail, MailState

from .mails import mail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def unscheduled(monkeypatch):
    """Stored mail waits unread, as it does behind a busy worker."""
    monkeypatch.setattr(services, "_schedule", lambda pk: None)


def store(raw: bytes) -> InboundMail:
    stored, _created = services.store_inbound(raw, via="smtp")
    return stored


def test_one_task_reads_the_mail_stored_after_its_own(unscheduled):
    stored = [store(mail(sender=f"trader{n}@example.com")) for n in range(5)]
    assert services.ingest_batch(stored[1].pk) == 4  # its own and the three after it
    states = {m.pk: m.state for m in InboundMail.objects.all()}
    assert states[stored[0].pk] == MailState.RECEIVED  # before it: its own task's work
    assert all(states[m.pk] == MailState.PROCESSED for m in stored[1:])
    assert services.ingest_batch(stored[1].pk) == 0  # the later tasks find them read
    assert Conversation.objects.count() == 4


def test_a_batch_is_one_transaction(unscheduled):
    stored = [store(mail(sender=f"trader{n}@example.com")) for n in range(4)]
    with CaptureQueriesContext(connection) as queries:
        services.ingest_batch(stored[0].pk)
    sql = [q["sql"] for q in queries.captured_queries]
    marked_read = [i for i, s in enumerate(sql) if s.startswith('UPDATE "messaging_inboundmail"')]
    assert len(marked_read) == 4
    # All four before the first commit (what runs after it is the queue's follow-up work,
    # inline in tests).
    assert marked_read[-1] < sql.index("COMMIT")


def test_a_batch_is_bounded(unscheduled):
    stored = [store(mail(sender=f"trader{n}@example.com")) for n in range(5)]
    assert services.ingest_batch(stored[0].pk, limit=2) == 2
    assert InboundMail.objects.filter(state=MailState.RECEIVED).count() == 3


def test_two_mails_from_a_new_sender_in_one_batch_make_one_customer(unscheduled):
    first = store(mail(sender="li.wei@example.com", subject="Deposit"))
    store(mail(sender="Li.Wei@example.com", subject="Withdrawal"))
    services.ingest_batch(first.pk)
    assert Customer.objects.filter(email__iexact="li.wei@example.com").count() == 1
    assert Conversation.objects.count() == 2


def test_a_resent_copy_in_the_same_batch_is_read_once(unscheduled):
    def generated():  # a new MIME boundary each time, as a client that builds it again
        return mail(
            sender="li.wei@example.com",
            message_id="<resent-batch@example.com>",
            attachments=[("tx.png", "image/png", testing.PNG_BYTES)],
        )

    one, two = store(generated()), store(generated())
    assert one.pk != two.pk
    services.ingest_batch(one.pk)
    one.refresh_from_db()
    two.refresh_from_db()
    assert two.reason == "duplicate" and two.conversation_id == one.conversation_id
    assert Conversation.objects.get().events.filter(kind=EventKind.CUSTOMER_MESSAGE).count() == 1


def test_a_failing_mail_stays_unread_and_the_others_are_read(unscheduled, monkeypatch):
    stored = [store(mail(sender=f"trader{n}@example.com")) for n in range(3)]
    read = services._read_into_conversation

    def failing_for_the_second(mail_row, reading, known):
        read(mail_row, reading, known)
        if mail_row.pk == stored[1].pk:
            raise RuntimeError("the disk is full")  # after its writes: they must go too

    monkeypatch.setattr(services, "_read_into_conversation", failing_for_the_second)
    assert services.ingest_batch(stored[0].pk) == 2
    states = dict(InboundMail.objects.values_list("pk", "state"))
    assert [states[m.pk] for m in stored] == [
        MailState.PROCESSED,
        MailState.RECEIVED,
        MailState.PROCESSED,
    ]
    assert Conversation.objects.count() == 2  # the failed one's conversation rolled back


def test_the_tasks_own_failure_is_raised_after_the_others_commit(unscheduled, monkeypatch):
    stored = [store(mail(sender=f"trader{n}@example.com")) for n in range(2)]
    read = services._read_into_conversation

    def failing_for_the_first(mail_row, reading, known):
        if mail_row.pk == stored[0].pk:
            raise RuntimeError("the disk is full")
        read(mail_row, reading, known)

    monkeypatch.setattr(services, "_read_into_conversation", failing_for_the_first)
    with pytest.raises(RuntimeError):  # so the task queue retries it
        services.ingest_batch(stored[0].pk)
    states = dict(InboundMail.objects.values_list("pk", "state"))
    assert states[stored[0].pk] == MailState.RECEIVED
    assert states[stored[1].pk] == MailState.PROCESSED


def test_a_group_is_committed_together_with_an_answer_each(unscheduled, settings):
    settings.MAIL_MAX_BYTES = 5_000
    group = [
        (mail(sender="a@example.com"), "a@example.com", ("support@exdesk.invalid",)),
        (b"x" * 6_000, "b@example.com", ("support@exdesk.invalid",)),  # too large
        (mail(sender="c@example.com"), "c@example.com", ("support@exdesk.invalid",)),
    ]
    group.append(group[0])  # an MTA's retry of the first, in the same group
    with CaptureQueriesContext(connection) as queries:
        answers = receiver.store_group(group)
    assert answers[0].startswith("250 2.0.0 Stored")
    assert answers[1].startswith("552")
    assert answers[2].startswith("250 2.0.0 Stored")
    assert answers[3].startswith("250 2.0.0 Already stored")
    assert InboundMail.objects.count() == 2
    assert [q["sql"] for q in queries.captured_queries].count("COMMIT") == 1


def test_a_group_whose_commit_fails_is_answered_try_later(unscheduled, monkeypatch):
    def broken_commit(*args, **kwargs):
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(connection, "commit", broken_commit)
    answers = receiver.store_group(
        [(mail(sender="a@example.com"), "a@example.com", ("support@exdesk.invalid",))]
    )
    monkeypatch.undo()
    assert answers == [receiver.TRY_LATER]
    assert InboundMail.objects.count() == 0
