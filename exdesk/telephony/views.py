"""The phone channel's pages: the provider's call-status webhook, the public callback
form, and the console's callback list with its outcome form. Thin: parse, call, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from exdesk.accounts.decorators import staff_required
from exdesk.accounts.permissions import answers_customers, sees_customer_pii
from exdesk.core import ratelimit
from exdesk.core.forms import add_service_errors
from exdesk.core.http import client_ip
from exdesk.customers.masking import mask_text
from exdesk.helpcenter.public_views import in_language

from . import selectors, services
from .choices import CallbackState
from .forms import CallbackForm, OutcomeForm, default_time_zone

SIGNATURE_HEADER = "X-Twilio-Signature"
# A callback costs an agent a call: fewer per address than other public forms, yet
# enough for the many customers a mobile carrier puts behind one address.
CALLBACKS_PER_HOUR = 20
PAGE_SIZE = 50


@csrf_exempt  # a machine's call, authenticated by its signature
@require_POST
def call_status(request):
    """The provider's status callback, shaped like Twilio's: form fields CallSid,
    AccountSid, From, To, Direction (inbound, outbound-api, outbound-dial), CallStatus
    (queued, ringing, in-progress, completed, busy, no-answer, failed, canceled),
    CallDuration, Timestamp (RFC 2822), RecordingUrl, RecordingDuration; and two of
    ours: AgentEmail (the staff member who took the call) and Voicemail=true (then
    RecordingUrl is the voicemail). Signed in X-Twilio-Signature with
    PHONE_WEBHOOK_SECRET. 404 while the secret is unset, 403 for a bad signature, 400
    with a message per invalid field; nothing is stored in either case."""
    if not settings.PHONE_WEBHOOK_SECRET:
        raise Http404  # the channel is off
    # The provider signs the URL it was given, which is the public one: behind a proxy
    # or load balancer request.build_absolute_uri() may see another scheme, host or
    # port, so the address is rebuilt from SITE_URL.
    url = settings.SITE_URL + request.get_full_path()
    params = [(name, value) for name, values in request.POST.lists() for value in values]
    if not services.signature_ok(url, params, request.headers.get(SIGNATURE_HEADER, "")):
        return JsonResponse({"error": "bad_signature"}, status=403)
    try:
        record = services.record_call(services.parse_call_update(request.POST))
    except ValidationError as exc:
        return JsonResponse({"error": "invalid", "fields": exc.message_dict}, status=400)
    return JsonResponse({"call": record.call_sid, "status": record.status})


def _too_many_callbacks(request) -> bool:
    ip = client_ip(request) or "unknown"
    return not ratelimit.allow(f"callback:{ip}", CALLBACKS_PER_HOUR, 3600)


@in_language
def callback(request, lang):
    form = CallbackForm(
        request.POST or None,
        initial={"language": lang, "time_zone": default_time_zone(lang)},
    )
    other = "en" if lang == "zh-hans" else "zh-hans"
    context = {
        "form": form,
        "lang": lang,
        "switch": {"code": other, "url": reverse("phone:callback", args=[other])},
        "window_days": services.WINDOW_DAYS,
    }
    if request.method == "POST" and _too_many_callbacks(request):
        form.add_error(
            None, _("Too many submissions from your network. Please wait a while and try again.")
        )
        return render(request, "telephony/callback.html", context, status=429)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            requested = services.request_callback(
                phone=data["phone"],
                name=data["name"],
                language=data["language"],
                topic=data["topic"],
                window_start=data["window_start"],
                window_end=data["window_end"],
                time_zone=data["time_zone"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="phone")
        else:
            messages.success(
                request,
                _(
                    "We received your callback request %(reference)s and will call "
                    "%(phone)s. Bookmark this page: it is your private link to follow it."
                )
                % {"reference": requested.conversation.reference, "phone": requested.phone},
            )
            return redirect("portal:track", token=requested.conversation.tracking_token)
    status = 400 if form.errors else 200
    return render(request, "telephony/callback.html", context, status=status)


@staff_required
def callback_list(request):
    page = Paginator(selectors.open_callbacks(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    now, shows_pii = timezone.now(), sees_customer_pii(request.user)
    page.object_list = [
        {
            "callback": item,
            # Only a call not yet tried is late; "no answer" was a call made in time.
            "overdue": item.state == CallbackState.REQUESTED and item.due_at <= now,
            "phone": item.phone if shows_pii else services.mask_phone(item.phone),
            "name": item.name if shows_pii else mask_text(item.name),
            "form": OutcomeForm(auto_id=f"outcome-{item.pk}-%s"),
        }
        for item in page.object_list
    ]
    context = {"page": page, "can_answer": answers_customers(request.user)}
    return render(request, "telephony/callbacks.html", context)


@staff_required
@require_POST
def callback_outcome(request, pk):
    requested = selectors.access_callback(request.user, pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("phone:callbacks")
    try:
        services.log_callback_outcome(
            requested, request.user, form.cleaned_data["state"], form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Outcome logged."))
    return redirect("phone:callbacks")
