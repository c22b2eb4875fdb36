"""The academy in a real browser: a trainer assigns the onboarding path; the trainee reads
a lesson and passes its check, fails the exam, waits out the cooldown (time travel),
passes, and the certificate sends them the conversations that need the skill until it
expires. axe-core on every page."""

import datetime as dt
from urllib.parse import urlparse

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from exdesk import testing
from exdesk.academy import services
from exdesk.academy.models import (
    Attempt,
    Certificate,
    Certification,
    Exam,
    LearningPath,
    Lesson,
    Module,
    PathStep,
    Question,
    ReviewFlag,
)
from exdesk.accounts.choices import Role
from exdesk.accounts.models import Skill
from exdesk.assistant.models import Intent
from exdesk.conversations import services as conversations
from exdesk.routing import services as routing

from .conftest import check_accessibility, sign_in_with_session

pytestmark = pytest.mark.browser

# In every explanation: it must reach no page, response or frame before submission.
KEY_MARKER = "KEY-EXPLANATION-7f3a"

QUESTIONS = [
    (
        "single",
        "What does support ask for first?",
        ["The TxID", "The 2FA code", "The password"],
        [0],
    ),
    ("multiple", "Which are secrets?", ["Seed phrase", "UID", "Private key"], [0, 2]),
    ("true_false", "Support may ask for a seed phrase to verify a wallet.", [], [False]),
    ("ordering", "Put the stolen-account steps in order.", ["Freeze", "Verify", "Escalate"], []),
]


@pytest.fixture
def academy(transactional_db):
    skill = Skill.objects.create(slug="security", name="Account security")
    module = Module.objects.create(key="account-security", title_en="Security", title_zh="安全")
    lesson = Lesson.objects.create(module=module, key="fake-support", language="en")
    services.publish_lesson(
        lesson, title="Fake support", body="## Who we are\n\nSupport never asks for secrets."
    )
    Question.objects.create(
        module=module,
        key="check-1",
        language="en",
        kind="true_false",
        prompt="Support never asks for your password.",
        answer=[True],
        lesson_key="fake-support",
    )
    for n, (kind, prompt, options, answer) in enumerate(QUESTIONS):
        Question.objects.create(
            module=module,
            key=f"exam-{n}",
            language="en",
            kind=kind,
            prompt=prompt,
            options=options,
            answer=answer,
            explanation=f"{KEY_MARKER} {n}",
        )
    certification = Certification.objects.create(
        key="security-l1", skill=skill, title_en="Security L1", title_zh="安全 L1", valid_days=180
    )
    exam = Exam.objects.create(
        key="security-l1",
        title_en="Security L1 exam",
        title_zh="安全 L1 考试",
        # Five questions: the lesson's check question is in the module's bank too.
        blueprint={module.key: 5},
        pass_mark=80,
        cooldown_hours=24,
        certification=certification,
    )
    path = LearningPath.objects.create(key="onboarding", title_en="Onboarding", title_zh="入职")
    PathStep.objects.create(path=path, position=0, module=module)
    PathStep.objects.create(path=path, position=1, exam=exam)
    Intent.objects.update_or_create(
        slug="account_stolen",
        defaults={
            "name_en": "Account stolen",
            "name_zh_hans": "账户被盗",
            "skill_slug": "security",
        },
    )
    return exam


def answer_sheet(page, attempt, right: bool) -> None:
    """Fill the exam form as someone who knows (or does not know) the answers."""
    questions = Question.objects.in_bulk([item["question"] for item in attempt.items])
    for item in attempt.items:
        question, order = questions[item["question"]], item["order"]
        name = f"q{question.pk}"
        if question.kind == "true_false":
            value = "true" if question.answer[0] == right else "false"
            page.locator(f"input[name={name}][value={value}]").check()
        elif question.kind == "ordering":
            ranks = order if right else list(reversed(order))
            for shown, original in enumerate(ranks):
                page.locator(f"input[name={name}-{shown}]").fill(str(original + 1))
        else:
            for shown, original in enumerate(order):
                if (original in question.answer) == right:
                    page.locator(f"input[name={name}][value='{shown}']").check()
                    if question.kind == "single":
                        break


def routed_to(trainee, settings) -> bool:
    """A new conversation about a stolen account: does routing give it to the trainee?"""
    routing.connect(trainee, "channel-tom")  # the console is still open
    settings.ROUTING_ENABLED = False  # created unrouted; the assistant's reading routes it
    conversation = testing.conversation(subject="My account was stolen")
    settings.ROUTING_ENABLED = True
    conversations.do_assistant_turn(conversation.pk, triage={"intent": "account_stolen"})
    routing.route_waiting()
    conversation.refresh_from_db()
    return conversation.assignee_id == trainee.pk


def test_onboarding_exam_certificate_and_routing(new_page, live_server, academy, settings):
    exam = academy
    trainer = testing.staff("tina", role=Role.TRAINER)
    trainee = testing.staff("tom")
    trainee.skills.set([Skill.objects.get(slug="security")])  # ticked, not yet certified
    routing.set_presence(trainee, "online")
    assert not routed_to(trainee, settings)

    # The trainer assigns the path.
    page = new_page()
    sign_in_with_session(page, trainer, live_server.url)
    page.goto("/console/training/trainer/")
    check_accessibility(page)
    page.get_by_label("Learning path").select_option(label="Onboarding")
    page.get_by_label("Agents").select_option(label="tom")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("The path was assigned to 1 people.")).to_be_visible()

    # The trainee reads the lesson and passes its check.
    page = new_page()
    sign_in_with_session(page, trainee, live_server.url)
    page.goto("/console/training/")
    check_accessibility(page)
    expect(page.get_by_role("heading", name="Onboarding")).to_be_visible()
    page.get_by_role("link", name="Fake support").click()
    check_accessibility(page)
    page.get_by_label("True", exact=True).check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_text("The lesson is complete.")).to_be_visible()

    # The exam: failed first. Everything the browser receives meanwhile is kept: HTML,
    # JSON and the console's WebSocket frames.
    received: list[str] = []

    def keep_response(response):
        if "text" in response.headers.get("content-type", "") or "json" in (
            response.headers.get("content-type", "")
        ):
            received.append(response.text())

    page.on("response", keep_response)
    page.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda frame: received.append(str(frame))),
    )
    page.goto("/console/training/")
    page.get_by_role("button", name="Start Security L1 exam").click()
    check_accessibility(page)
    attempt = Attempt.objects.get(user=trainee)
    page.reload()
    page.wait_for_timeout(500)  # frames the console's socket sends on connecting
    assert received and not any(KEY_MARKER in text or '"answer"' in text for text in received)
    answer_sheet(page, attempt, right=False)
    page.get_by_role("button", name="Submit the exam").click()
    expect(page.get_by_role("status")).to_contain_text("Failed")
    page.goto("/console/training/")
    expect(page.get_by_text("Next attempt from")).to_be_visible()

    # A day later (time travel), passed.
    Attempt.objects.filter(pk=attempt.pk).update(
        submitted_at=timezone.now() - dt.timedelta(hours=25)
    )
    page.reload()
    page.get_by_role("button", name="Start Security L1 exam").click()
    second = Attempt.objects.exclude(pk=attempt.pk).get(user=trainee)
    answer_sheet(page, second, right=True)
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    page.reload()  # the saved answers survive a reload
    page.get_by_role("button", name="Submit the exam").click()
    expect(page.get_by_role("status")).to_contain_text("Passed")
    certificate = Certificate.objects.get(user=trainee, certification__key=exam.key)
    page.goto("/console/training/")
    expect(page.get_by_text("valid until")).to_be_visible()

    # Certified: conversations that need the skill now come to the trainee.
    assert routed_to(trainee, settings)
    # Expired (time travel): they no longer do, without a restart.
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert not routed_to(trainee, settings)


def test_a_drill_in_the_console_and_the_trainers_pages(new_page, live_server, academy):
    from exdesk.academy import loader
    from exdesk.academy.models import DrillRun

    loader.load_starter_academy()
    trainer = testing.staff("tina", role=Role.TRAINER)
    trainee = testing.staff("tom")
    page = new_page()
    sign_in_with_session(page, trainee, live_server.url)
    page.goto("/console/training/drills/")
    check_accessibility(page)
    page.get_by_role(
        "button", name="Start the drill USDT sent on BEP20 to a TRC20 deposit address"
    ).click()
    expect(page.get_by_text("Training drill: the customer is simulated.")).to_be_visible()
    run = DrillRun.objects.get(trainee=trainee)
    reply = page.locator("form[data-live-form=reply]")
    reply.locator("textarea[name=body]").fill("I am sorry. What is your UID, please?")
    reply.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("What is your UID, please?")).to_be_visible()
    # The simulated customer answers in the conversation.
    page.goto(f"/console/c/{run.conversation_id}/")
    expect(page.get_by_text("My UID is 40718265.")).to_be_visible()
    page.get_by_role("link", name="The drill's page").click()
    check_accessibility(page)
    page.get_by_role("button", name="Finish the drill").click()
    expect(page.get_by_role("status")).to_contain_text("Score")
    check_accessibility(page)
    run.refresh_from_db()
    assert "uid" in run.revealed and run.finished_at is not None

    reviewer = new_page()
    sign_in_with_session(reviewer, trainer, live_server.url)
    reviewer.goto(f"/console/training/drills/{run.pk}/")
    check_accessibility(reviewer)
    reviewer.get_by_label("Comment").fill("Good start: also ask for the TxID.")
    reviewer.get_by_role("button", name="Save the review").click()
    expect(reviewer.get_by_text("The review is saved.")).to_be_visible()

    # A short answer waits for the trainer, who grades it against the rubric.
    module = Module.objects.create(key="written", title_en="Written", title_zh="笔试")
    text = Question.objects.create(
        module=module,
        key="why-never",
        language="en",
        kind="text",
        prompt="Why does support never ask for a seed phrase?",
        rubric="Whoever has it owns the funds.",
        points=2,
    )
    exam = Exam.objects.create(
        key="written", title_en="Written test", title_zh="笔试", blueprint={module.key: 1}
    )
    attempt = services.start_attempt(trainee, exam)
    services.save_answers(attempt.pk, trainee, {text.pk: "It gives the wallet away."})
    services.submit_attempt(attempt.pk, trainee)
    # An article a lesson relies on changed: the trainer's page lists it for review.
    lesson = Lesson.objects.get(key="fake-support", language="en")
    ReviewFlag.objects.create(lesson=lesson, article_slug="official-channels", article_version=2)
    reviewer.goto("/console/training/trainer/")
    check_accessibility(reviewer)
    reviewer.get_by_role("button", name="Reviewed", exact=True).click()
    expect(reviewer.get_by_text("Marked as reviewed.")).to_be_visible()
    reviewer.get_by_role("link", name="Written test — tom").click()
    check_accessibility(reviewer)
    reviewer.get_by_label("Points (0 to 2)").fill("2")
    reviewer.get_by_role("button", name="Save the grades").click()
    expect(reviewer.get_by_text("The answers are graded.")).to_be_visible()
    reviewer.get_by_role("link", name="Item analysis of the question bank").click()
    check_accessibility(reviewer)


def test_a_case_is_made_reviewed_and_read(new_page, live_server):
    trainer = testing.staff("tina", role=Role.TRAINER)
    second = testing.staff("olga", role=Role.TRAINER)
    agent = testing.staff("tom")
    customer = testing.customer(uid="40718265", display_name="Daniel Okafor")
    conversation = testing.conversation(
        who=customer, body="I'm Daniel Okafor, UID 40718265, my e-mail is d.okafor@example.com."
    )
    conversations.do_reply(conversation, agent, "Thanks, Daniel: we are on it.")
    conversations.do_change_status(conversation, agent, "solved")

    page = new_page()
    sign_in_with_session(page, trainer, live_server.url)
    page.goto(f"/console/c/{conversation.pk}/")
    page.get_by_role("button", name="Make a training case of it").click()
    expect(page.locator("mark").first).to_be_visible()
    assert "Okafor" not in page.locator("ol.timeline").inner_text()
    check_accessibility(page)
    page.get_by_role("button", name="Submit for review").click()
    case_url = page.url

    reviewer = new_page()
    sign_in_with_session(reviewer, second, live_server.url)
    reviewer.goto(case_url)
    reviewer.get_by_role("button", name="Publish").click()
    expect(reviewer.get_by_text("The case is published.")).to_be_visible()

    reader = new_page()
    sign_in_with_session(reader, agent, live_server.url)
    reader.goto("/console/training/cases/")
    check_accessibility(reader)
    reader.get_by_role("link", name="Deposit not credited").click()
    expect(reader.locator("mark").first).to_be_visible()
    check_accessibility(reader)


def test_a_candidate_takes_the_assessment_and_never_sees_the_console(
    new_page, live_server, academy, mailoutbox
):
    from exdesk.academy.models import Candidate, Scenario

    from .conftest import fits_phone_width

    Scenario.objects.create(
        key="missing-deposit",
        language="en",
        title="A missing deposit",
        persona={"name": "Mia", "mood": "worried"},
        opening="My deposit has not arrived.",
        script={
            "reveal": [{"fact": "txid", "asked_by": ["txid"], "reply": "The TxID is 0xab12."}],
            "step": [{"when": ["recovery request"], "reply": "Thank you.", "done": True}],
            "ignored": {"upset": "Hello?"},
        },
        rubric={"must_ask": ["txid"], "first_response_seconds": 600},
    )
    recruiter = testing.staff("rita", role=Role.TRAINER)
    page = new_page()
    sign_in_with_session(page, recruiter, live_server.url)
    page.goto("/console/training/recruitment/")
    check_accessibility(page)
    page.get_by_label("Candidate's name").fill("Lin Wei")
    page.get_by_label("Candidate's e-mail").fill("lin@example.com")
    page.get_by_label("Language of the assessment").select_option("en")
    page.get_by_label("Written exam").select_option(label="Security L1 exam")
    page.get_by_label("Scenario test").select_option(label="missing-deposit (en)")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Lin Wei is invited")).to_be_visible()
    mailed = next(line for line in mailoutbox[-1].body.splitlines() if "/assess/link/" in line)
    link = urlparse(mailed.strip()).path  # the mail names EXDESK_SITE_URL; here, the live server

    # The candidate, on a phone, with no account.
    candidate_page = new_page(viewport={"width": 390, "height": 800})
    candidate_page.goto(link)
    expect(candidate_page.get_by_role("heading", name="Welcome, Lin Wei")).to_be_visible()
    assert "/assess/link/" not in candidate_page.url  # the token leaves the address bar
    assert fits_phone_width(candidate_page)
    check_accessibility(candidate_page)
    assert candidate_page.locator("a[href^='/console']").count() == 0
    candidate_page.get_by_role("link", name="Start the written exam").click()
    check_accessibility(candidate_page)
    attempt = Candidate.objects.get(name="Lin Wei").attempt
    answer_sheet(candidate_page, attempt, right=True)
    candidate_page.get_by_role("button", name="Submit the exam").click()
    expect(candidate_page.get_by_text("Submitted. Thank you.")).to_be_visible()
    candidate_page.get_by_role("link", name="Start the scenario").click()
    check_accessibility(candidate_page)
    expect(candidate_page.get_by_text("My deposit has not arrived.")).to_be_visible()
    reply = candidate_page.get_by_label("Your reply to the customer")
    reply.fill("Sorry for the wait. What is the TxID of the deposit?")
    candidate_page.get_by_role("button", name="Send the reply").click()
    expect(candidate_page.get_by_text("The TxID is 0xab12.")).to_be_visible()
    reply.fill("I have opened a recovery request for you.")
    candidate_page.get_by_role("button", name="Send the reply").click()
    expect(candidate_page.get_by_text("Finished. Thank you.")).to_be_visible()
    candidate_page.get_by_role("button", name="Send my assessment").click()
    expect(candidate_page.get_by_role("heading", name="Thank you")).to_be_visible()
    check_accessibility(candidate_page)

    # Forwarded or reopened, the link opens nothing.
    other = new_page()
    other.goto(link)
    expect(other.get_by_role("heading", name="This link cannot be opened")).to_be_visible()
    check_accessibility(other)

    # The recruiter reads the results.
    page.goto("/console/training/recruitment/")
    page.get_by_role("link", name="Lin Wei").click()
    check_accessibility(page)
    expect(page.get_by_text("What is the TxID of the deposit?")).to_be_visible()
    expect(page.get_by_text("100%").first).to_be_visible()


def test_trainers_write_lessons_and_read_the_teams_record(new_page, live_server, academy):
    author = testing.staff("tina", role=Role.TRAINER)
    reviewer = testing.staff("rick", role=Role.TRAINER)
    module = Module.objects.get(key="account-security")
    page = new_page()
    sign_in_with_session(page, author, live_server.url)
    page.goto("/console/training/curriculum/")
    check_accessibility(page)
    page.goto(f"/console/training/curriculum/modules/{module.pk}/lessons/new/")
    check_accessibility(page)
    page.get_by_label("Key:", exact=True).fill("cold-wallets")
    page.get_by_label("Language:", exact=True).select_option("en")
    page.get_by_label("Title:", exact=True).fill("Cold wallets")
    page.get_by_label("Text (Markdown)").fill("## Offline keys\n\nKeys that never go online.")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("heading", name="Offline keys")).to_be_visible()  # the preview
    check_accessibility(page)
    page.get_by_role("button", name="Send to review").click()
    expect(page.get_by_text("The lesson is waiting for review.")).to_be_visible()
    page.get_by_role("link", name="Question bank").click()
    expect(page.get_by_role("button", name="Add to the bank")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Kind:").select_option("true_false")
    page.get_by_label("Part of the check of lesson:").select_option("cold-wallets")
    page.get_by_label("Question:", exact=True).fill("A cold wallet is online.")
    page.get_by_label("Right answer:").fill("false")
    page.get_by_role("button", name="Add to the bank").click()
    expect(page.get_by_text("The question is added to the bank.")).to_be_visible()
    page.get_by_role("link", name="A cold wallet is online.").click()
    check_accessibility(page)

    page = new_page()
    sign_in_with_session(page, reviewer, live_server.url)
    page.goto("/console/training/curriculum/")
    page.get_by_role("link", name="cold-wallets").click()
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_text("The lesson is published.")).to_be_visible()
    page.get_by_role("link", name="Read as a learner").click()
    expect(page.get_by_role("heading", name="Cold wallets")).to_be_visible()

    page.goto("/console/training/team/")
    check_accessibility(page)
    page.get_by_role("link", name="tina").first.click()
    expect(page.get_by_role("heading", name="Service in the last 30 days")).to_be_visible()
    check_accessibility(page)
