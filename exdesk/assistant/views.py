"""The assistant in the console: intents and their examples, retraining, canned
responses. Thin: parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from exdesk.accounts.choices import Language
from exdesk.accounts.decorators import require_permission, staff_required
from exdesk.accounts.permissions import manages_assistant
from exdesk.core.forms import add_service_errors

from . import selectors, services
from .forms import CannedResponseForm, ExamplesForm, IntentForm
from .models import CannedResponse


@staff_required
def overview(request):
    context = {
        "intents": selectors.intents_overview(),
        "model": selectors.live_model(),
        "can_manage": manages_assistant(request.user),
    }
    return render(request, "assistant/overview.html", context)


@require_permission(manages_assistant)
@require_POST
def retrain(request):
    services.request_retraining(request.user)
    messages.success(request, _("Retraining started. The new model takes over when it is ready."))
    return redirect("assistant:overview")


@require_permission(manages_assistant)
def intent_detail(request, slug):
    intent = selectors.intent(slug)
    intent_form = IntentForm(instance=intent)
    examples_form = ExamplesForm()
    status = 200
    if request.method == "POST" and "save_intent" in request.POST:
        intent_form = IntentForm(request.POST, instance=selectors.intent(slug))
        if intent_form.is_valid():
            try:
                services.update_intent(request.user, intent, **intent_form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(intent_form, exc)
            else:
                messages.success(request, _("Intent saved."))
                return redirect("assistant:intent", slug=slug)
        status = 400
    elif request.method == "POST":
        examples_form = ExamplesForm(request.POST)
        if examples_form.is_valid():
            data = examples_form.cleaned_data
            try:
                added = services.add_examples(
                    request.user,
                    intent,
                    data["language"],
                    data["examples"],
                    held_out=data["held_out"],
                )
            except ValidationError as exc:
                add_service_errors(examples_form, exc, "examples")
            else:
                messages.success(
                    request,
                    ngettext("%(n)d example added.", "%(n)d examples added.", added) % {"n": added},
                )
                return redirect("assistant:intent", slug=slug)
        status = 400
    context = {
        "intent": intent,
        "intent_form": intent_form,
        "examples_form": examples_form,
        "examples": selectors.examples(intent),
    }
    return render(request, "assistant/intent.html", context, status=status)


@require_permission(manages_assistant)
@require_POST
def delete_example(request, slug, pk):
    intent = selectors.intent(slug)
    services.delete_example(request.user, selectors.example(intent, pk))
    messages.success(request, _("Example deleted."))
    return redirect("assistant:intent", slug=slug)


@staff_required
def responses(request):
    language = request.GET.get("language", "")
    context = {
        "responses": selectors.canned_responses(language, request.GET.get("intent", "")),
        "language": language,
        "languages": Language.choices,
        "can_manage": manages_assistant(request.user),
    }
    return render(request, "assistant/responses.html", context)


@require_permission(manages_assistant)
def response_edit(request, pk=None):
    response = selectors.canned_response(pk) if pk else CannedResponse()
    form = CannedResponseForm(request.POST or None, instance=response)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_canned_response(request.user, response, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc, "body")
        else:
            messages.success(request, _("Canned response saved."))
            return redirect("assistant:responses")
    status = 400 if form.errors else 200
    return render(
        request, "assistant/response_edit.html", {"form": form, "response": response}, status=status
    )
