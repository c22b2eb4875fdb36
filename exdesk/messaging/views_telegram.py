"""Telegram's webhook: updates posted with the secret set by ``telegram_webhook set``.

Telegram redelivers an update until it hears 200. Storing is idempotent (the update_id),
so an error answers 500 and the redelivery tries again; an update that can never be
stored answers 200, as retrying it cannot help.
"""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .platforms import telegram

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Updates are a few kilobytes: files are fetched separately through getFile.
MAX_BODY_BYTES = 1024 * 1024


@csrf_exempt  # Telegram's call, authenticated by the secret header
@require_POST
def webhook(request):
    secret = settings.TELEGRAM_WEBHOOK_SECRET
    if not telegram.configured() or not secret:
        raise Http404  # the channel is off
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return JsonResponse({"ok": False, "error": "bad_secret"}, status=403)
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return JsonResponse({"ok": False, "error": "too_large"}, status=413)
    try:
        update = json.loads(body)
    except ValueError:
        update = None
    if not isinstance(update, dict):
        return JsonResponse({"ok": False, "error": "not_an_update"}, status=400)
    try:
        telegram.handle_update(update)
    except ValidationError as error:
        return JsonResponse({"ok": True, "ignored": "; ".join(error.messages)})
    return JsonResponse({"ok": True})
