"""HTTP side of the chat widget: its script and styles, its strings, file uploads, and
the demo page that plays an exchange's site."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from exdesk.core import ratelimit
from exdesk.core.http import client_ip

from . import services
from .widget_strings import widget_strings

ASSETS = Path(__file__).resolve().parent / "static" / "exdesk" / "widget" / "v1"
ASSET_TYPES = {"exdesk.js": "text/javascript", "exdesk.css": "text/css"}
UPLOADS_PER_HOUR = 60
DEMO_TRADER = {"uid": "21315462", "name": "王磊"}


@cache
def _asset(name: str) -> bytes:
    return (ASSETS / name).read_bytes()


@require_GET
def widget_asset(request, name: str):
    if name not in ASSET_TYPES:
        raise Http404
    response = HttpResponse(_asset(name), content_type=f"{ASSET_TYPES[name]}; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    # Loaded by other sites' pages: the stylesheet is read from inside a shadow root.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@require_GET
def strings(request, language: str):
    language = "zh-hans" if language.lower().startswith("zh") else "en"
    with translation.override(language):
        response = JsonResponse(widget_strings(), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _cors(request, response):
    origin = request.headers.get("Origin", "").rstrip("/")
    if origin in settings.CHAT_ALLOWED_ORIGINS:
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Headers"] = "X-Exdesk-Chat-Token"
        response["Access-Control-Allow-Methods"] = "POST"
        response["Vary"] = "Origin"
    return response


# No cookies are involved: the chat token in a header is the credential, so CSRF (which
# protects cookie sessions) does not apply.
@csrf_exempt
@require_http_methods(["POST", "OPTIONS"])
def upload(request):
    if request.method == "OPTIONS":
        return _cors(request, HttpResponse(status=204))
    if not ratelimit.allow(f"chat-upload:{client_ip(request)}", UPLOADS_PER_HOUR, 3600):
        return _cors(
            request, JsonResponse({"error": _("Too many files. Try again later.")}, status=429)
        )
    token = request.headers.get("X-Exdesk-Chat-Token", "")
    try:
        stored = services.store_upload(token, request.FILES.get("file"))
    except services.Refused as exc:
        return _cors(request, JsonResponse({"error": exc.message}, status=403))
    except ValidationError as exc:
        return _cors(request, JsonResponse({"error": " ".join(exc.messages)}, status=400))
    return _cors(
        request, JsonResponse({"id": stored.key, "name": stored.original_name}, status=201)
    )


@require_GET
def demo(request):
    """A stand-in for the exchange's own site, with the one embed tag."""
    identity = None
    if request.GET.get("as") == "trader" and settings.CHAT_IDENTITY_SECRET:
        identity = {**DEMO_TRADER, "user_hash": services.user_hash(DEMO_TRADER["uid"])}
    context = {"widget_url": reverse("chat:widget_asset", args=["exdesk.js"]), "identity": identity}
    return render(request, "chat/demo.html", context)
