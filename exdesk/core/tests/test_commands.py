"""The command-line entry points: demo data, demo codes, API tokens."""

import io

import pytest
from django.core.management import CommandError, call_command

from exdesk.accounts.models import ApiToken, User
from exdesk.conversations.models import Conversation
from exdesk.demo import content
from exdesk.demo.loader import DEMO_API_TOKEN, demo_totp_key, totp_base32
from exdesk.messaging.models import InboundMail

pytestmark = pytest.mark.django_db


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_demo_loads_a_believable_desk_and_is_idempotent():
    first = run("demo")
    conversations = Conversation.objects.all()
    # Besides the written conversations: two mails and a Telegram chat through the real
    # channel pipeline, and a spoofed mail held in quarantine (exdesk/messaging/demo.py).
    assert conversations.count() == len(content.CONVERSATIONS) + 3
    assert len(content.CONVERSATIONS) >= 50
    assert InboundMail.objects.filter(state="quarantined").count() == 1
    assert set(conversations.values_list("language", flat=True)) == {"en", "zh-hans"}
    assert set(conversations.values_list("channel", flat=True)) == {
        "web",
        "chat",
        "email",
        "social",
        "phone",
        "api",
        "telegram",
    }
    assert set(conversations.values_list("status", flat=True)) == {
        "new",
        "open",
        "pending",
        "on_hold",
        "solved",
        "closed",
    }
    teams = set(User.objects.get(username="bob").teams.values_list("slug", flat=True))
    assert teams == {"deposits-withdrawals", "general"}
    # Every demo agent has a confirmed authenticator whose secret is printed.
    alice = User.objects.get(username="alice")
    assert alice.totpdevice_set.get(confirmed=True).key == demo_totp_key("alice")
    assert totp_base32(demo_totp_key("alice")) in first
    assert DEMO_API_TOKEN in first
    events = sum(c.events.count() for c in conversations)
    second = run("demo")
    assert "0 conversations created" in second
    assert Conversation.objects.count() == len(content.CONVERSATIONS) + 3
    assert sum(c.events.count() for c in Conversation.objects.all()) == events
    assert ApiToken.objects.count() == 1


def test_demo_timelines_look_lived_in():
    run("demo")
    solved = Conversation.objects.filter(status="solved").first()
    assert solved.solved_at is not None and solved.first_response_at is not None
    assert solved.created_at < solved.first_response_at <= solved.solved_at
    new = Conversation.objects.filter(status="new")
    assert all(c.assignee is None for c in new)


def test_totp_prints_the_current_code_in_demo_mode_only(settings):
    from exdesk import testing

    alice = testing.staff("alice")
    settings.DEMO_MODE = True
    assert run("totp", "alice").strip() == testing.current_code(alice)
    settings.DEMO_MODE = False
    with pytest.raises(CommandError):
        run("totp", "alice")


def test_issuetoken_prints_a_working_token(client):
    from exdesk import testing

    testing.staff("integration")
    key = run("issuetoken", "integration").strip()
    assert ApiToken.objects.get().key_hash == ApiToken.hash_key(key)
    assert key not in ApiToken.objects.values_list("key_hash", flat=True)
    response = client.get("/api/v1/conversations", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    with pytest.raises(CommandError):
        run("issuetoken", "nobody")


def test_run_refuses_several_web_processes_without_redis(settings):
    settings.REDIS_URL = ""
    with pytest.raises(CommandError, match="REDIS_URL"):
        run("run", "--workers", "2", "--no-task-worker")
