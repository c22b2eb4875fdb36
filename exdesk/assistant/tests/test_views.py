"""The assistant in the console: intents, examples, retraining, canned responses, the
copilot beside a conversation, and the ticket form's suggestions."""

import pytest
from django.urls import reverse

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.assistant.models import CannedResponse, GuardRecord, IntentExample, IntentModel
from exdesk.helpcenter import starter

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor():
    return testing.signed_in(testing.staff("sue", Role.SUPERVISOR))


@pytest.fixture
def agent():
    return testing.signed_in(testing.staff("amy", Role.AGENT))


def test_every_staff_member_sees_the_taxonomy_but_only_managers_edit(agent, supervisor):
    page = agent.get(reverse("assistant:overview"))
    assert page.status_code == 200 and "Deposit not credited" in page.content.decode()
    assert agent.get(reverse("assistant:intent", args=["listing"])).status_code == 403
    assert agent.post(reverse("assistant:retrain")).status_code == 403
    assert agent.get(reverse("assistant:response_new")).status_code == 403
    assert supervisor.get(reverse("assistant:intent", args=["listing"])).status_code == 200
    assert supervisor.get(reverse("assistant:intent", args=["nope"])).status_code == 404


def test_examples_are_added_one_per_line_without_secrets_and_deleted(supervisor):
    url = reverse("assistant:intent", args=["listing"])
    seed = "abandon " * 11 + "about"
    response = supervisor.post(
        url, {"language": "en", "examples": f"list my token\n\nlist my token\n{seed}"}
    )
    assert response.status_code == 302
    added = IntentExample.objects.filter(intent__slug="listing", text="list my token")
    assert added.count() == 1
    assert not IntentExample.objects.filter(text__contains="abandon abandon").exists()
    assert supervisor.post(url, {"language": "en", "examples": "   "}).status_code == 400
    assert supervisor.post(url, {"language": "en", "examples": "x" * 600}).status_code == 400
    example = added.get()
    delete = reverse("assistant:delete_example", args=["listing", example.pk])
    assert supervisor.post(delete).status_code == 302
    assert not IntentExample.objects.filter(pk=example.pk).exists()


def test_an_intent_is_edited(supervisor):
    url = reverse("assistant:intent", args=["listing"])
    form = {
        "save_intent": "1",
        "name_en": "Token listing",
        "name_zh_hans": "上币",
        "about": "listing requests",
        "handling": "human",
        "priority": "p2",
        "category_slug": "other",
        "team_slug": "general",
        "skill_slug": "",
        "active": "on",
        "article_keys": "contact-support, contact-support",
    }
    assert supervisor.post(url, form).status_code == 302
    assert supervisor.post(url, {**form, "name_en": ""}).status_code == 400
    page = supervisor.get(url).content.decode()
    assert "上币" in page and 'value="contact-support"' in page


def test_retraining_stores_a_live_model(supervisor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert supervisor.post(reverse("assistant:retrain")).status_code == 302
    model = IntentModel.objects.get()
    assert model.metrics["accuracy"] > 0.7
    assert "Trained" in supervisor.get(reverse("assistant:overview")).content.decode()


def test_canned_responses_refuse_asking_for_secrets(supervisor):
    url = reverse("assistant:response_new")
    bad = {
        "language": "en",
        "title": "Verify",
        "body": "Please send me your 2FA code.",
        "active": "on",
    }
    response = supervisor.post(url, bad)
    assert response.status_code == 400 and "never asks" in response.content.decode()
    good = {**bad, "body": "Please send the TxID of the deposit."}
    assert supervisor.post(url, good).status_code == 302
    saved = CannedResponse.objects.get(title="Verify")
    edit = reverse("assistant:response", args=[saved.pk])
    assert supervisor.post(edit, {**good, "title": ""}).status_code == 400
    listing = supervisor.get(reverse("assistant:responses") + "?language=en").content.decode()
    assert "Verify" in listing


def test_the_copilot_shows_intent_facts_articles_and_responses(
    supervisor, django_capture_on_commit_callbacks
):
    starter.load()
    with django_capture_on_commit_callbacks(execute=True):
        conv = testing.conversation(
            subject="deposit missing",
            body="my USDT deposit on TRC20 has not been credited after 3 hours, txid " + "ab" * 32,
        )
    page = supervisor.get(reverse("conversations:detail", args=[conv.pk])).content.decode()
    assert 'data-testid="copilot"' in page
    assert "Deposit not credited" in page and "ab" * 32 in page
    assert "data-insert-reply=" in page and "My deposit has not arrived" in page


def test_the_agent_reply_guard_shows_on_the_console_form(agent):
    conv = testing.conversation()
    response = agent.post(
        reverse("conversations:reply", args=[conv.pk]), {"body": "What is your password?"}
    )
    assert response.status_code == 400 and "Not sent" in response.content.decode()
    assert GuardRecord.objects.filter(direction="agent").count() == 1


def test_the_ticket_form_suggests_articles(client):
    starter.load()
    found = client.get(reverse("helpcenter:suggest", args=["en"]), {"q": "deposit not arrived"})
    titles = [a["title"] for a in found.json()["articles"]]
    assert found.status_code == 200 and "My deposit has not arrived" in titles
    assert client.get(reverse("helpcenter:suggest", args=["en"]), {"q": "de"}).json() == {
        "articles": []
    }
    zh = client.get(reverse("helpcenter:suggest", args=["zh-hans"]), {"q": "充值没到账"}).json()
    assert zh["articles"] and zh["articles"][0]["url"].startswith("/help/zh-hans/")
    page = client.get(reverse("portal:new")).content.decode()
    assert "data-suggestions" in page and "suggest.js" in page


def test_suggestions_are_rate_limited(client, monkeypatch):
    from exdesk.helpcenter import public_views

    monkeypatch.setattr(public_views, "SUGGESTIONS_PER_MINUTE", 1)
    url = reverse("helpcenter:suggest", args=["en"])
    address = {"REMOTE_ADDR": "198.51.100.77"}  # a counter of its own
    assert client.get(url, {"q": "deposit"}, **address).status_code == 200
    assert client.get(url, {"q": "deposit"}, **address).status_code == 429
