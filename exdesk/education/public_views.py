"""Customer education for readers: /learn/<language>/…, server-rendered, no JavaScript
needed. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exdesk.core import ratelimit
from exdesk.core.forms import add_service_errors
from exdesk.core.http import client_ip
from exdesk.helpcenter.public_views import in_language

from . import selectors, services
from .forms import RegistrationForm

REGISTRATIONS_PER_HOUR = 10


def _switch(lang: str, url_name: str, *args) -> dict:
    other = "en" if lang == "zh-hans" else "zh-hans"
    return {"code": other, "url": reverse(url_name, args=[other, *args])}


def _reader(request, *, create: bool = False) -> str | None:
    """The reader's keyed session hash; a session is made only when they save progress."""
    if not request.session.session_key:
        if not create:
            return None
        request.session.save()
    return services.reader_id(request.session.session_key)


def root(request):
    lang = "zh-hans" if (translation.get_language() or "").startswith("zh") else "en"
    return redirect("education:home", lang=lang)


@in_language
def home(request, lang):
    now = timezone.now()
    context = {
        "lang": lang,
        "series_list": selectors.published_series(lang, _reader(request)),
        "upcoming": selectors.upcoming_webinars(lang, now),
        "recordings": selectors.past_recordings(lang, now),
        "now": now,
        "switch": _switch(lang, "education:home"),
    }
    return render(request, "education/home.html", context)


@in_language
def series(request, lang, slug):
    found = selectors.public_series(lang, slug)
    context = {
        "lang": lang,
        "view": selectors.series_view(found, _reader(request)),
        "switch": _switch(lang, "education:home"),
    }
    return render(request, "education/series.html", context)


@require_POST
@in_language
def step_progress(request, lang, slug, step_pk):
    found = selectors.public_series(lang, slug)
    step = selectors.public_step(found, step_pk)
    reader = _reader(request, create=True) or ""
    if request.POST.get("done") == "1":
        services.mark_done(found, step, reader)
    elif request.POST.get("done") == "0":
        services.mark_not_done(found, step, reader)
    else:
        messages.error(request, _("Choose done or not done."))
    return redirect(reverse("education:series", args=[lang, slug]) + f"#step-{step.pk}")


@in_language
def webinar(request, lang, pk):
    found = selectors.public_webinar(lang, pk)
    form = RegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        ip = client_ip(request) or "unknown"
        if not ratelimit.allow(f"webinar-register:{ip}", REGISTRATIONS_PER_HOUR, 3600):
            form.add_error(
                None, _("Too many registrations from your network. Please try again later.")
            )
            status = 429
        elif form.is_valid():
            try:
                services.register(found, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "You are registered. We sent the details, the join link and a "
                        "calendar file to your e-mail."
                    ),
                )
                return redirect("education:webinar", lang=lang, pk=found.pk)
        if status == 200 and form.errors:
            status = 400
    reason = services.closed_reason(found)
    context = {
        "lang": lang,
        "webinar": found,
        "form": form,
        "closed": services.closed_message(reason),
        "over": found.ends_at <= timezone.now(),
        "places_left": services.places_left(found),
        "switch": _switch(lang, "education:home"),
    }
    return render(request, "education/webinar.html", context, status=status)


@in_language
def webinar_calendar(request, lang, pk):
    found = selectors.public_webinar(lang, pk)
    response = HttpResponse(
        services.calendar_file(found),
        content_type="text/calendar; charset=utf-8; method=" + services.calendar_method(found),
    )
    response["Content-Disposition"] = f'attachment; filename="webinar-{found.pk}.ics"'
    return response


@in_language
def cancel_registration(request, lang, token):
    registration = selectors.registration_by_token(token)
    if registration is None:
        raise Http404
    if request.method == "POST":
        services.cancel_registration(token)
        messages.success(request, _("Your registration is cancelled."))
        return redirect(
            "education:webinar", lang=registration.webinar.language, pk=registration.webinar_id
        )
    context = {
        "lang": lang,
        "registration": registration,
        "webinar": registration.webinar,
        "switch": _switch(lang, "education:home"),
    }
    return render(request, "education/cancel.html", context)
