"""Live chat in the browser: a visitor in the widget on the demo exchange page, an agent in
the console, talking over real WebSockets (docs/chat-protocol.md).

pytest-django's live server speaks WSGI only, so these tests run against a real exdesk
(``running_exdesk``, as ``exdesk run`` starts it), started once for the module: on SQLite
with one web process, or on PostgreSQL and Redis with two when the suite runs there."""

import contextlib
import json
import os
import re

import pytest
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from exdesk import testing
from exdesk.devserver import running_exdesk

from .conftest import check_accessibility, fits_phone_width, open_page
from .pages import ChatWidget, LiveConsole
from .xss_payloads import INJECTED_SELECTOR

pytestmark = pytest.mark.browser

SECRET = "e2e-identity-secret"
TRADER_UID = "21315462"  # the demo page's trader, exdesk.chat.views.DEMO_TRADER
SETUP = f"""
from exdesk import testing
from exdesk.customers.models import Customer
Customer.objects.get_or_create(uid="{TRADER_UID}", defaults={{"display_name": "Wang Lei"}})
testing.staff("alice")
"""
PHONE = {"width": 360, "height": 740}
LOCALES = {"en": "en-US", "zh-hans": "zh-CN"}


# The two helpers of tests/integration/conftest.py (a conftest is not imported across).
def postgres_server_url():
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        return None
    return f"postgresql://{database['USER']}@{database['HOST']}:{database['PORT']}/postgres"


def web_workers() -> int:
    """Two web processes when Redis can carry chat between them, else one."""
    return 2 if os.environ.get("REDIS_URL") else 1


@pytest.fixture(scope="module")
def server():
    with running_exdesk(
        postgres_server_url=postgres_server_url(),
        web_workers=web_workers(),
        setup_code=SETUP,
        # The bot and routing stay out of these person-to-person chats: they would change
        # who says and holds what (test_assistant_chat.py and test_routing.py have them).
        env={
            "EXDESK_CHAT_IDENTITY_SECRET": SECRET,
            "EXDESK_ASSISTANT_BOT": "0",
            "EXDESK_ROUTING": "0",
        },
    ) as running:
        yield running


def shell(server, code: str) -> str:
    """The last line ``code`` printed in ``exdesk shell`` on the server's database."""
    return server.manage("shell", "-c", code).strip().splitlines()[-1]


def stored(server, conversation: int, expression: str) -> str:
    return shell(
        server,
        "from exdesk.conversations.models import Conversation; "
        f"c = Conversation.objects.get(pk={int(conversation)}); print({expression})",
    )


@pytest.fixture(scope="module")
def agent_cookie(server):
    """A verified session of the agent alice, made on the server's database."""
    header = shell(
        server,
        "from exdesk import testing; from exdesk.accounts.models import User; "
        "print(testing.session_cookie(User.objects.get(username='alice')))",
    )
    name, value = header.split("=", 1)
    return {"name": name, "value": value, "url": server.url}


def _csp_refusal(page, message) -> None:
    """Under CSP a request to another host is refused before it is made, so the Watch would
    not see it: a refusal by a script of the page counts as an error of the page. (Scripts
    the test evaluates, such as axe-core, have no URL and are not the page's.)"""
    if "Content Security Policy" in message.text and message.location.get("url"):
        page.watch.page_errors.append(f"{message.text} ({message.location['url']})")


@pytest.fixture
def new_page(browser, server):
    """This module's pages: on the running exdesk (not on pytest-django's live server)."""
    contexts = []

    def make(**options):
        options.setdefault("bypass_csp", False)
        context, page = open_page(browser, server.url, **options)
        page.on("console", lambda message: _csp_refusal(page, message))
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def agent(new_page, agent_cookie, server):
    """alice in the console, online; offline again when the test ends."""
    consoles = []

    def sign_in(path="/console/?view=unassigned", language="en", **options):
        page = new_page(**options)
        page.context.add_cookies(
            [agent_cookie, {"name": "django_language", "value": language, "url": server.url}]
        )
        with page.expect_response(is_summary) as summary:
            console = LiveConsole(page).visit(path)
        # What the inbox badge started from, as the server counted it.
        console.unassigned_at_start = summary.value.json()["unassigned_chats"]
        consoles.append(console)
        console.set_presence("online")
        return console

    yield sign_in
    for console in consoles:
        # Explicitly, so the next test's visitor does not meet a closing socket's agent.
        with contextlib.suppress(PlaywrightError):
            console.set_presence("offline")


def conversation_of(page) -> int:
    return page.evaluate("window.exdeskWidget.state().conversation")


def loaded_width(image) -> int:
    """The natural width of an <img> once the browser is done with it (0: it failed)."""
    handle = image.element_handle()
    image.page.wait_for_function("img => img.complete", arg=handle)
    return handle.evaluate("img => img.naturalWidth")


def widget_fits(page) -> bool:
    """The launcher and the open panel lie inside the viewport (the widget is fixed, so
    it would not widen the page: ``fits_phone_width`` alone cannot see it overflow)."""
    return page.evaluate(
        """() => [...document.getElementById("exdesk-widget").shadowRoot
                .querySelectorAll(".launcher, .panel:not([hidden])")]
            .every(n => { const r = n.getBoundingClientRect();
                          return r.width > 0 && r.left >= 0 && r.right <= innerWidth + 1; })"""
    )


def is_summary(response) -> bool:
    return response.url.endswith("/live/summary")


def test_a_visitor_and_an_agent_chat_live(server, new_page, agent):
    # Nobody is online: the widget offers the leave-a-message form, not the chat.
    visitor = new_page()
    widget = ChatWidget(visitor).visit()
    widget.open()
    expect(widget.leave_form).to_be_visible()
    expect(visitor.get_by_text("No agent is available right now.")).to_be_visible()
    expect(widget.input).to_be_hidden()

    # The agent opens the console and goes online with the header's presence select.
    console = agent()
    agent_page = console.page
    count = agent_page.locator("[data-live-count-number]")

    # Now the visitor gets the chat box, and writes.
    visitor.reload()
    widget.launcher.wait_for()
    widget.open()
    expect(widget.input).to_be_visible()
    expect(widget.leave_form).to_be_hidden()
    first = "My USDT deposit on TRC20 has not arrived"
    widget.say(first)

    # The agent's inbox says so without a reload: badge, title, notice.
    expected = str(console.unassigned_at_start + 1)
    expect(count).to_have_text(expected)
    expect(agent_page.locator("[data-live-count]")).to_be_visible()
    expect(agent_page).to_have_title(re.compile(rf"^\({expected}\) "))
    notice = agent_page.locator("[data-live-inbox-notice]")
    expect(notice).to_contain_text("New activity")
    notice.get_by_role("link", name="Refresh").click()
    agent_page.wait_for_load_state()
    console.open_conversation(first)
    conversation = conversation_of(visitor)
    assert agent_page.url.endswith(f"/console/c/{conversation}/")
    expect(console.timeline.locator("li[data-kind=customer_message]")).to_contain_text(first)
    # The console watches the chat: it tells the customer their message was read.
    expect(widget.message(first).locator(".status")).to_have_text("Read")

    # Typing shows on the agent's side; the message arrives in the open timeline.
    typing = agent_page.locator("[data-live-typing]")
    expect(typing).to_be_empty()
    widget.input.fill("The TxID is 9f2c")
    expect(typing).to_have_text("Customer is typing…")
    widget.input.press("Enter")  # the keyboard sends, too
    expect(console.timeline.locator("li[data-kind=customer_message]").last).to_contain_text(
        "The TxID is 9f2c"
    )
    expect(typing).to_be_empty()

    # The reply goes over the socket (no page load) and reaches the widget live.
    agent_page.evaluate("window.sameDocument = true")
    agent_page.locator("form[data-live-form=reply] textarea").fill("Thanks")
    expect(widget.typing).to_have_text("alice is typing…")
    reply = "Thanks, it needs 20 confirmations. It should arrive within minutes."
    console.reply_live(reply)
    agent_reply = visitor.locator(".msg-agent").filter(has_text=reply)
    expect(agent_reply).to_be_visible()
    expect(agent_reply.locator(".author")).to_have_text("alice")
    expect(console.timeline.locator("li[data-kind=agent_reply]")).to_contain_text(reply)
    expect(agent_page.locator("form[data-live-form=reply] textarea")).to_have_value("")
    expect(widget.typing).to_be_empty()
    assert agent_page.evaluate("window.sameDocument") is True

    # A screenshot from the widget appears in the console as it is sent.
    widget.attach("screenshot.png", "image/png", testing.PNG_BYTES)
    sent = widget.messages.filter(has=visitor.get_by_role("img", name="screenshot.png"))
    expect(sent).to_have_attribute("data-seq", re.compile(r"\d"))
    assert loaded_width(sent.get_by_role("img")) == 1
    expect(console.timeline.get_by_role("link", name="screenshot.png")).to_be_visible()
    thumbnail = console.timeline.get_by_role("img", name="screenshot.png")
    expect(thumbnail).to_be_visible()
    assert loaded_width(thumbnail) == 1

    # The visitor ends the chat and rates it; the rating is stored.
    widget.end()
    check_accessibility(visitor)  # the rating form
    widget.rate(5, "Quick and clear")
    expect(visitor.get_by_text("Thank you for your feedback.")).to_be_visible()
    # The console shows both live: the status change and the rating with its comment.
    expect(console.timeline.locator("li[data-kind=status_change]").last).to_contain_text("solved")
    expect(console.timeline.locator("li[data-kind=rating]")).to_contain_text("Quick and clear")
    assert stored(server, conversation, "c.rating, c.rating_comment, c.status") == (
        "5 Quick and clear solved"
    )
    assert agent_page.evaluate("window.sameDocument") is True
    for page in (visitor, agent_page):
        assert page.watch.clean(), vars(page.watch)


def log_of(page) -> list[list[str]]:
    """The widget's log as [seq, text] per entry: messages and system lines."""
    return page.locator("[data-testid=exdesk-log] > *").evaluate_all(
        "ns => ns.map(n => [n.dataset.seq || '', (n.querySelector('.text') || n).textContent])"
    )


def test_a_reload_keeps_the_conversation(new_page, agent):
    console = agent()
    visitor = new_page()
    widget = ChatWidget(visitor).visit().open()
    widget.say("Withdrawal stuck since yesterday")
    widget.say("It is BTC, 0.05")
    console.page.goto(f"/console/c/{conversation_of(visitor)}/")
    console.reply_live("Looking into it now.")
    expect(widget.message("Looking into it now.")).to_be_visible()
    expect(widget.messages).to_have_count(3)
    live = log_of(visitor)

    visitor.reload()
    widget.launcher.wait_for()
    widget.open()
    expect(widget.messages).to_have_count(3)
    # One more live message: everything the server replayed before it is in, too.
    console.reply_live("Found it.")
    expect(widget.message("Found it.")).to_be_visible()
    after_reload = log_of(visitor)
    assert after_reload[:-1] == live  # the same entries, from the server, each once
    assert after_reload[-1][1] == "Found it."
    seqs = [int(seq) for seq, _text in after_reload]
    assert seqs == sorted(set(seqs)), after_reload
    texts = ["Withdrawal stuck since yesterday", "It is BTC, 0.05", "Looking into it now."]
    expect(widget.messages).to_have_text([re.compile(re.escape(t)) for t in [*texts, "Found it."]])
    assert visitor.watch.clean(), vars(visitor.watch)


def test_the_demo_trader_chats_as_their_account(server, new_page, agent):
    agent()
    visitor = new_page()
    widget = ChatWidget(visitor).visit("?as=trader")
    expect(visitor.get_by_text("Signed in as 王磊.")).to_be_visible()
    widget.open()
    widget.say("Where is my BTC withdrawal?")
    conversation = conversation_of(visitor)
    assert stored(server, conversation, "c.customer.uid") == TRADER_UID

    # The same trader on another device finds the chat, without its token.
    device = new_page()
    other = ChatWidget(device).visit("?as=trader").open()
    expect(other.message("Where is my BTC withdrawal?")).to_be_visible()
    assert conversation_of(device) == conversation
    # An anonymous visitor does not.
    stranger = new_page()
    anonymous = ChatWidget(stranger).visit().open().wait_connected()
    expect(anonymous.messages).to_have_count(0)
    for page in (visitor, device, stranger):
        assert page.watch.clean(), vars(page.watch)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_accessibility_and_phone_layout(new_page, agent, language):
    locale = LOCALES[language]
    visitor = new_page(locale=locale)
    phone = new_page(locale=locale, viewport=PHONE)
    widget = ChatWidget(visitor).visit()
    expect(visitor.locator("aside.exdesk")).to_have_attribute(
        "lang", "zh-Hans" if language == "zh-hans" else "en"
    )
    if language == "zh-hans":
        expect(widget.launcher).not_to_contain_text("Chat with support")
    check_accessibility(visitor)  # the widget closed

    widget.open()
    expect(widget.leave_form).to_be_visible()
    check_accessibility(visitor)  # nobody online: leave a message
    phone_widget = ChatWidget(phone).visit().open()
    expect(phone_widget.leave_form).to_be_visible()
    assert fits_phone_width(phone)
    assert widget_fits(phone)

    console = agent(language=language)
    visitor.reload()
    widget.launcher.wait_for()
    widget.open()
    expect(widget.input).to_be_visible()
    check_accessibility(visitor)  # the chat, empty
    phone.reload()
    phone_widget.launcher.wait_for()
    phone_widget.open()
    expect(phone_widget.input).to_be_visible()
    phone_widget.say(f"Phone check {language}")
    assert fits_phone_width(phone)
    assert widget_fits(phone)

    subject = f"KYC review {language}"
    widget.say(subject)
    agent_page = console.page
    expect(agent_page.locator("html")).to_have_attribute("lang", re.compile(language, re.I))
    expect(agent_page.locator("[data-live-inbox-notice] a")).to_be_visible()
    expect(agent_page.locator("[data-live-count]")).to_be_visible()
    check_accessibility(agent_page)  # the inbox with badge and notice

    agent_page.goto(f"/console/c/{conversation_of(visitor)}/")
    console.reply_live("Please upload a clearer photo.")
    expect(widget.message("Please upload a clearer photo.")).to_be_visible()
    expect(agent_page.locator("[data-live-read]")).not_to_be_empty()
    widget.input.fill("OK")
    expect(agent_page.locator("[data-live-typing]")).not_to_be_empty()
    check_accessibility(agent_page)  # live events, typing, read receipt
    check_accessibility(visitor)  # the chat with messages both ways
    for page in (visitor, phone, agent_page):
        assert page.watch.clean(), vars(page.watch)


XSS = "<img src=x onerror=alert(1)> and <script>alert(2)</script>"


def assert_inert(page, root: str = "document"):
    injected = page.evaluate(f"{root}.querySelectorAll({json.dumps(INJECTED_SELECTOR)}).length")
    assert injected == 0, f"payload markup in the DOM of {page.url}"
    assert page.evaluate("window.__xss === undefined")
    assert page.watch.dialogs == [], page.watch.dialogs


def test_hostile_messages_are_shown_as_text(new_page, agent):
    # CSP would block inline handlers anyway: bypass it so escaping alone is tested.
    console = agent(bypass_csp=True)
    visitor = new_page(bypass_csp=True)
    widget = ChatWidget(visitor).visit().open()
    widget.say(XSS)  # the first message: also the subject in the inbox and the heading
    shadow = "document.getElementById('exdesk-widget').shadowRoot"
    expect(widget.message(XSS).locator(".text")).to_have_text(XSS)

    agent_page = console.page
    agent_page.reload()
    link = agent_page.get_by_role("link", name=XSS)
    expect(link).to_be_visible()
    assert_inert(agent_page)
    link.click()
    agent_page.wait_for_load_state()
    timeline = console.timeline
    expect(timeline.locator("li[data-kind=customer_message] .event-body")).to_have_text(XSS)
    expect(widget.message(XSS).locator(".status")).to_have_text("Read")  # watching now

    live = "again, live: " + XSS
    widget.say(live)
    expect(timeline.locator("li[data-kind=customer_message] .event-body").last).to_have_text(live)
    console.reply_live("You wrote: " + XSS)
    expect(visitor.locator(".msg-agent .text")).to_have_text("You wrote: " + XSS)
    assert_inert(agent_page)
    assert_inert(visitor, shadow)
    assert_inert(visitor)
    for page in (visitor, agent_page):
        assert page.watch.clean(), vars(page.watch)


def test_a_rated_chat_reaches_the_dashboard_and_the_agents_figures(server, new_page, agent):
    """The customer rates a solved chat in the widget; the supervisor's dashboard and
    alice's row of agent performance count it (a solve and a rating refresh the
    conversation's facts through the task queue)."""
    header = shell(
        server,
        "from exdesk import testing; from exdesk.accounts.choices import Role; "
        "print(testing.session_cookie(testing.staff('sam', role=Role.SUPERVISOR)))",
    )
    name, value = header.split("=", 1)
    supervisor = new_page()
    supervisor.context.add_cookies([{"name": name, "value": value, "url": server.url}])
    supervisor.goto("/console/analytics/?tz=Asia/Shanghai")
    rated = supervisor.locator(".stat").filter(has_text="Satisfaction (1–5)")
    rated_before = rated.get_by_role("link").inner_text()
    supervisor.goto("/console/analytics/agents/?tz=Asia/Shanghai")
    check_accessibility(supervisor)
    alice_row = supervisor.get_by_role("row").filter(
        has=supervisor.get_by_role("rowheader", name="alice")
    )
    handled_before = int(alice_row.get_by_role("cell").nth(0).inner_text())

    console = agent()
    visitor = new_page()
    widget = ChatWidget(visitor).visit()
    widget.launcher.wait_for()
    widget.open()
    question = "Where is my ETH withdrawal from this morning?"
    widget.say(question)
    console.page.reload()
    console.open_conversation(question)
    console.page.get_by_role("button", name="Take it").click()
    console.page.wait_for_load_state()
    console.wait_connected()
    console.reply_live("It left at 09:12; here is the TxID.")
    expect(visitor.locator(".msg-agent").filter(has_text="TxID")).to_be_visible()
    widget.end()
    widget.rate(1, "Too slow")
    expect(visitor.get_by_text("Thank you for your feedback.")).to_be_visible()

    def reloaded_until(path: str, found) -> None:
        for _ in range(40):
            supervisor.goto(path)
            if found():
                return
            supervisor.wait_for_timeout(250)
        raise AssertionError(f"{path} did not change")

    reloaded_until(
        "/console/analytics/?tz=Asia/Shanghai",
        lambda: rated.get_by_role("link").inner_text() != rated_before,
    )
    expect(supervisor.get_by_text("Too slow")).to_be_visible()  # the customer's comment
    check_accessibility(supervisor)
    reloaded_until(
        "/console/analytics/agents/?tz=Asia/Shanghai",
        lambda: int(alice_row.get_by_role("cell").nth(0).inner_text()) == handled_before + 1,
    )
    expect(alice_row.get_by_role("cell").nth(4)).to_contain_text("(1)")  # rated once
