import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.conversations import services
from exdesk.conversations.choices import EventKind, Status
from exdesk.conversations.models import Attachment, Conversation, Event

pytestmark = pytest.mark.django_db


def kinds(conversation):
    return list(conversation.events.values_list("kind", flat=True))


def test_create_starts_the_timeline_with_the_customer_message():
    conversation = testing.conversation(
        fields={"coin": "USDT", "network": "TRC20", "amount": "10.5"}, tags=["Wrong Network"]
    )
    assert conversation.status == Status.NEW
    assert conversation.team.slug == "general"
    assert conversation.coin == "USDT" and str(conversation.amount) == "10.5"
    assert kinds(conversation) == [EventKind.CUSTOMER_MESSAGE]
    assert list(conversation.tags.values_list("name", flat=True)) == ["wrong-network"]
    assert len(conversation.tracking_token) >= 40


def test_reply_records_first_response_and_opens_the_case():
    alice = testing.staff("alice")
    conversation = testing.conversation()
    services.do_reply(conversation, alice, "Hello, we are checking.", notify_customer=False)
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN
    assert conversation.first_response_at is not None
    first = conversation.first_response_at
    services.do_reply(
        conversation, alice, "Found it.", status=Status.PENDING, notify_customer=False
    )
    conversation.refresh_from_db()
    assert conversation.first_response_at == first
    assert conversation.status == Status.PENDING
    assert kinds(conversation) == [
        EventKind.CUSTOMER_MESSAGE,
        EventKind.AGENT_REPLY,
        EventKind.STATUS_CHANGE,
        EventKind.AGENT_REPLY,
        EventKind.STATUS_CHANGE,
    ]


def test_customer_answer_reopens_pending_and_solved():
    alice = testing.staff("alice")
    conversation = testing.conversation()
    services.do_change_status(conversation, alice, Status.SOLVED)
    conversation.refresh_from_db()
    assert conversation.solved_at is not None
    services.do_add_customer_message(conversation, "Still not there!")
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN
    assert conversation.solved_at is None


def test_closed_conversations_refuse_customer_messages():
    alice = testing.staff("alice")
    conversation = testing.conversation()
    services.do_change_status(conversation, alice, Status.CLOSED)
    conversation.refresh_from_db()
    with pytest.raises(ValidationError):
        services.do_add_customer_message(conversation, "hello?")
    assert conversation.events.filter(kind=EventKind.CUSTOMER_MESSAGE).count() == 1


def test_timeline_is_append_only():
    conversation = testing.conversation()
    event = conversation.events.get()
    event.body = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).update(body="x")
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).delete()
    assert Event.objects.get(pk=event.pk).body == "My USDT deposit has not arrived."


def test_every_change_is_an_event_with_actor_and_values():
    alice = testing.staff("alice")
    conversation = testing.conversation()
    services.do_change_priority(conversation, alice, "p0")
    services.do_take(conversation, alice)
    services.do_set_tags(conversation, alice, ["vip", "phishing"])
    services.do_add_note(conversation, alice, "Escalating to security")
    changes = {e.kind: e for e in conversation.events.all()}
    assert changes[EventKind.PRIORITY_CHANGE].data == {"from": "p2", "to": "p0"}
    assert changes[EventKind.PRIORITY_CHANGE].author_user == alice
    assert changes[EventKind.ASSIGNMENT_CHANGE].data == {"from": None, "to": "alice"}
    assert changes[EventKind.TAG_CHANGE].data == {"from": [], "to": ["phishing", "vip"]}
    assert changes[EventKind.INTERNAL_NOTE].body == "Escalating to security"


def test_an_unchanged_value_writes_no_event():
    alice = testing.staff("alice")
    conversation = testing.conversation()
    assert services.do_change_priority(conversation, alice, "p2") is None
    assert conversation.events.count() == 1


def test_invalid_values_are_refused():
    alice = testing.staff("alice")
    conversation = testing.conversation()
    with pytest.raises(ValidationError):
        services.do_change_status(conversation, alice, "deleted")
    with pytest.raises(ValidationError):
        services.do_change_priority(conversation, alice, "p9")
    with pytest.raises(ValidationError):
        services.do_set_tags(conversation, alice, ["<script>"])
    with pytest.raises(ValidationError):
        services.do_reply(conversation, alice, "   ")
    assert conversation.events.count() == 1


def test_agents_take_but_only_leads_assign_others():
    alice = testing.staff("alice")
    bob = testing.staff("bob")
    lead = testing.staff("lead", role=Role.SENIOR_AGENT)
    conversation = testing.conversation()
    with pytest.raises(PermissionDenied):
        services.do_assign(conversation, alice, bob)
    services.do_assign(conversation, lead, bob)
    conversation.refresh_from_db()
    assert conversation.assignee == bob
    assert conversation.status == Status.OPEN


def test_assignee_must_be_in_the_team():
    lead = testing.staff("lead", role=Role.SENIOR_AGENT)
    outsider = testing.staff("outsider", teams=("security",))
    conversation = testing.conversation(team_slug="general")
    with pytest.raises(ValidationError):
        services.do_assign(conversation, lead, outsider)


def test_roles_that_do_not_answer_cannot_reply():
    qa = testing.staff("qa", role=Role.QA_REVIEWER)
    conversation = testing.conversation()
    with pytest.raises(PermissionDenied):
        services.do_reply(conversation, qa, "hi")
    with pytest.raises(PermissionDenied):
        services.do_change_status(conversation, qa, Status.SOLVED)


def test_bulk_is_all_or_nothing():
    alice = testing.staff("alice")
    first, second = testing.conversation(), testing.conversation()
    Conversation.objects.filter(pk=second.pk).update(status=Status.OPEN)
    second.refresh_from_db()
    assert services.do_bulk(alice, [first, second], "status", Status.PENDING) == 2
    with pytest.raises(ValidationError):
        services.do_bulk(alice, [first, second], "status", "bogus")
    with pytest.raises(ValidationError):
        services.do_bulk(alice, [first], "delete", "")
    assert set(Conversation.objects.values_list("status", flat=True)) == {Status.PENDING}


def test_changing_team_drops_an_assignee_who_cannot_see_it():
    alice = testing.staff("alice")
    conversation = testing.conversation()
    services.do_take(conversation, alice)
    services.do_change_team(conversation, alice, testing.team("security"))
    conversation.refresh_from_db()
    assert conversation.team.slug == "security"
    assert conversation.assignee is None


# ---------------------------------------------------------------- attachments


def test_attachments_are_typed_by_content_and_stored_under_a_random_name():
    customer = testing.customer()
    conversation = services.do_create_conversation(
        customer=customer,
        subject="Screenshot",
        body="see attached",
        uploads=[("deposit.PNG", testing.PNG_BYTES), ("log.txt", "提现失败 log".encode())],
        notify_customer=False,
    )
    png, text = conversation.attachments.order_by("id")
    assert (png.content_type, png.original_name, png.size) == ("image/png", "deposit.PNG", 70)
    assert text.content_type == "text/plain"
    assert "deposit" not in png.file.name
    assert default_storage.exists(png.file.name)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("screenshot.png", b"<html><script>alert(1)</script></html>"),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("setup.png", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
        ("archive.zip", b"PK\x03\x04" + b"\x00" * 40),
        ("empty.png", b""),
    ],
)
def test_disallowed_files_are_refused_and_nothing_is_written(name, data):
    before = (Conversation.objects.count(), Event.objects.count(), Attachment.objects.count())
    with pytest.raises(ValidationError):
        services.do_create_conversation(
            customer=testing.customer(),
            subject="x",
            body="y",
            uploads=[("ok.png", testing.PNG_BYTES), (name, data)],
            notify_customer=False,
        )
    after = (Conversation.objects.count(), Event.objects.count(), Attachment.objects.count())
    assert after == before
    assert not default_storage.exists("attachments")


def test_oversized_and_too_many_files_are_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    conversation = testing.conversation()
    with pytest.raises(ValidationError, match="larger than"):
        services.do_add_customer_message(conversation, "big", [("big.txt", b"a" * 101)])
    with pytest.raises(ValidationError, match="at most 5"):
        services.do_add_customer_message(
            conversation, "many", [(f"{i}.png", testing.PNG_BYTES) for i in range(6)]
        )
    assert conversation.events.count() == 1


def test_stored_files_are_removed_when_the_transaction_fails(monkeypatch):
    conversation = testing.conversation()

    def broken_index(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_index", broken_index)
    with pytest.raises(RuntimeError):
        services.do_add_customer_message(conversation, "hi", [("a.png", testing.PNG_BYTES)])
    assert Attachment.objects.count() == 0
    assert conversation.events.count() == 1
    assert list(_walk_files("attachments")) == []


def _walk_files(path):
    if not default_storage.exists(path):
        return
    dirs, files = default_storage.listdir(path)
    yield from files
    for d in dirs:
        yield from _walk_files(f"{path}/{d}")


# ---------------------------------------------------------------- exactly once


def test_a_retried_message_is_stored_once():
    alice = testing.staff("alice")
    conversation = testing.conversation()
    first = services.do_add_customer_message(conversation, "hello", client_id="c-1")
    again = services.do_add_customer_message(conversation, "hello", client_id="c-1")
    assert again.pk == first.pk
    reply = services.do_reply(conversation, alice, "hi", client_id="a-1", notify_customer=False)
    assert services.do_reply(conversation, alice, "hi", client_id="a-1").pk == reply.pk
    note = services.do_add_note(conversation, alice, "n", client_id="n-1")
    assert services.do_add_note(conversation, alice, "n", client_id="n-1").pk == note.pk
    assert conversation.events.filter(client_id__isnull=False).count() == 3
    # The same id in another conversation is another message.
    other = testing.conversation()
    assert services.do_add_customer_message(other, "hello", client_id="c-1").pk != first.pk


def test_a_duplicate_racing_in_gets_the_stored_event():
    from django.db import IntegrityError

    conversation = testing.conversation()

    def send_that_loses_the_race():
        Event.objects.create(
            conversation=conversation, kind="customer_message", client_id="k", seq=99
        )
        raise IntegrityError("UNIQUE constraint failed")

    stored = services._once(conversation, "k", send_that_loses_the_race)
    assert stored.client_id == "k"
    with pytest.raises(IntegrityError):
        services._once(conversation, None, send_that_loses_the_race)


def test_message_ids_are_checked():
    conversation = testing.conversation()
    with pytest.raises(ValidationError):
        services.do_add_customer_message(conversation, "x", client_id="k" * 101)
    assert conversation.events.count() == 1


def test_a_parallel_first_contact_is_retried_not_failed(monkeypatch):
    from django.db import IntegrityError

    from exdesk.customers import services as customer_services

    real = customer_services.find_or_create_customer
    calls = []

    def lose_the_race_once(**kwargs):
        calls.append(kwargs["uid"])
        if len(calls) == 1:
            real(**kwargs)  # the parallel request's customer now exists...
            raise IntegrityError("UNIQUE constraint failed: customers_customer.uid")
        return real(**kwargs)

    monkeypatch.setattr(services, "find_or_create_customer", lose_the_race_once)
    conversation = services.do_receive_request(
        uid="55500001", email="new@example.com", subject="Hi", body="First contact"
    )
    assert calls == ["55500001", "55500001"]
    assert conversation.customer.uid == "55500001"
    assert Conversation.objects.count() == 1


def test_tags_are_not_written_when_the_request_fails():
    from exdesk.conversations.models import Tag

    with pytest.raises(ValidationError):
        services.do_create_conversation(
            customer=testing.customer(),
            subject="s",
            body="b",
            tags=["brand-new-tag"],
            uploads=[("x.svg", b"<svg onload=alert(1)>")],
            notify_customer=False,
        )
    assert not Tag.objects.filter(name="brand-new-tag").exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda c, u: services.do_add_note(c, u, "note"),
        lambda c, u: services.do_change_priority(c, u, "p1"),
        lambda c, u: services.do_take(c, u),
        lambda c, u: services.do_set_tags(c, u, ["vip"]),
        lambda c, u: services.do_change_team(c, u, testing.team("security")),
        lambda c, u: services.do_reply(c, u, "hi", notify_customer=False),
        lambda c, u: services.do_add_customer_message(c, "hello"),
        lambda c, u: services.do_change_status(c, u, "pending"),
    ],
)
def test_every_append_holds_the_conversation_row(change):
    """So event ids order each conversation on PostgreSQL too (SQLite has one writer)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    alice = testing.staff("alice")
    conversation = testing.conversation()
    with CaptureQueriesContext(connection) as queries:
        change(conversation, alice)
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    if connection.features.has_select_for_update:
        assert locks, "no row lock taken before appending"
    else:
        assert locks == []


def test_a_change_records_the_current_value_not_a_stale_one():
    alice = testing.staff("alice")
    conversation = testing.conversation()
    stale = Conversation.objects.get(pk=conversation.pk)
    services.do_change_priority(conversation, alice, "p1")
    event = services.do_change_priority(stale, alice, "p0")
    assert event.data == {"from": "p1", "to": "p0"}


def test_case_fields_longer_than_their_column_are_refused_not_cut():
    with pytest.raises(ValidationError) as error:
        services.do_create_conversation(
            customer=testing.customer(),
            subject="s",
            body="b",
            fields={"coin": "X" * 21},
            notify_customer=False,
        )
    assert "coin" in error.value.message_dict
    assert not Conversation.objects.exists()


@pytest.mark.parametrize("amount", ["0.0000000000000000001", "1000000000000000000", "-1", "NaN"])
def test_amounts_the_column_cannot_hold_are_refused(amount):
    with pytest.raises(ValidationError) as error:
        services.check_case_fields({"amount": amount})
    assert "amount" in error.value.message_dict


def test_wei_precision_amounts_are_kept():
    assert str(services.check_case_fields({"amount": "0.000000000000000001"})["amount"]) == (
        "1E-18"
    )
