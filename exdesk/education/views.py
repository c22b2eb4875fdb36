"""Customer education in the console (trainers, supervisors, administrators). Thin:
parse, call services, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exdesk.accounts.decorators import require_permission
from exdesk.accounts.permissions import educates_customers
from exdesk.core.forms import add_service_errors, run_action

from . import selectors, services
from .forms import (
    CampaignForm,
    NewWebinarForm,
    RecordingForm,
    SeriesForm,
    SeriesSettingsForm,
    WebinarForm,
)

educator_required = require_permission(educates_customers)


@educator_required
def overview(request):
    now = timezone.now()
    return render(
        request,
        "education/console/overview.html",
        {
            "series_list": selectors.all_series(),
            "campaigns": selectors.campaigns()[:50],
            "webinars": selectors.webinars()[:100],
            "now": now,
        },
    )


# ---------------------------------------------------------------- series


@educator_required
def series_new(request):
    form = SeriesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_series(request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The series is created. Now add its steps."))
            return redirect("education_console:series", created.pk)
    return render(request, "education/console/series_new.html", {"form": form})


@educator_required
def series_detail(request, pk: int):
    found = selectors.series(pk)
    form = SeriesSettingsForm(
        request.POST or None,
        initial={
            "title": found.title,
            "summary": found.summary,
            "position": found.position,
            "published": found.published,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_series(request.user, found, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The series is saved."))
            return redirect("education_console:series", found.pk)
    return render(
        request,
        "education/console/series_detail.html",
        {
            "series": found,
            "form": form,
            "steps": selectors.console_steps(found),
            "articles": selectors.articles_to_add(found),
        },
    )


@educator_required
@require_POST
def step_add(request, pk: int):
    found = selectors.series(pk)
    try:
        article_pk = int(request.POST.get("article", ""))
    except ValueError:
        messages.error(request, _("Choose an article."))
        return redirect("education_console:series", found.pk)
    article = selectors.article(article_pk)
    run_action(
        request,
        lambda: services.add_step(request.user, found, article),
        _("The article is added as the last step."),
    )
    return redirect("education_console:series", found.pk)


@educator_required
@require_POST
def step_remove(request, pk: int, step_pk: int):
    found = selectors.series(pk)
    step = selectors.step(found, step_pk)
    run_action(request, lambda: services.remove_step(request.user, step), _("The step is removed."))
    return redirect("education_console:series", found.pk)


@educator_required
@require_POST
def step_move(request, pk: int, step_pk: int):
    found = selectors.series(pk)
    step = selectors.step(found, step_pk)
    direction = request.POST.get("direction", "")
    run_action(
        request,
        lambda: services.move_step(request.user, step, direction),
        _("The step is moved."),
    )
    return redirect("education_console:series", found.pk)


# ---------------------------------------------------------------- campaigns


@educator_required
def campaign_new(request):
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_campaign(request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The campaign is saved."))
            return redirect("education_console:overview")
    return render(request, "education/console/campaign_new.html", {"form": form})


@educator_required
@require_POST
def campaign_end(request, pk: int):
    found = selectors.campaign(pk)
    run_action(
        request,
        lambda: services.end_campaign(request.user, found),
        _("The campaign is no longer shown."),
    )
    return redirect("education_console:overview")


# ---------------------------------------------------------------- webinars


@educator_required
def webinar_new(request):
    form = NewWebinarForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_webinar(request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The webinar is scheduled."))
            return redirect("education_console:webinar", created.pk)
    return render(request, "education/console/webinar_new.html", {"form": form})


@educator_required
def webinar_detail(request, pk: int):
    found = selectors.webinar(pk)
    initial = {
        name: getattr(found, name)
        for name in (
            "title",
            "description",
            "starts_at",
            "duration_minutes",
            "host_name",
            "join_url",
            "capacity",
        )
    }
    form = WebinarForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_webinar(request.user, found, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The webinar is saved."))
            return redirect("education_console:webinar", found.pk)
    now = timezone.now()
    return render(
        request,
        "education/console/webinar_detail.html",
        {
            "webinar": found,
            "form": form,
            "recording_form": RecordingForm(initial={"recording_url": found.recording_url}),
            "registrations": selectors.registrations(found),
            "over": found.ends_at <= now,
        },
    )


@educator_required
@require_POST
def webinar_cancel(request, pk: int):
    found = selectors.webinar(pk)
    run_action(
        request,
        lambda: services.cancel_webinar(request.user, found),
        _("The webinar is cancelled; registrants are told by e-mail."),
    )
    return redirect("education_console:webinar", found.pk)


@educator_required
@require_POST
def webinar_recording(request, pk: int):
    found = selectors.webinar(pk)
    form = RecordingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a full link that starts with https://."))
        return redirect("education_console:webinar", found.pk)
    run_action(
        request,
        lambda: services.set_recording(request.user, found, form.cleaned_data["recording_url"]),
        _("The recording is listed; registrants get the link by e-mail."),
    )
    return redirect("education_console:webinar", found.pk)
