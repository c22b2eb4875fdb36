"""What the console shows of the assistant: the taxonomy, the live model, canned
responses, and the copilot beside a conversation."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse

from .models import CannedResponse, Intent, IntentExample, IntentModel


def intents_overview():
    counts = {
        f"{language}_{kind}": Count(
            "examples",
            filter=Q(examples__language=language, examples__held_out=held_out),
        )
        for language in ("en", "zh-hans")
        for kind, held_out in (("train", False), ("held", True))
    }
    # Keyword names cannot hold a hyphen.
    return Intent.objects.annotate(
        **{name.replace("-", "_"): value for name, value in counts.items()}
    ).order_by("position", "slug")


def live_model() -> IntentModel | None:
    return IntentModel.objects.defer("artifact").order_by("-created_at", "-pk").first()


def intent(slug: str) -> Intent:
    found = Intent.objects.filter(slug=slug).first()
    if found is None:
        raise Http404
    return found


def examples(intent: Intent):
    return IntentExample.objects.filter(intent=intent).order_by("language", "held_out", "pk")


def example(intent: Intent, pk: int) -> IntentExample:
    found = IntentExample.objects.filter(intent=intent, pk=pk).first()
    if found is None:
        raise Http404
    return found


def canned_responses(language: str = "", intent_slug: str = ""):
    responses = CannedResponse.objects.select_related("intent")
    if language:
        responses = responses.filter(language=language)
    if intent_slug:
        responses = responses.filter(intent__slug=intent_slug)
    return responses


def canned_response(pk: int) -> CannedResponse:
    found = CannedResponse.objects.select_related("intent").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def copilot(conversation) -> dict:
    """Beside the conversation: what the assistant read, the articles that answer it and
    the approved responses for its intent, in the conversation's language."""
    from exdesk.helpcenter import search
    from exdesk.helpcenter import selectors as kb

    language = "zh-hans" if conversation.language.startswith("zh") else "en"
    found = Intent.objects.filter(slug=conversation.intent).first() if conversation.intent else None
    articles = []
    if found is not None and found.article_keys:
        by_slug = {
            a.slug: a
            for a in kb.live_articles(language, include_internal=True)
            .select_related("live_version")
            .filter(slug__in=found.article_keys)
        }
        articles = [by_slug[k] for k in found.article_keys if k in by_slug]
    if len(articles) < 3 and conversation.subject:
        hits = search.search(conversation.subject, language, include_internal=True, limit=3).hits
        articles += [h.article for h in hits if h.article not in articles]
    responses = CannedResponse.objects.filter(active=True, language=language)
    responses = responses.filter(intent=found) if found else responses.none()
    return {
        "intent": found,
        "intent_name": found.name(language) if found else "",
        "confidence": conversation.intent_confidence,
        "sentiment": conversation.sentiment,
        "facts": conversation.entities or {},
        "articles": [
            {
                "title": a.live_version.title if a.live_version else a.slug,
                "url": reverse("helpcenter_console:article", args=[a.pk]),
            }
            for a in articles[:3]
        ],
        "responses": [
            {"title": r.title, "body": r.body.replace("{name}", _first_name(conversation))}
            for r in responses[:6]
        ],
    }


def _first_name(conversation) -> str:
    name = (conversation.customer.display_name or "").split()
    return name[0] if name else ""


def compliance_templates(language: str):
    """The replies approved for compliance cases in ``language`` (no tipping-off)."""
    return CannedResponse.objects.filter(
        active=True, compliance_approved=True, language=language
    ).order_by("title")
