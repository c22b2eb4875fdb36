"""The widget's incident banner: cached for every welcome, replaced by each declaration,
update and resolution as soon as it commits; one source for "the latest update"."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.chat.services import Visitor, welcome
from exdesk.incidents import live, selectors, services

pytestmark = pytest.mark.django_db

SCRIPT_EN = "Deposits on ERC20 are credited late while our node catches up."
SCRIPT_ZH = "ERC20 节点同步中，充值入账会延迟。"


def declare(supervisor):
    return services.declare(
        supervisor,
        title_en="ERC20 deposits late",
        title_zh="ERC20 充值延迟",
        script_en=SCRIPT_EN,
        script_zh=SCRIPT_ZH,
        networks="ERC20",
    )


def banner_in_welcome():
    return welcome(Visitor(), None)["notice"]


@pytest.fixture
def pushed(monkeypatch):
    """What publish_notice pushed to the open widgets."""
    frames = []
    monkeypatch.setattr(live, "send_to_group", lambda group, frame: frames.append(frame))
    return frames


def test_a_declared_incident_is_in_the_next_welcome_at_once_and_gone_once_resolved(
    django_capture_on_commit_callbacks, django_assert_num_queries, pushed
):
    supervisor = testing.staff("sam", role=Role.SUPERVISOR)
    assert banner_in_welcome() is None  # "no banner" is cached too
    with django_assert_num_queries(0):
        assert live.notice_payload() is None

    with django_capture_on_commit_callbacks(execute=True):
        incident = declare(supervisor)
    notice = banner_in_welcome()  # not the cached "no banner"
    assert notice == {
        "incident": incident.pk,
        "severity": "major",
        "title": {"en": "ERC20 deposits late", "zh-hans": "ERC20 充值延迟"},
        "text": {"en": SCRIPT_EN, "zh-hans": SCRIPT_ZH},
    }
    assert pushed[-1] == {"type": "chat.notice", "notice": notice}
    with django_assert_num_queries(0):  # every other hello: from the cache
        assert live.notice_payload() == notice

    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(
            supervisor, incident, status="identified", body_en="Node synced.", body_zh="已同步。"
        )
    assert banner_in_welcome()["text"] == {"en": "Node synced.", "zh-hans": "已同步。"}

    with django_capture_on_commit_callbacks(execute=True):
        services.resolve(supervisor, incident, body_en="All credited.", body_zh="已全部入账。")
    assert banner_in_welcome() is None
    assert pushed[-1] == {"type": "chat.notice", "notice": None}
    assert len(pushed) == 3


def test_the_banner_is_read_once_when_it_is_not_cached():
    incident = declare(testing.staff("sam", role=Role.SUPERVISOR))  # nothing published yet
    assert banner_in_welcome()["incident"] == incident.pk
    assert live.notice_payload()["incident"] == incident.pk


def test_without_the_cache_the_welcome_still_has_the_banner(monkeypatch, caplog):
    incident = declare(testing.staff("sam", role=Role.SUPERVISOR))

    class Broken:
        def __getattr__(self, name):
            raise ConnectionError("Redis is down")

    monkeypatch.setattr(live, "cache", Broken())
    assert banner_in_welcome()["incident"] == incident.pk
    assert "could not read the incident banner from the cache" in caplog.text
    live.publish_notice()  # does not raise: the change it follows is committed
    assert "could not cache the incident banner" in caplog.text


def test_the_bot_the_widget_and_the_help_center_say_the_same_latest_update(client):
    supervisor = testing.staff("sam", role=Role.SUPERVISOR)
    incident = declare(supervisor)
    now = timezone.now()
    assert selectors.latest_update(incident) is None
    assert services.customer_message(incident, "en") == SCRIPT_EN
    later = services.post_update(
        supervisor,
        incident,
        status="monitoring",
        body_en="Most deposits are in.",
        body_zh="大部分充值已入账。",
        now=now + dt.timedelta(minutes=30),
    )
    # Written afterwards, dated earlier: not the latest.
    services.post_update(
        supervisor,
        incident,
        status="identified",
        body_en="Node found stuck.",
        body_zh="节点卡住。",
        now=now + dt.timedelta(minutes=10),
    )
    assert selectors.latest_update(incident) == later
    assert services.customer_message(incident, "zh-hans") == f"{SCRIPT_ZH}\n\n大部分充值已入账。"
    assert live.notice_payload()["text"]["en"] == "Most deposits are in."
    page = client.get(reverse("helpcenter:home", args=["en"])).content.decode()
    assert "Most deposits are in." in page and "Node found stuck." not in page
