"""Demo and starter content for customer education, in both languages: two tutorial
series built from starter help-center articles, a running security campaign and one
upcoming webinar per language. Idempotent: what exists is left as it is."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from exdesk.accounts.models import User
from exdesk.helpcenter.models import Article

from . import services
from .models import AwarenessCampaign, TutorialSeries, Webinar

# (language, slug, title, summary, position, starter article addresses in order)
SERIES = [
    (
        "en",
        "first-deposit",
        "Your first deposit",
        "Five short reads that take you from choosing a network to a deposit on your "
        "balance, and what to do if it does not show up.",
        0,
        ["choose-network", "how-to-deposit", "memo-tag", "confirmations", "deposit-not-credited"],
    ),
    (
        "en",
        "futures-safely",
        "Futures, safely",
        "Before your first futures trade: how perpetual contracts work, what leverage and "
        "margin modes do to your risk, and how to stay clear of liquidation.",
        1,
        ["futures-basics", "futures-risk-warning", "margin-modes", "liquidation",
         "market-volatility"],
    ),
    (
        "zh-hans",
        "first-deposit",
        "第一次充值",
        "五篇短文，带您从选择网络一路走到资金入账，并告诉您充值迟迟未到时该怎么办。",
        0,
        ["choose-network", "how-to-deposit", "memo-tag", "confirmations", "deposit-not-credited"],
    ),
    (
        "zh-hans",
        "futures-safely",
        "安全地交易合约",
        "开第一笔合约之前先读：永续合约如何运作，杠杆和保证金模式如何放大风险，以及怎样远离强平。",
        1,
        ["futures-basics", "futures-risk-warning", "margin-modes", "liquidation",
         "market-volatility"],
    ),
]  # fmt: skip

CAMPAIGN = {
    "title_en": "Support never asks for your password, 2FA codes or seed phrase",
    "title_zh": "客服绝不会索要您的密码、验证码或助记词",
    "body_en": (
        "Before you reply to anyone who says they are support:\n"
        "• Never share your password, 2FA codes or seed phrase, not even with us.\n"
        "• Check the anti-phishing code in every e-mail from us.\n"
        "• We never ask you to move funds to a \u201csafe\u201d address.\n"
        "• Unsure? Check the contact on our Verify page first."
    ),
    "body_zh": (
        "有人自称客服联系您时，请先核对：\n"
        "• 任何人（包括我们）向您索要密码、双重验证码或助记词，都不要给。\n"
        "• 查看我们每封邮件里的防钓鱼码是否正确。\n"
        "• 我们绝不会要求您把资产转到所谓的\u201c安全账户\u201d。\n"
        "• 拿不准时，先到官方渠道验证页面核实对方身份。"
    ),
    "article_slug_en": "common-scams",
    "article_slug_zh": "common-scams",
}

# (language, title, description, days ahead, hour UTC, host)
WEBINARS = [
    (
        "en",
        "Live: your first deposit, step by step",
        "We walk through a first deposit on screen: picking the network, copying the address "
        "and memo, a small test transfer, and reading block confirmations. Bring your "
        "questions; we answer them live. We will never ask for your account details.",
        7,
        12,
        "Mei Lin, support team lead",
    ),
    (
        "zh-hans",
        "直播：手把手完成第一次充值",
        "我们将在屏幕上完整演示一次充值：选择网络、复制地址和备注、小额测试转账、查看区块确认。"
        "欢迎现场提问。我们不会在直播中索要您的任何账户信息。",
        8,
        12,
        "林美，客服组长",
    ),
]


@transaction.atomic
def seed_demo_education(admin: User, now: dt.datetime | None = None) -> dict[str, int]:
    """Create what is missing; returns how many of each were added."""
    now = now or timezone.now()
    added = {"series": 0, "steps": 0, "campaigns": 0, "webinars": 0}
    for language, slug, title, summary, position, slugs in SERIES:
        if TutorialSeries.objects.filter(language=language, slug=slug).exists():
            continue
        series = services.create_series(
            admin,
            language=language,
            slug=slug,
            title=title,
            summary=summary,
            published=True,
            position=position,
        )
        added["series"] += 1
        for article in _articles(language, slugs):
            services.add_step(admin, series, article)
            added["steps"] += 1
    if not AwarenessCampaign.objects.filter(
        title_en=CAMPAIGN["title_en"], ends_at__gt=now
    ).exists():
        services.create_campaign(
            admin,
            starts_at=now - dt.timedelta(days=1),
            ends_at=now + dt.timedelta(days=60),
            **CAMPAIGN,
        )
        added["campaigns"] += 1
    for language, title, description, days, hour, host in WEBINARS:
        if Webinar.objects.filter(language=language, title=title, starts_at__gt=now).exists():
            continue
        day = (now + dt.timedelta(days=days)).date()
        services.create_webinar(
            admin,
            language=language,
            title=title,
            description=description,
            starts_at=dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC),
            duration_minutes=45,
            host_name=host,
            join_url="https://meet.example.com/exdesk-first-deposit-" + language,
            capacity=200,
            now=now,
        )
        added["webinars"] += 1
    return added


def _articles(language: str, slugs: list[str]) -> list[Article]:
    """The starter articles in this order (any the exchange deleted are left out)."""
    found = {a.slug: a for a in Article.objects.filter(language=language, slug__in=slugs)}
    return [found[slug] for slug in slugs if slug in found]
