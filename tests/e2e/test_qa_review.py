"""QA reviews in a real browser: a reviewer draws a sample and scores a conversation
(commenting on the exact message), the agent reads it and disputes, a team lead
settles it; a calibration session compares two reviewers. axe-core on every page."""

import pytest
from playwright.sync_api import expect

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.conversations import services as conversations
from exdesk.quality.models import QaReview, Scorecard

from .conftest import check_accessibility, sign_in_with_session

pytestmark = pytest.mark.browser


def test_a_review_is_scored_disputed_and_settled(new_page, live_server, transactional_db):
    from exdesk.quality.models import Criterion
    from exdesk.quality.starter import load_standard_scorecard

    load_standard_scorecard(Scorecard, Criterion)  # flushed by earlier browser tests
    agent = testing.staff("alice")
    reviewer = testing.staff("quinn", role=Role.QA_REVIEWER)
    lead = testing.staff("lena", role=Role.SUPERVISOR)
    conversation = testing.conversation(subject="Deposit missing")
    conversation.assignee = agent
    conversation.save(update_fields=["assignee"])
    conversations.do_reply(conversation, agent, "It will arrive, wait.")
    conversations.do_change_status(conversation, agent, "solved")
    card = Scorecard.objects.get(name="Crypto support standard")

    page = new_page()
    sign_in_with_session(page, reviewer, live_server.url)
    page.goto("/console/quality/sample/")
    check_accessibility(page)
    page.get_by_role("link", name="Score").first.click()
    check_accessibility(page)
    for criterion in card.criteria.all():
        value = "missed" if criterion.label_en.startswith("Identifies") else "met"
        page.locator(f"input[name=c{criterion.pk}][value={value}]").check()
        if value == "missed":
            page.get_by_label("About message").nth(criterion.position).select_option("2")
            page.locator(f"#c{criterion.pk}-comment").fill("No TxID asked for.")
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("The review is saved.")).to_be_visible()
    check_accessibility(page)
    review = QaReview.objects.get(conversation=conversation)
    assert review.score < 100 and review.scores.get(passed=False).event.seq == 2

    page = new_page()
    sign_in_with_session(page, agent, live_server.url)
    page.goto("/console/quality/reviews/")
    check_accessibility(page)
    page.get_by_role("link", name=conversation.reference).click()
    expect(page.get_by_text("No TxID asked for.")).to_be_visible()
    page.get_by_label("What did the review get wrong?").fill("The customer gave the TxID first.")
    page.get_by_role("button", name="Dispute the review").click()
    expect(page.get_by_text("Your dispute is sent to the team leads.")).to_be_visible()

    page = new_page()
    sign_in_with_session(page, lead, live_server.url)
    page.goto("/console/quality/reviews/")
    page.get_by_role("link", name=conversation.reference).first.click()
    check_accessibility(page)
    page.get_by_label("Why").fill("Right: the TxID was in the first message.")
    page.get_by_label("New score (to amend)").fill("100")
    page.get_by_role("button", name="Amend the score").click()
    expect(page.get_by_text("The dispute is settled.")).to_be_visible()
    review.refresh_from_db()
    assert (review.state, review.score, review.resolved_by_id) == ("amended", 100, lead.pk)
