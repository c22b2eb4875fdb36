"""The mail provider's inbound webhook: raw MIME posted with an HMAC signature, stored
exactly as the SMTP receiver stores it (``services.store_inbound``)."""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services
from .models import MailVia

SIGNATURE_HEADER = "HTTP_X_EXDESK_SIGNATURE"
TIMESTAMP_HEADER = "HTTP_X_EXDESK_TIMESTAMP"
MAX_AGE_SECONDS = 300


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """``v1=`` + hex HMAC-SHA256(secret, timestamp + "." + body): what the provider sends."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def _signed(request, body: bytes) -> bool:
    secret = settings.MAIL_WEBHOOK_SECRET
    timestamp = request.META.get(TIMESTAMP_HEADER, "")
    given = request.META.get(SIGNATURE_HEADER, "")
    if not secret or not timestamp.isdigit() or not given:
        return False
    if abs(time.time() - int(timestamp)) > MAX_AGE_SECONDS:
        return False
    return hmac.compare_digest(webhook_signature(secret, timestamp, body), given)


@csrf_exempt  # a machine's call, authenticated by its signature
@require_POST
def inbound_webhook(request):
    # Read the stream, not request.body: a mail may be larger than a form post may be.
    body = request.read(settings.MAIL_MAX_BYTES + 1)
    if len(body) > settings.MAIL_MAX_BYTES:
        return JsonResponse({"error": "too_large"}, status=413)
    if not _signed(request, body):
        return JsonResponse({"error": "bad_signature"}, status=401)
    recipients = tuple(
        a.strip() for a in request.headers.get("X-Envelope-To", "").split(",") if a.strip()
    )
    try:
        mail, created = services.store_inbound(
            body,
            via=MailVia.WEBHOOK,
            envelope_from=request.headers.get("X-Envelope-From", ""),
            envelope_to=recipients,
        )
    except services.MailRefused as refused:
        return JsonResponse(
            {"error": refused.code, "detail": refused.text},
            status=429 if refused.temporary else 422,
        )
    return JsonResponse({"id": mail.pk, "stored": "new" if created else "duplicate"})
