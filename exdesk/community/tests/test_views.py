"""The forum through its pages: signing in (exchange link, e-mail link), asking and
answering, moderation permissions and its log, drafts from answers, shared search."""

import re
import time

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.community import services
from exdesk.community.models import Member, ModerationAction, Post, Topic
from exdesk.helpcenter.models import Article, Category, Section

SECRET = "forum-test-secret"


def _exchange_link(uid="U123", ts=None, name="Alice Trader", secret=SECRET):
    ts = int(time.time()) if ts is None else ts
    sig = services.exchange_signature(uid, ts, secret)
    query = f"?uid={uid}&ts={ts}&sig={sig}&name={name.replace(' ', '+')}&next=/community/en/ask/"
    return reverse("community:exchange_sign_in", args=["en"]) + query


@override_settings(CHAT_IDENTITY_SECRET=SECRET)
def test_the_exchanges_signed_link_signs_a_trader_in_once_per_uid(client, db):
    answer = client.get(_exchange_link())
    assert answer.status_code == 302 and answer["Location"] == "/community/en/ask/"
    member = Member.objects.get(exchange_uid="U123")
    assert member.display_name == "Alice Trader"
    assert client.get(reverse("community:ask", args=["en"])).status_code == 200
    client.get(_exchange_link(ts=int(time.time()) - 5))  # a new link: the same member
    assert Member.objects.count() == 1


@override_settings(CHAT_IDENTITY_SECRET=SECRET)
def test_an_exchange_link_signs_in_once(client, db):
    link = _exchange_link()
    assert client.get(link).status_code == 302
    other = type(client)()
    answer = other.get(link, follow=True)
    assert "already used" in answer.content.decode()
    assert "community_member" not in other.session


@override_settings(CHAT_IDENTITY_SECRET=SECRET)
@pytest.mark.parametrize(
    "query", ["uid=U1&ts=1&sig=%C3%A9", "uid=U1&ts=" + "9" * 400 + "&sig=ab", "uid=U1", ""]
)
def test_a_garbled_exchange_link_is_refused_not_a_server_error(client, db, query):
    url = reverse("community:exchange_sign_in", args=["en"]) + "?" + query
    answer = client.get(url, follow=True)
    assert answer.status_code == 200 and "not valid or has expired" in answer.content.decode()


@override_settings(CHAT_IDENTITY_SECRET=SECRET)
@pytest.mark.parametrize(
    "link",
    [
        lambda: _exchange_link(secret="wrong"),
        lambda: _exchange_link(ts=int(time.time()) - 3600),  # an old link from a history
        lambda: _exchange_link(uid=""),
    ],
)
def test_a_forged_or_stale_exchange_link_signs_nobody_in(client, db, link):
    answer = client.get(link(), follow=True)
    assert "not valid or has expired" in answer.content.decode()
    assert not Member.objects.exists()
    assert client.get(reverse("community:ask", args=["en"])).status_code == 302


def test_an_email_link_signs_in_once_and_a_get_does_not_use_it(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("community:sign_in", args=["en"]), {"email": "Li@Example.org"})
    assert answer.status_code == 200 and "li@example.org" in answer.content.decode()
    [message] = mail.outbox
    path = re.search(r"https?://[^/\s]+(/community/en/sign-in/\S+/)", message.body).group(1)
    assert client.get(path).status_code == 200  # a mail scanner's visit
    assert not Member.objects.exists()
    assert client.post(path).status_code == 302
    member = Member.objects.get(email="li@example.org")
    assert client.session["community_member"] == member.pk
    assert member.display_name.startswith("trader-")  # never the address's local part
    other = type(client)()
    reused = other.post(path, follow=True)
    assert "already used" in reused.content.decode()


def test_a_bad_email_gets_a_clear_error_and_no_mail(client, db):
    answer = client.post(reverse("community:sign_in", args=["en"]), {"email": "not-an-address"})
    assert answer.status_code == 400 and "valid email" in answer.content.decode()
    assert mail.outbox == []


def _member_client(client, member):
    session = client.session
    session["community_member"] = member.pk
    session.save()
    return client


def test_ask_and_answer_through_the_pages(client, category, member, other):
    _member_client(client, member)
    answer = client.post(
        reverse("community:ask", args=["en"]),
        {"category": category.pk, "title": "Which network for USDT?", "body": "TRC-20 or ERC-20?"},
    )
    topic = Topic.objects.get()
    assert answer.status_code == 302 and answer["Location"].endswith(f"/t/{topic.pk}/")
    page = client.get(answer["Location"]).content.decode()
    assert "Which network for USDT?" in page
    _member_client(client, other)
    client.post(reverse("community:reply", args=["en", topic.pk]), {"body": "TRC-20 is cheaper."})
    assert topic.posts.count() == 2
    refused = client.post(reverse("community:reply", args=["en", topic.pk]), {"body": ""})
    assert refused.status_code == 400 and topic.posts.count() == 2


def test_readers_may_read_but_must_sign_in_to_post(client, category, member):
    topic = services.ask(
        member, category=category, language="en", title="A question to read", body="Body"
    ).post.topic
    assert client.get(reverse("community:topic", args=["en", topic.pk])).status_code == 200
    answer = client.post(reverse("community:reply", args=["en", topic.pk]), {"body": "Hi"})
    assert answer.status_code == 302 and "/sign-in/" in answer["Location"]
    # The wrong language in the address sends the reader to the topic's own.
    moved = client.get(reverse("community:topic", args=["zh-hans", topic.pk]))
    assert moved["Location"] == reverse("community:topic", args=["en", topic.pk])


def test_moderation_needs_the_moderator_role(client, category, member, agent, moderator):
    topic = services.ask(
        member, category=category, language="en", title="A question to moderate", body="Body"
    ).post.topic
    as_agent = testing.signed_in(agent)
    url = reverse("community_console:topic_action", args=[topic.pk, "lock"])
    assert as_agent.post(url).status_code == 403
    queue = as_agent.get(reverse("community_console:queue"))
    assert queue.status_code == 200 and "Moderation log" not in queue.content.decode()
    assert as_agent.get(reverse("community_console:log")).status_code == 403
    ban = reverse("community_console:member_action", args=[member.pk, "ban"])
    assert as_agent.post(ban, {"reason": "spam"}).status_code == 403
    assert not Topic.objects.get().locked and Member.objects.get().banned_until is None
    assert client.post(url).status_code == 302  # not signed in: to the sign-in page
    as_moderator = testing.signed_in(moderator)
    assert as_moderator.post(url).status_code == 302
    assert Topic.objects.get().locked
    assert as_moderator.post(ban, {"reason": "Posted scam links", "days": "7"}).status_code == 302
    assert Member.objects.get().banned_until is not None
    log = as_moderator.get(reverse("community_console:log")).content.decode()
    assert "Locked a topic" in log and "Banned a member" in log and "Posted scam links" in log
    assert list(ModerationAction.objects.values_list("actor__username", "kind")) == [
        ("mod", "ban"),
        ("mod", "lock"),
    ]


def test_hide_needs_a_reason_and_hidden_posts_leave_the_public_page(
    client, category, member, other, moderator
):
    topic = services.ask(
        member, category=category, language="en", title="Is this bot legit?", body="Body"
    ).post.topic
    answer = services.reply(other, topic, "Send me 1 BTC and I double it").post
    as_moderator = testing.signed_in(moderator)
    hide = reverse("community_console:post_action", args=[answer.pk, "hide"])
    as_moderator.post(hide, {"reason": ""})
    assert not Post.objects.get(pk=answer.pk).hidden
    as_moderator.post(hide, {"reason": "Doubling scam"})
    assert Post.objects.get(pk=answer.pk).hidden
    page = client.get(reverse("community:topic", args=["en", topic.pk])).content.decode()
    assert "double it" not in page
    console = as_moderator.get(reverse("community_console:topic", args=[topic.pk])).content.decode()
    assert "double it" in console and "Doubling scam" in console


def test_move_and_merge_keep_readers_on_track(client, category, member, moderator):
    from exdesk.community.models import ForumCategory

    elsewhere = ForumCategory.objects.create(slug="futures", name_en="Futures", name_zh_hans="合约")
    first = services.ask(
        member, category=category, language="en", title="Funding fee question", body="A"
    ).post.topic
    second = services.ask(
        member, category=category, language="en", title="Funding fee again??", body="B"
    ).post.topic
    as_moderator = testing.signed_in(moderator)
    as_moderator.post(
        reverse("community_console:topic_action", args=[first.pk, "move"]),
        {"category": elsewhere.pk},
    )
    assert Topic.objects.get(pk=first.pk).category == elsewhere
    as_moderator.post(
        reverse("community_console:topic_action", args=[second.pk, "merge"]), {"into": first.pk}
    )
    assert Topic.objects.get(pk=second.pk).merged_into_id == first.pk
    assert Post.objects.filter(topic=first).count() == 2
    moved = client.get(reverse("community:topic", args=["en", second.pk]))
    assert moved["Location"] == reverse("community:topic", args=["en", first.pk])


def test_an_agent_answers_officially_and_drafts_an_article_for_review(
    category, member, other, agent
):
    topic = services.ask(
        member, category=category, language="en", title="Deposit on the wrong network", body="Q"
    ).post.topic
    best = services.reply(other, topic, "Ask support to recover it; it can take days.").post
    as_agent = testing.signed_in(agent)
    as_agent.post(reverse("community_console:post_action", args=[best.pk, "official"]))
    assert Topic.objects.get(pk=topic.pk).official_post_id == best.pk
    hc = Category.objects.create(slug="dep", name_en="Deposits", name_zh_hans="充值")
    section = Section.objects.create(category=hc, slug="dep", name_en="Dep", name_zh_hans="充")
    as_agent.post(
        reverse("community_console:post_action", args=[best.pk, "draft"]), {"section": section.pk}
    )
    article = Article.objects.get()
    version = article.current_version
    assert article.status == "in_review" and article.visibility == "internal"
    assert "Ask support to recover it" in version.body and version.title == topic.title
    as_agent.post(reverse("community_console:reply", args=[topic.pk]), {"body": "We can help."})
    staff_post = Post.objects.get(staff_author=agent)
    assert staff_post.body == "We can help."


def test_the_official_answer_is_shown_right_under_the_question(
    client, category, member, other, agent
):
    topic = services.ask(
        member, category=category, language="en", title="How do I enable 2FA?", body="Q"
    ).post.topic
    services.reply(other, topic, "first answer")
    official = services.reply(other, topic, "second answer, the right one").post
    services.mark_official(agent, official)
    page = client.get(reverse("community:topic", args=["en", topic.pk])).content.decode()
    assert page.index("second answer") < page.index("first answer")
    assert "Official answer" in page


def test_search_is_shared_with_the_help_center(client, category, member):
    services.ask(
        member, category=category, language="en", title="Withdrawal stuck in review",
        body="My withdrawals are pending for hours",
    )  # fmt: skip
    services.ask(member, category=category, language="en", title="Unrelated topic here", body="x")
    from exdesk.helpcenter import services as helpcenter

    hc = Category.objects.create(slug="wd", name_en="Withdrawals", name_zh_hans="提现")
    section = Section.objects.create(category=hc, slug="wd", name_en="W", name_zh_hans="提")
    writer, reviewer = testing.staff("writer"), testing.staff("rev", Role.SUPERVISOR)
    article = helpcenter.create_article(
        writer, section=section, language="en", slug="withdrawal-review",
        title="Why withdrawals are reviewed", body="Pending withdrawals are reviewed for safety.",
    )  # fmt: skip
    helpcenter.submit_for_review(writer, article)
    helpcenter.approve(reviewer, article)
    topic = Topic.objects.get(title="Withdrawal stuck in review")
    services.reply(member, topic, "Still pending after review")
    found = client.get(reverse("community:search", args=["en"]), {"q": "withdrawal pending"})
    page = found.content.decode()
    assert "Withdrawal stuck in review" in page and "Unrelated topic" not in page
    assert "Why withdrawals are reviewed" in page  # the help center's article, above
    assert "1 answer" in page and "2 answers" not in page  # counted once, however matched
    help_page = client.get(reverse("helpcenter:search", args=["en"]), {"q": "withdrawals"})
    assert "Withdrawal stuck in review" in help_page.content.decode()


def test_chinese_topics_are_found_by_chinese_words(client, category, member):
    services.ask(
        member,
        category=category,
        language="zh-hans",
        title="提币一直在审核中怎么办",
        body="三小时了",
    )
    found = client.get(reverse("community:search", args=["zh-hans"]), {"q": "提币审核"})
    assert "提币一直在审核中怎么办" in found.content.decode()


def test_pages_escape_what_members_write(client, category, member):
    topic = services.ask(
        member, category=category, language="en",
        title="<script>alert(1)</script> title", body='<img src=x onerror="alert(2)">',
    ).post.topic  # fmt: skip
    page = client.get(reverse("community:topic", args=["en", topic.pk])).content.decode()
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_bad_moderation_input_is_refused_with_a_message_and_changes_nothing(
    category, member, other, agent, moderator
):
    topic = services.ask(
        member, category=category, language="en", title="A topic to act on", body="Q"
    ).post.topic
    answer = services.reply(other, topic, "An answer").post
    as_moderator = testing.signed_in(moderator)
    same = as_moderator.post(
        reverse("community_console:topic_action", args=[topic.pk, "move"]),
        {"category": category.pk},
        follow=True,
    )
    assert "already in this category" in same.content.decode()
    itself = as_moderator.post(
        reverse("community_console:topic_action", args=[topic.pk, "merge"]),
        {"into": topic.pk},
        follow=True,
    )
    assert "Choose another topic" in itself.content.decode()
    ban = as_moderator.post(
        reverse("community_console:member_action", args=[member.pk, "ban"]),
        {"reason": "spam", "days": "0"},
        follow=True,
    )
    assert "Ensure this value is greater than or equal to 1" in ban.content.decode()
    assert (
        as_moderator.post(
            reverse("community_console:topic_action", args=[topic.pk, "explode"])
        ).status_code
        == 404
    )
    as_agent = testing.signed_in(agent)
    hide = reverse("community_console:post_action", args=[answer.pk, "hide"])
    assert as_agent.post(hide, {"reason": "no"}).status_code == 403
    draft = as_agent.post(
        reverse("community_console:post_action", args=[answer.pk, "draft"]), {"section": "x"},
        follow=True,
    )  # fmt: skip
    assert "Choose a section" in draft.content.decode()
    assert not ModerationAction.objects.exists()
    assert Topic.objects.get(pk=topic.pk).merged_into is None
    assert Member.objects.get(pk=member.pk).banned_until is None
    assert not Post.objects.get(pk=answer.pk).hidden


def test_a_question_can_be_reported_and_a_vote_needs_a_value(client, category, member, other):
    topic = services.ask(
        member, category=category, language="en", title="DM me for free USDT now", body="Q"
    ).post.topic
    answer = services.reply(member, topic, "Really, DM me").post
    _member_client(client, other)
    page = client.get(reverse("community:topic", args=["en", topic.pk])).content.decode()
    question = topic.posts.get(is_question=True)
    assert reverse("community:report", args=["en", question.pk]) in page
    client.post(reverse("community:vote", args=["en", answer.pk]))  # no value
    client.post(reverse("community:vote", args=["en", answer.pk]), {"value": "sideways"})
    assert Post.objects.get(pk=answer.pk).score == 0


def test_odd_numbers_in_console_forms_are_refused_not_a_server_error(category, member, moderator):
    topic = services.ask(
        member, category=category, language="en", title="A topic to merge badly", body="Q"
    ).post.topic
    as_moderator = testing.signed_in(moderator)
    merge = reverse("community_console:topic_action", args=[topic.pk, "merge"])
    assert as_moderator.post(merge, {"into": "²"}).status_code == 404
    trust = reverse("community_console:member_action", args=[member.pk, "trust"])
    assert as_moderator.post(trust, {"topic": "²"}).status_code == 302
