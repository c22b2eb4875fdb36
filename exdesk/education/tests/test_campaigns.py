"""Security-awareness campaigns: shown only while starts_at ≤ now < ends_at, validated,
ended by hand, in the help center (a note in each language) and in the chat widget's
welcome frame (both languages, plain text)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from exdesk import testing
from exdesk.chat import services as chat
from exdesk.education import live, services
from exdesk.education.models import AwarenessCampaign

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)
TEXT = {
    "title_en": "Support never asks for your 2FA codes",
    "title_zh": "客服绝不会索要验证码",
    "body_en": "Never share your codes.\nCheck the anti-phishing code.",
    "body_zh": "不要把验证码告诉任何人。\n核对防钓鱼码。",
}


def campaign(user, start, end, **extra):
    return services.create_campaign(user, starts_at=start, ends_at=end, **{**TEXT, **extra})


def test_a_campaign_is_shown_only_inside_its_window(trainer):
    start = timezone.now() + dt.timedelta(days=1)
    made = campaign(trainer, start, start + dt.timedelta(days=7))
    assert services.current_campaign(start - dt.timedelta(seconds=1)) is None  # before
    assert services.current_campaign(start) == made  # from its first moment
    assert services.current_campaign(start + dt.timedelta(days=3)) == made  # during
    assert services.current_campaign(start + dt.timedelta(days=7)) is None  # ends_at excluded
    assert services.current_campaign(start + dt.timedelta(days=8)) is None  # after
    assert live.current_payload(start - HOUR) is None
    assert live.current_payload(start + HOUR)["campaign"] == made.pk


def test_the_latest_started_of_overlapping_campaigns_is_shown(trainer):
    now = timezone.now()
    campaign(trainer, now - dt.timedelta(days=5), now + dt.timedelta(days=5))
    newer = campaign(trainer, now - HOUR, now + HOUR, title_en="Newer")
    assert services.current_campaign(now) == newer


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at_offset": dt.timedelta(0)}, "ends_at"),  # ends when it starts
        ({"ends_at_offset": -HOUR}, "ends_at"),  # ends before it starts
        ({"ends_at_offset": dt.timedelta(days=400)}, "ends_at"),  # longer than a year
        ({"title_zh": " "}, "title_zh"),
        ({"body_en": ""}, "body_en"),
        ({"body_en": "x" * 601}, "body_en"),
        ({"article_slug_en": "not a slug!"}, "article_slug_en"),
    ],
)
def test_bad_campaigns_are_refused(trainer, change, field):
    start = timezone.now()
    offset = change.pop("ends_at_offset", dt.timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        campaign(trainer, start, start + offset, **change)
    assert field in refused.value.message_dict
    assert not AwarenessCampaign.objects.exists()


def test_the_database_refuses_a_window_that_ends_before_it_starts(trainer):
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        AwarenessCampaign.objects.create(
            **TEXT, starts_at=now, ends_at=now - HOUR, created_by=trainer
        )


def test_only_educators_create_or_end_campaigns(trainer):
    now = timezone.now()
    agent = testing.staff("alice")
    with pytest.raises(PermissionDenied):
        campaign(agent, now, now + HOUR)
    made = campaign(trainer, now - HOUR, now + HOUR)
    with pytest.raises(PermissionDenied):
        services.end_campaign(agent, made)
    assert services.current_campaign(now) == made


def test_ending_now_takes_it_down_and_a_scheduled_one_never_shows(trainer):
    now = timezone.now()
    running = campaign(trainer, now - HOUR, now + dt.timedelta(days=3))
    services.end_campaign(trainer, running, now=now)
    assert services.current_campaign(now) is None
    assert services.current_campaign(now + HOUR) is None
    with pytest.raises(ValidationError):
        services.end_campaign(trainer, running, now=now + HOUR)  # already ended
    scheduled = campaign(trainer, now + HOUR, now + dt.timedelta(days=3))
    services.end_campaign(trainer, scheduled, now=now)
    scheduled.refresh_from_db()
    assert scheduled.starts_at < scheduled.ends_at == now
    assert services.current_campaign(now + dt.timedelta(days=1)) is None


def test_the_help_center_shows_the_campaign_in_the_page_language(trainer, article):
    now = timezone.now()
    article("en", "common-scams", "Common scams")
    article("zh-hans", "common-scams", "常见诈骗")
    campaign(
        trainer,
        now - HOUR,
        now + HOUR,
        article_slug_en="common-scams",
        article_slug_zh="common-scams",
    )
    client = Client()
    english = client.get("/help/en/").content.decode()
    assert '<section class="card status-help" role="note" aria-label="Security reminder">' in (
        english
    )
    assert "Support never asks for your 2FA codes" in english
    assert "Never share your codes.<br>Check the anti-phishing code." in english
    assert 'href="/help/en/articles/common-scams/">Common scams</a>' in english
    chinese = client.get("/help/zh-hans/").content.decode()
    assert "客服绝不会索要验证码" in chinese and "核对防钓鱼码。" in chinese
    assert 'href="/help/zh-hans/articles/common-scams/">常见诈骗</a>' in chinese
    assert "Support never asks for your 2FA codes" not in chinese


def test_the_help_center_shows_nothing_outside_the_window_or_a_dead_link(trainer):
    now = timezone.now()
    campaign(trainer, now + HOUR, now + dt.timedelta(days=2))
    client = Client()
    assert 'role="note"' not in client.get("/help/en/").content.decode()
    campaign(trainer, now - HOUR, now + HOUR, title_en="Running", article_slug_en="no-such")
    page = client.get("/help/en/").content.decode()
    assert "Running" in page and "/help/en/articles/no-such/" not in page


def test_the_text_is_escaped_as_plain_text(trainer):
    now = timezone.now()
    campaign(trainer, now - HOUR, now + HOUR, body_en="<script>alert(1)</script> & more")
    page = Client().get("/help/en/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page


def test_the_chat_welcome_carries_the_campaign_in_both_languages(
    trainer, article, django_capture_on_commit_callbacks, django_assert_num_queries
):
    now = timezone.now()
    assert chat.welcome(chat.Visitor(), None)["campaign"] is None  # "none" is cached too
    with django_assert_num_queries(0):
        assert live.campaign_payload() is None
    article("en", "common-scams", "Common scams")
    with django_capture_on_commit_callbacks(execute=True):
        made = campaign(trainer, now - HOUR, now + HOUR, article_slug_en="common-scams")
    frame = chat.welcome(chat.Visitor(language="zh-hans"), None)  # at once, not cached "none"
    assert frame["campaign"] == {
        "campaign": made.pk,
        "title": {"en": TEXT["title_en"], "zh-hans": TEXT["title_zh"]},
        "text": {"en": TEXT["body_en"], "zh-hans": TEXT["body_zh"]},
        "article": {
            "en": {"title": "Common scams", "url": "/help/en/articles/common-scams/"},
            "zh-hans": None,  # no Chinese article given
        },
    }
    assert frame["notice"] is None  # the incident banner is still its own key
    with django_assert_num_queries(0):  # every other hello: from the cache
        assert live.campaign_payload() == frame["campaign"]
    with django_capture_on_commit_callbacks(execute=True):
        services.end_campaign(trainer, made)
    assert chat.welcome(chat.Visitor(), None)["campaign"] is None


def test_the_cached_campaign_never_outlives_its_window(trainer, monkeypatch):
    now = timezone.now()
    running = campaign(trainer, now - HOUR, now + dt.timedelta(seconds=10))
    campaign(trainer, now + dt.timedelta(seconds=5), now + HOUR, title_en="Next")
    timeouts = []
    real_add = live.cache.add
    monkeypatch.setattr(
        live.cache,
        "add",
        lambda key, value, seconds: timeouts.append(seconds) or real_add(key, value, seconds),
    )
    with time_machine.travel(now, tick=False):
        assert live.campaign_payload()["campaign"] == running.pk
    assert timeouts == [5]  # until the next one starts, not 30 s
    live.cache.clear()
    with time_machine.travel(now + dt.timedelta(seconds=7), tick=False):
        shown = live.campaign_payload()
    assert shown["title"]["en"] == "Next"  # the one that started last
    assert timeouts[-1] == 30  # the older one ending soon changes nothing that is shown
    live.cache.clear()
    with time_machine.travel(now + HOUR - dt.timedelta(seconds=2), tick=False):
        live.campaign_payload()
    assert timeouts[-1] == 2  # until the shown one ends


def test_without_the_cache_the_welcome_still_has_the_campaign(trainer, monkeypatch, caplog):
    now = timezone.now()
    made = campaign(trainer, now - HOUR, now + HOUR)

    class Broken:
        def __getattr__(self, name):
            raise ConnectionError("Redis is down")

    monkeypatch.setattr(live, "cache", Broken())
    assert chat.welcome(chat.Visitor(), None)["campaign"]["campaign"] == made.pk
    assert "could not read the campaign from the cache" in caplog.text
    services.end_campaign(trainer, made)  # the change commits even if the cache is down
    live.refresh_campaign()
    assert "could not refresh the cached campaign" in caplog.text


def test_a_welcome_that_read_before_the_commit_cannot_bring_the_old_campaign_back(
    trainer, django_capture_on_commit_callbacks
):
    now = timezone.now()
    stale = live.current_payload(now)  # a welcome reads the database: no campaign yet
    assert stale is None
    with django_capture_on_commit_callbacks(execute=True):
        made = campaign(trainer, now - HOUR, now + HOUR)
    # ...and only now gets to cache what it read, as campaign_payload does.
    live.cache.add(live.CAMPAIGN_CACHE_KEY, {"campaign": stale}, live.CAMPAIGN_CACHE_SECONDS)
    assert live.campaign_payload()["campaign"] == made.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.end_campaign(trainer, made)
    live.cache.add(live.CAMPAIGN_CACHE_KEY, {"campaign": {"campaign": made.pk}}, 30)
    assert live.campaign_payload() is None
