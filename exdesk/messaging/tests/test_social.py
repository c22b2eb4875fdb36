"""X and Facebook Messenger DMs: webhooks signed exactly as the platforms sign them, sent
to our endpoints; replies go to local HTTP servers on 127.0.0.1 that play the platforms'
send APIs and attachment hosts (social_stand_ins), since the real ones are unreachable."""

import base64
import hashlib
import hmac
import json
import logging
import struct
import zlib

import pytest
from django.test import Client

from exdesk import testing
from exdesk.conversations.choices import Channel, EventKind
from exdesk.conversations.models import Attachment, Conversation, Event
from exdesk.messaging import services
from exdesk.messaging.models import (
    ChannelIdentity,
    DeliveryState,
    PlatformDelivery,
    PlatformUpdate,
)

from . import social_stand_ins
from .social_stand_ins import Answer

pytestmark = pytest.mark.django_db(transaction=True)

X_URL = "/channels/x/webhook/"
FB_URL = "/channels/facebook/webhook/"
X_SECRET = "x-consumer-secret-3f9a1c7e5b"
X_TOKEN = "x-bearer-token-8d2e6b4a0c"
FB_SECRET = "fb-app-secret-5c1d9e7f3a"
FB_VERIFY = "fb-verify-token-2b8f4d6e0a"
FB_TOKEN = "fb-page-token-7e3a5c9b1d"
ACCOUNT = "1500000000000000001"  # the exchange's X account
PAGE = "105000000000001"  # the exchange's Facebook page
SEED = "abandon " * 11 + "about"  # a valid 12-word BIP-39 phrase
# Nothing listens on the discard port: a test that sends without a stand-in fails fast
# instead of reaching the internet.
NOWHERE = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def _platforms(settings):
    settings.X_CONSUMER_SECRET = X_SECRET
    settings.X_BEARER_TOKEN = X_TOKEN
    settings.X_API_URL = NOWHERE
    settings.FACEBOOK_APP_SECRET = FB_SECRET
    settings.FACEBOOK_VERIFY_TOKEN = FB_VERIFY
    settings.FACEBOOK_PAGE_TOKEN = FB_TOKEN
    settings.FACEBOOK_API_URL = NOWHERE + "/v21.0"


@pytest.fixture
def x_api(settings):
    with social_stand_ins.x_api() as stand_in:
        settings.X_API_URL = stand_in.url
        yield stand_in


@pytest.fixture
def graph_api(settings):
    with social_stand_ins.graph_api() as stand_in:
        settings.FACEBOOK_API_URL = stand_in.url + "/v21.0"
        yield stand_in


# ---------------------------------------------------------------- how the platforms post


def x_signature(body: bytes, secret: str = X_SECRET) -> str:
    mac = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(mac).decode()


def x_dm(event_id: str, sender: str, text: str, screen_name: str = "satoshi_fan") -> dict:
    return {
        "for_user_id": ACCOUNT,
        "direct_message_events": [
            {
                "type": "message_create",
                "id": event_id,
                "created_timestamp": "1735689600000",
                "message_create": {
                    "target": {"recipient_id": ACCOUNT if sender != ACCOUNT else "42"},
                    "sender_id": sender,
                    "message_data": {"text": text, "entities": {}},
                },
            }
        ],
        "users": {
            sender: {"id": sender, "name": "Satoshi Fan", "screen_name": screen_name},
            ACCOUNT: {"id": ACCOUNT, "name": "Exchange Support", "screen_name": "exchange"},
        },
    }


def post_x(payload: dict, signature: str | None = None, body: bytes | None = None):
    body = json.dumps(payload).encode() if body is None else body
    headers = {
        "x-twitter-webhooks-signature": x_signature(body) if signature is None else signature
    }
    return Client().post(X_URL, body, content_type="application/json", headers=headers)


def fb_signature(body: bytes, secret: str = FB_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def fb_messaging(mid: str, sender: str, text: str = "", **message) -> dict:
    return {
        "sender": {"id": sender},
        "recipient": {"id": PAGE},
        "timestamp": 1735689600000,
        "message": {"mid": mid, **({"text": text} if text else {}), **message},
    }


def fb_payload(*messaging: dict) -> dict:
    return {
        "object": "page",
        "entry": [{"id": PAGE, "time": 1735689600000, "messaging": [*messaging]}],
    }


def post_fb(payload: dict, signature: str | None = None, body: bytes | None = None):
    body = json.dumps(payload).encode() if body is None else body
    headers = {"x-hub-signature-256": fb_signature(body) if signature is None else signature}
    return Client().post(FB_URL, body, content_type="application/json", headers=headers)


def conversation_of(platform: str, sender: str) -> Conversation:
    identity = ChannelIdentity.objects.get(platform=platform, external_id=sender)
    return Conversation.objects.get(channel_thread__identity=identity)


def customer_texts(conversation: Conversation) -> list[str]:
    events = conversation.events.filter(kind=EventKind.CUSTOMER_MESSAGE).order_by("seq")
    return [event.body for event in events]


def png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def nothing_stored() -> bool:
    return not (
        PlatformUpdate.objects.exists()
        or ChannelIdentity.objects.exists()
        or Conversation.objects.exists()
    )


# ---------------------------------------------------------------- X: the webhook


def test_x_crc_challenge_is_answered_with_the_consumer_secrets_hmac():
    response = Client().get(X_URL, {"crc_token": "challenge-123"})
    assert response.status_code == 200
    expected = hmac.new(X_SECRET.encode(), b"challenge-123", hashlib.sha256).digest()
    assert response.json() == {"response_token": "sha256=" + base64.b64encode(expected).decode()}


def test_x_crc_answer_does_not_match_another_secret_and_needs_a_token():
    answered = Client().get(X_URL, {"crc_token": "challenge-123"}).json()["response_token"]
    assert answered != x_signature(b"challenge-123", secret="someone-elses-secret")
    assert Client().get(X_URL).status_code == 400


def test_x_webhook_is_absent_without_its_secret(settings):
    settings.X_CONSUMER_SECRET = ""
    assert Client().get(X_URL, {"crc_token": "t"}).status_code == 404
    assert post_x(x_dm("1", "2001", "hello")).status_code == 404


@pytest.mark.parametrize(
    "signature",
    [
        "",  # missing
        "sha256=" + base64.b64encode(b"\x00" * 32).decode(),  # bad
        x_signature(json.dumps(x_dm("9", "2001", "a different body")).encode()),
        x_signature(json.dumps(x_dm("1", "2001", "hello")).encode(), secret="wrong-secret"),
    ],
    ids=["missing", "bad", "other-body", "other-secret"],
)
def test_x_events_without_a_valid_signature_are_refused_and_not_stored(signature):
    assert post_x(x_dm("1", "2001", "hello"), signature=signature).status_code == 403
    assert nothing_stored()


def test_x_refuses_a_missing_header_too():
    body = json.dumps(x_dm("1", "2001", "hello")).encode()
    response = Client().post(X_URL, body, content_type="application/json")
    assert response.status_code == 403
    assert nothing_stored()


def test_x_oversized_and_invalid_bodies_are_refused():
    huge = b'{"pad": "' + b"a" * (1024 * 1024) + b'"}'
    assert post_x({}, body=huge).status_code == 413
    assert post_x({}, body=b"{not json").status_code == 400
    assert post_x({}, body=b"[1, 2]").status_code == 400
    assert nothing_stored()


def test_x_same_event_delivered_twice_is_stored_once():
    payload = x_dm("1850000000000000001", "2001", "My BTC withdrawal is pending")
    assert post_x(payload).status_code == 200
    assert post_x(payload).status_code == 200
    conversation = conversation_of("x", "2001")
    assert customer_texts(conversation) == ["My BTC withdrawal is pending"]
    assert PlatformUpdate.objects.count() == 1


def test_x_dm_opens_a_social_conversation_and_the_next_joins_it():
    post_x(x_dm("101", "2001", "My BTC withdrawal is pending", screen_name="satoshi_fan"))
    post_x(x_dm("102", "2001", "It has been 3 hours now"))
    post_x(x_dm("103", "2002", "How do I enable 2FA?", screen_name="other_trader"))
    first = conversation_of("x", "2001")
    assert first.channel == Channel.SOCIAL
    assert customer_texts(first) == ["My BTC withdrawal is pending", "It has been 3 hours now"]
    identity = ChannelIdentity.objects.get(platform="x", external_id="2001")
    assert (identity.handle, identity.display_name) == ("satoshi_fan", "Satoshi Fan")
    second = conversation_of("x", "2002")
    assert second.pk != first.pk
    assert customer_texts(second) == ["How do I enable 2FA?"]
    assert second.customer_id != first.customer_id


def test_x_own_messages_and_other_events_are_ignored():
    own = x_dm("201", ACCOUNT, "Thanks, we are looking into it")
    own["direct_message_events"].append({"type": "message_read", "id": "202"})
    own["tweet_create_events"] = [{"id_str": "203", "text": "gm"}]
    assert post_x(own).status_code == 200
    assert nothing_stored()


def test_x_an_invalid_message_is_skipped_and_the_rest_stored(caplog):
    payload = x_dm("301", "2001", "first")
    payload["direct_message_events"].insert(
        0,
        {
            "type": "message_create",
            "message_create": {"sender_id": "2003", "message_data": {"text": "secret-ish words"}},
        },
    )
    with caplog.at_level(logging.WARNING):
        assert post_x(payload).status_code == 200
    assert customer_texts(conversation_of("x", "2001")) == ["first"]
    assert not ChannelIdentity.objects.filter(external_id="2003").exists()
    assert "skipped" in caplog.text
    assert "secret-ish words" not in caplog.text


# ---------------------------------------------------------------- X: replies


def test_x_seed_phrase_is_masked_and_a_warning_reaches_local_x_api_stand_in(x_api):
    assert post_x(x_dm("401", "2001", f"my wallet words: {SEED}")).status_code == 200
    conversation = conversation_of("x", "2001")
    stored = customer_texts(conversation)[0]
    assert "abandon" not in stored
    assert not Event.objects.filter(body__contains="abandon abandon").exists()
    [call] = x_api.calls
    assert call.path == "/2/dm_conversations/with/2001/messages"
    assert "never ask" in call.json()["text"]
    delivery = PlatformDelivery.objects.get()
    assert delivery.state == DeliveryState.SENT
    assert delivery.external_id == "1800000000000000001"


def test_x_agent_reply_reaches_the_sender_through_local_x_api_stand_in(x_api):
    post_x(x_dm("501", "2001", "My BTC withdrawal is pending"))
    post_x(x_dm("502", "2002", "Other trader here"))
    agent = testing.staff("agent1")
    event = testing.services.do_reply(
        conversation_of("x", "2001"), agent, "It was sent: the network is busy."
    )
    [call] = x_api.calls
    assert call.method == "POST"
    assert call.path == "/2/dm_conversations/with/2001/messages"
    assert call.headers["authorization"] == f"Bearer {X_TOKEN}"
    assert call.json() == {"text": "It was sent: the network is busy."}
    delivery = PlatformDelivery.objects.get(event=event)
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 1)


def test_x_long_reply_is_sent_in_parts_to_local_x_api_stand_in(x_api):
    post_x(x_dm("601", "2001", "Please explain the fees"))
    agent = testing.staff("agent1")
    text = ("Fees depend on the network and the asset. " * 300).strip()  # ~12,600 chars
    testing.services.do_reply(conversation_of("x", "2001"), agent, text)
    parts = [call.json()["text"] for call in x_api.calls]
    assert len(parts) == 2
    assert all(len(part) <= 10_000 for part in parts)
    assert " ".join(parts) == text


def test_x_403_marks_the_delivery_failed_for_good_at_local_x_api_stand_in(x_api):
    post_x(x_dm("701", "2001", "hello"))
    x_api.fail_next(
        403,
        {"title": "Forbidden", "detail": "You cannot send messages to this user.", "status": 403},
    )
    event = testing.services.do_reply(conversation_of("x", "2001"), testing.staff("agent1"), "Hi")
    delivery = PlatformDelivery.objects.get(event=event)
    assert delivery.state == DeliveryState.FAILED
    assert delivery.error == "X API 403: You cannot send messages to this user."
    # Recorded, not retried: relaying again sends nothing more.
    assert len(x_api.calls) == 1


def test_x_500_raises_delivery_failed_for_a_retry_at_local_x_api_stand_in(x_api):
    post_x(x_dm("801", "2001", "hello"))
    x_api.fail_next(503, {"title": "Service Unavailable"}, times=2)
    event = testing.services.do_reply(conversation_of("x", "2001"), testing.staff("agent1"), "Hi")
    with pytest.raises(services.DeliveryFailed) as failure:
        services.relay_reply(event.pk)  # what the queue's retry runs
    assert not failure.value.permanent
    assert failure.value.reason == "X API 503: Service Unavailable"
    delivery = PlatformDelivery.objects.get(event=event)
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, 2)
    services.relay_reply(event.pk)  # the platform is back
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 3)
    assert len(x_api.calls) == 3


def test_x_unreachable_api_is_a_temporary_failure():
    post_x(x_dm("901", "2001", "hello"))
    event = testing.services.do_reply(conversation_of("x", "2001"), testing.staff("agent1"), "Hi")
    with pytest.raises(services.DeliveryFailed) as failure:
        services.relay_reply(event.pk)
    assert not failure.value.permanent
    assert failure.value.reason == "X API unreachable (ConnectError)"


# ---------------------------------------------------------------- Facebook: the webhook


def test_facebook_verification_echoes_the_challenge_for_our_verify_token():
    response = Client().get(
        FB_URL,
        {"hub.mode": "subscribe", "hub.verify_token": FB_VERIFY, "hub.challenge": "1158201444"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"1158201444"


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "guessed", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": FB_VERIFY, "hub.challenge": "1"},
        {"hub.challenge": "1"},
    ],
    ids=["wrong-token", "wrong-mode", "nothing"],
)
def test_facebook_verification_is_refused_otherwise(params):
    assert Client().get(FB_URL, params).status_code == 403


def test_facebook_webhook_is_absent_without_its_secrets(settings):
    settings.FACEBOOK_APP_SECRET = ""
    assert post_fb(fb_payload(fb_messaging("m_1", "7001", "hi"))).status_code == 404
    settings.FACEBOOK_APP_SECRET, settings.FACEBOOK_VERIFY_TOKEN = FB_SECRET, ""
    assert (
        Client().get(FB_URL, {"hub.mode": "subscribe", "hub.verify_token": ""}).status_code == 404
    )


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "sha256=" + "0" * 64,
        fb_signature(json.dumps(fb_payload(fb_messaging("m_9", "7001", "other"))).encode()),
        fb_signature(json.dumps(fb_payload(fb_messaging("m_1", "7001", "hi"))).encode(), "wrong"),
        "sha1=" + hmac.new(FB_SECRET.encode(), b"", hashlib.sha1).hexdigest(),
    ],
    ids=["missing", "bad", "other-body", "other-secret", "sha1"],
)
def test_facebook_events_without_a_valid_signature_are_refused_and_not_stored(signature):
    assert (
        post_fb(fb_payload(fb_messaging("m_1", "7001", "hi")), signature=signature).status_code
        == 403
    )
    assert nothing_stored()


def test_facebook_refuses_a_missing_header_too():
    body = json.dumps(fb_payload(fb_messaging("m_1", "7001", "hi"))).encode()
    assert Client().post(FB_URL, body, content_type="application/json").status_code == 403
    assert nothing_stored()


def test_facebook_oversized_and_invalid_bodies_are_refused():
    huge = b'{"pad": "' + b"a" * (1024 * 1024) + b'"}'
    assert post_fb({}, body=huge).status_code == 413
    assert post_fb({}, body=b"\xff\xfe not json").status_code == 400
    assert nothing_stored()


def test_facebook_same_message_delivered_twice_is_stored_once():
    payload = fb_payload(fb_messaging("m_AbC123", "7001", "Deposit of 500 USDT missing"))
    assert post_fb(payload).status_code == 200
    assert post_fb(payload).status_code == 200
    assert customer_texts(conversation_of("facebook", "7001")) == ["Deposit of 500 USDT missing"]
    assert PlatformUpdate.objects.count() == 1


def test_facebook_message_opens_a_social_conversation_and_the_next_joins_it():
    post_fb(fb_payload(fb_messaging("m_1", "7001", "Deposit of 500 USDT missing")))
    post_fb(
        fb_payload(
            fb_messaging("m_2", "7001", "TRC20 network"),
            fb_messaging("m_3", "7002", "Account locked"),
        )
    )
    first = conversation_of("facebook", "7001")
    assert first.channel == Channel.SOCIAL
    assert customer_texts(first) == ["Deposit of 500 USDT missing", "TRC20 network"]
    second = conversation_of("facebook", "7002")
    assert second.pk != first.pk
    assert customer_texts(second) == ["Account locked"]


def test_facebook_echoes_and_other_events_are_ignored():
    echo = fb_messaging("m_echo", PAGE, "Thanks, we are on it", is_echo=True, app_id=1234)
    echo["recipient"] = {"id": "7001"}
    read = {"sender": {"id": "7001"}, "recipient": {"id": PAGE}, "read": {"watermark": 1}}
    assert post_fb(fb_payload(echo, read)).status_code == 200
    assert (
        post_fb(
            {"object": "instagram", "entry": [{"messaging": [fb_messaging("m_4", "7001", "hi")]}]}
        ).status_code
        == 200
    )
    assert nothing_stored()


def test_facebook_an_invalid_message_is_skipped_and_the_rest_stored(caplog):
    nameless = fb_messaging("m_5", "", "private words")
    with caplog.at_level(logging.WARNING):
        response = post_fb(fb_payload(nameless, fb_messaging("m_6", "7001", "hello")))
    assert response.status_code == 200
    assert customer_texts(conversation_of("facebook", "7001")) == ["hello"]
    assert "skipped" in caplog.text
    assert "private words" not in caplog.text


# ---------------------------------------------------------------- Facebook: replies


def test_facebook_seed_phrase_is_masked_and_a_warning_reaches_local_graph_api_stand_in(graph_api):
    assert post_fb(fb_payload(fb_messaging("m_10", "7001", SEED))).status_code == 200
    conversation = conversation_of("facebook", "7001")
    assert "abandon" not in customer_texts(conversation)[0]
    assert not Event.objects.filter(body__contains="abandon abandon").exists()
    [call] = graph_api.calls
    assert call.path == "/v21.0/me/messages"
    sent = call.json()
    assert sent["recipient"] == {"id": "7001"}
    assert sent["messaging_type"] == "RESPONSE"
    assert "never ask" in sent["message"]["text"]
    assert PlatformDelivery.objects.get().external_id == "m_stand_in_1"


def test_facebook_agent_reply_reaches_the_sender_through_local_graph_api_stand_in(graph_api):
    post_fb(fb_payload(fb_messaging("m_20", "7001", "Deposit missing")))
    event = testing.services.do_reply(
        conversation_of("facebook", "7001"), testing.staff("agent1"), "It arrived just now."
    )
    [call] = graph_api.calls
    assert call.query["access_token"] == FB_TOKEN
    proof = hmac.new(FB_SECRET.encode(), FB_TOKEN.encode(), hashlib.sha256).hexdigest()
    assert call.query["appsecret_proof"] == proof
    assert call.json() == {
        "recipient": {"id": "7001"},
        "messaging_type": "RESPONSE",
        "message": {"text": "It arrived just now."},
    }
    delivery = PlatformDelivery.objects.get(event=event)
    assert (delivery.state, delivery.external_id) == (DeliveryState.SENT, "m_stand_in_1")


def test_facebook_reply_over_2000_characters_is_split_at_local_graph_api_stand_in(graph_api):
    post_fb(fb_payload(fb_messaging("m_30", "7001", "Explain the fees")))
    lines = [f"Step {n}: check the network fee table for the asset you send." for n in range(80)]
    text = "\n".join(lines)
    testing.services.do_reply(conversation_of("facebook", "7001"), testing.staff("agent1"), text)
    parts = [call.json()["message"]["text"] for call in graph_api.calls]
    assert len(parts) == 3
    assert all(len(part) <= 2000 for part in parts)
    assert "\n".join(parts) == text  # cut at line breaks, nothing lost
    assert PlatformDelivery.objects.get(state=DeliveryState.SENT).external_id == "m_stand_in_1"


def test_facebook_403_marks_the_delivery_failed_for_good_at_local_graph_api_stand_in(graph_api):
    post_fb(fb_payload(fb_messaging("m_40", "7001", "hello")))
    graph_api.fail_next(
        403,
        {
            "error": {
                "message": "(#200) This person isn't available right now.",
                "type": "OAuthException",
                "code": 200,
                "error_subcode": 1545041,
            }
        },
    )
    event = testing.services.do_reply(
        conversation_of("facebook", "7001"), testing.staff("agent1"), "Hi"
    )
    delivery = PlatformDelivery.objects.get(event=event)
    assert delivery.state == DeliveryState.FAILED
    assert (
        delivery.error == "Graph API 403 (code 200): (#200) This person isn't available right now."
    )
    assert len(graph_api.calls) == 1


def test_facebook_500_raises_delivery_failed_for_a_retry_at_local_graph_api_stand_in(graph_api):
    post_fb(fb_payload(fb_messaging("m_50", "7001", "hello")))
    failure_body = {
        "error": {"message": "An unexpected error has occurred.", "code": 2, "is_transient": True}
    }
    graph_api.fail_next(500, failure_body, times=2)
    event = testing.services.do_reply(
        conversation_of("facebook", "7001"), testing.staff("agent1"), "Hi"
    )
    with pytest.raises(services.DeliveryFailed) as failure:
        services.relay_reply(event.pk)
    assert not failure.value.permanent
    assert failure.value.reason == "Graph API 500 (code 2): An unexpected error has occurred."
    delivery = PlatformDelivery.objects.get(event=event)
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, 2)
    services.relay_reply(event.pk)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT


def test_facebook_rate_limit_in_a_400_is_retried_at_local_graph_api_stand_in(graph_api):
    post_fb(fb_payload(fb_messaging("m_55", "7001", "hello")))
    graph_api.fail_next(
        400,
        {
            "error": {
                "message": "(#613) Calls to this api have exceeded the rate limit.",
                "code": 613,
            }
        },
        times=2,
    )
    event = testing.services.do_reply(
        conversation_of("facebook", "7001"), testing.staff("agent1"), "Hi"
    )
    with pytest.raises(services.DeliveryFailed) as failure:
        services.relay_reply(event.pk)
    assert not failure.value.permanent


# ---------------------------------------------------------------- Facebook: attachments


def test_facebook_image_is_downloaded_from_local_attachment_host_stand_in_and_attached():
    image = png()
    with social_stand_ins.file_host(
        {"cdn/469581282_n.png": Answer(200, image, "image/png")}
    ) as host:
        message = fb_messaging(
            "m_60",
            "7001",
            "Here is the screenshot",
            attachments=[
                {"type": "image", "payload": {"url": f"{host.url}/cdn/469581282_n.png?_nc_cat=1"}}
            ],
        )
        assert post_fb(fb_payload(message)).status_code == 200
        assert [call.path for call in host.calls] == ["/cdn/469581282_n.png"]
    conversation = conversation_of("facebook", "7001")
    attachment = Attachment.objects.get(conversation=conversation)
    assert (attachment.original_name, attachment.content_type) == ("469581282_n.png", "image/png")
    assert attachment.sha256 == hashlib.sha256(image).hexdigest()
    assert attachment.event.body == "Here is the screenshot"


def test_facebook_files_not_taken_are_listed_from_local_attachment_host_stand_in(settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    files = {
        "big.png": Answer(200, png(200, 200) + b"\x00" * 2000, "image/png"),
        "streamed.pdf": Answer(200, b"%PDF-1.4\n" + b"0" * 2000, "application/pdf", chunked=True),
        "gone.png": Answer(404, b"", "text/plain"),
        "page.html": Answer(200, b"<!doctype html><script>alert(1)</script>", "text/html"),
    }
    with social_stand_ins.file_host(files) as host:
        attachments = [
            {"type": "image", "payload": {"url": f"{host.url}/big.png"}},
            {"type": "file", "payload": {"url": f"{host.url}/streamed.pdf"}},
            {"type": "image", "payload": {"url": f"{host.url}/gone.png"}},
            {"type": "file", "payload": {"url": f"{host.url}/page.html"}},
            {"type": "image", "payload": {"url": "file:///etc/passwd"}},
            {"type": "video", "payload": {"url": f"{host.url}/clip.mp4"}},
        ]
        post_fb(fb_payload(fb_messaging("m_70", "7001", attachments=attachments)))
        fetched = sorted(call.path for call in host.calls)
    assert fetched == ["/big.png", "/gone.png", "/page.html", "/streamed.pdf"]
    conversation = conversation_of("facebook", "7001")
    assert not Attachment.objects.filter(conversation=conversation).exists()
    [body] = customer_texts(conversation)
    assert body.startswith("Attachments not taken:")
    assert "big.png is larger than" in body
    assert "streamed.pdf is larger than" in body
    assert "gone.png could not be downloaded." in body
    assert "image-5 could not be downloaded." in body
    assert "clip.mp4: this kind of attachment is not kept" in body
    assert "page.html is not an allowed file type" in body


# ---------------------------------------------------------------- secrets


def test_no_secret_reaches_the_logs_with_local_x_and_graph_api_stand_ins(x_api, graph_api, caplog):
    caplog.set_level(logging.DEBUG)
    # As an operator debugging would: httpx then logs every URL, the Send API's included.
    caplog.set_level(logging.INFO, logger="httpx")
    x_api.fail_next(500, {"title": f"echoing {X_TOKEN}"})
    graph_api.fail_next(500, {"error": {"message": f"bad token {FB_TOKEN}", "code": 2}})
    Client().get(X_URL, {"crc_token": "c"})
    Client().get(
        FB_URL, {"hub.mode": "subscribe", "hub.verify_token": FB_VERIFY, "hub.challenge": "5"}
    )
    Client().get(
        FB_URL, {"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "5"}
    )
    post_x(x_dm("1001", "2001", SEED))
    post_x(x_dm("1002", "2001", "again"), signature="sha256=bad")
    post_fb(fb_payload(fb_messaging("m_80", "7001", SEED)))
    post_fb(fb_payload(fb_messaging("m_81", "7001", "again")), signature="sha256=bad")
    # The queue ran both relays inline, failed on the 500s and logged the failures.
    assert "DeliveryFailed" in caplog.text
    assert "/me/messages?access_token=[secret]" in caplog.text
    errors = list(PlatformDelivery.objects.values_list("error", flat=True))
    for secret in (X_SECRET, X_TOKEN, FB_SECRET, FB_VERIFY, FB_TOKEN):
        assert secret not in caplog.text
        assert all(secret not in error for error in errors)
    assert "[secret]" in " ".join(errors)
