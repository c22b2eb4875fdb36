"""Top and rising questions and knowledge gaps (analytics/topics.py, views_topics.py):
exact counts, exact flags, exact texts; drills never count, compliance text never shows."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.analytics import topics
from exdesk.assistant.models import Handling, Intent
from exdesk.conversations.models import Conversation
from exdesk.helpcenter import services as helpcenter
from exdesk.helpcenter.choices import ActivityKind, ArticleStatus, Visibility
from exdesk.helpcenter.models import Article, ArticleFeedback, Category, SearchQuery, Section

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# A Wednesday, 15:00 UTC: "this hour" is 14:00–15:00.
NOW = dt.datetime(2025, 3, 19, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def conv(body, *, at=NOW, intent="", confidence=None, language="en", **flags):
    """A conversation whose first customer message is ``body``, created at ``at``."""
    created = testing.conversation(subject=body[:60], body=body, language=language)
    Conversation.objects.filter(pk=created.pk).update(
        created_at=at, intent=intent, intent_confidence=confidence, **flags
    )
    return created


def bare(intent, at, n=1, **flags):
    """``n`` conversations of an intent at ``at``, without messages (volume only)."""
    who = testing.customer()
    for _ in range(n):
        row = Conversation.objects.create(
            subject="x", channel="chat", customer=who, intent=intent, intent_confidence=0.9
        )
        Conversation.objects.filter(pk=row.pk).update(created_at=at, **flags)


def week_ago(moment, k):
    return moment - dt.timedelta(weeks=k)


# ---------------------------------------------------------------- rising topics


@pytest.fixture
def weekly_pattern():
    """Six weeks of history: deposit delays 2 at 14:00 and about 10 at 20:00 on
    Wednesdays; one withdrawal question at 14:00."""
    evening = NOW.replace(hour=20, minute=15)
    for k, busy in zip(range(1, 7), [9, 10, 11, 10, 9, 11], strict=True):
        bare("deposit_not_credited", week_ago(NOW.replace(hour=14, minute=10), k), 2)
        bare("withdrawal_pending", week_ago(NOW.replace(hour=14, minute=40), k))
        bare("deposit_not_credited", week_ago(evening, k), busy)
        # Outside the hours looked at: never counted.
        bare("deposit_not_credited", week_ago(NOW.replace(hour=16, minute=5), k), 30)
    # This Wednesday: a burst at 14:00, the usual load at 20:00.
    bare("deposit_not_credited", NOW.replace(hour=14, minute=5), 12)
    bare("withdrawal_pending", NOW.replace(hour=14, minute=20))
    bare("deposit_not_credited", evening, 12)
    # Drills are no customers: a burst of them is never a rising topic.
    bare("withdrawal_pending", NOW.replace(hour=14, minute=30), 20, training=True)


def test_a_burst_in_one_hour_is_flagged_against_the_same_hour_in_previous_weeks(weekly_pattern):
    rising = topics.rising_topics(NOW)
    assert (rising.start, rising.end, rising.weeks) == (NOW - dt.timedelta(hours=1), NOW, 6)
    assert [row.intent for row in rising.flagged] == ["deposit_not_credited"]
    rows = {row.intent: row for row in rising.rows}
    assert set(rows) == {"deposit_not_credited", "withdrawal_pending"}
    burst = rows["deposit_not_credited"]
    assert (burst.count, burst.usual, burst.mean, burst.spread, burst.z) == (
        12,
        [2, 2, 2, 2, 2, 2],
        2.0,
        1.4,  # no variation: the Poisson floor sqrt(2)
        7.1,
    )
    usual = rows["withdrawal_pending"]
    assert (usual.count, usual.mean, usual.flagged) == (1, 1.0, False)  # drills left out
    assert rising.rows[0] is burst  # flagged first


def test_the_same_count_at_an_hour_that_is_usually_that_busy_is_not_flagged(weekly_pattern):
    rising = topics.rising_topics(NOW.replace(hour=21))
    assert rising.flagged == []
    [row] = rising.rows
    assert (row.intent, row.count, row.usual) == (
        "deposit_not_credited",
        12,
        [9, 10, 11, 10, 9, 11],
    )
    assert (row.mean, row.spread, row.z) == (10.0, 3.2, 0.6)


def test_without_two_weeks_of_history_nothing_is_flagged():
    bare("deposit_not_credited", week_ago(NOW, 1) - dt.timedelta(minutes=30), 1)
    bare("deposit_not_credited", NOW - dt.timedelta(minutes=30), 40)
    rising = topics.rising_topics(NOW)
    assert rising.weeks == 1
    assert [(r.count, r.flagged) for r in rising.rows] == [(40, False)]


def test_a_new_topic_with_no_usual_level_needs_five_conversations():
    bare("listing", week_ago(NOW, 3) - dt.timedelta(hours=5))  # history begins
    bare("p2p_dispute", NOW - dt.timedelta(minutes=10), 5)
    bare("slippage", NOW - dt.timedelta(minutes=10), 4)
    rising = topics.rising_topics(NOW)
    assert rising.weeks == 3
    assert [(r.intent, r.count, r.z, r.flagged) for r in rising.rows] == [
        ("p2p_dispute", 5, 5.0, True),
        ("slippage", 4, 4.0, False),
    ]


def test_previous_weeks_keep_the_wall_clock_hour_across_a_daylight_saving_change():
    with timezone.override("Europe/Berlin"):
        # Tuesday 1 April 2025, 14:00 in Berlin (summer time); a week before was winter time.
        before = topics._weeks_before(dt.datetime(2025, 4, 1, 12, 0, tzinfo=UTC), 1)
    assert before.astimezone(UTC) == dt.datetime(2025, 3, 25, 13, 0, tzinfo=UTC)


# ---------------------------------------------------------------- top intents


def test_top_intents_count_real_conversations_and_show_their_newest_questions():
    for minutes, body in enumerate(
        [
            "USDT deposit missing",
            "BTC deposit not credited",
            "Where is my ETH deposit",
            "deposit stuck for hours",
        ]
    ):
        conv(
            body,
            at=NOW - dt.timedelta(hours=2, minutes=minutes),
            intent="deposit_not_credited",
            confidence=0.9,
        )
    conv(
        "AML documents for my frozen funds",
        at=NOW - dt.timedelta(hours=1),
        intent="deposit_not_credited",
        confidence=0.9,
        restricted=True,
    )
    conv(
        "drill deposit",
        at=NOW - dt.timedelta(hours=1),
        intent="deposit_not_credited",
        confidence=0.9,
        training=True,
    )
    conv(
        "How do I get my 2FA back", at=NOW - dt.timedelta(days=2), intent="lost_2fa", confidence=0.8
    )
    conv("hmm", at=NOW - dt.timedelta(days=3))
    conv("old question", at=NOW - dt.timedelta(days=8), intent="lost_2fa", confidence=0.8)

    top = topics.top_intents(NOW, days=7)
    assert (top.total, top.unrecognised) == (7, 1)
    assert [(r.intent, r.name, r.count, r.share) for r in top.rows] == [
        ("deposit_not_credited", "Deposit not credited", 5, 71),
        ("lost_2fa", "Lost 2FA device", 1, 14),
    ]
    # Newest first, three of them, never a compliance case's words.
    assert top.rows[0].examples == [
        "USDT deposit missing",
        "BTC deposit not credited",
        "Where is my ETH deposit",
    ]
    assert top.rows[1].examples == ["How do I get my 2FA back"]
    assert [r.count for r in topics.top_intents(NOW, days=1).rows] == [5]


# ---------------------------------------------------------------- unsure clusters

RED_PACKETS = [
    "红包领不了",
    "怎么领取红包",
    "红包一直显示已过期",
    "我的红包去哪里了",
    "领红包失败怎么办",
]
AIRDROPS = [
    "How do I claim the airdrop?",
    "The airdrop claim button is not working",
    "Where can I claim my airdrop tokens",
    "I cannot claim the airdrop reward",
    "Airdrop claim page shows an error",
]


@pytest.fixture
def unsure_messages():
    at = NOW - dt.timedelta(days=1)
    for text in RED_PACKETS:
        conv(text, at=at, language="zh-hans", confidence=0.3)
    for i, text in enumerate(AIRDROPS):
        # Unsure either way: no intent, or one below the bot's threshold.
        conv(text, at=at, intent="airdrop_promotion" if i % 2 else "", confidence=0.5)
    conv("Can you change my nickname", at=at, confidence=0.2)  # alone: no cluster
    conv("hello", at=at, confidence=0.1)  # no word to group by
    # Confident answers are not clustered, only the words' background.
    for text in ["My deposit has not arrived", "Withdrawal is pending", "How to deposit USDT"]:
        conv(text, at=at, intent="deposit_not_credited", confidence=0.95)
    conv("提币一直没到账", at=at, language="zh-hans", intent="withdrawal_pending", confidence=0.9)
    # Never clustered: a compliance case, a drill, a message older than 30 days.
    conv("红包 转账 被冻结 合规", at=at, language="zh-hans", confidence=0.3, restricted=True)
    conv("红包 领取 培训", at=at, language="zh-hans", confidence=0.3, training=True)
    conv("领取红包 很久以前", at=NOW - dt.timedelta(days=31), language="zh-hans", confidence=0.3)


def test_unsure_messages_about_different_things_make_two_named_clusters(unsure_messages):
    [airdrop] = topics.unsure_clusters("en", NOW)
    assert airdrop.size == 5 and airdrop.language == "en"
    assert set(airdrop.words) == {"airdrop", "claim"}
    assert airdrop.name in ("airdrop-claim", "claim-airdrop")
    assert len(airdrop.examples) == 3 and set(airdrop.examples) <= set(AIRDROPS)

    [red_packet] = topics.unsure_clusters("zh-hans", NOW)
    assert red_packet.size == 5
    assert red_packet.words[0] == "红包" and red_packet.name.startswith("红包")
    assert len(red_packet.examples) == 3 and set(red_packet.examples) <= set(RED_PACKETS)


def test_clusters_are_cached_for_ten_minutes(unsure_messages):
    first = topics.unsure_clusters("en", NOW)
    conv("Airdrop claim failed again", at=NOW - dt.timedelta(hours=1), confidence=0.2)
    assert topics.unsure_clusters("en", NOW + dt.timedelta(minutes=3)) == first
    assert [c.size for c in topics.unsure_clusters("en", NOW + dt.timedelta(minutes=10))] == [6]


# ---------------------------------------------------------------- knowledge gaps


@pytest.fixture
def section():
    category = Category.objects.create(slug="earn", name_en="Earn", name_zh_hans="理财")
    return Section.objects.create(category=category, slug="nft", name_en="NFT", name_zh_hans="NFT")


def live_article(section, slug, language="en"):
    article = helpcenter.create_article(
        None, section=section, language=language, slug=slug, title=slug.title(), body="Text."
    )
    return helpcenter.approve(None, article)


NFT_QUESTIONS = [f"How do I mint NFT number {n}" for n in range(12)]


@pytest.fixture
def gaps(section):
    Intent.objects.create(slug="nft_mint", name_en="Minting NFTs", name_zh_hans="铸造 NFT")
    Intent.objects.filter(slug="trading_fees").update(article_keys=["fees", "fee-table"])
    live_article(section, "fee-table")
    start = timezone.now() - dt.timedelta(days=2)
    for n, text in enumerate(NFT_QUESTIONS):
        conv(text, at=start + dt.timedelta(minutes=n), intent="nft_mint", confidence=0.9)
    conv("NFT mint for sanctioned wallet", at=start, intent="nft_mint", restricted=True)
    for n in range(9):  # one short of a gap in Chinese
        conv(f"怎么铸造 NFT {n}", at=start, language="zh-hans", intent="nft_mint")
    for n in range(10):  # frequent, with a live article
        conv(f"What are the fees {n}", at=start, intent="trading_fees")
    for n in range(30):  # drills never count
        conv(f"drill {n}", at=start, intent="kyc_status", training=True)
    for _ in range(3):
        SearchQuery.objects.create(
            query="margin call", language="en", source="help_center", results=0
        )
    for _ in range(2):
        SearchQuery.objects.create(query="rare", language="en", source="help_center", results=0)


def test_frequent_questions_without_an_article_are_knowledge_gaps(gaps):
    found = topics.knowledge_gaps(timezone.now())
    assert [(g.kind, g.key, g.language, g.count) for g in found] == [
        ("no_article", "nft_mint", "en", 13),
        ("no_result", "margin call", "en", 3),
    ]
    assert found[0].label == "Minting NFTs"
    assert found[0].examples == [NFT_QUESTIONS[11], NFT_QUESTIONS[10], NFT_QUESTIONS[9]]


def test_an_article_readers_find_unhelpful_makes_its_intent_a_gap(gaps):
    article = Article.objects.get(slug="fee-table")
    for n in range(8):
        ArticleFeedback.objects.create(
            article=article, language="en", helpful=n >= 5, voter=f"reader-{n}"
        )
    unhelpful = [g for g in topics.knowledge_gaps(timezone.now()) if g.kind == "unhelpful"]
    assert [(g.key, g.article, g.unhelpful, g.votes, g.count) for g in unhelpful] == [
        ("trading_fees", article, 5, 8, 10)
    ]


def test_compliance_intents_are_not_knowledge_gaps(gaps):
    Intent.objects.filter(slug="nft_mint").update(handling=Handling.COMPLIANCE)
    assert [g.key for g in topics.knowledge_gaps(timezone.now())] == ["margin call"]


def test_one_click_drafts_an_article_for_review_with_the_questions(gaps, section):
    supervisor = testing.staff("sam", role=Role.SUPERVISOR)
    client = testing.signed_in(supervisor)
    response = client.post(
        reverse("analytics:topics_draft"),
        {"kind": "no_article", "key": "nft_mint", "language": "en", "section": section.pk},
    )
    article = Article.objects.get(language="en", slug="gap-nft_mint")
    assert response.status_code == 302
    assert response.url == reverse("helpcenter_console:edit", args=[article.pk])
    assert (article.status, article.visibility, article.owner, article.section) == (
        ArticleStatus.IN_REVIEW,
        Visibility.INTERNAL,
        supervisor,
        section,
    )
    version = article.current_version
    assert version.author == supervisor and article.live_version is None
    assert version.title == NFT_QUESTIONS[11]
    questions = [line[2:] for line in version.body.splitlines() if line.startswith("- ")]
    assert questions == NFT_QUESTIONS[:1:-1]  # the ten newest, newest first
    assert "sanctioned" not in version.body
    assert version.body.startswith("## What customers asked\n")
    assert list(article.activity.values_list("kind", "actor")) == [
        (ActivityKind.SUBMITTED, supervisor.pk),
        (ActivityKind.CREATED, supervisor.pk),
    ]
    # The gap now points at its draft; a second draft gets its own address.
    [gap] = [g for g in topics.knowledge_gaps(timezone.now()) if g.key == "nft_mint"]
    assert gap.draft == article
    again = topics.draft_for_gap(
        supervisor, kind="no_article", key="nft_mint", language="en", section_id=section.pk
    )
    assert again.slug == "gap-nft_mint-2"


def test_a_chinese_draft_is_written_in_chinese(section):
    supervisor = testing.staff("sam", role=Role.SUPERVISOR)
    for n in range(3):
        conv(
            f"空投什么时候发放 {n}",
            at=timezone.now() - dt.timedelta(hours=n),
            language="zh-hans",
            intent="airdrop_promotion",
        )
    article = topics.draft_for_gap(
        supervisor,
        kind="no_article",
        key="airdrop_promotion",
        language="zh-hans",
        section_id=section.pk,
    )
    assert article.language == "zh-hans" and article.status == ArticleStatus.IN_REVIEW
    assert article.current_version.title == "空投什么时候发放 0"
    assert "- 空投什么时候发放 2" in article.current_version.body


def test_a_zero_result_search_drafts_an_article_titled_with_the_search(gaps, section):
    qa = testing.staff("quinn", role=Role.QA_REVIEWER)
    article = topics.draft_for_gap(
        qa, kind="no_result", key="margin call", language="en", section_id=section.pk
    )
    assert (article.slug, article.current_version.title) == ("gap-margin-call", "margin call")
    with pytest.raises(ValidationError, match="no questions"):
        topics.draft_for_gap(
            qa, kind="no_result", key="rare-x", language="en", section_id=section.pk
        )


def test_drafting_needs_a_section_the_user_may_edit(gaps, section):
    section.restricted = True
    section.save()
    qa = testing.staff("quinn", role=Role.QA_REVIEWER)
    client = testing.signed_in(qa)
    data = {"kind": "no_article", "key": "nft_mint", "language": "en", "section": section.pk}
    assert client.post(reverse("analytics:topics_draft"), data).status_code == 403
    missing = {**data, "section": ""}
    response = client.post(reverse("analytics:topics_draft"), missing)
    assert response.status_code == 302 and response.url == reverse("analytics:topics")
    assert not Article.objects.filter(slug__startswith="gap-").exists()
    # The page offers no section to a user who may edit none.
    page = client.get(reverse("analytics:topics"))
    assert page.context["sections"] == []
    assert "You may not draft articles." in page.content.decode()


# ---------------------------------------------------------------- the page


def test_agents_may_not_see_the_page_or_draft(gaps, section):
    client = testing.signed_in(testing.staff("alice"))
    assert client.get(reverse("analytics:topics")).status_code == 403
    data = {"kind": "no_article", "key": "nft_mint", "language": "en", "section": section.pk}
    assert client.post(reverse("analytics:topics_draft"), data).status_code == 403
    assert not Article.objects.filter(slug__startswith="gap-").exists()


def test_a_get_cannot_draft(gaps):
    client = testing.signed_in(testing.staff("sam", role=Role.SUPERVISOR))
    assert client.get(reverse("analytics:topics_draft")).status_code == 405


def test_a_supervisor_sees_top_rising_unsure_and_gaps(gaps, section):
    now = timezone.now()
    for text in AIRDROPS:
        conv(text, at=now - dt.timedelta(hours=3), confidence=0.2)
    client = testing.signed_in(testing.staff("sam", role=Role.SUPERVISOR))
    response = client.get(reverse("analytics:topics"), {"days": "30"})
    assert response.status_code == 200
    html = response.content.decode()
    context = response.context
    # A supervisor may open an incident from an unusual topic (prefilled declaration).
    assert context["days"] == 30 and context["incident_url"] == reverse("incidents:declare")
    assert [r.intent for r in context["top"].rows][:2] == ["nft_mint", "trading_fees"]
    assert [(c.language, [k.size for k in c.clusters]) for c in context["clusters"]] == [
        ("en", [5]),
        ("zh-hans", []),
    ]
    assert [g.key for g in context["gaps"]] == ["nft_mint", "margin call"]
    assert context["sections"] == [section]
    typical = context["clusters"][0].clusters[0].examples
    assert set(typical) <= set(AIRDROPS)
    for text in ["Minting NFTs", NFT_QUESTIONS[11], "airdrop-claim", *typical, "margin call"]:
        assert text in html
    assert "sanctioned" not in html
    assert "Open an incident" not in html  # no incident model yet
    assert html.count('name="kind"') == 2


def test_the_page_looks_at_a_chosen_hour(weekly_pattern):
    client = testing.signed_in(testing.staff("sam", role=Role.SUPERVISOR))
    response = client.get(reverse("analytics:topics"), {"at": "2025-03-19T15:00"})
    rising = response.context["rising"]
    assert (rising.end, [r.intent for r in rising.flagged]) == (NOW, ["deposit_not_credited"])
    assert response.context["at"] == "2025-03-19T15:00"
    bad = client.get(reverse("analytics:topics"), {"at": "2025-02-30T15:00", "days": "9"})
    assert bad.status_code == 200 and bad.context["days"] == 7


def test_signed_out_visitors_are_sent_to_sign_in():
    response = Client().get(reverse("analytics:topics"))
    assert response.status_code == 302 and "login" in response.url
