"""The community forum in a browser: a trader signed in by the exchange asks with a seed
phrase in the text (masked), another answers with a look-alike link (hidden), a new member's
outside link is refused without losing the text, votes, reports, and a moderator and an
agent act in the console. Then the XSS corpus in posts, and the pages on a phone without
JavaScript. Axe runs on every page with JavaScript."""

import time
from urllib.parse import urlencode

import pytest
from mnemonic import Mnemonic
from playwright.sync_api import expect

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.community import services
from exdesk.community.models import ForumCategory, Member, ModerationAction, Post, Topic
from exdesk.trust.demo import seed_demo_channels

from .conftest import check_accessibility, fits_phone_width, sign_in_with_session
from .test_stored_xss import assert_inert
from .xss_payloads import PAYLOADS

pytestmark = pytest.mark.browser

SECRET = "e2e-forum-secret"
SEED = Mnemonic("english").to_mnemonic(bytes(range(16)))
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def forum(settings, transactional_db):
    settings.CHAT_IDENTITY_SECRET = SECRET
    seed_demo_channels(testing.staff("registry", Role.ADMIN, teams=()))
    return ForumCategory.objects.create(
        slug="deposits", name_en="Deposits and withdrawals", name_zh_hans="充值与提现"
    )


def _sign_in_from_exchange(page, uid, name):
    ts = int(time.time())
    query = urlencode(
        {"uid": uid, "ts": ts, "sig": services.exchange_signature(uid, ts, SECRET), "name": name}
    )
    page.goto(f"/community/en/sign-in/exchange/?{query}")


def test_a_question_with_a_seed_phrase_a_lookalike_answer_and_moderation(
    new_page, live_server, forum
):
    asker = new_page()
    _sign_in_from_exchange(asker, "U-1", "Night Owl")
    expect(asker.get_by_role("link", name="Night Owl")).to_be_visible()
    check_accessibility(asker)
    asker.get_by_role("link", name="Ask a question").first.click()
    check_accessibility(asker)
    asker.get_by_label("Your question, in one line").fill("Is my wallet backup safe here?")
    asker.get_by_label("Details").fill(f"My words are {SEED} — did I do it right?")
    asker.get_by_label("Tags").fill("wallet, security")
    asker.get_by_role("button", name="Post your question").click()
    expect(asker.get_by_text("We hid what looked like a password")).to_be_visible()
    expect(asker.get_by_text("[seed phrase hidden]")).to_be_visible()
    assert "abandon" not in asker.content() and SEED.split()[1] not in asker.inner_text("main")
    check_accessibility(asker)
    topic = Topic.objects.get()

    helper = new_page()
    _sign_in_from_exchange(helper, "U-2", "Helper Hank")
    helper.goto(f"/community/en/t/{topic.pk}/")
    box = helper.get_by_role("textbox", name="Your answer")
    box.fill("Move funds now. Also read https://blog.example.net/backup")
    helper.get_by_role("button", name="Post your answer").click()
    expect(helper.get_by_text("New members cannot post links yet")).to_be_visible()
    # Refused, and nothing lost: the answer is still in the box.
    expect(helper.get_by_role("textbox", name="Your answer")).to_have_value(
        "Move funds now. Also read https://blog.example.net/backup"
    )
    check_accessibility(helper)
    helper.get_by_role("textbox", name="Your answer").fill(
        "Move your funds now, then check https://demoexchange-secure.example/restore"
    )
    helper.get_by_role("button", name="Post your answer").click()
    expect(helper.get_by_text("We hid a link that imitates")).to_be_visible()
    expect(
        helper.get_by_text("The forum hid a link that imitated an official channel.")
    ).to_be_visible()
    assert "demoexchange-secure" not in helper.content()
    answer = Post.objects.get(is_question=False)

    asker.goto(f"/community/en/t/{topic.pk}/")
    asker.get_by_role("button", name="Helpful (Helper Hank)", exact=True).click()
    expect(asker.get_by_text("1 vote", exact=True)).to_be_visible()
    asker.get_by_role("link", name="Report (Helper Hank)").click()
    check_accessibility(asker)
    asker.get_by_label("Scam or fake support").check()
    asker.get_by_role("button", name="Send the report").click()
    expect(asker.get_by_text("A moderator will look at it.")).to_be_visible()

    moderator = testing.staff("mia", role=Role.SENIOR_AGENT)
    console = new_page()
    sign_in_with_session(console, moderator, live_server.url)
    console.goto("/console/community/")
    check_accessibility(console)
    console.get_by_role("link", name="Is my wallet backup safe here?").first.click()
    check_accessibility(console)
    hide_form = console.locator("form").filter(
        has=console.get_by_role("button", name="Hide the post")
    )
    hide_form.get_by_label("Reason").fill("Urges moving funds")
    hide_form.get_by_role("button", name="Hide the post").click()
    expect(console.get_by_text("The post is hidden.")).to_be_visible()
    console.get_by_role("button", name="Lock").click()
    expect(console.get_by_text("The topic is locked.")).to_be_visible()
    console.goto("/console/community/log/")
    check_accessibility(console)
    expect(console.get_by_role("cell", name="Hid a post")).to_be_visible()
    assert set(ModerationAction.objects.values_list("kind", flat=True)) == {"hide_post", "lock"}

    asker.goto(f"/community/en/t/{topic.pk}/")
    assert "Move your funds now" not in asker.inner_text("main")
    expect(asker.get_by_text("This topic is locked")).to_be_visible()
    assert Post.objects.get(pk=answer.pk).hidden
    assert asker.watch.clean() and helper.watch.clean() and console.watch.clean()


def test_an_agent_answers_officially_and_readers_search_on_a_phone_without_javascript(
    new_page, live_server, forum
):
    member = Member.objects.create(display_name="Curious Cat")
    topic = services.ask(
        member, category=forum, language="en", title="Withdrawal waiting for review",
        body="It has been pending for two hours.",
    ).post.topic  # fmt: skip
    agent = testing.staff("alice", role=Role.AGENT)
    console = new_page()
    sign_in_with_session(console, agent, live_server.url)
    console.goto(f"/console/community/t/{topic.pk}/")
    console.get_by_role("textbox", name="Answer as the support team").fill(
        "Reviews finish within 24 hours; you get an e-mail when it is done."
    )
    console.get_by_label("Mark as the official answer").check()
    console.get_by_role("button", name="Post the answer").click()
    expect(console.get_by_text("Your answer is posted.")).to_be_visible()
    check_accessibility(console)

    reader = new_page(viewport=PHONE, java_script_enabled=False)
    reader.goto("/community/en/")
    assert fits_phone_width(reader)
    reader.get_by_label("Search the community and the help center").fill("withdrawal review")
    reader.get_by_role("button", name="Search").click()
    reader.get_by_role("link", name="Withdrawal waiting for review").click()
    expect(reader.get_by_text("Official answer").first).to_be_visible()
    expect(reader.get_by_text("Support team").first).to_be_visible()
    assert fits_phone_width(reader)
    reader.get_by_role("link", name="Sign in to answer").click()
    reader.get_by_label("E-mail address").fill("cat@example.org")
    reader.get_by_role("button", name="Send me a link").click()
    expect(reader.get_by_text("We sent a sign-in link to cat@example.org")).to_be_visible()

    page = new_page()
    for path in ("/community/zh-hans/", "/community/en/search/?q=review", "/community/en/sign-in/"):
        page.goto(path)
        check_accessibility(page)


def test_the_xss_corpus_is_inert_in_titles_posts_and_search(new_page, live_server, forum, settings):
    from django.utils import timezone

    settings.COMMUNITY_POSTS_PER_HOUR = 10 * len(PAYLOADS)

    author = Member.objects.create(display_name="Payload Pete", trusted_at=timezone.now())
    agent = testing.staff("alice", role=Role.SUPERVISOR)
    topics = []
    for n, payload in enumerate(PAYLOADS):
        title = f"T{n} {payload}"[:150]
        if len(title) < services.TITLE_MIN:
            title = title.ljust(services.TITLE_MIN, ".")
        published = services.ask(
            author, category=forum, language="en", title=title, body=payload, tags=payload[:30]
        )
        topic = published.post.topic
        services.staff_reply(agent, topic, payload)
        topics.append(topic)
    assert Topic.objects.count() == len(PAYLOADS)

    reader = new_page(bypass_csp=True)
    reader.goto("/community/en/")
    assert_inert(reader, "forum home")
    for topic in topics:
        reader.goto(f"/community/en/t/{topic.pk}/")
        assert_inert(reader, f"topic {topic.pk}")
    for payload in PAYLOADS[:12]:
        reader.goto("/community/en/search/?" + urlencode({"q": payload}))
        assert_inert(reader, f"search for {payload!r}")
        reader.goto("/community/en/?" + urlencode({"tag": payload[:40]}))
        assert_inert(reader, f"tag {payload!r}")
    console = new_page(bypass_csp=True)
    sign_in_with_session(console, agent, live_server.url)
    console.goto("/console/community/")
    assert_inert(console, "moderation queue")
    for topic in topics[:10]:
        console.goto(f"/console/community/t/{topic.pk}/")
        assert_inert(console, f"console topic {topic.pk}")
