import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.conversations import services as conversations
from exdesk.helpcenter import search, selectors, services
from exdesk.helpcenter.choices import ActivityKind, ArticleStatus
from exdesk.helpcenter.models import ArticleFeedback, Category, Section

pytestmark = pytest.mark.django_db


@pytest.fixture
def section():
    category = Category.objects.create(slug="funds", name_en="Funds", name_zh_hans="资金")
    return Section.objects.create(
        category=category, slug="deposits", name_en="D", name_zh_hans="充"
    )


@pytest.fixture
def restricted():
    category = Category.objects.create(slug="proc", name_en="P", name_zh_hans="规", internal=True)
    return Section.objects.create(
        category=category, slug="security-proc", name_en="S", name_zh_hans="安", restricted=True
    )


def draft(user, section, slug="memo", body="A memo identifies your account."):
    return services.create_article(
        user, section=section, language="en", slug=slug, title="Memo and tag", body=body
    )


def test_an_agent_drafts_and_submits_but_cannot_publish(section):
    agent = testing.staff("agent")
    article = draft(agent, section)
    services.submit_for_review(agent, article)
    with pytest.raises(PermissionDenied):
        services.approve(agent, article)
    article.refresh_from_db()
    assert article.status == ArticleStatus.IN_REVIEW and article.live_version is None


def test_a_reviewer_publishes_someone_elses_article_but_not_their_own(section):
    agent, reviewer = testing.staff("agent"), testing.staff("rev", role=Role.SENIOR_AGENT)
    own = draft(reviewer, section, slug="own")
    services.submit_for_review(reviewer, own)
    with pytest.raises(PermissionDenied, match="Another reviewer"):
        services.approve(reviewer, own)
    article = draft(agent, section)
    services.submit_for_review(agent, article)
    services.approve(reviewer, article)
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert article.live_version == article.current_version
    assert [h.article.slug for h in search.search("memo", "en").hits] == ["memo"]


def test_an_article_cannot_be_approved_unless_it_is_in_review(section):
    reviewer = testing.staff("rev", role=Role.SUPERVISOR)
    article = draft(testing.staff("agent"), section)
    with pytest.raises(ValidationError):
        services.approve(reviewer, article)


def test_editing_a_published_article_keeps_the_reviewed_text_online_until_approval(section):
    agent, reviewer = testing.staff("agent"), testing.staff("rev", role=Role.SUPERVISOR)
    article = draft(agent, section)
    services.submit_for_review(agent, article)
    services.approve(reviewer, article)
    services.save_version(agent, article, title="Memo and tag", description="", body="New text.")
    article.refresh_from_db()
    assert article.current_version.number == 2 and article.live_version.number == 1
    assert article.status == ArticleStatus.DRAFT and article.is_live
    assert selectors.public_article("en", "memo").live_version.body.startswith("A memo")
    services.submit_for_review(agent, article)
    services.approve(reviewer, article)
    assert selectors.public_article("en", "memo").live_version.body == "New text."


def test_every_save_is_a_version_with_its_author_and_an_unchanged_save_is_refused(section):
    agent = testing.staff("agent")
    article = draft(agent, section)
    services.save_version(agent, article, title="Memo", description="", body="Two", note="fix")
    with pytest.raises(ValidationError):
        services.save_version(agent, article, title="Memo", description="", body="Two")
    versions = list(selectors.versions(article))
    assert [(v.number, v.author, v.note) for v in versions] == [(2, agent, "fix"), (1, agent, "")]


def test_sending_back_needs_a_comment_and_returns_the_article_to_draft(section):
    agent, reviewer = testing.staff("agent"), testing.staff("rev", role=Role.ADMIN)
    article = draft(agent, section)
    services.submit_for_review(agent, article)
    with pytest.raises(ValidationError):
        services.request_changes(reviewer, article, "  ")
    services.request_changes(reviewer, article, "Add the network list.")
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    assert article.activity.first().kind == ActivityKind.CHANGES_REQUESTED


def test_a_trainer_cannot_edit_security_procedures_unless_named_an_editor(restricted):
    trainer = testing.staff("trainer", role=Role.TRAINER)
    supervisor = testing.staff("sup", role=Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        draft(trainer, restricted, slug="proc")
    article = draft(supervisor, restricted, slug="proc")
    assert article.visibility == "internal"  # an internal category makes it staff-only
    with pytest.raises(PermissionDenied):
        services.save_version(trainer, article, title="T", description="", body="changed")
    restricted.editors.add(trainer)
    services.save_version(trainer, article, title="T", description="", body="changed")


def test_archiving_removes_the_article_and_restoring_needs_a_new_review(section):
    agent, reviewer = testing.staff("agent"), testing.staff("rev", role=Role.SUPERVISOR)
    article = draft(agent, section)
    services.submit_for_review(agent, article)
    services.approve(reviewer, article)
    with pytest.raises(PermissionDenied):
        services.archive(agent, article)
    services.archive(reviewer, article)
    with pytest.raises(ValidationError):
        services.save_version(agent, article, title="x", description="", body="y")
    services.restore(reviewer, article)
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT and not article.is_live


def test_a_translation_is_flagged_outdated_when_its_original_changes(section):
    agent = testing.staff("agent")
    original = draft(agent, section)
    translation = services.add_translation(
        agent,
        original,
        language="zh-hans",
        slug="memo",
        title="备注",
        description="",
        body="备注说明",
    )
    assert translation.source == original and not selectors.is_outdated(translation)
    with pytest.raises(ValidationError):
        services.add_translation(
            agent, original, language="zh-hans", slug="memo-2", title="x", description="", body="x"
        )
    services.save_version(agent, original, title="Memo", description="", body="Changed source")
    translation.refresh_from_db()
    assert selectors.is_outdated(translation)
    assert translation in selectors.console_articles(only="outdated")
    services.save_version(
        agent, translation, title="备注", description="", body="已更新", synced_with_source=True
    )
    translation.refresh_from_db()
    assert not selectors.is_outdated(translation)


def test_stale_lists_articles_past_their_review_date(section):
    agent, reviewer = testing.staff("agent"), testing.staff("rev", role=Role.SUPERVISOR)
    article = draft(agent, section)
    services.submit_for_review(agent, article)
    services.approve(reviewer, article)
    assert article not in selectors.stale()
    services.update_settings(
        agent,
        article,
        section=section,
        slug="memo",
        visibility="public",
        owner=agent,
        review_by=__import__("datetime").date(2020, 1, 1),
    )
    assert list(selectors.stale()) == [article]


def test_an_agents_reply_becomes_a_staff_only_draft_linked_to_its_conversation(section):
    agent = testing.staff("agent")
    conversation = testing.conversation()
    reply = conversations.do_reply(conversation, agent, "Send the TxID and the network.")
    article = services.draft_from_conversation(agent, conversation, reply.seq, section)
    assert (article.visibility, article.status, article.from_conversation) == (
        "internal",
        ArticleStatus.DRAFT,
        conversation,
    )
    assert article.current_version.body == "Send the TxID and the network."
    customer_message = conversation.events.get(seq=1)
    with pytest.raises(ValidationError):
        services.draft_from_conversation(agent, conversation, customer_message.seq, section)


def test_a_reader_votes_once_and_a_second_answer_replaces_the_first(section):
    article = services.approve(None, draft(None, section))
    services.record_feedback(article, "reader-1", helpful=True)
    services.record_feedback(
        article, "reader-1", helpful=False, reason="outdated", comment="old fee"
    )
    services.record_feedback(article, "reader-2", helpful=True)
    assert ArticleFeedback.objects.count() == 2
    assert selectors.helpful_summary(article) == {"yes": 1, "no": 1}
    with pytest.raises(ValidationError):
        services.record_feedback(article, "reader-3", helpful=False, reason="bogus")


def test_a_duplicate_address_in_the_same_language_is_refused_cleanly(section):
    agent = testing.staff("agent")
    draft(agent, section)
    with pytest.raises(ValidationError) as error:
        draft(agent, section)
    assert "slug" in error.value.error_dict
