"""The assistant's rules: the intent taxonomy and its model, triage of each customer
message, and the bot's turn in a chat. Views, the CLI and tasks call these."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import re
import tempfile
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import translation
from django.utils.translation import gettext as _

from exdesk.accounts.models import Team
from exdesk.accounts.permissions import manages_assistant
from exdesk.conversations import services as conversations
from exdesk.conversations.choices import BOT_CHANNELS, EventKind, Priority
from exdesk.conversations.models import Category, Conversation, Event

from . import classifier, generative, guard, reading
from .classifier import IntentClassifier, OutdatedModel, Prediction
from .models import HUMAN_ONLY, CannedResponse, Handling, Intent, IntentExample, IntentModel
from .safety import bot_name, security_intent_warning

log = logging.getLogger(__name__)

INTENTS_DIR = Path(__file__).resolve().parent / "intents"
# Below this calibrated confidence the assistant does not trust its reading.
MIN_CONFIDENCE = getattr(settings, "ASSISTANT_MIN_CONFIDENCE", 0.45)
# The bot answers only when it is this sure.
BOT_MIN_CONFIDENCE = getattr(settings, "ASSISTANT_BOT_MIN_CONFIDENCE", 0.6)
LANGUAGES = {"en": "en", "zh-Hans": "zh-hans"}
# Intents of the conversation itself, not of the case: they never replace a case intent.
CONVERSATIONAL = {"greeting", "complaint"}


# ---------------------------------------------------------------- the default taxonomy


def _read_toml(name: str) -> dict:
    with (INTENTS_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


def default_examples() -> list[tuple[str, str, str, bool]]:
    """(intent, language, text, held_out) from the shipped files."""
    rows = []
    for file_language, language in LANGUAGES.items():
        for slug, sets in _read_toml(f"{file_language}.toml").items():
            rows += [(slug, language, text, False) for text in sets.get("train", [])]
            rows += [(slug, language, text, True) for text in sets.get("test", [])]
    return rows


def seed_default_taxonomy(
    intent_model=Intent, example_model=IntentExample, response_model=CannedResponse
) -> int:
    """Add the shipped intents, examples and canned responses that are not there yet;
    what the exchange changed stays. (Migrations pass their historical models.)"""
    taxonomy = _read_toml("taxonomy.toml")
    intents = {}
    for position, (slug, spec) in enumerate(taxonomy.items()):
        intents[slug], _created = intent_model.objects.get_or_create(
            slug=slug,
            defaults={
                "name_en": spec["name_en"],
                "name_zh_hans": spec["name_zh"],
                "about": spec.get("about", ""),
                "category_slug": spec.get("category", ""),
                "team_slug": spec.get("team", ""),
                "skill_slug": spec.get("skill", ""),
                "priority": spec.get("priority", Priority.P2),
                "handling": spec.get("handling", Handling.BOT),
                "article_keys": spec.get("articles", []),
                "position": position,
            },
        )
    existing = set(example_model.objects.values_list("intent__slug", "language", "text"))
    new = [
        example_model(intent=intents[slug], language=language, text=text, held_out=held_out)
        for slug, language, text, held_out in default_examples()
        if slug in intents and (slug, language, text) not in existing
    ]
    example_model.objects.bulk_create(new)
    if not response_model.objects.exists():
        response_model.objects.bulk_create(
            response_model(
                intent=intents.get(item["intent"]),
                language=LANGUAGES.get(item["language"], item["language"]),
                title=item["title"][:120],
                body=item["body"].strip(),
            )
            for item in _read_toml("canned.toml").get("response", [])
        )
    return len(new)


# ---------------------------------------------------------------- the live model


def _training_rows() -> list[tuple[str, str]]:
    return list(
        IntentExample.objects.filter(held_out=False, intent__active=True).values_list(
            "text", "intent__slug"
        )
    )


def train(rows: list[tuple[str, str]]) -> tuple[IntentClassifier, dict]:
    if not rows:
        raise ValueError(_("There are no examples to learn from."))
    started = time.perf_counter()
    model = IntentClassifier().fit([t for t, _l in rows], [label for _t, label in rows])
    metrics = {
        "examples": len(rows),
        "intents": len({label for _t, label in rows}),
        "train_seconds": round(time.perf_counter() - started, 2),
    }
    return model, metrics


def default_training_rows() -> list[tuple[str, str]]:
    """The shipped training examples, as a fresh install's database holds them."""
    return [(text, slug) for slug, _lang, text, held_out in default_examples() if not held_out]


def trained_from(rows: list[tuple[str, str]]) -> IntentClassifier:
    """A model of these examples: trained once per set of examples and kept on disk
    (``ASSISTANT_MODEL_CACHE``), so that a restarted worker does not train again while
    customers wait. Sorted first: the same examples give the same model."""
    rows = sorted(rows)
    # The classifier's own code is part of the key: a changed recipe trains again.
    recipe = hashlib.sha256(Path(classifier.__file__).read_bytes()).hexdigest()
    digest = hashlib.sha256(json.dumps([recipe, rows], ensure_ascii=False).encode()).hexdigest()[
        :24
    ]
    folder = Path(settings.ASSISTANT_MODEL_CACHE)
    path = folder / f"intents-{digest}.pickle"
    if path.exists():
        try:
            return IntentClassifier.loads(path.read_bytes())
        except (OutdatedModel, TypeError, EOFError, pickle.UnpicklingError):
            log.warning("the cached intent model %s is unreadable; training again", path.name)
    model = train(rows)[0]
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, delete=False) as handle:
        handle.write(model.dumps())
    os.replace(handle.name, path)
    return model


def retrain(actor=None) -> IntentModel:
    """Train on the current examples and make the result the live model."""
    model, metrics = train(_training_rows())
    metrics.update(held_out_report(model))
    return IntentModel.objects.create(created_by=actor, artifact=model.dumps(), metrics=metrics)


def _examples_stamp() -> tuple:
    stamp = IntentExample.objects.filter(held_out=False, intent__active=True).aggregate(
        n=Count("id"), last=Max("id"), intents=Count("intent", distinct=True)
    )
    return stamp["n"], stamp["last"], stamp["intents"]


class _LiveModel:
    """The newest stored model, loaded once per process. With none stored yet, one is
    trained from the examples in the database (and kept in memory for as long as they
    do not change), so a new install triages from its first message."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: object = None
        self.model: IntentClassifier | None = None

    def get(self) -> IntentClassifier | None:
        latest = IntentModel.objects.order_by("-created_at", "-pk").values_list("pk", flat=True)
        stored = latest.first()
        with self.lock:
            if stored is not None:
                if self.key == ("stored", stored):
                    return self.model
                artifact = IntentModel.objects.values_list("artifact", flat=True).get(pk=stored)
                try:
                    self.model = IntentClassifier.loads(bytes(artifact))
                    self.key = ("stored", stored)
                    return self.model
                except OutdatedModel:
                    # After an upgrade: answer from the examples until someone retrains.
                    log.warning("intent model %s predates this version; retrain it", stored)
            # Examples are added and deleted, never edited: their count and newest id,
            # with the active intents, say whether the set changed (one cheap query on
            # every message instead of reading them all).
            key = ("examples", *_examples_stamp())
            if self.key != key:
                rows = _training_rows()
                if not rows:
                    return None
                self.model, self.key = trained_from(rows), key
            return self.model


live_model = _LiveModel()


def held_out_report(model: IntentClassifier | None = None) -> dict:
    """Precision and recall per intent on the held-out examples (docs/assistant.md)."""
    from .evaluation import per_label

    model = model or live_model.get()
    rows = list(
        IntentExample.objects.filter(held_out=True, intent__active=True).values_list(
            "text", "intent__slug", "language"
        )
    )
    if model is None or not rows:
        return {}
    predicted = [p.label for p in model.predict_many([t for t, _l, _g in rows])]
    truth = [label for _t, label, _g in rows]
    report: dict = {"held_out": len(rows)}
    for language in sorted({g for _t, _l, g in rows}):
        pairs = [(t, p) for (_x, t, g), p in zip(rows, predicted, strict=True) if g == language]
        report[f"accuracy_{language}"] = round(sum(t == p for t, p in pairs) / len(pairs), 4)
    report["accuracy"] = round(
        sum(t == p for t, p in zip(truth, predicted, strict=True)) / len(truth), 4
    )
    report["per_intent"] = per_label(truth, predicted)
    return report


# ---------------------------------------------------------------- triage


@dataclass
class Triage:
    language: str
    sentiment: str
    facts: dict
    prediction: Prediction | None = None
    intent: Intent | None = None
    priority: str | None = None
    team: Team | None = None
    category: Category | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def confident(self) -> bool:
        return self.intent is not None


def _raise(priority: str, floor: str = Priority.P1) -> str:
    """One step more urgent, but not past ``floor`` (P0 is for security)."""
    order = [Priority.P0, Priority.P1, Priority.P2, Priority.P3]
    return max(order[max(order.index(Priority(priority)) - 1, 0)], floor)


def triage(text: str, *, default_language: str = "en", vip_tier: int = 0) -> Triage:
    result = Triage(
        language=reading.detect_language(text, default_language),
        sentiment=reading.sentiment(text),
        facts=reading.facts(text).as_dict(),
    )
    model = live_model.get()
    if model is None:
        return result
    result.prediction = model.predict(text)
    if result.prediction.confidence >= MIN_CONFIDENCE:
        result.intent = Intent.objects.filter(slug=result.prediction.label, active=True).first()
    if result.intent is None:
        return result
    intent = result.intent
    priority = intent.priority
    if intent.handling != Handling.SECURITY:
        if result.sentiment in ("angry", "panicking"):
            priority = _raise(priority)
        if vip_tier >= 2:
            priority = _raise(priority)
    result.priority = priority
    result.team = Team.objects.filter(slug=intent.team_slug).first() if intent.team_slug else None
    result.category = (
        Category.objects.filter(slug=intent.category_slug).first() if intent.category_slug else None
    )
    return result


def triage_event(event_id: int) -> None:
    """Read one stored customer message, note what it says on the conversation, and let
    the bot take its turn in a chat."""
    event = Event.objects.select_related("conversation__customer").filter(pk=event_id).first()
    if event is None or not event.body:
        return
    conv = event.conversation
    from exdesk.trust.services import answer_chat_command

    if answer_chat_command(conv, event):  # "/verify <something>": the verdict, not a question
        return
    if conv.channel in BOT_CHANNELS and (
        conv.bot_state == conversations.BOT_HANDED_OVER
        or conv.events.filter(kind=EventKind.CUSTOMER_MESSAGE, seq__gt=event.seq).exists()
    ):
        # A person has the chat, or a newer message is queued and will be read instead:
        # when the queue runs behind, old messages cost one query, not a triage.
        return
    reading_ = triage(event.body, default_language=conv.language, vip_tier=conv.customer.vip_tier)
    prediction = reading_.prediction
    confidence = round(prediction.confidence, 3) if prediction else None
    if conv.intent and (reading_.intent is None or reading_.intent.slug in CONVERSATIONAL):
        # "no, that did not help" says nothing new about what the case is about.
        reading_.intent = Intent.objects.filter(slug=conv.intent).first()
        confidence = conv.intent_confidence
    # What the bot would answer is found before the transaction: a search, and with
    # generated answers an HTTP call, must not hold the database's write lock.
    answer = None
    if conv.channel in BOT_CHANNELS and _bot_may_speak(conv) and _may_answer(reading_):
        answer = _prepared_answer(reading_, event.body, _reply_language(conv, reading_))
    with transaction.atomic():
        _record_and_answer(conv, event, reading_, confidence, answer)


def _record_and_answer(conv, event, reading_: Triage, confidence, answer) -> None:
    """All the writes of one triage: one lock, one transaction, work computed first."""
    from exdesk.incidents import services as incidents

    turn = None
    incident = incidents.find_for(
        conv,
        intent=reading_.intent.slug if reading_.intent else "",
        networks=(reading_.facts or {}).get("networks", []),
        text=event.body,
    )
    if conv.channel in BOT_CHANNELS and _bot_may_speak(conv):
        if incident is not None and settings.ASSISTANT_BOT_ENABLED:
            # A declared incident: the approved script and the latest update, not an
            # article; "that did not help" still reaches a person.
            language = _reply_language(conv, reading_)
            body = incidents.customer_message(incident, language)
            turn = Turn(replies=[(body, _bot_data(language))], bot_state="answering")
        else:
            turn = (
                bot_turn(conv, event, reading_, answer) if settings.ASSISTANT_BOT_ENABLED else None
            )
        if turn is None:
            # No bot: the first reading is all a person needs; later messages are theirs.
            turn = Turn(bot_state=conversations.BOT_HANDED_OVER)
    elif (
        conv.channel not in BOT_CHANNELS
        and reading_.intent is not None
        and reading_.intent.handling == Handling.SECURITY
        and not conv.bot_state
    ):
        # A ticket about a stolen account or a phishing attempt: the safety steps now,
        # on the customer's tracking page, while the P0 case waits for Security.
        language = _reply_language(conv, reading_)
        turn = Turn(
            replies=[(security_intent_warning(language), _bot_data(language))],
            bot_state=conversations.BOT_HANDED_OVER,
        )
    turn = turn or Turn()
    conversations.do_assistant_turn(
        conv.pk,
        triage={
            "intent": reading_.intent.slug if reading_.intent else "",
            "confidence": confidence,
            "sentiment": reading_.sentiment,
            "entities": reading_.facts,
            "priority": reading_.priority,
            "team": reading_.team,
            "category": reading_.category,
        },
        replies=turn.replies,
        note=turn.note,
        bot_state=turn.bot_state,
    )
    if incident is not None:
        incidents.link(incident, conv, by="match")


# ---------------------------------------------------------------- the bot

_NOT_HELPED = re.compile(
    r"\bno\b|\bnope\b|didn'?t help|did not help|not help|doesn'?t help|useless|"
    r"\bhuman\b|\bperson\b|\bagent\b|real person|someone|"
    r"人工|没用|没有用|没帮助|不是这个|不对|客服|真人|转人工",
    re.IGNORECASE,
)
_HELPED = re.compile(
    r"^\s*(?:yes|yep|thanks?|thank you|ok(?:ay)?|great|solved|got it|"
    r"谢谢|好的|可以了|解决了|明白了|懂了)",
    re.IGNORECASE,
)


def _bot_may_speak(conv: Conversation) -> bool:
    return (
        conv.bot_state != conversations.BOT_HANDED_OVER
        and not conv.restricted  # a compliance case is answered by officers, by template
        and conv.assignee_id is None
        and conv.first_response_at is None
    )


def _reply_language(conv: Conversation, triaged: Triage) -> str:
    return "zh-hans" if triaged.language == "zh-hans" else conv.language


def _may_answer(triaged: Triage) -> bool:
    return (
        triaged.intent is not None
        and triaged.intent.handling not in HUMAN_ONLY
        and triaged.prediction is not None
        and triaged.prediction.confidence >= BOT_MIN_CONFIDENCE
    )


@dataclass
class Turn:
    """What the assistant says and notes in one step (written by do_assistant_turn)."""

    replies: list[tuple[str, dict]] = field(default_factory=list)
    note: tuple[str, dict] | None = None
    bot_state: str | None = None


@dataclass(frozen=True)
class Answer:
    title: str
    url: str
    summary: str
    generated: str | None


def _prepared_answer(triaged: Triage, question: str, language: str) -> Answer | None:
    assert triaged.intent is not None
    article = _answering_article(triaged.intent, language, question)
    if article is None:
        return None
    title, url, summary, text = article
    return Answer(
        title, url, summary, generative.grounded_answer(question, language, [(title, text)])
    )


def bot_turn(conv: Conversation, event: Event, triaged: Triage, answer: Answer | None) -> Turn:
    language = _reply_language(conv, triaged)
    intent = triaged.intent
    if conv.bot_state == "answering":
        if _HELPED.search(event.body) and not _NOT_HELPED.search(event.body):
            with translation.override(language):
                thanks = _("Glad that helped. Write here any time if you need anything else.")
            return Turn(replies=[(thanks, _bot_data(language))], bot_state="answering")
        # One article per chat: anything but "that helped" goes to a person.
        return hand_over(triaged, language, tried=_("an article that did not help"))
    if intent is not None and intent.slug == "greeting":
        # "Hello" is not a question yet: invite it, and read the next message.
        with translation.override(language):
            invite = _("Hello! Tell me what happened, and I will find the answer or a person.")
        if conv.bot_state == "greeted":
            return Turn()
        return Turn(replies=[(invite, _bot_data(language))], bot_state="greeted")
    if intent is None or triaged.prediction is None:
        return hand_over(triaged, language, tried=_("nothing: the question was not clear to it"))
    if intent.handling in HUMAN_ONLY:
        return hand_over(triaged, language, tried=_("nothing: this topic needs a person"))
    if answer is None or not _may_answer(triaged):
        return hand_over(triaged, language, tried=_("no confident answer"))
    title, url, generated = answer.title, answer.url, answer.generated
    with translation.override(language):
        if generated:
            lead = [generated, _("Source: %(title)s") % {"title": title}]
        else:
            lead = [
                _("This article may answer your question:"),
                f"{title}\n{answer.summary}".strip(),
            ]
        body = "\n\n".join([*lead, _("Did this help? Reply “yes”, or “no” to talk to a person.")])
    data = {
        **_bot_data(language),
        "article": {"title": title, "url": url},
        "generated": bool(generated),
    }
    return Turn(replies=[(body, data)], bot_state="answering")


def _bot_data(language: str) -> dict:
    return {"author": bot_name(language)}


def _answering_article(intent: Intent, language: str, text: str):
    """(title, absolute URL, summary, Markdown body) of the intent's first published
    article in this language, or of the best search hit."""
    from exdesk.helpcenter import search, selectors

    articles = {
        a.slug: a for a in selectors.live_articles(language).filter(slug__in=intent.article_keys)
    }
    chosen = next((articles[k] for k in intent.article_keys if k in articles), None)
    if chosen is None:
        hits = search.search(text, language, limit=1).hits
        chosen = hits[0].article if hits else None
    if chosen is None:
        return None
    version = chosen.live_version
    url = settings.SITE_URL + selectors.article_url(language, chosen.slug)
    if version is None:
        return None
    return (version.title, url, version.description, version.body)


def hand_over(triaged: Triage, language: str, *, tried: str) -> Turn:
    """Tell the customer a person is coming, and leave the agent a summary."""
    intent = triaged.intent
    with translation.override(language):
        if intent is not None and intent.handling == Handling.SECURITY:
            message = security_intent_warning(language)
        else:
            message = _("I am passing you to a member of our support team. Please stay here.")
    facts = ", ".join(f"{k}: {v}" for k, v in triaged.facts.items()) or "—"
    summary = "\n".join(
        [
            _("Assistant's summary"),
            _("Intent: %(intent)s (confidence %(confidence)s)")
            % {
                "intent": intent.name(language) if intent else _("unclear"),
                "confidence": f"{triaged.prediction.confidence:.2f}" if triaged.prediction else "—",
            },
            _("Language: %(language)s · mood: %(mood)s")
            % {"language": triaged.language, "mood": triaged.sentiment},
            _("Facts: %(facts)s") % {"facts": facts},
            _("Tried: %(tried)s") % {"tried": tried},
        ]
    )
    return Turn(
        replies=[(message, _bot_data(language))],
        note=(summary, {"intent": intent.slug if intent else "", "facts": triaged.facts}),
        bot_state=conversations.BOT_HANDED_OVER,
    )


# ---------------------------------------------------------------- editing in the console

MAX_EXAMPLE_LENGTH = 500


def _check_manager(user) -> None:
    if not manages_assistant(user):
        raise PermissionDenied(_("Your role cannot change the assistant."))


def update_intent(user, intent: Intent, **values) -> Intent:
    _check_manager(user)
    keys = values.pop("article_keys", None)
    if keys is not None:
        values["article_keys"] = [k for k in dict.fromkeys(keys) if k]
    for name, value in values.items():
        setattr(intent, name, value)
    if not intent.name_en.strip() or not intent.name_zh_hans.strip():
        raise ValidationError({"name_en": _("Give the intent a name in both languages.")})
    intent.save()
    return intent


def add_examples(user, intent: Intent, language: str, text: str, *, held_out: bool = False) -> int:
    """One example per line; lines already there are skipped. Secrets are never kept,
    even in examples. Returns how many were added."""

    _check_manager(user)
    if language not in ("en", "zh-hans"):
        raise ValidationError({"language": _("Unknown language.")})
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in dict.fromkeys(lines) if line]
    if not lines:
        raise ValidationError({"examples": _("Write at least one example, one per line.")})
    too_long = [line for line in lines if len(line) > MAX_EXAMPLE_LENGTH]
    if too_long:
        raise ValidationError(
            {"examples": _("Use at most %(n)d characters per example.") % {"n": MAX_EXAMPLE_LENGTH}}
        )
    lines = [guard.mask(line).text for line in lines]
    existing = set(
        IntentExample.objects.filter(intent=intent, language=language).values_list(
            "text", flat=True
        )
    )
    new = [
        IntentExample(intent=intent, language=language, text=line, held_out=held_out)
        for line in lines
        if line not in existing
    ]
    IntentExample.objects.bulk_create(new)
    return len(new)


def delete_example(user, example: IntentExample) -> None:
    _check_manager(user)
    example.delete()


def save_canned_response(user, response: CannedResponse, **values) -> CannedResponse:
    """A canned response goes to customers as it is: the agent-reply guard applies."""

    _check_manager(user)
    for name, value in values.items():
        setattr(response, name, value)
    response.title = response.title.strip()
    response.body = response.body.strip()
    if not response.title or not response.body:
        raise ValidationError({"body": _("Give the response a title and a text.")})
    if guard.agent_asks_for_secret(response.body):
        raise ValidationError(
            {
                "body": _(
                    "This text asks the customer for a password, 2FA code, seed phrase or "
                    "private key. Support never asks for these."
                )
            }
        )
    response.body = guard.mask(response.body).text
    response.updated_by = user
    response.save()
    return response


def request_retraining(user) -> None:
    """Retrain in the task queue: it takes seconds, longer than a page should wait."""
    from .tasks import retrain_model

    _check_manager(user)
    transaction.on_commit(lambda: retrain_model(user.pk))
