"""The Telegram channel end to end. Telegram itself cannot be reached from here: a local
HTTP server (telegram_stand_in) plays the Bot API over real sockets, and is the only
double. The webhook is driven through Django's test client (it is our endpoint)."""

import io
import itertools
import json
import logging
import socket

import pytest
from django.core.management import CommandError, call_command
from huey.contrib.djhuey import HUEY
from mnemonic import Mnemonic

from exdesk import testing
from exdesk.conversations.choices import Channel
from exdesk.conversations.models import Conversation
from exdesk.messaging import services
from exdesk.messaging.models import (
    ChannelIdentity,
    DeliveryState,
    PlatformDelivery,
    PlatformUpdate,
)
from exdesk.messaging.platforms import telegram

from .telegram_stand_in import BotApiStandIn

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "987654321:AAH-stand-in-bot-token-do-not-log"
SECRET = "webhook-secret_42"
URL = "/channels/telegram/webhook/"
SEED = Mnemonic("english").to_mnemonic(bytes(range(16)))
# A Windows executable's first bytes: what a file named .png really is decides.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
_update_ids = itertools.count(700_000)


@pytest.fixture
def bot(settings):
    stand_in = BotApiStandIn(TOKEN)
    settings.TELEGRAM_API_URL = stand_in.url
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    settings.CHAT_IDENTITY_SECRET = "link-secret-for-tests"
    yield stand_in
    stand_in.close()


@pytest.fixture(autouse=True)
def _no_leftover_retries():
    """Retries wait in the (in-memory) task schedule: each test starts without any."""
    HUEY.storage.flush_schedule()
    yield
    HUEY.storage.flush_schedule()


def update(chat_id=111, text="My USDT deposit has not arrived.", *, language="en", **fields):
    """A private-chat Update as Telegram sends it."""
    number = next(_update_ids)
    message = {
        "message_id": number,
        "date": 1_700_000_000,
        "chat": {"id": chat_id, "type": "private", "first_name": "Li"},
        "from": {
            "id": chat_id,
            "is_bot": False,
            "first_name": "Li",
            "last_name": "Wei",
            "username": f"trader{chat_id}",
            "language_code": language,
        },
        **({"text": text} if text is not None else {}),
        **fields,
    }
    return {"update_id": number, "message": message}


def post(client, payload, secret=SECRET):
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    body = payload if isinstance(payload, bytes) else json.dumps(payload)
    return client.post(URL, data=body, content_type="application/json", headers=headers)


def conversation_of(chat_id) -> Conversation:
    return Conversation.objects.get(channel_thread__identity__external_id=str(chat_id))


# ---------------------------------------------------------------- the webhook


@pytest.mark.parametrize("secret", [None, "", "wrong-secret"])
def test_webhook_without_the_secret_is_refused_and_stores_nothing_against_local_bot_api_stand_in(
    client, bot, secret
):
    response = post(client, update(), secret=secret)
    assert response.status_code == 403
    assert not PlatformUpdate.objects.exists()
    assert not Conversation.objects.exists()
    assert bot.calls == []


@pytest.mark.parametrize("missing", ["TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"])
def test_webhook_is_off_while_unconfigured(client, settings, missing):
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    setattr(settings, missing, "")
    assert post(client, update()).status_code == 404


def test_webhook_refuses_other_methods_big_bodies_and_non_json_against_local_bot_api_stand_in(
    client, bot
):
    assert client.get(URL).status_code == 405
    assert post(client, b"x" * (1024 * 1024 + 1)).status_code == 413
    assert post(client, b"{not json").status_code == 400
    assert post(client, b"[1, 2]").status_code == 400
    assert not PlatformUpdate.objects.exists()


def test_an_update_that_cannot_be_stored_is_acknowledged_against_local_bot_api_stand_in(
    client, bot
):
    broken = update()
    del broken["message"]["chat"]["id"]
    response = post(client, broken)
    assert response.status_code == 200
    assert response.json()["ok"] is True and response.json()["ignored"]
    assert not Conversation.objects.exists()


def test_the_same_update_delivered_twice_is_stored_once_against_local_bot_api_stand_in(client, bot):
    same = update(text="Withdrawal pending for 3 hours")
    assert post(client, same).status_code == 200
    assert post(client, same).status_code == 200
    conversation = conversation_of(111)
    assert conversation.events.filter(kind="customer_message").count() == 1
    assert PlatformUpdate.objects.count() == 1


def test_a_text_message_opens_a_telegram_conversation_for_the_chat_against_local_bot_api_stand_in(
    client, bot
):
    assert post(client, update(chat_id=4242, text="Deposit missing, txid 0xabc")).json() == {
        "ok": True
    }
    identity = ChannelIdentity.objects.get()
    assert (identity.platform, identity.external_id) == ("telegram", "4242")
    assert (identity.handle, identity.display_name) == ("trader4242", "Li Wei")
    assert not identity.verified
    conversation = conversation_of(4242)
    assert conversation.channel == Channel.TELEGRAM
    assert conversation.customer == identity.customer
    first = conversation.events.get(kind="customer_message")
    assert first.body == "Deposit missing, txid 0xabc"


def test_a_second_message_joins_the_same_conversation_against_local_bot_api_stand_in(client, bot):
    post(client, update(chat_id=5, text="Deposit missing"))
    post(client, update(chat_id=5, text="It was 120 USDT on TRC20"))
    conversation = conversation_of(5)
    assert Conversation.objects.count() == 1
    bodies = list(
        conversation.events.filter(kind="customer_message")
        .order_by("seq")
        .values_list("body", flat=True)
    )
    assert bodies == ["Deposit missing", "It was 120 USDT on TRC20"]


def test_two_chats_never_share_a_conversation_against_local_bot_api_stand_in(client, bot):
    post(client, update(chat_id=1, text="Deposit missing"))
    post(client, update(chat_id=2, text="Deposit missing"))
    post(client, update(chat_id=1, text="Any news?"))
    first, second = conversation_of(1), conversation_of(2)
    assert first.pk != second.pk
    assert first.customer_id != second.customer_id
    assert first.events.filter(kind="customer_message").count() == 2
    assert second.events.filter(kind="customer_message").count() == 1


@pytest.mark.parametrize(
    "ignored",
    [
        "group",
        "bot",
        "edited",
    ],
)
def test_groups_bots_and_edits_are_not_stored_against_local_bot_api_stand_in(client, bot, ignored):
    payload = update(chat_id=-100200)
    if ignored == "group":
        payload["message"]["chat"]["type"] = "supergroup"
    elif ignored == "bot":
        payload["message"]["from"]["is_bot"] = True
    else:
        payload["edited_message"] = payload.pop("message")
    assert post(client, payload).json() == {"ok": True}
    assert not Conversation.objects.exists()
    assert not ChannelIdentity.objects.exists()


# ---------------------------------------------------------------- the guard


def test_a_seed_phrase_is_masked_and_the_chat_warned_against_local_bot_api_stand_in(client, bot):
    post(client, update(chat_id=77, text=f"Is my wallet safe?\n{SEED}\nThanks"))
    conversation = conversation_of(77)
    stored = conversation.events.filter(kind="customer_message").get()
    assert stored.body == "Is my wallet [seed phrase hidden]\nThanks"
    for word in set(SEED.split()):
        assert word not in stored.body.lower().split()
    [warning] = bot.texts_to(77)
    assert "never ask for your password, 2FA codes, seed phrase" in warning
    assert SEED.split()[0] not in warning
    delivery = PlatformDelivery.objects.get()
    assert delivery.state == DeliveryState.SENT


# ---------------------------------------------------------------- files


def test_a_photo_arrives_as_an_attachment_largest_size_against_local_bot_api_stand_in(client, bot):
    bot.add_file("thumb", "photos/file_1.jpg", testing.PNG_BYTES[:-4])
    bot.add_file("full", "photos/file_2.jpg", testing.PNG_BYTES)
    sizes = [
        {"file_id": "thumb", "file_unique_id": "t", "width": 90, "height": 90, "file_size": 60},
        {"file_id": "full", "file_unique_id": "f", "width": 1280, "height": 960, "file_size": 67},
    ]
    post(client, update(chat_id=9, text=None, caption="Screenshot of the error", photo=sizes))
    assert bot.downloads == [f"/file/bot{TOKEN}/photos/file_2.jpg"]
    event = conversation_of(9).events.filter(kind="customer_message").get()
    assert event.body == "Screenshot of the error"
    [attachment] = event.attachments.all()
    assert attachment.content_type == "image/png"
    assert attachment.original_name.startswith("photo-")
    with attachment.file.open("rb") as handle:
        assert handle.read() == testing.PNG_BYTES


def test_a_document_arrives_as_an_attachment_against_local_bot_api_stand_in(client, bot):
    bot.add_file("doc", "documents/file_3.pdf", PDF_BYTES)
    document = {"file_id": "doc", "file_unique_id": "d", "file_name": "statement.pdf"}
    post(client, update(chat_id=9, text=None, document={**document, "file_size": 80}))
    event = conversation_of(9).events.filter(kind="customer_message").get()
    [attachment] = event.attachments.all()
    assert (attachment.original_name, attachment.content_type) == (
        "statement.pdf",
        "application/pdf",
    )
    assert attachment.size == len(PDF_BYTES)


def test_an_executable_named_png_is_refused_and_listed_against_local_bot_api_stand_in(client, bot):
    bot.add_file("evil", "documents/file_4.png", EXE_BYTES)
    document = {"file_id": "evil", "file_unique_id": "e", "file_name": "receipt.png"}
    post(client, update(chat_id=9, text=None, caption="my receipt", document=document))
    event = conversation_of(9).events.filter(kind="customer_message").get()
    assert not event.attachments.exists()
    assert event.body.startswith("my receipt")
    assert "Attachments not taken:" in event.body
    assert "receipt.png is not an allowed file type" in event.body


def test_a_file_over_the_limit_is_not_downloaded_and_listed_against_local_bot_api_stand_in(
    client, bot, settings
):
    settings.ATTACHMENT_MAX_BYTES = 50
    bot.add_file("huge", "documents/file_5.pdf", PDF_BYTES)
    document = {"file_id": "huge", "file_unique_id": "h", "file_name": "huge.pdf"}
    post(client, update(chat_id=9, text=None, document={**document, "file_size": 10**7}))
    assert bot.calls_of("getFile") == [] and bot.downloads == []
    # Without a declared size, the bytes counted while downloading decide.
    post(client, update(chat_id=9, text=None, document=document))
    assert len(bot.downloads) == 1
    events = conversation_of(9).events.filter(kind="customer_message").order_by("seq")
    for event in events:
        assert not event.attachments.exists()
        assert "huge.pdf is larger than 50" in event.body


def test_a_voice_message_is_stored_with_a_note_against_local_bot_api_stand_in(client, bot):
    post(client, update(chat_id=9, text=None, voice={"file_id": "v", "duration": 3}))
    event = conversation_of(9).events.filter(kind="customer_message").get()
    assert "voice: this kind of message is not supported" in event.body


def test_a_file_telegram_cannot_serve_for_now_is_retried_against_local_bot_api_stand_in(
    client, bot
):
    bot.add_file("doc", "documents/file_6.pdf", PDF_BYTES)
    bot.fail("getFile", 502, "Bad Gateway")
    payload = update(chat_id=9, text=None, document={"file_id": "doc", "file_name": "a.pdf"})
    client.raise_request_exception = False
    assert post(client, payload).status_code == 500  # Telegram delivers it again
    assert not PlatformUpdate.objects.exists()
    assert post(client, payload).status_code == 200
    event = conversation_of(9).events.filter(kind="customer_message").get()
    assert event.attachments.count() == 1


# ---------------------------------------------------------------- replies


def test_an_agent_reply_reaches_the_chat_against_local_bot_api_stand_in(client, bot):
    post(client, update(chat_id=31337, text="Deposit missing"))
    conversation = conversation_of(31337)
    agent = testing.staff("agent1")
    event = testing.services.do_reply(conversation, agent, "It is credited now.")
    [call] = bot.calls_of("sendMessage")
    assert call.params == {"chat_id": "31337", "text": "It is credited now."}
    delivery = PlatformDelivery.objects.get(event=event)
    assert delivery.state == DeliveryState.SENT
    assert delivery.external_id.isdigit()
    assert delivery.attempts == 1


def test_a_reply_without_a_bot_token_is_marked_failed_against_local_bot_api_stand_in(
    client, bot, settings
):
    post(client, update(chat_id=8, text="Deposit missing"))
    settings.TELEGRAM_BOT_TOKEN = ""
    event = testing.services.do_reply(conversation_of(8), testing.staff("agent1"), "Done.")
    delivery = PlatformDelivery.objects.get(event=event)
    assert (delivery.state, delivery.error) == (DeliveryState.FAILED, "platform not configured")
    assert bot.calls_of("sendMessage") == []


def test_a_reply_with_a_file_goes_out_as_a_photo_against_local_bot_api_stand_in(client, bot):
    post(client, update(chat_id=8, text="Deposit missing"))
    agent = testing.staff("agent1")
    testing.services.do_reply(
        conversation_of(8), agent, "See the screenshot", [("credited.png", testing.PNG_BYTES)]
    )
    [photo] = bot.calls_of("sendPhoto")
    assert photo.params == {"chat_id": "8"}
    assert photo.files == {"photo": ("credited.png", testing.PNG_BYTES)}
    assert [c.method for c in bot.calls] == ["sendMessage", "sendPhoto"]


def test_an_image_telegram_refuses_as_a_photo_goes_as_a_file_against_local_bot_api_stand_in(
    client, bot
):
    post(client, update(chat_id=8, text="Deposit missing"))
    bot.fail("sendPhoto", 400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
    event = testing.services.do_reply(
        conversation_of(8), testing.staff("agent1"), "Here", [("wide.png", testing.PNG_BYTES)]
    )
    [document] = bot.calls_of("sendDocument")
    assert document.files == {"document": ("wide.png", testing.PNG_BYTES)}
    assert PlatformDelivery.objects.get(event=event).state == DeliveryState.SENT


def test_a_long_reply_is_split_into_messages_telegram_takes_against_local_bot_api_stand_in(
    client, bot
):
    post(client, update(chat_id=8, text="Explain the fees"))
    paragraph = "Withdrawal fees depend on the network and change with its load. " * 40
    body = "\n\n".join([paragraph.strip()] * 6)
    event = testing.services.do_reply(conversation_of(8), testing.staff("agent1"), body)
    assert bot.texts_to(8) == [paragraph.strip()] * 6  # cut between paragraphs
    first = bot.calls_of("sendMessage")[0].answer["result"]["message_id"]
    delivery = PlatformDelivery.objects.get(event=event)
    assert (delivery.state, delivery.external_id) == (DeliveryState.SENT, str(first))


def test_split_text_cuts_at_spaces_and_counts_utf16_units_like_telegram():
    # An emoji is two UTF-16 units: 3000 of them do not fit in one message.
    pieces = telegram.split_text("🙂" * 3000)
    assert [len(piece) for piece in pieces] == [2048, 952]
    pieces = telegram.split_text("word " * 2000)  # no line breaks: cut at spaces
    assert [len(piece.split()) for piece in pieces] == [819, 819, 362]


def test_a_blocked_bot_marks_the_delivery_failed_once_against_local_bot_api_stand_in(client, bot):
    post(client, update(chat_id=66, text="Deposit missing"))
    bot.fail("sendMessage", 403, "Forbidden: bot was blocked by the user")
    event = testing.services.do_reply(conversation_of(66), testing.staff("agent1"), "Done.")
    delivery = PlatformDelivery.objects.get(event=event)
    assert delivery.state == DeliveryState.FAILED
    assert "bot was blocked by the user" in delivery.error
    assert HUEY.scheduled() == []  # nothing will try again
    bot.fail("sendMessage", 400, "Bad Request: chat not found")
    again = services.relay_reply(event.pk)  # recorded, no raise
    assert again is not None and again.state == DeliveryState.FAILED


def test_a_server_error_raises_and_the_reply_is_retried_against_local_bot_api_stand_in(client, bot):
    post(client, update(chat_id=67, text="Deposit missing"))
    bot.fail("sendMessage", 500, "Internal Server Error")
    event = testing.services.do_reply(conversation_of(67), testing.staff("agent1"), "Done.")
    delivery = PlatformDelivery.objects.get(event=event)
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, 1)
    assert "500" in delivery.error
    [scheduled] = HUEY.scheduled()
    assert scheduled.args == (event.pk,)
    # A direct relay while Telegram still fails raises for the queue to retry.
    bot.fail("sendMessage", 429, "Too Many Requests: retry after 5", retry_after=5)
    with pytest.raises(services.DeliveryFailed) as failed:
        services.relay_reply(event.pk)
    assert not failed.value.permanent
    # The queue's retry, once due and Telegram is back, delivers it.
    [retry] = HUEY.read_schedule(scheduled.eta)
    HUEY.execute(retry, scheduled.eta)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 3)
    assert bot.texts_to(67) == ["Done.", "Done.", "Done."]


def test_an_unreachable_api_is_a_temporary_failure(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.TELEGRAM_API_URL = f"http://127.0.0.1:{port}"
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    with pytest.raises(telegram.ApiError) as failed:
        telegram.call("sendMessage", {"chat_id": 1, "text": "hi"})
    assert failed.value.temporary and not failed.value.permanent
    assert TOKEN not in str(failed.value)


def test_the_token_never_reaches_the_logs_when_a_send_fails_against_local_bot_api_stand_in(
    client, bot, caplog
):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")
    post(client, update(chat_id=68, text="Deposit missing"))
    bot.fail("sendMessage", 500, f"Internal error for /bot{TOKEN}/sendMessage")
    event = testing.services.do_reply(conversation_of(68), testing.staff("agent1"), "Done.")
    delivery = PlatformDelivery.objects.get(event=event)
    assert delivery.state == DeliveryState.FAILED
    assert TOKEN not in delivery.error and "<bot token>" in delivery.error
    assert "Unhandled exception in task" in caplog.text  # the queue logged the failure
    assert "HTTP Request: POST" in caplog.text  # and httpx its request URLs
    assert TOKEN not in caplog.text
    assert TOKEN.split(":")[1] not in caplog.text


# ---------------------------------------------------------------- /start


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Support never asks for your password, 2FA codes or seed phrase."),
        ("zh-hans", "客服绝不会索要您的密码、2FA 验证码或助记词。"),
        ("zh-hant", "客服绝不会索要您的密码、2FA 验证码或助记词。"),
    ],
)
def test_start_welcomes_in_the_users_language_against_local_bot_api_stand_in(
    client, bot, language, expected
):
    post(client, update(chat_id=12, text="/start", language=language))
    [welcome] = bot.texts_to(12)
    assert expected in welcome
    assert ("有什么可以帮您？" in welcome) == language.startswith("zh")
    assert not Conversation.objects.exists()
    assert not ChannelIdentity.objects.exists()


def test_start_with_a_valid_token_links_the_chat_to_the_trader_against_local_bot_api_stand_in(
    client, bot
):
    trader = testing.customer(uid="EX90017")
    post(client, update(chat_id=13, text=f"/start {services.link_token('EX90017')}"))
    identity = ChannelIdentity.objects.get(external_id="13")
    assert identity.verified and identity.verified_by == "exchange"
    assert identity.customer == trader
    [reply] = bot.texts_to(13)
    assert reply.startswith("This chat is now linked to your exchange account.")
    assert "Support never asks for your password" in reply
    post(client, update(chat_id=13, text="Withdrawal stuck"))
    assert conversation_of(13).customer == trader


def test_a_link_after_the_first_message_moves_the_conversation_against_local_bot_api_stand_in(
    client, bot
):
    post(client, update(chat_id=14, text="Withdrawal stuck"))
    trader = testing.customer(uid="EX90018")
    post(client, update(chat_id=14, text=f"/start {services.link_token('EX90018')}"))
    assert ChannelIdentity.objects.get().customer == trader
    assert conversation_of(14).customer == trader


@pytest.mark.parametrize("kind", ["expired", "forged", "other_secret"])
def test_start_with_an_expired_or_forged_token_is_refused_against_local_bot_api_stand_in(
    client, bot, settings, kind
):
    trader = testing.customer(uid="EX90019")
    if kind == "expired":
        token = services.link_token("EX90019", valid_seconds=-60)
    elif kind == "forged":
        genuine = services.link_token("EX90019")
        token = genuine[:-1] + ("A" if genuine[-1] != "A" else "B")
    else:
        settings.CHAT_IDENTITY_SECRET = "someone-elses-secret"
        token = services.link_token("EX90019")
        settings.CHAT_IDENTITY_SECRET = "link-secret-for-tests"
    post(client, update(chat_id=15, text=f"/start {token}", language="en"))
    [reply] = bot.texts_to(15)
    assert reply.startswith("This link is invalid or has expired.")
    assert not ChannelIdentity.objects.exists()
    assert not trader.channel_identities.exists()


# ---------------------------------------------------------------- long polling


def test_long_polling_handles_batches_and_advances_the_offset_against_local_bot_api_stand_in(
    bot,
):
    first, second, third = (update(chat_id=20 + n, text=f"Question {n}") for n in range(3))
    bot.updates = [first, second, third]
    bot.batch_size = 2
    assert telegram.long_poll(stop_after=2) == 3
    polls = bot.calls_of("getUpdates")
    assert [call.params["offset"] for call in polls] == [None, second["update_id"] + 1]
    assert polls[0].params["timeout"] == 25
    assert Conversation.objects.count() == 3
    # The third was never confirmed: a new poller gets it again, and it is stored once.
    assert bot.updates == [third]
    assert telegram.long_poll(stop_after=1) == 1
    assert conversation_of(22).events.filter(kind="customer_message").count() == 1


def test_long_polling_waits_out_a_rate_limit_against_local_bot_api_stand_in(bot, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr(telegram.time, "sleep", waits.append)
    bot.fail("getUpdates", 429, "Too Many Requests: retry after 3", retry_after=3)
    bot.updates = [update(chat_id=30, text="Hello")]
    assert telegram.long_poll(stop_after=2) == 1
    assert waits == [3]


def test_the_poll_command_explains_a_webhook_conflict_against_local_bot_api_stand_in(bot):
    bot.fail(
        "getUpdates",
        409,
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first",
    )
    with pytest.raises(CommandError, match="telegram_webhook delete"):
        call_command("telegram_poll", "--rounds", "1", stdout=io.StringIO())
    out = io.StringIO()
    bot.updates = [update(chat_id=31, text="Hello")]
    call_command("telegram_poll", "--rounds", "1", stdout=out)
    assert "Handled 1 update(s)." in out.getvalue()


# ---------------------------------------------------------------- the webhook command


def test_the_webhook_command_sets_and_deletes_against_local_bot_api_stand_in(bot):
    call_command("telegram_webhook", "set", "https://desk.example.com/", stdout=io.StringIO())
    [setting] = bot.calls_of("setWebhook")
    assert setting.params == {
        "url": "https://desk.example.com/channels/telegram/webhook/",
        "secret_token": SECRET,
        "allowed_updates": ["message"],
    }
    call_command("telegram_webhook", "delete", stdout=io.StringIO())
    assert len(bot.calls_of("deleteWebhook")) == 1
    with pytest.raises(CommandError, match="https"):
        call_command("telegram_webhook", "set", "http://desk.example.com")


def test_a_solved_chat_gets_the_survey_in_the_thread_against_local_bot_api_stand_in(client, bot):
    from exdesk.quality.models import Feedback, SurveyRequest

    post(client, update(chat_id=4242, text="提现一直没到账", language="zh-hans"))
    conversation = conversation_of(4242)
    agent = testing.staff("agent1")
    testing.services.do_reply(conversation, agent, "已到账，请查收。")
    testing.services.do_change_status(conversation, agent, "solved")
    request = SurveyRequest.objects.get(conversation=conversation)
    assert request.channel == Channel.TELEGRAM
    survey = conversation.events.get(kind="survey")
    assert PlatformDelivery.objects.get(event=survey).state == DeliveryState.SENT
    text = bot.calls_of("sendMessage")[-1].params["text"]
    assert conversation.reference in text and "评价" in text  # in the thread's language
    link = text[text.index("/feedback/") :].split()[0]
    page = client.get(link)
    assert page.status_code == 200
    answer = client.post(link, {"score": "4", "solved": "yes", "effort": "2", "comment": ""})
    assert answer.status_code in (200, 302)
    assert Feedback.objects.get(conversation=conversation).score == 4
    # Once per conversation: solving it again sends nothing more.
    testing.services.do_reopen(conversation, "back")
    testing.services.do_change_status(conversation, agent, "solved")
    assert conversation.events.filter(kind="survey").count() == 1
