"""The public check: /verify/<language>/?q=…, server-rendered, no JavaScript needed."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation

from exdesk.core import ratelimit
from exdesk.core.http import client_ip
from exdesk.helpcenter.public_views import in_language

from . import lookalike, selectors, services
from .choices import ChannelKind, Via


def checks_per_hour() -> int:
    """Lookups per address and hour, on the web page and the API together."""
    return settings.TRUST_CHECKS_PER_HOUR


def allowed(request) -> bool:
    ip = client_ip(request) or "unknown"
    return ratelimit.allow(f"trust-check:{ip}", checks_per_hour(), 3600)


def root(request):
    lang = "zh-hans" if (translation.get_language() or "").startswith("zh") else "en"
    return redirect("trust:verify", lang=lang)


@in_language
def verify(request, lang):
    query = request.GET.get("q", "")
    other = "en" if lang == "zh-hans" else "zh-hans"
    context: dict = {
        "lang": lang,
        "query": query[: lookalike.MAX_INPUT_LENGTH],
        "max_length": lookalike.MAX_INPUT_LENGTH,
        "switch": {"code": other, "url": reverse("trust:verify", args=[other])},
    }
    status = 200
    if query.strip():
        if not allowed(request):
            context["error"] = services.rate_limited_message()
            status = 429
        else:
            try:
                result = services.check_channel(query, via=Via.WEB)
            except ValidationError as exc:
                context["error"] = " ".join(exc.messages)
                status = 400
            else:
                matched = selectors.channel_by_pk(result.matched.ref if result.matched else None)
                context.update(
                    result=result,
                    headline=services.headline(result),
                    reasons=services.reason_texts(result),
                    kind_label=ChannelKind(result.kind).label if result.kind else "",
                    matched=matched,
                )
    return render(request, "trust/verify.html", context, status=status)
