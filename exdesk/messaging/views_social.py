"""Webhooks of X and Facebook Messenger: the platform's challenge on GET, signed events on
POST. Each message is stored once (``services.receive_platform_message``); a failure
other than an invalid message answers 500 so the platform delivers again."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    JsonResponse,
)
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import services
from .models import Platform
from .platforms import facebook, x

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024


class _Inbound(Protocol):
    SIGNATURE_HEADER: str

    def signature_ok(self, body: bytes, given: str) -> bool: ...

    def messages(self, payload: dict) -> Iterator[dict[str, Any]]: ...


@csrf_exempt  # a platform's call, authenticated by its signature
@require_http_methods(["GET", "POST"])
def x_webhook(request: HttpRequest) -> HttpResponse:
    if not x.configured():
        raise Http404
    if request.method == "GET":
        crc_token = request.GET.get("crc_token", "")
        if not crc_token:
            return HttpResponseBadRequest()
        return JsonResponse(x.crc_response(crc_token))
    return _receive(request, Platform.X, x)


@csrf_exempt  # a platform's call, authenticated by its signature
@require_http_methods(["GET", "POST"])
def facebook_webhook(request: HttpRequest) -> HttpResponse:
    if not facebook.configured():
        raise Http404
    if request.method == "GET":
        challenge = facebook.challenge(request.GET)
        if challenge is None:
            return HttpResponseForbidden()
        return HttpResponse(challenge, content_type="text/plain")
    return _receive(request, Platform.FACEBOOK, facebook)


def _receive(request: HttpRequest, platform: str, adapter: _Inbound) -> HttpResponse:
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return HttpResponse(status=413)
    if not adapter.signature_ok(body, request.headers.get(adapter.SIGNATURE_HEADER, "")):
        return HttpResponseForbidden()
    try:
        payload = json.loads(body)
    except ValueError:
        return HttpResponseBadRequest()
    if not isinstance(payload, dict):
        return HttpResponseBadRequest()
    for message in adapter.messages(payload):
        try:
            services.receive_platform_message(platform=platform, **message)
        except ValidationError:
            # One bad message must not make the platform resend the whole batch forever.
            # Its key only: the content is the customer's.
            logger.warning("%s message %r skipped: not valid", platform, message["update_key"])
    return HttpResponse()
