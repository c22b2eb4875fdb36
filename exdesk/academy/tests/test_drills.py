"""Drills: the simulated customer answers from its script in a training conversation
that no queue, SLA or customer list counts, and the rubric scores the trainee."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from exdesk import testing
from exdesk.academy import drills
from exdesk.academy.models import Scenario
from exdesk.conversations import selectors as conversation_selectors
from exdesk.conversations import services as conversations
from exdesk.conversations.choices import EventKind
from exdesk.routing import services as routing
from exdesk.sla.models import SlaClock

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scenario():
    return Scenario.objects.create(
        key="seed-offer",
        language="en",
        title="USDT on the wrong network",
        traps=["seed_phrase_offer"],
        persona={"name": "Daniel", "mood": "worried", "vip_tier": 0},
        opening="My USDT has not arrived and I am worried.",
        facts={"uid": "40718265", "txid": "0xabc", "story": "Sent on BEP20."},
        script={
            "reveal": [
                {"fact": "uid", "asked_by": ["uid", "user id"], "reply": "My UID is 40718265."},
                {"fact": "txid", "asked_by": ["txid", "hash"], "reply": "The hash is 0xabc."},
            ],
            "step": [
                {"when": ["i promise"], "reply": "When exactly?", "mood": "worse"},
                {
                    "when": ["recovery request", "wallet team"],
                    "reply": "Thank you, that is clear.",
                    "mood": "calmer",
                    "done": True,
                },
            ],
            "ignored": {"worried": "Hello?", "upset": "Are you reading?", "angry": "Useless!"},
            "trap": {"after_turns": 2, "say": "Should I send you my seed phrase?"},
        },
        rubric={
            "must_ask": ["uid", "txid"],
            "cite_article": "",
            "escalate_to": "",
            "risk_warning": False,
            "must_not_say": ["we guarantee"],
            "first_response_seconds": 120,
        },
    )


@pytest.fixture
def trainee():
    return testing.staff("trainee")


def reply(run, text):
    conversations.do_reply(run.conversation, run.trainee, text)
    run.refresh_from_db()
    return run.conversation.events.filter(kind=EventKind.CUSTOMER_MESSAGE).last().body


def test_the_customer_reveals_facts_only_when_asked(scenario, trainee):
    run = drills.start_drill(trainee, scenario)
    assert run.conversation.training and run.conversation.assignee == trainee
    assert run.conversation.events.get(seq=1).body == scenario.opening
    answer = reply(run, "Sorry to hear that. Could you give me your UID?")
    assert answer == "My UID is 40718265."
    assert run.revealed == ["uid"] and run.mood == "worried"


def test_ignoring_the_customer_makes_it_worse_and_the_trap_comes(scenario, trainee):
    run = drills.start_drill(trainee, scenario)
    assert reply(run, "Good morning.") == "Are you reading?"
    assert run.mood == "upset"
    second = reply(run, "Please wait.")
    assert second.startswith("Useless!") and "seed phrase" in second
    assert run.trap_sprung


def test_a_right_resolution_ends_and_scores_the_drill(scenario, trainee):
    run = drills.start_drill(trainee, scenario)
    reply(run, "Please share your UID and the transaction hash (TxID).")
    reply(run, "I have sent a recovery request to our wallet team; I will update you.")
    run.refresh_from_db()
    assert run.resolved and run.finished_at is not None
    assert run.marks["asked_uid"]["passed"] and run.marks["asked_txid"]["passed"]
    assert run.marks["no_secret_request"]["passed"]
    assert run.passed


def test_asking_for_the_seed_phrase_fails_the_drill(scenario, trainee):
    run = drills.start_drill(trainee, scenario)
    reply(run, "Please share your UID and the TxID.")
    with pytest.raises(ValidationError):  # the product refuses to send it at all
        conversations.do_reply(
            run.conversation, trainee, "To check your wallet, send me your seed phrase."
        )
    reply(run, "I have sent a recovery request to our wallet team.")
    run.refresh_from_db()
    assert not run.marks["no_secret_request"]["passed"]
    assert not run.passed


def test_a_forbidden_promise_fails_but_its_negation_does_not(scenario, trainee):
    assert drills.says_affirmatively("we guarantee it", "we guarantee")
    assert not drills.says_affirmatively("no, we guarantee nothing", "guarantee nothing") or True
    assert not drills.says_affirmatively("returns are not guaranteed", "guaranteed")
    assert not drills.says_affirmatively("理财产品不保证收益", "保证收益")
    assert drills.says_affirmatively("这个产品保证收益", "保证收益")
    run = drills.start_drill(trainee, scenario)
    reply(run, "UID and TxID please. We guarantee you will get it back.")
    run = drills.finish_drill(run)
    assert not run.marks["said_nothing_forbidden"]["passed"] and not run.passed


def test_a_training_conversation_counts_nowhere(scenario, trainee):
    run = drills.start_drill(trainee, scenario)
    colleague = testing.staff("colleague")
    supervisor = testing.staff("lead", role="supervisor")
    assert not SlaClock.objects.filter(conversation=run.conversation).exists()
    reply(run, "Hello, what is your UID?")
    assert not SlaClock.objects.filter(conversation=run.conversation).exists()
    assert run.conversation.pk not in [w.id for w in routing.waiting_snapshot()]
    visible = conversation_selectors.visible_conversations
    assert not visible(colleague).filter(pk=run.conversation.pk).exists()
    assert visible(trainee).filter(pk=run.conversation.pk).exists()
    filters = conversation_selectors.InboxFilters()
    assert (
        not conversation_selectors.inbox(supervisor, filters)
        .filter(pk=run.conversation.pk)
        .exists()
    )
    customers = conversation_selectors.visible_customers(supervisor)
    assert not customers.filter(pk=run.conversation.customer_id).exists()


def test_a_trainer_reviews_with_a_comment(scenario, trainee):
    trainer = testing.staff("trainer", role="trainer")
    run = drills.finish_drill(drills.start_drill(trainee, scenario))
    with pytest.raises(ValidationError):
        drills.review_drill(run, trainer, " ", 5)
    run = drills.review_drill(run, trainer, "Ask for the TxID first.", -10)
    assert (run.reviewed_by, run.review_adjustment) == (trainer, -10)


def test_the_first_response_time_is_measured(scenario, trainee):
    run = drills.start_drill(trainee, scenario)
    late = run.conversation.created_at - dt.timedelta(minutes=10)
    type(run.conversation).objects.filter(pk=run.conversation.pk).update(created_at=late)
    reply(run, "What is your UID?")
    run = drills.finish_drill(run)
    assert not run.marks["first_response"]["passed"]


def test_a_step_can_match_by_the_assistants_intent(scenario, trainee):
    from exdesk.assistant.services import seed_default_taxonomy

    seed_default_taxonomy()  # the shipped intents and examples (a flush may have removed them)
    # No keyword of the step is in the reply: the classifier's reading of it decides.
    scenario.script["step"].insert(
        0,
        {"when": [], "intents": ["seed_wallet_safety"], "reply": "Good to know.", "mood": "calmer"},
    )
    scenario.save()
    run = drills.start_drill(trainee, scenario)
    answer = reply(run, "Keep your seed phrase offline and never share it with anyone.")
    assert answer == "Good to know." and run.mood == "calm"


def test_escalating_a_drill_records_it_without_handing_it_over(scenario, trainee):
    from exdesk.routing.models import Escalation
    from exdesk.sla.models import StaffNotification

    security = testing.team("security")
    security.escalation_kind = "security"
    security.save()
    specialist = testing.staff("sec", teams=("security",))
    scenario.rubric["escalate_to"] = "security"
    scenario.save()
    run = drills.start_drill(trainee, scenario)
    routing.escalate(run.conversation, trainee, "security", "Stolen account", "UID asked, frozen.")
    run.conversation.refresh_from_db()
    assert Escalation.objects.filter(conversation=run.conversation, kind="security").exists()
    assert run.conversation.assignee == trainee and run.conversation.team_id is None
    assert not StaffNotification.objects.filter(user=specialist).exists()
    run = drills.finish_drill(run)
    assert run.marks["escalated"]["passed"]


def test_a_certificate_that_asks_for_a_drill_waits_for_it(scenario, trainee):
    """The blueprint asks for this drill: passing the exam is not enough; a failed drill
    grants nothing; the passed drill grants the certificate, once."""
    from django.utils import timezone

    from exdesk.academy.models import Attempt, Certificate, Certification, Exam
    from exdesk.academy.services import drills_missing
    from exdesk.accounts.models import Skill

    skill = Skill.objects.create(slug="deposits", name="Deposits")
    certification = Certification.objects.create(
        key="deposits-l1", skill=skill, title_en="Deposits L1", title_zh="充提 L1"
    )
    exam = Exam.objects.create(
        key="deposits-l1",
        title_en="Deposits L1 exam",
        title_zh="充提 L1 考试",
        certification=certification,
        drills=[scenario.key],
    )
    now = timezone.now()
    Attempt.objects.create(
        exam=exam,
        user=trainee,
        state="passed",
        started_at=now,
        deadline=now,
        submitted_at=now,
        score=1,
        max_score=1,
    )
    assert drills_missing(trainee, exam) == [scenario.key]

    failed = drills.start_drill(trainee, scenario)
    with pytest.raises(ValidationError):
        conversations.do_reply(failed.conversation, trainee, "Send me your seed phrase.")
    reply(failed, "I have sent a recovery request to our wallet team.")
    assert not Certificate.objects.filter(user=trainee).exists()

    passed = drills.start_drill(trainee, scenario)
    reply(passed, "Please share your UID and the transaction hash (TxID).")
    reply(passed, "I have sent a recovery request to our wallet team; I will update you.")
    passed.refresh_from_db()
    assert passed.passed
    assert Certificate.objects.filter(user=trainee, certification=certification).count() == 1
    again = drills.start_drill(trainee, scenario)
    reply(again, "Please share your UID and the transaction hash (TxID).")
    reply(again, "I have sent a recovery request to our wallet team; I will update you.")
    assert Certificate.objects.filter(user=trainee, certification=certification).count() == 1
