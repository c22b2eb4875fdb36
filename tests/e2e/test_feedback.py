"""The satisfaction survey in a real browser: the customer opens the link from the
survey e-mail on a phone, answers in their language, and the rating reaches the
conversation; axe-core on every page."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from exdesk import testing
from exdesk.conversations import services as conversations
from exdesk.quality.models import Feedback

from .conftest import check_accessibility, fits_phone_width

pytestmark = pytest.mark.browser


def test_a_customer_rates_a_solved_request_from_the_survey_mail(
    new_page, live_server, django_capture_on_commit_callbacks
):
    agent = testing.staff("alice")
    customer = testing.customer(email="li@example.com", language="zh-hans")
    conversation = testing.conversation(who=customer, channel="email", language="zh-hans")
    conversations.do_reply(conversation, agent, "您的充值已到账。")
    with django_capture_on_commit_callbacks(execute=True):
        conversations.do_change_status(conversation, agent, "solved")
    link = re.search(r"https?://\S+(/feedback/\S+/)", mail.outbox[-1].body).group(1)

    page = new_page(viewport={"width": 390, "height": 800})
    page.goto(link)
    expect(page.get_by_role("heading", name="我们的服务怎么样？")).to_be_visible()
    assert fits_phone_width(page)
    check_accessibility(page)
    page.locator("input[name=score][value='5']").check()
    page.locator("input[name=solved][value=yes]").check()
    page.locator("input[name=effort][value='1']").check()
    page.get_by_label("还有什么想告诉我们的吗？（选填）").fill("很快，谢谢")
    page.get_by_role("button", name="提交我的回答").click()
    expect(page.get_by_role("heading", name="谢谢")).to_be_visible()
    check_accessibility(page)
    given = Feedback.objects.get(conversation=conversation)
    assert (given.score, given.solved, given.effort) == (5, True, 1)
    conversation.refresh_from_db()
    assert conversation.rating == 5

    page.goto("/feedback/forged-token/")  # no conversation: the browser's language
    expect(page.get_by_role("heading", name="This survey cannot be opened")).to_be_visible()
    check_accessibility(page)
