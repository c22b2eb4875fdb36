import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from exdesk import testing
from exdesk.chat import services
from exdesk.chat.models import ChatUpload
from exdesk.chat.services import Refused, Visitor
from exdesk.conversations import services as conversations
from exdesk.conversations.choices import Channel, EventKind
from exdesk.conversations.models import Attachment, Conversation, Event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.CHAT_IDENTITY_SECRET = "s3cret"


def test_identity_needs_the_exchange_secret(settings):
    good = services.user_hash("U1")
    assert services.verify_identity("U1", good)
    assert services.verify_identity("U1", good.upper())
    assert not services.verify_identity("U2", good)
    assert not services.verify_identity("U1", "")
    settings.CHAT_IDENTITY_SECRET = ""
    assert not services.verify_identity("U1", services.user_hash("U1", secret=""))


def test_a_wrong_hash_is_refused_not_trusted():
    with pytest.raises(Refused) as refused:
        services.open_visitor(token=None, uid="U1", given_hash="00" * 32)
    assert refused.value.code == "identity_refused"
    with pytest.raises(Refused):
        services.open_visitor(token=None, uid="", given_hash="abc")


def test_a_token_opens_only_its_owners_conversation():
    owner = testing.customer(uid="U1")
    conversation = testing.conversation(who=owner)
    visitor, found = services.open_visitor(token=conversation.tracking_token)
    assert found == conversation and not visitor.identified
    visitor, found = services.open_visitor(
        token=conversation.tracking_token, uid="U1", given_hash=services.user_hash("U1")
    )
    assert found == conversation and visitor.identified
    with pytest.raises(Refused) as refused:
        services.open_visitor(
            token=conversation.tracking_token, uid="U2", given_hash=services.user_hash("U2")
        )
    assert refused.value.code == "conversation_refused"
    with pytest.raises(Refused):
        services.open_visitor(token="forged")


def test_the_first_message_opens_a_chat_and_a_resend_finds_it():
    visitor = Visitor(language="zh-hans")
    event, opened = services.send_message(visitor, body="充值没到账\n细节", client_id="c1")
    assert opened
    conversation = Conversation.objects.get(pk=visitor.conversation_id)
    assert conversation.channel == Channel.CHAT and conversation.subject == "充值没到账"
    assert conversation.language == "zh-hans" and event.seq == 1 and event.client_id == "c1"
    assert conversation.customer.uid is None  # anonymous

    # The acknowledgement was lost: the same first message from a new socket, which
    # presents the token the server issued before the chat began.
    reconnected, _ = services.open_visitor(token=visitor.token)
    again, opened = services.send_message(reconnected, body="充值没到账\n细节", client_id="c1")
    assert again == event and Conversation.objects.count() == 1
    # Another visitor using the same message id opens a chat of their own.
    stranger = Visitor()
    services.send_message(stranger, body="hi", client_id="c1")
    assert stranger.conversation_id != visitor.conversation_id

    second, opened = services.send_message(visitor, body="more", client_id="c2")
    assert not opened and second.seq == 2
    assert services.send_message(visitor, body="more", client_id="c2")[0] == second
    assert conversation.events.count() == 2


def test_the_page_a_chat_starts_from_is_kept_for_the_agent_only_once():
    visitor = Visitor()
    context = {"title": "Memo and tag", "url": "/help/en/articles/memo-tag/"}
    services.send_message(visitor, body="my memo", client_id="c1", context=context)
    services.send_message(visitor, body="again", client_id="c2", context=context)
    notes = Event.objects.filter(
        conversation_id=visitor.conversation_id, kind=EventKind.INTERNAL_NOTE
    )
    assert [n.body for n in notes] == [
        "The customer started the chat from “Memo and tag” (/help/en/articles/memo-tag/)."
    ]


@pytest.mark.parametrize(
    "context",
    [None, "text", {"title": 5}, {"url": "javascript:alert(1)"}, {"title": "", "url": ""}],
)
def test_a_malformed_page_context_is_left_out(context):
    visitor = Visitor()
    services.send_message(visitor, body="hello", client_id="c1", context=context)
    kinds = Event.objects.filter(conversation_id=visitor.conversation_id).values_list(
        "kind", flat=True
    )
    assert list(kinds) == [EventKind.CUSTOMER_MESSAGE]


def test_a_signed_in_trader_is_bound_to_their_customer_record():
    trader = testing.customer(uid="U7")
    visitor, _ = services.open_visitor(token=None, uid="U7", given_hash=services.user_hash("U7"))
    services.send_message(visitor, body="hi", client_id="c1")
    assert Conversation.objects.get(pk=visitor.conversation_id).customer == trader


@pytest.mark.parametrize(
    ("body", "client_id", "field"),
    [("x" * 4001, "c1", "body"), ("hi", "", "client_id"), ("hi", "k" * 101, "client_id")],
)
def test_bad_messages_are_refused_and_nothing_is_stored(body, client_id, field):
    with pytest.raises(ValidationError) as error:
        services.send_message(Visitor(), body=body, client_id=client_id)
    assert field in error.value.message_dict
    assert not Event.objects.exists()


def test_files_are_uploaded_first_then_sent_once_in_their_own_chat():
    visitor = Visitor()
    services.send_message(visitor, body="screenshot coming", client_id="c1")
    upload = services.store_upload(
        visitor.token, SimpleUploadedFile("shot.png", testing.PNG_BYTES, "image/png")
    )
    other = Visitor()
    services.send_message(other, body="another chat", client_id="c1")
    with pytest.raises(ValidationError):
        services.send_message(other, body="", client_id="c2", upload_keys=[upload.key])
    event, _ = services.send_message(visitor, body="", client_id="c2", upload_keys=[upload.key])
    assert event.body == "shot.png"
    attachment = Attachment.objects.get(event=event)
    assert attachment.content_type == "image/png" and attachment.original_name == "shot.png"
    assert not ChatUpload.objects.exists()
    with pytest.raises(ValidationError):
        services.send_message(visitor, body="", client_id="c3", upload_keys=[upload.key])


def test_uploads_follow_the_attachment_rules():
    visitor = Visitor()
    services.send_message(visitor, body="hello", client_id="c1")
    with pytest.raises(ValidationError):
        services.store_upload(visitor.token, SimpleUploadedFile("x.svg", b"<svg onload=x>"))
    with pytest.raises(Refused):
        services.store_upload("forged", SimpleUploadedFile("a.png", testing.PNG_BYTES))
    assert not ChatUpload.objects.exists()


def test_a_token_is_issued_before_the_first_message_and_cannot_be_forged():
    visitor, conversation = services.open_visitor(token=None)
    assert conversation is None and visitor.token
    same, _ = services.open_visitor(token=visitor.token)
    assert same.token == visitor.token  # nothing sent yet: the same token stays valid
    services.send_message(same, body="hello", client_id="c1")
    assert Conversation.objects.get(pk=same.conversation_id).tracking_token == visitor.token
    nonce = visitor.token.partition(".")[0]
    with pytest.raises(Refused):
        services.open_visitor(token=f"{nonce}x.{visitor.token.partition('.')[2]}")


def test_two_tabs_opening_the_same_chat_both_keep_their_message():
    first, _ = services.open_visitor(token=None)
    second, _ = services.open_visitor(token=first.token)
    one, _ = services.send_message(first, body="one", client_id="a")
    two, _ = services.send_message(second, body="two", client_id="b")
    assert (one.seq, two.seq) == (1, 2) and one.conversation_id == two.conversation_id


def test_leaving_a_message_opens_a_ticket_answered_by_email(django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError) as error:
        services.leave_message(Visitor(), name="Li", email="nope", body="x", client_id="o1")
    assert "email" in error.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        conversation = services.leave_message(
            Visitor(), name="Li", email="li@example.com", body="withdrawal stuck", client_id="o1"
        )
    assert conversation.channel == Channel.WEB and conversation.customer.email == "li@example.com"
    assert mail.outbox and conversation.reference in mail.outbox[0].subject
    again = services.leave_message(
        Visitor(), name="Li", email="li@example.com", body="withdrawal stuck", client_id="o1"
    )
    assert again == conversation


def test_transcript_has_public_messages_only_and_is_rate_limited():
    visitor = Visitor()
    services.send_message(visitor, body="where is my BTC", client_id="c1")
    conversation = Conversation.objects.get(pk=visitor.conversation_id)
    agent = testing.staff("alice")
    conversations.do_add_note(conversation, agent, "secret internal remark")
    conversations.do_reply(conversation, agent, "It has 2 of 3 confirmations.")
    services.send_transcript(visitor, "me@example.com")
    body = mail.outbox[-1].body
    assert mail.outbox[-1].to == ["me@example.com"]
    assert "where is my BTC" in body and "2 of 3 confirmations" in body
    assert "secret internal remark" not in body
    with pytest.raises(ValidationError):
        services.send_transcript(visitor, "not-an-address")
    services.send_transcript(visitor, "me@example.com")
    services.send_transcript(visitor, "me@example.com")
    with pytest.raises(Refused) as refused:
        services.send_transcript(visitor, "me@example.com")
    assert refused.value.code == "rate_limited"


def test_a_chat_reply_is_not_emailed_but_a_ticket_reply_is(django_capture_on_commit_callbacks):
    visitor = Visitor()
    services.send_message(visitor, body="hi", client_id="c1")
    conversation = Conversation.objects.get(pk=visitor.conversation_id)
    conversation.customer.email = "t@example.com"
    conversation.customer.save()
    agent = testing.staff("alice")
    with django_capture_on_commit_callbacks(execute=True):
        conversations.do_reply(conversation, agent, "hello")
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        conversations.do_convert_to_ticket(conversation, agent)
    assert conversation.events.last().kind == EventKind.CHANNEL_CHANGE
    assert conversation.reference in mail.outbox[0].subject  # where to follow the case now
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        conversations.do_reply(Conversation.objects.get(pk=conversation.pk), agent, "follow-up")
    assert len(mail.outbox) == 1


def found(query: str) -> set[int]:
    from exdesk.conversations.selectors import search_ids

    ids = search_ids(query)
    return set(Conversation.objects.filter(pk__in=ids).values_list("pk", flat=True))


def test_chat_messages_become_searchable_after_the_indexing_task():
    from exdesk.conversations.models import SearchDocument
    from exdesk.conversations.tasks import index_recent_chats

    visitor = Visitor()
    services.send_message(visitor, body="opening line", client_id="c1")
    services.send_message(visitor, body="my withdrawal is frozen zebrafish", client_id="c2")
    assert found("zebrafish") == set()  # not yet: chats are indexed in arrears
    index_recent_chats.call_local()
    assert found("zebrafish") == {visitor.conversation_id}
    index_recent_chats.call_local()  # nothing new: nothing added twice
    terms = SearchDocument.objects.get(conversation_id=visitor.conversation_id).terms.split()
    # "opening" is in the subject and the first message; neither was indexed twice.
    assert terms.count("zebrafish") == 1 and terms.count("opening") == 2


def test_a_chat_turned_ticket_keeps_every_message_searchable():
    visitor = Visitor()
    services.send_message(visitor, body="hello", client_id="c1")
    services.send_message(visitor, body="pangolin deposit", client_id="c2")
    conversation = Conversation.objects.get(pk=visitor.conversation_id)
    conversations.do_convert_to_ticket(conversation, testing.staff("alice"))
    conversations.do_add_customer_message(conversation.pk, "axolotl follow-up")
    assert found("pangolin") == found("axolotl") == {conversation.pk}


def test_a_batch_stores_the_good_messages_and_returns_each_failure():
    first, second = Visitor(), Visitor()
    services.send_message(first, body="a", client_id="a1")
    services.send_message(second, body="b", client_id="b1")
    results = services.send_messages(
        [
            {"visitor": second, "body": "b2", "client_id": "b2"},
            {"visitor": first, "body": "x" * 5000, "client_id": "a2"},
            {"visitor": first, "body": "a3", "client_id": "a3"},
            {"visitor": Visitor(), "body": "new chat", "client_id": "n1"},
        ]
    )
    assert results[0][0].body == "b2" and results[2][0].body == "a3"
    assert isinstance(results[1], ValidationError)
    assert results[3][1] is True  # it opened a chat
    assert list(
        Event.objects.filter(conversation_id=first.conversation_id).values_list("body", "seq")
    ) == [("a", 1), ("a3", 2)]


def test_a_resend_and_a_closed_chat_inside_one_group_commit_leave_the_rest_stored():
    """Without a savepoint per message, neither a re-sent id nor a refusal may spoil the
    batch's transaction (on PostgreSQL a database error would abort all of it)."""
    first, second = Visitor(), Visitor()
    services.send_message(first, body="a", client_id="a1")
    services.send_message(second, body="b", client_id="b1")
    conversations.do_change_status(
        Conversation.objects.get(pk=second.conversation_id),
        testing.staff("sup", role="supervisor"),
        "closed",
    )
    results = services.send_messages(
        [
            {"visitor": first, "body": "a2", "client_id": "a2"},
            {"visitor": first, "body": "a2", "client_id": "a2"},  # sent twice in a batch
            {"visitor": first, "body": "a1", "client_id": "a1"},  # re-sent from before
            {"visitor": second, "body": "b2", "client_id": "b2"},  # closed: refused
            {"visitor": first, "body": "a3", "client_id": "a3"},
        ]
    )
    assert results[0][0] == results[1][0] and results[2][0].seq == 1
    assert isinstance(results[3], ValidationError)
    assert list(
        Event.objects.filter(conversation_id=first.conversation_id).values_list("body", "seq")
    ) == [("a", 1), ("a2", 2), ("a3", 3)]
