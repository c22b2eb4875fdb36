"""Optional generated answers from an OpenAI-compatible endpoint the operator configures
(off unless EXDESK_ASSISTANT_LLM_URL is set). Grounded: the model sees only the customer's
question, with secrets masked, and the knowledge-base articles the bot chose, and must
say NO_ANSWER when they do not answer it. Anything that fails falls back to the article
snippet; nothing here can make the bot say more than the articles do."""

from __future__ import annotations

import json
import logging
import re
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


def _complete(messages: list[dict], temperature: float) -> str | None:
    """The endpoint's reply to ``messages``, or None on any failure."""
    payload = {
        "model": settings.ASSISTANT_LLM_MODEL,
        "messages": messages,
        "temperature": temperature,
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
            return json.load(response)["choices"][0]["message"]["content"].strip()
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
        # The error only: never the question or the answer (they are customer data).
        log.warning("generated text failed: %s", type(error).__name__)
        return None


def grounded_answer(question: str, language: str, articles: list[tuple[str, str]]) -> str | None:
    """The endpoint's answer from these articles, or None (no answer, an unsafe answer,
    or any failure: the caller then shows the article itself)."""
    if not enabled() or not articles:
        return None
    answer = _complete(_messages(question, language, articles), temperature=0)
    if not answer or NO_ANSWER in answer or guard.agent_asks_for_secret(answer):
        return None
    return guard.mask(answer).text[:2000]


# Numbers, identifiers and amounts ("40718265", "TRC20", "0.5"), without a closing dot.
_FACT = re.compile(r"[A-Za-z0-9]*\d(?:[A-Za-z0-9.]*[A-Za-z0-9])?")


def reworded(line: str, language: str, mood: str) -> str:
    """A simulated customer's scripted line said another way, for training drills (off
    unless the operator turns it on). The script stays the truth: a rewording that drops
    or changes a number, an identifier or an amount is discarded for the line itself."""
    if not (enabled() and settings.ACADEMY_DRILL_REWORDING) or not line.strip():
        return line
    rules = (
        "Rewrite the message of a cryptocurrency exchange's customer in other words, as a "
        f"{mood} customer would write it in a chat, in {LANGUAGE_NAMES.get(language, 'English')}. "
        "Keep every number, identifier, amount, network and code exactly as written; add no "
        "facts; reply with the rewritten message only."
    )
    text = _complete(
        [{"role": "system", "content": rules}, {"role": "user", "content": line}],
        temperature=0.7,
    )
    if not text or len(text) > 3 * len(line) + 200:
        return line
    if not set(_FACT.findall(line)) <= set(_FACT.findall(text)):
        return line
    return text
