"""The assistant in a real chat: the bot answers a Chinese question with the right
article, and a pasted seed phrase is masked everywhere, answered with the safety warning
and turned into a P0 security case (docs/assistant.md)."""

import re

import pytest
from mnemonic import Mnemonic
from playwright.sync_api import expect

from exdesk.devserver import running_exdesk

from .conftest import check_accessibility
from .pages import ChatWidget
from .test_live_chat import (  # noqa: F401 - fixtures, resolved against this module's server
    SECRET,
    SETUP,
    agent,
    agent_cookie,
    new_page,
    postgres_server_url,
    shell,
    stored,
    web_workers,
)

pytestmark = pytest.mark.browser

SEED = Mnemonic("english").to_mnemonic(bytes(range(16)))


@pytest.fixture(scope="module")
def server():
    # alice answers in the Security team too: the P0 case moves there.
    setup = SETUP + (
        "from exdesk.helpcenter import starter\nstarter.load()\n"
        "from exdesk.accounts.models import User\n"
        "User.objects.get(username='alice').teams.add(testing.team('security'))\n"
    )
    with running_exdesk(
        postgres_server_url=postgres_server_url(),
        web_workers=web_workers(),
        setup_code=setup,
        env={
            "EXDESK_CHAT_IDENTITY_SECRET": SECRET,
            "EXDESK_ASSISTANT_BOT": "1",
            # The worker may still be loading its models under a loaded test run: the
            # chat stays the bot's until it answers (the fallback is tested elsewhere).
            "EXDESK_BOT_FIRST_TURN_SECONDS": "180",
        },
    ) as running:
        yield running


def conversation_of(page) -> int:
    return page.evaluate("window.exdeskWidget.state().conversation")


def test_the_bot_answers_in_chinese_and_the_guard_masks_a_seed_phrase(
    server,
    new_page,  # noqa: F811 - the imported fixture
    agent,  # noqa: F811
):
    console = agent()  # someone online: the widget offers the chat
    visitor = new_page(locale="zh-CN")
    widget = ChatWidget(visitor).visit().open()
    question = "我从别的平台提了USDT过来，两个小时了还没到账"
    widget.say(question)

    # The bot answers with the help-center article about deposits that have not arrived.
    # Generous: the worker trains the intent model from the examples when it starts.
    link = visitor.get_by_test_id("exdesk-article")
    expect(link).to_have_attribute(
        "href", re.compile(r"/help/zh-hans/articles/deposit-not-credited/$"), timeout=180_000
    )
    check_accessibility(visitor)

    # "Did this answer help?" under the bot's answer: no, and why.
    asked = visitor.get_by_test_id("exdesk-bot-feedback").first
    asked.get_by_role("button", name="否").click()
    check_accessibility(visitor)
    asked.get_by_role("button", name="没有解答我的问题").click()
    expect(asked.get_by_role("status")).to_have_text("感谢告知。")
    said = shell(
        server,
        "from exdesk.quality.models import BotAnswerFeedback; "
        "f = BotAnswerFeedback.objects.get(); print(f.helpful, f.reason)",
    )
    assert said == "False wrong"

    # The customer pastes a seed phrase: the stored message shows only the mask.
    widget.input.fill(SEED)
    widget.send_button.click()
    masked = widget.messages.filter(has_text="助记词已隐藏").and_(visitor.locator("[data-seq]"))
    expect(masked).to_be_visible(timeout=20_000)
    expect(widget.messages.filter(has_text="abandon")).to_have_count(0)
    expect(widget.messages.filter(has_text="绝不会")).to_have_count(1)  # the safety warning

    conversation = conversation_of(visitor)
    assert stored(server, conversation, "c.priority") == "p0"
    assert stored(server, conversation, "c.team.slug") == "security"
    words = " ".join(SEED.split()[2:4])
    found = shell(
        server,
        "from exdesk.conversations.models import Event; "
        f"print(Event.objects.filter(body__contains='{words}').count())",
    )
    assert found == "0"

    # The agent's console shows the mask, never the words, and the copilot's reading.
    page = console.page
    page.goto(f"/console/c/{conversation}/")
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("助记词已隐藏")
    expect(timeline).not_to_contain_text(SEED.split()[4])
    expect(page.get_by_test_id("copilot")).to_be_visible()
    check_accessibility(page)
