"""Posting rules: the guard, look-alike links, links from new members, limits, votes and
reports. Each test reads what was stored."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone
from mnemonic import Mnemonic

from exdesk.community import screening, services
from exdesk.community.models import ModerationAction, Post, Report, Topic, Vote

SEED = Mnemonic("english").to_mnemonic(bytes(range(16)))


def _ask(member, category, body="How long does a USDT deposit on TRON take?", **extra):
    values = {"language": "en", "title": "Deposit not credited after an hour", "body": body}
    values.update(extra)
    return services.ask(member, category=category, **values)


def test_a_seed_phrase_in_a_question_is_masked_and_the_poster_warned(registry, category, member):
    published = _ask(member, category, body=f"My wallet words are {SEED}, is that safe?")
    stored = Post.objects.get(pk=published.post.pk)
    assert SEED.split()[0] not in stored.body.split()
    assert "[seed phrase hidden]" in stored.body
    assert stored.screened == [{"kind": "secret", "what": "seed_phrase"}]
    assert any("seed phrase" in w for w in published.warnings)


def test_a_seed_phrase_in_chinese_is_masked_with_a_chinese_label(registry, category, member):
    published = services.ask(
        member,
        category=category,
        language="zh-hans",
        title="我的助记词安全吗，请帮忙看看",
        body=f"助记词是 {SEED}",
    )
    body = Post.objects.get(pk=published.post.pk).body
    assert SEED.split()[0] not in body
    assert "[助记词已隐藏]" in body


def test_a_lookalike_link_is_hidden_for_everyone_and_the_poster_warned(registry, category, member):
    member.trusted_at = timezone.now()
    member.save()
    published = _ask(
        member,
        category,
        body="Support told me to verify at https://demoexchange-verify.example/login now",
    )
    body = Post.objects.get(pk=published.post.pk).body
    assert "demoexchange-verify" not in body
    assert "link hidden" in body and "demoexchange.example" in body
    assert published.post.screened == [{"kind": "lookalike", "imitates": "demoexchange.example"}]
    assert any("imitates" in w for w in published.warnings)


def test_a_lookalike_with_cyrillic_letters_and_no_scheme_is_hidden(registry, category, member):
    # "dеmoexchange.example" with a Cyrillic е.
    published = _ask(member, category, body="Log in at d\u0435moexchange.example to claim it")
    assert "d\u0435moexchange" not in Post.objects.get(pk=published.post.pk).body


def test_an_official_link_is_allowed_to_a_new_member(registry, category, member):
    published = _ask(member, category, body="The guide is on https://demoexchange.example/help")
    assert "https://demoexchange.example/help" in Post.objects.get(pk=published.post.pk).body
    assert published.warnings == []


def test_a_new_member_cannot_post_other_links_and_nothing_is_stored(registry, category, member):
    with pytest.raises(ValidationError) as error:
        _ask(member, category, body="Compare with https://some-blog.example.net/fees")
    assert "New members cannot post links" in str(error.value)
    assert not Topic.objects.exists() and not Post.objects.exists()


def test_file_names_are_not_links(registry, category, member):
    published = _ask(member, category, body="I attached statement.pdf and node.js logs")
    assert "statement.pdf" in published.post.body


def test_a_trusted_member_may_post_links(registry, category, member):
    member.trusted_at = timezone.now()
    member.save()
    published = _ask(member, category, body="See https://some-blog.example.net/fees")
    assert "some-blog.example.net" in published.post.body


@override_settings(COMMUNITY_TRUST_POSTS=2, COMMUNITY_TRUST_DAYS=2)
def test_members_become_trusted_after_posts_and_days(registry, category, member, other):
    topic = _ask(other, category).post.topic
    services.reply(member, topic, "Mine took ten minutes.")
    services.reply(member, topic, "Check the network you chose.")
    assert not services.is_trusted(member)  # enough posts, too new
    assert services.is_trusted(member, now=timezone.now() + timedelta(days=3))
    member.refresh_from_db()
    assert member.trusted_at is not None


def test_screening_finds_each_kind_of_link():
    found = [value for _s, _e, value in screening._candidates(
        "a https://x.example/p, b www.y.example c z.example/q d me@w.example e 1.5 f e.g. g"
    )]  # fmt: skip
    assert found == ["https://x.example/p", "www.y.example", "z.example/q", "me@w.example"]


def test_a_lookalike_email_address_is_hidden(registry, category, member):
    published = _ask(member, category, body="Write to support@demoexchange-help.example for help")
    assert "demoexchange-help" not in published.post.body


def test_bad_questions_are_refused_with_a_reason(category, member):
    with pytest.raises(ValidationError, match="characters"):
        _ask(member, category, title="Help")
    with pytest.raises(ValidationError, match="Write something"):
        _ask(member, category, body="   ")
    with pytest.raises(ValidationError, match="tags"):
        _ask(member, category, tags="a,b,c,d,e,f")
    with pytest.raises(ValidationError):
        _ask(member, category, language="fr")
    assert not Topic.objects.exists()


def test_tags_are_kept_once_each(category, member):
    topic = _ask(member, category, tags="USDT, tron，USDT").post.topic
    assert sorted(topic.tags.values_list("slug", flat=True)) == ["tron", "usdt"]


def test_a_banned_member_cannot_post_or_vote(category, member, other, moderator):
    topic = _ask(other, category).post.topic
    answer = services.reply(other, topic, "An answer").post
    services.ban(moderator, member, "Scam links", days=7)
    member.refresh_from_db()
    with pytest.raises(ValidationError, match="suspended"):
        services.reply(member, topic, "Hello")
    with pytest.raises(ValidationError):
        services.vote(member, answer, 1)
    assert services.is_banned(member)
    assert not services.is_banned(member, now=timezone.now() + timedelta(days=8))


@override_settings(COMMUNITY_NEW_MEMBER_POSTS_PER_HOUR=2)
def test_new_members_are_rate_limited(category, member, other):
    topic = _ask(other, category).post.topic
    services.reply(member, topic, "one")
    services.reply(member, topic, "two")
    with pytest.raises(ValidationError, match="too fast"):
        services.reply(member, topic, "three")
    assert Post.objects.filter(author=member).count() == 2


def test_a_locked_topic_takes_no_answers(category, member, other, moderator):
    topic = _ask(other, category).post.topic
    services.set_locked(moderator, topic, True)
    with pytest.raises(ValidationError, match="locked"):
        services.reply(member, topic, "late answer")


def test_votes_toggle_and_change_and_never_on_your_own_post(category, member, other):
    topic = _ask(other, category).post.topic
    answer = services.reply(other, topic, "Use the TRC-20 network.").post
    assert services.vote(member, answer, 1) == 1
    assert services.vote(member, answer, -1) == -1
    assert services.vote(member, answer, -1) == 0
    assert not Vote.objects.exists()
    with pytest.raises(ValidationError, match="own post"):
        services.vote(other, answer, 1)
    with pytest.raises(ValidationError):
        services.vote(member, answer, 5)


@override_settings(COMMUNITY_REPORTS_TO_HIDE=2)
def test_reports_from_two_members_hide_the_post_until_a_moderator_looks(
    category, member, other, moderator, db
):
    from exdesk.community.models import Member

    third = Member.objects.create(display_name="third one")
    topic = _ask(other, category).post.topic
    answer = services.reply(third, topic, "DM me, I can recover your funds").post
    services.report(member, answer, "scam")
    with pytest.raises(ValidationError, match="already reported"):
        services.report(member, answer, "spam")
    assert not Post.objects.get(pk=answer.pk).hidden
    services.report(other, answer, "scam", "asks people to DM")
    assert Post.objects.get(pk=answer.pk).hidden
    assert ModerationAction.objects.filter(kind="auto_hide", post=answer, actor=None).exists()
    services.show_post(moderator, Post.objects.get(pk=answer.pk))
    assert not Post.objects.get(pk=answer.pk).hidden
    assert not Report.objects.filter(resolved_at__isnull=True).exists()


def test_a_report_needs_a_known_reason_and_not_your_own_post(category, member, other):
    post = _ask(member, category).post
    with pytest.raises(ValidationError):
        services.report(other, post, "because")
    with pytest.raises(ValidationError, match="own post"):
        services.report(member, post, "spam")


def test_display_names_that_pose_as_staff_are_refused(registry, member):
    for name in (
        *("Official Support", "exchange admin", "客服小王", "Moderator Bob"),
        # However spelt: full width, a Cyrillic о, split, a zero for o, Chinese spaced out.
        *("ＳＵＰＰＯＲＴ", "Supp\u043ert Team", "Sup port", "Supp0rt", "客 服", "Adm\u0456n"),
        # The exchange's own name, or a host.
        *("DemoExchange Team", "demo exchange", "login-help.example"),
    ):
        with pytest.raises(ValidationError, match="staff"):
            services.rename(member, name)
    with pytest.raises(ValidationError):
        services.rename(member, "x")
    assert services.rename(member, "Night trader").display_name == "Night trader"


@pytest.mark.parametrize(
    "text",
    [
        "\uff44\uff45\uff4d\uff4f\uff45\uff58\uff43\uff48\uff41\uff4e\uff47\uff45-help.com",
        "demoexchange_support.evil.com",
        "请访问demoexchange-help.com领取",
        "demoexchange-help\u3002com",
        "demoexchange-help\uff0ecom",
        "demo\u200bexchange-help.com",
        "https://demoexchange-help.com] now",
        "[claim](https://demoexchange-help.com)",
        "HTTPS://DEMOEXCHANGE-HELP.COM/login",
    ],
)
def test_lookalikes_in_disguise_are_hidden_even_from_trusted_members(
    registry, category, member, text
):
    member.trusted_at = timezone.now()
    member.save()
    body = _ask(member, category, body=f"Go to {text} to verify").post.body
    assert "help" not in body.replace("link hidden", "") and "support.evil" not in body
    assert "[link hidden: it imitates demoexchange.example]" in body


def test_a_percent_encoded_host_is_not_let_through(registry, category, member):
    member.trusted_at = timezone.now()
    member.save()
    body = _ask(member, category, body="https://demoexchange-help%2Ecom/login").post.body
    assert "demoexchange-help" not in body and "link hidden" in body


def test_members_reports_never_hide_the_support_teams_answer(category, member, other, agent, db):
    from exdesk.community.models import Member

    topic = _ask(member, category).post.topic
    answer = services.staff_reply(agent, topic, "We never ask for 2FA codes.", official=True).post
    with override_settings(COMMUNITY_REPORTS_TO_HIDE=2):
        services.report(member, answer, "scam")
        services.report(other, answer, "scam")
    assert not Post.objects.get(pk=answer.pk).hidden
    assert Topic.objects.get(pk=topic.pk).official_post_id == answer.pk
    third = Member.objects.create(display_name="third one")
    question = _ask(third, category, title="DM me for a free airdrop now").post
    with override_settings(COMMUNITY_REPORTS_TO_HIDE=2):
        services.report(member, question, "scam")
        services.report(other, question, "scam")
    assert Topic.objects.get(pk=question.topic_id).hidden  # the whole topic, not only its post


def test_a_banned_member_cannot_report_or_rename(category, member, other, moderator):
    post = _ask(other, category).post
    services.ban(moderator, member, "Spam", days=1)
    member.refresh_from_db()
    with pytest.raises(ValidationError, match="suspended"):
        services.report(member, post, "spam")
    with pytest.raises(ValidationError, match="suspended"):
        services.rename(member, "Fresh Start")
    assert not Report.objects.exists()


def test_hiding_the_official_answer_takes_its_badge_away(category, member, other, moderator):
    topic = _ask(member, category).post.topic
    answer = services.reply(other, topic, "Use TRC-20.").post
    services.mark_official(moderator, answer)
    services.hide_post(moderator, Post.objects.get(pk=answer.pk), "Wrong")
    assert Topic.objects.get(pk=topic.pk).official_post_id is None


def test_merging_a_hidden_topic_is_refused_and_the_official_answer_moves_along(
    category, member, other, moderator
):
    hidden = _ask(member, category, title="A scam question to hide").post.topic
    services.hide_topic(moderator, hidden, "Scam")
    kept = _ask(member, category, title="A real question to keep").post.topic
    with pytest.raises(ValidationError, match="hidden"):
        services.merge(moderator, Topic.objects.get(pk=hidden.pk), kept)
    duplicate = _ask(member, category, title="The same real question").post.topic
    best = services.reply(other, duplicate, "The answer").post
    services.mark_official(moderator, best)
    services.merge(moderator, Topic.objects.get(pk=duplicate.pk), Topic.objects.get(pk=kept.pk))
    assert Topic.objects.get(pk=kept.pk).official_post_id == best.pk
