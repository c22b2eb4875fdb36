"""The public status page: current, maintenance and past incidents in both languages,
without JavaScript; e-mail news only to confirmed subscribers."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.incidents import services
from exdesk.incidents.models import StatusSubscriber

pytestmark = pytest.mark.django_db


def declare(supervisor, **extra):
    fields = {
        "title_en": "Futures trading paused",
        "title_zh": "合约交易暂停",
        "script_en": "Futures are paused while prices settle.",
        "script_zh": "价格稳定前合约交易暂停。",
        "products": "futures",
        **extra,
    }
    return services.declare(supervisor, **fields)


def test_the_page_shows_current_maintenance_and_past_in_each_language(
    client, django_capture_on_commit_callbacks
):
    supervisor = testing.staff("sam", role=Role.SUPERVISOR)
    with django_capture_on_commit_callbacks(execute=True):
        current = declare(supervisor)
        declare(supervisor, kind="maintenance", title_en="Wallet upgrade", title_zh="钱包升级")
        hidden = declare(supervisor, title_en="Internal only", title_zh="仅内部", public=False)
        past = declare(supervisor, title_en="Login slow", title_zh="登录缓慢")
        services.resolve(supervisor, past, body_en="Fixed.", body_zh="已修复。")
    english = client.get(reverse("status:page", args=["en"])).content.decode()
    assert "Futures trading paused" in english and "Wallet upgrade" in english
    assert "Login slow" in english and "Fixed." in english
    assert hidden.title_en not in english
    chinese = client.get(reverse("status:page", args=["zh-hans"])).content.decode()
    assert "合约交易暂停" in chinese and "已修复。" in chinese
    assert client.get(reverse("status:page", args=["fr"])).status_code == 404
    assert current.active


def test_subscribers_confirm_then_get_each_public_update(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("status:subscribe", args=["zh-hans"]), {"email": "Li@Example.com"}
        )
    assert answer.status_code == 302
    [confirmation] = mail.outbox
    link = re.search(r"https?://\S+(/status/\S+/confirm/\S+/)", confirmation.body).group(1)
    supervisor = testing.staff("sam", role=Role.SUPERVISOR)
    with django_capture_on_commit_callbacks(execute=True):
        declare(supervisor)  # not confirmed yet: no news
    assert len(mail.outbox) == 1
    assert client.get(link).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        incident = declare(supervisor, title_en="Withdrawals slow", title_zh="提现缓慢")
        services.post_update(
            supervisor, incident, status="identified", body_en="Found it.", body_zh="已找到原因。"
        )
    news = [m for m in mail.outbox[1:] if m.to == ["li@example.com"]]
    assert [m.subject for m in news] == ["[服务状态] 提现缓慢：事件", "[服务状态] 提现缓慢：已定位"]
    assert "已找到原因。" in news[1].body
    leave = re.search(r"https?://\S+(/status/\S+/unsubscribe/\S+/)", news[1].body).group(1)
    assert client.get(leave).status_code == 200
    client.post(leave)
    assert not StatusSubscriber.objects.exists()


def test_a_bad_address_is_refused_and_stores_nothing(client):
    page = client.post(
        reverse("status:subscribe", args=["en"]), {"email": "not-an-address"}, follow=True
    )
    assert "Enter a valid e-mail address." in page.content.decode()
    assert not StatusSubscriber.objects.exists()
    assert client.get(reverse("status:confirm", args=["en", "forged"])).status_code == 404


def test_each_status_page_links_to_the_status_page_in_the_other_language(client):
    english = client.get(reverse("status:page", args=["en"])).content.decode()
    assert '<a href="/status/zh-hans/" hreflang="zh-Hans" lang="zh-Hans">简体中文</a>' in english
    chinese = client.get(reverse("status:page", args=["zh-hans"])).content.decode()
    assert '<a href="/status/en/" hreflang="en" lang="en">English</a>' in chinese
    subscriber = StatusSubscriber.objects.create(email="li@example.com", language="zh-hans")
    leaving = client.get(reverse("status:unsubscribe", args=["zh-hans", subscriber.token]))
    assert '<a href="/status/en/" hreflang="en" lang="en">English</a>' in leaving.content.decode()
