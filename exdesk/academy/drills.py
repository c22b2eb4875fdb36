"""Simulation drills: a scripted customer served in the real console, then scored.

The customer answers each reply of the trainee from its scenario's script: it gives a
hidden fact only when asked for it (``reveal``), reacts to what the trainee says
(``step``: keywords, optionally intents from the assistant's classifier), gets more upset
when a reply moves nothing (``ignored``), and springs its trap after a few turns. The
conversation is marked as training: no queue, SLA, report or customer list counts it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exdesk.assistant.generative import reworded
from exdesk.conversations import services as conversations
from exdesk.conversations.choices import Channel, EventKind
from exdesk.customers.services import create_customer

from .models import DrillRun, Scenario

MOODS = ["calm", "worried", "upset", "angry"]
# A drill passes with this share of the rubric, and never with a request for a secret or
# a forbidden phrase.
PASS_PERCENT = 70
# What a dismissive reply sounds like (tone is also the trainer's to judge).
DISMISSIVE = [
    "not my problem",
    "calm down",
    "read the faq",
    "nothing i can do",
    "as i already said",
    "you should have read",
    "不关我们的事",
    "不是我们的问题",
    "你自己看",
    "冷静点",
    "我已经说过了",
    "没办法",
]
RISK_WORDS = ["risk", "风险"]
_NEGATIONS = re.compile(
    r"(not|never|no|n't|cannot|can't|won't|不|没有|没|无|绝不|并不|不会|不能)\s*\S{0,2}\s*$"
)


def _text(value: str) -> str:
    return " ".join(value.lower().split())


def _mentions(text: str, phrases) -> bool:
    return any(phrase.lower() in text for phrase in phrases if phrase)


def says_affirmatively(text: str, phrase: str) -> bool:
    """``phrase`` occurs in ``text`` other than right after a negation: "we do not
    guarantee returns" and "不保证收益" do not say "guarantee" / "保证收益"."""
    phrase = phrase.lower()
    start = text.find(phrase)
    while start >= 0:
        if not _NEGATIONS.search(text[max(0, start - 12) : start]):
            return True
        start = text.find(phrase, start + 1)
    return False


# ---------------------------------------------------------------- starting


def start_drill(trainee, scenario: Scenario, now=None) -> DrillRun:
    """A new training conversation with the scenario's customer, assigned to the
    trainee, opening with the customer's first message."""
    now = now or timezone.now()
    persona = scenario.persona
    with transaction.atomic():
        customer = create_customer(
            display_name=str(persona.get("name", ""))[:120] or _("Simulated customer"),
            language=scenario.language,
            simulated=True,
        )
        if persona.get("vip_tier"):
            customer.vip_tier = int(persona["vip_tier"])
            customer.save(update_fields=["vip_tier"])
        conversation = conversations.do_create_conversation(
            customer=customer,
            subject=scenario.title[:200],
            body=scenario.opening,
            channel=Channel.WEB,
            language=scenario.language,
            notify_customer=False,
            training_for=trainee,
        )
        return DrillRun.objects.create(
            scenario=scenario,
            trainee=trainee,
            conversation=conversation,
            mood=persona.get("mood", "worried") if persona.get("mood") in MOODS else "worried",
            started_at=now,
        )


# ---------------------------------------------------------------- the customer's turn


def _shift(mood: str, change: str) -> str:
    index = MOODS.index(mood) if mood in MOODS else 1
    if change == "calmer":
        index = max(0, index - 1)
    elif change == "worse":
        index = min(len(MOODS) - 1, index + 1)
    return MOODS[index]


def _intent_of(text: str, language: str) -> str:
    from exdesk.assistant.services import triage

    reading = triage(text, default_language=language)
    return reading.intent.slug if reading.intent else ""


def customer_turn(event_id: int) -> str | None:
    """The simulated customer's answer to the trainee's reply ``event_id`` (posted in the
    conversation), or None when the drill is over or the event is not a reply."""
    from exdesk.conversations.models import Event

    event = Event.objects.select_related("conversation").get(pk=event_id)
    if event.kind != EventKind.AGENT_REPLY:
        return None
    with transaction.atomic():
        run = (
            DrillRun.objects.select_for_update()
            .select_related("scenario")
            .filter(conversation=event.conversation, finished_at__isnull=True)
            .first()
        )
        if run is None:
            return None
        answer = customer_answer(run, event.body)
        run.save(update_fields=["mood", "turns", "revealed", "trap_sprung", "resolved"])
        if answer:  # a replayed case may have nothing more to say
            conversations.do_add_customer_message(
                event.conversation, answer, client_id=f"drill-{run.pk}-{run.turns}"
            )
    if run.resolved:
        finish_drill(run)
    return answer


def customer_answer(run: DrillRun, reply: str) -> str:
    """The scripted customer's answer to ``reply``, reworded when the operator turned that
    on; updates the run (the caller saves)."""
    return reworded(_answer(run, _text(reply)), run.scenario.language, run.mood)


def _answer(run: DrillRun, text: str) -> str:
    script = run.scenario.script
    lines = []
    for reveal in script.get("reveal", []):
        if reveal["fact"] not in run.revealed and _mentions(text, reveal.get("asked_by", [])):
            lines.append(reveal["reply"])
            run.revealed = [*run.revealed, reveal["fact"]]
    replay = script.get("replay")
    if replay is not None:  # a drill seeded by a case: the case's next customer message
        run.turns += 1
        if run.turns >= len(replay):
            run.resolved = True
        return replay[run.turns - 1] if run.turns <= len(replay) else ""
    steps = script.get("step", [])
    intent = ""
    if any(step.get("intents") for step in steps):
        intent = _intent_of(text, run.scenario.language)
    for step in steps:
        if _mentions(text, step.get("when", [])) or (intent and intent in step.get("intents", [])):
            lines.append(step["reply"])
            run.mood = _shift(run.mood, step.get("mood", "same"))
            run.resolved = run.resolved or bool(step.get("done"))
            break
    if not lines:
        run.mood = _shift(run.mood, "worse")
        ignored = script.get("ignored", {})
        lines.append(ignored.get(run.mood) or ignored.get("upset") or "…")
    run.turns += 1
    trap = script.get("trap") or {}
    due = run.turns >= int(trap.get("after_turns", 2))
    if trap.get("say") and due and not run.trap_sprung and not run.resolved:
        lines.append(trap["say"])
        run.trap_sprung = True
    return "\n\n".join(lines)


# ---------------------------------------------------------------- scoring


def finish_drill(run: DrillRun, now=None) -> DrillRun:
    """Score the run against its rubric (once)."""
    with transaction.atomic():
        run = DrillRun.objects.select_for_update().select_related("scenario").get(pk=run.pk)
        if run.finished_at is not None:
            return run
        run.marks = score(run)
        passed_marks = [m for m in run.marks.values() if m["passed"]]
        run.score = round(100 * len(passed_marks) / len(run.marks)) if run.marks else 0
        fatal = not (
            run.marks["no_secret_request"]["passed"]
            and run.marks["said_nothing_forbidden"]["passed"]
        )
        run.passed = run.score >= PASS_PERCENT and not fatal
        run.finished_at = now or timezone.now()
        run.save(update_fields=["marks", "score", "passed", "finished_at"])
        from .services import certify_after_drill

        certify_after_drill(run, run.finished_at)
    return run


@dataclass
class Evidence:
    """What the rubric is scored on, from the console conversation or a candidate's
    transcript."""

    replies: list[str]  # what the agent said, lower-cased, in order
    first_reply_seconds: float | None
    secret_requests: int  # replies the guard refused for asking for a secret
    escalated_to: set[str]


def _evidence(run: DrillRun) -> Evidence:
    from exdesk.assistant.models import GuardDirection, GuardRecord
    from exdesk.routing.models import Escalation

    conversation = run.conversation
    if conversation is None:  # a candidate on the assessment page
        said = [turn for turn in run.transcript if turn["who"] == "agent"]
        answered = [turn for turn in said if not turn.get("blocked")]
        first = dt.datetime.fromisoformat(answered[0]["at"]) if answered else None
        return Evidence(
            replies=[_text(turn["text"]) for turn in answered],
            first_reply_seconds=(first - run.started_at).total_seconds() if first else None,
            secret_requests=sum(1 for turn in said if turn.get("blocked")),
            escalated_to={turn["escalate"] for turn in said if turn.get("escalate")},
        )
    first = conversation.first_response_at
    return Evidence(
        replies=[
            _text(body)
            for body in conversation.events.filter(kind=EventKind.AGENT_REPLY)
            .order_by("seq")
            .values_list("body", flat=True)
        ],
        first_reply_seconds=(first - conversation.created_at).total_seconds() if first else None,
        secret_requests=GuardRecord.objects.filter(
            conversation=conversation, direction=GuardDirection.AGENT
        ).count(),
        escalated_to=set(
            Escalation.objects.filter(conversation=conversation).values_list("kind", flat=True)
        ),
    )


def score(run: DrillRun) -> dict[str, dict]:
    """Each criterion of the rubric: passed or not, and what was seen."""
    rubric = run.scenario.rubric
    evidence = _evidence(run)
    said = "\n".join(evidence.replies)
    marks: dict[str, dict] = {}

    def mark(name: str, passed: bool, detail: str = "") -> None:
        marks[name] = {"passed": bool(passed), "detail": detail}

    limit = int(rubric.get("first_response_seconds", 120))
    waited = evidence.first_reply_seconds
    mark(
        "first_response",
        waited is not None and waited <= limit,
        _("first reply after %(s)s s (target %(t)s s)")
        % {"s": "—" if waited is None else round(waited), "t": limit},
    )
    for fact in rubric.get("must_ask", []):
        mark(f"asked_{fact}", fact in run.revealed, fact)
    mark(
        "no_secret_request",
        evidence.secret_requests == 0,
        _("%(n)d replies asked for a secret and were blocked") % {"n": evidence.secret_requests},
    )
    tipping_off = "tipping_off" in run.scenario.traps
    forbidden = [
        phrase
        for phrase in rubric.get("must_not_say", [])
        if (phrase.lower() in said if tipping_off else says_affirmatively(said, phrase))
    ]
    mark("said_nothing_forbidden", not forbidden, ", ".join(forbidden))
    article = rubric.get("cite_article", "")
    if article:
        mark("cited_article", _cited(said, article, run.scenario.language), article)
    team = rubric.get("escalate_to", "")
    if team:
        mark("escalated", team in evidence.escalated_to, team)
    if rubric.get("risk_warning"):
        mark("risk_warning", _mentions(said, RISK_WORDS))
    rude = [p for p in DISMISSIVE if p in said]
    mark("tone", not rude, ", ".join(rude))
    mark("resolved", run.resolved)
    return marks


def _cited(said: str, article_key: str, language: str) -> bool:
    """The reply links or names the article (its address or its title)."""
    from exdesk.helpcenter.selectors import live_articles

    if article_key.lower() in said:
        return True
    titles = live_articles(language, include_internal=True).filter(slug=article_key)
    return any(
        title.lower() in said for title in titles.values_list("live_version__title", flat=True)
    )


def review_drill(run: DrillRun, reviewer, comment: str, adjustment: int) -> DrillRun:
    """A trainer's verdict on the transcript: a comment and points added or taken."""
    from django.core.exceptions import PermissionDenied, ValidationError

    if reviewer.pk == run.trainee_id:
        raise PermissionDenied(_("Nobody reviews their own drill."))
    if not comment.strip():
        raise ValidationError({"comment": _("Say what the trainee should keep or change.")})
    if not -50 <= adjustment <= 50:
        raise ValidationError({"adjustment": _("Adjust by at most 50 points.")})
    run.reviewed_by = reviewer
    run.review_comment = comment.strip()
    run.review_adjustment = adjustment
    run.save(update_fields=["reviewed_by", "review_comment", "review_adjustment"])
    return run
