"""Optional generated answers from an OpenAI-compatible endpoint the operator configures
(off unless EXDESK_ASSISTANT_LLM_URL is set). Grounded: the model sees only the customer's
question, with secrets masked, and the knowledge-base articles the bot chose, and must
say NO_ANSWER when they do not answer it. Anything that fails falls back to the article
snippet; nothing here can make the bot say more than the articles do."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings

from . import guard

log = logging.getLogger(__name__)
NO_ANSWER = "NO_ANSWER"
MAX_ARTICLE_CHARS = 3000
LANGUAGE_NAMES = {"en": "English", "zh-hans": "Simplified Chinese"}


def enabled() -> bool:
    return bool(settings.ASSISTANT_LLM_URL)


def _messages(question: str, language: str, articles: list[tuple[str, str]]) -> list[dict]:
    sources = "\n\n".join(f"### {title}\n{body[:MAX_ARTICLE_CHARS]}" for title, body in articles)
    rules = (
        "You are the support assistant of a cryptocurrency exchange. Answer the customer "
        "only with facts from the articles below; if they do not answer the question, reply "
        f"exactly {NO_ANSWER}. Never ask for passwords, 2FA codes, seed phrases or private "
        "keys, never give investment advice, and keep to 120 words. Answer in "
        f"{LANGUAGE_NAMES.get(language, 'English')}.\n\nArticles:\n{sources}"
    )
    return [
        {"role": "system", "content": rules},
        {"role": "user", "content": guard.mask(question).text},
    ]


def grounded_answer(question: str, language: str, articles: list[tuple[str, str]]) -> str | None:
    """The endpoint's answer from these articles, or None (no answer, an unsafe answer,
    or any failure: the caller then shows the article itself)."""
    if not enabled() or not articles:
        return None
    payload = {
        "model": settings.ASSISTANT_LLM_MODEL,
        "messages": _messages(question, language, articles),
        "temperature": 0,
    }
    headers = {"Content-Type": "application/json"}
    if settings.ASSISTANT_LLM_KEY:
        headers["Authorization"] = f"Bearer {settings.ASSISTANT_LLM_KEY}"
    request = urllib.request.Request(  # noqa: S310 - the operator's configured https/http URL
        settings.ASSISTANT_LLM_URL.rstrip("/") + "/chat/completions",
        data=json.dumps(payload).encode(),
        headers=headers,
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.ASSISTANT_LLM_TIMEOUT) as response:  # noqa: S310
            answer = json.load(response)["choices"][0]["message"]["content"].strip()
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
        # The error only: never the question or the answer (they are customer data).
        log.warning("generated answer failed: %s", type(error).__name__)
        return None
    if not answer or NO_ANSWER in answer or guard.agent_asks_for_secret(answer):
        return None
    return guard.mask(answer).text[:2000]
