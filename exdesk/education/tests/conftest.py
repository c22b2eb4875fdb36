import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.education import services
from exdesk.helpcenter import services as helpcenter
from exdesk.helpcenter.models import Category, Section


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def trainer(db):
    return testing.staff("tom", role=Role.TRAINER)


@pytest.fixture
def article(db):
    """Make a help-center article: live and public unless told otherwise."""
    category = Category.objects.create(slug="deposits-withdrawals", name_en="D", name_zh_hans="充")
    section = Section.objects.create(
        category=category, slug="deposits", name_en="Deposits", name_zh_hans="充值"
    )

    def make(language, slug, title, *, live=True, visibility="public", summary=""):
        made = helpcenter.create_article(
            None,
            section=section,
            language=language,
            slug=slug,
            title=title,
            description=summary,
            body=f"{title}: the text.",
            visibility=visibility,
        )
        if live:
            helpcenter.approve(None, made)
        made.refresh_from_db()
        return made

    return make


@pytest.fixture
def series_of(trainer, article):
    """A published series of live articles: series_of("en", ["a", "b"])."""

    def make(language, slugs, *, slug="first-deposit", title="Your first deposit"):
        series = services.create_series(
            trainer, language=language, slug=slug, title=title, published=True
        )
        for key in slugs:
            services.add_step(trainer, series, article(language, key, f"Article {key}"))
        return series

    return make


@pytest.fixture
def webinar_factory(trainer):
    def make(*, days=3, capacity=None, language="en", title="Your first deposit, live", **extra):
        return services.create_webinar(
            trainer,
            language=language,
            title=title,
            description="We deposit together, step by step.",
            starts_at=extra.pop("starts_at", timezone.now() + dt.timedelta(days=days)),
            duration_minutes=extra.pop("duration_minutes", 45),
            host_name="Mei Lin",
            join_url=extra.pop("join_url", "https://meet.example.com/first-deposit"),
            capacity=capacity,
            **extra,
        )

    return make
