"""The demo and starter content: two series per language from real starter articles,
a running security campaign, an upcoming webinar per language; loading twice adds
nothing."""

import pytest
from django.test import Client
from django.utils import timezone

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.education import selectors, services
from exdesk.education.demo import SERIES, seed_demo_education
from exdesk.education.models import TutorialSeries, TutorialStep, Webinar
from exdesk.helpcenter import starter

pytestmark = pytest.mark.django_db


def test_the_demo_content_is_complete_in_both_languages_and_idempotent():
    starter.load()
    admin = testing.staff("admin", role=Role.ADMIN)
    added = seed_demo_education(admin)
    assert added == {"series": 4, "steps": 20, "campaigns": 1, "webinars": 2}
    for language in ("en", "zh-hans"):
        shown = selectors.published_series(language)
        assert [view.series.slug for view in shown] == ["first-deposit", "futures-safely"]
        assert all(view.total == 5 for view in shown)  # every starter article exists, live
        assert Webinar.objects.filter(language=language, starts_at__gt=timezone.now()).count() == 1
    titles = dict(
        TutorialSeries.objects.values_list("language", "title").filter(slug="first-deposit")
    )
    assert titles == {"en": "Your first deposit", "zh-hans": "第一次充值"}
    campaign = services.current_campaign()
    assert campaign.title_en.startswith("Support never asks for your password")
    assert "助记词" in campaign.title_zh
    page = Client().get("/help/zh-hans/").content.decode()
    assert campaign.title_zh in page and 'href="/help/zh-hans/articles/common-scams/"' in page
    assert seed_demo_education(admin) == {"series": 0, "steps": 0, "campaigns": 0, "webinars": 0}
    assert TutorialStep.objects.count() == sum(len(row[5]) for row in SERIES)
