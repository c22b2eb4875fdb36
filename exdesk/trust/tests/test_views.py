"""The public page, the console registry, the API and the chat command."""

import pytest
from django.core.cache import cache
from django.test import Client

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.chat import services as chat
from exdesk.chat.services import Visitor
from exdesk.conversations import services as conversations
from exdesk.conversations.choices import EventKind
from exdesk.trust.models import OfficialChannel, VerificationCheck

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


# ---------------------------------------------------------------- the public page


def test_verify_redirects_to_the_visitors_language():
    assert Client().get("/verify/").url == "/verify/en/"
    chinese = Client(headers={"accept-language": "zh-CN"}).get("/verify/")
    assert chinese.url == "/verify/zh-hans/"
    assert Client().get("/verify/fr/").status_code == 404


def test_the_form_works_without_javascript(registry):
    page = Client().get("/verify/en/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'method="get"' in html and 'name="q"' in html and "<script" not in html
    assert "Support never asks for your password, 2FA codes or seed phrase." in html
    official = Client().get("/verify/en/", {"q": "https://www.DemoExchange.example/login"})
    body = official.content.decode()
    assert "verdict-official" in body and "is an official channel of ours" in body
    assert "Website and app downloads" in body  # the entry's label
    fake = Client().get("/verify/en/", {"q": "support@demoexchange-help.com"}).content.decode()
    assert "verdict-lookalike" in fake and "Look-alike" in fake
    assert "demoexchange.example" in fake  # the real one
    unknown = Client().get("/verify/en/", {"q": "+1 202 555 0143"}).content.decode()
    assert "verdict-unknown" in unknown and "not one of our official phone numbers" in unknown


def test_the_page_speaks_chinese_at_its_chinese_address(registry):
    page = Client().get("/verify/zh-hans/", {"q": "@demoexchange_support"})
    assert page["Content-Language"] == "zh-hans"
    assert "verdict-lookalike" in page.content.decode()


def test_an_over_long_value_gets_a_clear_error():
    page = Client().get("/verify/en/", {"q": "a" * 600})
    assert page.status_code == 400
    assert "Use at most 500 characters" in page.content.decode()
    assert not VerificationCheck.objects.exists()


def test_checks_are_rate_limited_per_address(settings, registry):
    settings.TRUST_CHECKS_PER_HOUR = 2
    client = Client()
    assert client.get("/verify/en/", {"q": "demoexchange.example"}).status_code == 200
    assert client.get("/verify/en/", {"q": "demoexchange.example"}).status_code == 200
    limited = client.get("/verify/en/", {"q": "demoexchange.example"})
    assert limited.status_code == 429 and "Too many checks" in limited.content.decode()
    assert client.get("/verify/en/").status_code == 200  # the empty form is not counted
    assert client.get("/api/v1/verify", {"value": "demoexchange.example"}).status_code == 429
    assert VerificationCheck.objects.count() == 2


def test_the_footer_links_to_the_check():
    assert 'href="/verify/"' in Client().get("/help/en/").content.decode()


# ---------------------------------------------------------------- the API


def test_the_api_needs_no_token_and_answers_json(registry):
    response = Client().get("/api/v1/verify", {"value": "dem0exchange.example"})
    assert response.status_code == 200
    data = response.json()
    assert data["verdict"] == "lookalike" and data["kind"] == "domain"
    assert data["normalized"] == "dem0exchange.example"
    assert data["matched"] == {
        "kind": "domain",
        "value": "demoexchange.example",
        "label": "Website and app downloads",
    }
    assert data["reasons"] == ["confusable_characters"] and data["explanations"]
    official = Client().get("/api/v1/verify", {"value": "+44 20 7946 0958"}).json()
    assert official["verdict"] == "official" and official["normalized"] == "+442079460958"
    unknown = Client().get("/api/v1/verify", {"value": "nobody@example.org"}).json()
    assert unknown["matched"] is None and unknown["reasons"] == ["not_listed"]


@pytest.mark.parametrize("value", ["", "   ", "x" * 501])
def test_the_api_refuses_nothing_or_too_much(value):
    response = Client().get("/api/v1/verify", {"value": value})
    assert response.status_code == 422
    assert response.json()["detail"]


def test_the_api_refuses_a_missing_value():
    assert Client().get("/api/v1/verify").status_code == 422


# ---------------------------------------------------------------- the console


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.ADMIN, True),
        (Role.SUPERVISOR, True),
        (Role.AGENT, False),
        (Role.SENIOR_AGENT, False),
        (Role.QA_REVIEWER, False),
        (Role.TRAINER, False),
        (Role.COMPLIANCE, False),
    ],
)
def test_only_supervisors_and_admins_open_the_registry(role, allowed, registry):
    user = testing.staff(f"u-{role}", role)
    client = testing.signed_in(user)
    channel = OfficialChannel.objects.first()
    expected = 200 if allowed else 403
    assert client.get("/console/trust/").status_code == expected
    assert client.get("/console/trust/new/").status_code == expected
    assert client.get(f"/console/trust/{channel.pk}/").status_code == expected
    post = client.post(f"/console/trust/{channel.pk}/active/", {"active": "no"})
    assert post.status_code == (302 if allowed else 403)
    inbox = client.get("/console/").content.decode()
    assert ('href="/console/trust/"' in inbox) is allowed


def test_signed_out_visitors_are_sent_to_sign_in():
    response = Client().get("/console/trust/")
    assert response.status_code == 302 and "/accounts/" in response.url


def test_a_supervisor_adds_edits_and_deactivates_a_channel(registry):
    supervisor = testing.staff("sup.trust", Role.SUPERVISOR)
    client = testing.signed_in(supervisor)
    form = {"kind": "telegram", "value": "https://t.me/DemoExchangeNews", "label": "News"}
    response = client.post("/console/trust/new/", form)
    assert response.status_code == 302
    channel = OfficialChannel.objects.get(normalized="demoexchangenews")
    assert channel.created_by == supervisor
    duplicate = client.post("/console/trust/new/", form)
    assert duplicate.status_code == 400 and "already listed" in duplicate.content.decode()
    bad = client.post("/console/trust/new/", {"kind": "phone", "value": "12"})
    assert bad.status_code == 400 and "not a valid phone number" in bad.content.decode()
    edit = client.post(
        f"/console/trust/{channel.pk}/",
        {"kind": "telegram", "value": "@DemoExchangeNews", "label": "News channel"},
    )
    assert edit.status_code == 302
    page = client.get(f"/console/trust/{channel.pk}/").content.decode()
    assert "History" in page and "Changed" in page
    client.post(f"/console/trust/{channel.pk}/active/", {"active": "no"})
    channel.refresh_from_db()
    assert not channel.active
    client.post(f"/console/trust/{channel.pk}/active/", {"active": "yes"})
    channel.refresh_from_db()
    assert channel.active
    assert client.get("/console/trust/99999/").status_code == 404


def test_the_registry_page_lists_recent_lookalikes(registry):
    Client().get("/verify/en/", {"q": "demoexchange-support.com"})
    Client().get("/verify/en/", {"q": "https://demoexchange-support.com/login"})
    Client().get("/verify/en/", {"q": "someone@example.org"})
    page = testing.signed_in(registry).get("/console/trust/").content.decode()
    assert "demoexchange-support.com" in page
    assert "someone@example.org" not in page  # not kept


# ---------------------------------------------------------------- the chat command


@pytest.fixture
def say(django_capture_on_commit_callbacks):
    def send(body, language="en", conversation=None):
        visitor = Visitor(language=language, conversation_id=conversation and conversation.pk)
        with django_capture_on_commit_callbacks(execute=True):
            event, _opened = chat.send_message(visitor, body=body, client_id=body[:90])
        conv = event.conversation
        conv.refresh_from_db()
        return conv

    return send


def _bot_replies(conv):
    return list(conv.events.filter(kind=EventKind.AGENT_REPLY, data__bot=True).order_by("seq"))


@pytest.mark.parametrize("bot_enabled", [True, False])
def test_verify_in_the_chat_answers_with_the_verdict(settings, registry, say, bot_enabled):
    settings.ASSISTANT_BOT_ENABLED = bot_enabled
    conv = say("/verify support@dem0exchange.example")
    [reply] = _bot_replies(conv)
    assert reply.data["verify"]["verdict"] == "lookalike"
    assert "is not ours" in reply.body and "seed phrase" in reply.body
    # Not a question for an agent: the bot holds the chat, nobody triaged it as a case.
    assert conv.bot_state == "greeted" and conv.intent == ""
    assert not conv.events.filter(kind=EventKind.INTERNAL_NOTE).exists()
    conv = say("/VERIFY https://t.me/DemoExchange", conversation=conv)
    assert _bot_replies(conv)[-1].data["verify"]["verdict"] == "official"
    assert VerificationCheck.objects.filter(via="chat").count() == 2


def test_verify_in_a_chinese_chat_answers_in_chinese(settings, registry, say):
    settings.ASSISTANT_BOT_ENABLED = True
    conv = say("/verify +44 20 7946 0958", language="zh-hans")
    [reply] = _bot_replies(conv)
    assert reply.data["verify"]["verdict"] == "official"
    assert "官方" in reply.body


def test_verify_without_a_value_explains_the_command(settings, registry, say):
    settings.ASSISTANT_BOT_ENABLED = True
    conv = say("/verify")
    [reply] = _bot_replies(conv)
    assert "/verify @name" in reply.body and "verify" not in reply.data


def test_an_ordinary_message_is_not_a_command(settings, registry, say):
    settings.ASSISTANT_BOT_ENABLED = True
    conv = say("how do I verify my identity for KYC")
    assert all("verify" not in r.data for r in _bot_replies(conv))
    assert not VerificationCheck.objects.exists()
    assert conv.bot_state in (*conversations.BOT_TALKING, conversations.BOT_HANDED_OVER)
