"""The academy in the console: my training, lessons with their check, exams, and the
trainer's page (assign paths, revoke certificates). Thin: parse, call, render."""

from __future__ import annotations

import math

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exdesk.accounts.decorators import require_permission, staff_required
from exdesk.accounts.permissions import trains
from exdesk.helpcenter import rendering

from . import cases, drills, selectors, services
from .choices import AttemptState, QuestionKind
from .forms import AssignPathForm, RevokeForm, sheet_answers


def _language(request) -> str:
    return "zh-hans" if (get_language() or "").lower().startswith("zh") else "en"


@staff_required
def my_training(request):
    user = request.user
    language = _language(request)
    assignments = [
        {"assignment": a, "progress": selectors.path_progress(a.path, user, language)}
        for a in selectors.assignments_of(user)
    ]
    return render(
        request,
        "academy/my_training.html",
        {
            "assignments": assignments,
            "lessons_assigned": selectors.lessons_assigned_to(user),
            "certificates": selectors.certificates_of(user),
            "exams": selectors.exam_rows(user),
            "now": timezone.now(),
            "can_train": trains(user),
        },
    )


@staff_required
def lesson(request, key: str):
    found = selectors.lesson_for_reader(key, _language(request))
    if found is None:
        raise Http404
    result = None
    questions = list(services.lesson_check(found))
    if request.method == "POST":
        answers = _check_answers(request.POST, questions)
        result = services.check_lesson(request.user, found, answers)
    version = found.published_version
    return render(
        request,
        "academy/lesson.html",
        {
            "lesson": found,
            "version": version,
            "body": rendering.render(version.body).html,
            "articles": selectors.lesson_articles(found.language, version.articles),
            "terms": selectors.lesson_terms(found.language, version.terms),
            "cases": [
                {"case": case, "turns": selectors.case_turns(case)}
                for case in selectors.lesson_cases(version.cases)
            ],
            "can_edit": trains(request.user),
            "questions": questions,
            "result": result,
            "done": selectors.lesson_done(request.user, found),
        },
    )


def _check_answers(data, questions) -> dict[int, object]:
    answers: dict[int, object] = {}
    for question in questions:
        name = f"q{question.pk}"
        if question.kind == QuestionKind.MULTIPLE:
            values = data.getlist(name)
            answers[question.pk] = sorted(int(v) for v in values if v.isdigit())
        elif question.kind == QuestionKind.TRUE_FALSE and data.get(name) in ("true", "false"):
            answers[question.pk] = data.get(name) == "true"
        elif data.get(name, "").isdigit():
            answers[question.pk] = int(data[name])
    return answers


@require_POST
@staff_required
def start_exam(request, key: str):
    exam = selectors.exam_by_key(key)
    try:
        attempt = services.start_attempt(request.user, exam, _language(request))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("academy:mine")
    return redirect("academy:attempt", attempt.pk)


@staff_required
def attempt(request, pk: int):
    found = selectors.attempt_of(request.user, pk)
    found = services.finish_if_overdue(found)
    if found.state != AttemptState.IN_PROGRESS:
        return render(request, "academy/attempt_result.html", {"attempt": found})
    sheet = selectors.exam_sheet(found)
    if request.method == "POST":
        answers = sheet_answers(request.POST, sheet)
        try:
            services.save_answers(found.pk, request.user, answers)
            if "submit" in request.POST:
                services.submit_attempt(found.pk, request.user)
            else:
                messages.success(request, _("Your answers are saved."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("academy:attempt", found.pk)
    return render(
        request,
        "academy/attempt.html",
        {
            "attempt": found,
            "sheet": sheet,
            "minutes_left": max(
                0, math.ceil((found.deadline - timezone.now()).total_seconds() / 60)
            ),
        },
    )


@require_permission(trains)
def trainer(request):
    assign_form = AssignPathForm(request.POST or None, prefix="assign")
    if request.method == "POST" and assign_form.is_valid():
        data = assign_form.cleaned_data
        users = list(data["users"])
        if data["team"] is not None:
            users += list(data["team"].members.filter(is_active=True))
        done = services.assign_path(
            data["path"], users, due_at=data["due_at"], team=data["team"], by=request.user
        )
        messages.success(request, _("The path was assigned to %(n)d people.") % {"n": len(done)})
        return redirect("academy:trainer")
    return render(
        request,
        "academy/trainer.html",
        {
            "assign_form": assign_form,
            "certificates": selectors.all_certificates(),
            "revoke_form": RevokeForm(),
            "now": timezone.now(),
            "awaiting": selectors.attempts_awaiting_grading(),
            "drills": selectors.drills_to_review(),
            "coverage": selectors.coverage(),
            "flags": selectors.open_review_flags(),
        },
    )


@require_POST
@require_permission(trains)
def revoke(request, pk: int):
    form = RevokeForm(request.POST)
    certificate = selectors.certificate(pk)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the certificate is revoked."))
        services.revoke_certificate(certificate, request.user, form.cleaned_data["reason"])
        messages.success(request, _("The certificate is revoked."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("academy:trainer")


@staff_required
def drill_list(request):
    return render(
        request,
        "academy/drills.html",
        {
            "scenarios": selectors.scenarios_for(_language(request)),
            "mine": selectors.drills_of(request.user),
        },
    )


@require_POST
@staff_required
def start_drill(request, pk: int):
    run = drills.start_drill(request.user, selectors.scenario(pk))
    return redirect("conversations:detail", run.conversation_id)


@staff_required
def drill(request, pk: int):
    run = selectors.drill_for(request.user, pk, trains(request.user))
    return render(
        request,
        "academy/drill.html",
        {
            "run": run,
            "marks": sorted(run.marks.items()),
            "is_trainee": run.trainee_id == request.user.pk,
            "can_review": trains(request.user) and run.trainee_id != request.user.pk,
        },
    )


@require_POST
@staff_required
def finish_drill(request, pk: int):
    run = selectors.drill_for(request.user, pk, can_review=False)
    drills.finish_drill(run)
    return redirect("academy:drill", run.pk)


@require_POST
@require_permission(trains)
def review_drill(request, pk: int):
    run = selectors.drill_for(request.user, pk, can_review=True)
    try:
        adjustment = int(request.POST.get("adjustment") or 0)
        drills.review_drill(run, request.user, request.POST.get("comment", ""), adjustment)
        messages.success(request, _("The review is saved."))
    except (ValueError, ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return redirect("academy:drill", run.pk)


@require_permission(trains)
def grade(request, pk: int):
    attempt = selectors.attempt_to_grade(pk)
    answers = selectors.short_answers(attempt)
    if request.method == "POST":
        try:
            for row in answers:
                question = row["question"]
                points = int(request.POST.get(f"points-{question.pk}", ""))
                services.grade_short_answer(attempt.pk, question.pk, points, request.user)
        except ValueError:
            messages.error(request, _("Give each answer a number of points."))
            return redirect("academy:grade", attempt.pk)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect("academy:trainer")
        messages.success(request, _("The answers are graded."))
        return redirect("academy:trainer")
    return render(request, "academy/grade.html", {"attempt": attempt, "answers": answers})


@require_permission(trains)
def item_analysis(request):
    language = (
        request.GET.get("language") if request.GET.get("language") in ("en", "zh-hans") else None
    )
    return render(
        request,
        "academy/items.html",
        {
            "figures": selectors.item_analysis(language),
            "language": language or "",
            "min_attempts": selectors.MIN_ATTEMPTS,
        },
    )


@require_POST
@require_permission(trains)
def resolve_flag(request, pk: int):
    flag = selectors.review_flag(pk)
    try:
        asked = services.resolve_flag(flag, request.user, retrain="retrain" in request.POST)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("academy:trainer")
    if asked:
        messages.success(
            request, _("Reviewed; %(n)d certificate holders were asked to re-train.") % {"n": asked}
        )
    else:
        messages.success(request, _("Marked as reviewed."))
    return redirect("academy:trainer")


@require_POST
@require_permission(trains)
def make_case(request, conversation_pk: int):
    from exdesk.conversations.selectors import visible_conversations

    conversation = visible_conversations(request.user).filter(pk=conversation_pk).first()
    if conversation is None:
        raise Http404
    try:
        case = cases.make_case(conversation, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("conversations:detail", conversation_pk)
    return redirect("academy:case", case.pk)


@staff_required
def case_list(request):
    can_edit = trains(request.user)
    return render(
        request,
        "academy/cases.html",
        {"cases": selectors.cases_for(request.user, can_edit), "can_edit": can_edit},
    )


@staff_required
def case(request, pk: int):
    can_edit = trains(request.user)
    found = selectors.case_for(request.user, pk, can_edit)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "save":
                cases.edit_case(
                    found,
                    request.user,
                    title=request.POST.get("title", ""),
                    transcript=request.POST.get("transcript", ""),
                )
                messages.success(request, _("The case is saved as a draft."))
            elif action == "submit":
                cases.submit_case(found, request.user)
                messages.success(request, _("The case waits for a second trainer's review."))
            elif action == "publish":
                cases.publish_case(found, request.user)
                messages.success(request, _("The case is published."))
            elif action == "drill":
                cases.drill_from_case(found, request.user)
                messages.success(request, _("A drill seeded by this case is ready."))
                return redirect("academy:drills")
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("academy:case", found.pk)
    return render(
        request,
        "academy/case.html",
        {"case": found, "turns": selectors.case_turns(found), "can_edit": can_edit},
    )
