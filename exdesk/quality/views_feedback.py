"""The customer's satisfaction survey, from the signed link in the survey e-mail: a
public page in the conversation's language that works without JavaScript."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache

from exdesk.core.forms import add_service_errors

from . import feedback
from .forms import SurveyForm


@never_cache
def survey(request, token: str):
    try:
        conversation = feedback.conversation_for(token)
    except ValidationError as error:
        return render(
            request, "quality/survey_refused.html", {"reason": " ".join(error.messages)}, status=404
        )
    language = "zh-hans" if (conversation.language or "").startswith("zh") else "en"
    with translation.override(language):
        given = feedback.given_for(conversation)
        if not feedback.can_change(given):
            return render(request, "quality/survey_done.html", {"conversation": conversation})
        initial = feedback.initial_answers(given)
        form = SurveyForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                feedback.record_feedback(conversation, **form.answers())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return render(request, "quality/survey_thanks.html", {"conversation": conversation})
        return render(request, "quality/survey.html", {"conversation": conversation, "form": form})
