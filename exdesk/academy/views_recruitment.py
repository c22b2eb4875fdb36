"""Recruitment: the recruiter's pages in the console, and the candidate's pages under
/assess/, which show nothing of the console. Thin: parse, call, render."""

from __future__ import annotations

import math

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from exdesk.accounts.decorators import require_permission
from exdesk.accounts.permissions import recruits
from exdesk.core.forms import add_service_errors

from . import recruitment, selectors, services
from .choices import AttemptState
from .forms import CandidateReplyForm, InviteCandidateForm, sheet_answers

SESSION_KEY = "assessment_candidate"

# ---------------------------------------------------------------- the recruiter


@require_permission(recruits)
def candidates(request):
    form = InviteCandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidate, _token = recruitment.invite(request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is invited; the link was sent to %(email)s.")
                % {"name": candidate.name, "email": candidate.email},
            )
            return redirect("academy:recruitment")
    return render(
        request,
        "academy/recruitment.html",
        {"form": form, "candidates": selectors.candidates()[:200], "now": timezone.now()},
    )


@require_permission(recruits)
def candidate(request, pk: int):
    found = selectors.candidate(pk)
    return render(
        request,
        "academy/candidate_results.html",
        {
            "candidate": found,
            "results": recruitment.results(found),
            "marks": sorted((found.drill.marks if found.drill else {}).items()),
        },
    )


# ---------------------------------------------------------------- the candidate


def _refused(request, error: recruitment.LinkRefused):
    return render(request, "academy/candidate/refused.html", {"reason": str(error)}, status=410)


def _current(request):
    return recruitment.in_session(request.session.get(SESSION_KEY), request.session.session_key)


@never_cache
def open_link(request, token: str):
    """The link from the invitation: binds this browser, then leaves the token behind
    (the address bar, history and referrers no longer carry it)."""
    if not request.session.session_key:
        request.session.cycle_key()  # a stored session, so there is a key to bind
    try:
        found = recruitment.open_link(token, request.session.session_key)
    except recruitment.LinkRefused as error:
        return _refused(request, error)
    request.session[SESSION_KEY] = found.pk
    return redirect("assessment:home")


@never_cache
def home(request):
    try:
        found = _current(request)
    except recruitment.LinkRefused as error:
        return _refused(request, error)
    with translation.override(found.language):
        if request.method == "POST":
            try:
                recruitment.finish(found)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("assessment:home")
            request.session.pop(SESSION_KEY, None)
            return render(request, "academy/candidate/done.html", {"candidate": found})
        return render(
            request,
            "academy/candidate/home.html",
            {
                "candidate": found,
                "exam_done": recruitment.exam_done(found),
                "scenario_done": recruitment.scenario_done(found),
            },
        )


@never_cache
def exam(request):
    try:
        found = _current(request)
    except recruitment.LinkRefused as error:
        return _refused(request, error)
    with translation.override(found.language):
        attempt = recruitment.written_exam(found)
        if attempt.state != AttemptState.IN_PROGRESS:
            return redirect("assessment:home")
        sheet = selectors.exam_sheet(attempt)
        if request.method == "POST":
            answers = sheet_answers(request.POST, sheet)
            try:
                services.save_answers(attempt.pk, found, answers)
                if "submit" in request.POST:
                    services.submit_attempt(attempt.pk, found)
                    return redirect("assessment:home")
                messages.success(request, _("Your answers are saved."))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            return redirect("assessment:exam")
        return render(
            request,
            "academy/candidate/exam.html",
            {
                "attempt": attempt,
                "sheet": sheet,
                "minutes_left": max(
                    0, math.ceil((attempt.deadline - timezone.now()).total_seconds() / 60)
                ),
            },
        )


@never_cache
def scenario(request):
    try:
        found = _current(request)
    except recruitment.LinkRefused as error:
        return _refused(request, error)
    with translation.override(found.language):
        run = recruitment.scenario_run(found)
        if run is None or run.finished_at is not None:
            return redirect("assessment:home")
        form = CandidateReplyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                recruitment.scenario_reply(
                    found, form.cleaned_data["reply"], form.cleaned_data["escalate_to"]
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            return redirect("assessment:scenario")
        return render(
            request,
            "academy/candidate/scenario.html",
            {"candidate": found, "run": run, "form": form},
        )


@require_POST
def end_scenario(request):
    try:
        found = _current(request)
    except recruitment.LinkRefused as error:
        return _refused(request, error)
    recruitment.end_scenario(found)
    return redirect("assessment:home")
