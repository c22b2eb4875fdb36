"""GET /api/v1/verify?value=…: the public check, no token needed."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from . import lookalike, selectors, services
from .choices import Via
from .public_views import allowed

router = Router(tags=["verify"])


class VerifyQuery(Schema):
    value: str = Field(
        ...,
        min_length=1,
        max_length=lookalike.MAX_INPUT_LENGTH,
        description="An e-mail address, a website or URL, a Telegram or X account, a phone "
        "number (with its country code)",
    )


class MatchedOut(Schema):
    kind: str
    value: str
    label: str


class VerifyOut(Schema):
    verdict: str = Field(..., description="official, lookalike, unknown or invalid")
    kind: str | None = Field(None, description="email, domain, telegram, x or phone")
    normalized: str
    matched: MatchedOut | None = Field(
        None, description="The official channel it is (official) or imitates (lookalike)"
    )
    reasons: list[str] = Field(..., description="Reason codes (docs/official-channels.md)")
    explanations: list[str] = Field(..., description="The reasons in words")


@router.get("", response=VerifyOut, auth=None, summary="Is this an official channel?")
def verify(request: HttpRequest, query: Query[VerifyQuery]):
    if not allowed(request):
        raise HttpError(429, services.rate_limited_message())
    result = services.check_channel(query.value, via=Via.API)
    found = selectors.channel_by_pk(result.matched.ref if result.matched else None)
    return {
        "verdict": result.verdict,
        "kind": result.kind,
        "normalized": result.normalized,
        "matched": (
            {"kind": found.kind, "value": found.normalized, "label": found.label}
            if found is not None
            else None
        ),
        "reasons": list(result.reasons),
        "explanations": services.reason_texts(result),
    }
