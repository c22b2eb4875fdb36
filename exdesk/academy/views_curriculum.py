"""The curriculum in the console, for trainers: modules, lessons with their versions and
review, learning paths. Thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exdesk.accounts.decorators import require_permission, staff_required
from exdesk.accounts.permissions import trains
from exdesk.core.forms import add_service_errors
from exdesk.helpcenter import rendering

from . import curriculum, selectors, services
from .forms import LessonForm, ModuleForm, NewLessonForm, PathForm, QuestionForm, ReviewForm


@require_permission(trains)
def overview(request):
    return render(
        request,
        "academy/curriculum.html",
        {"modules": selectors.curriculum(), "paths": selectors.paths_with_steps()},
    )


@require_permission(trains)
def module_edit(request, pk: int | None = None):
    module = selectors.module(pk) if pk else None
    form = ModuleForm(request.POST or None, instance=module)
    if request.method == "POST" and form.is_valid():
        try:
            curriculum.save_module(request.user, module, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The module is saved."))
            return redirect("academy:curriculum")
    return render(request, "academy/module_form.html", {"form": form, "module": module})


@require_permission(trains)
def lesson_new(request, module_pk: int):
    module = selectors.module(module_pk)
    form = NewLessonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lesson = curriculum.create_lesson(request.user, module, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The draft is saved. Send it to review when it is ready."))
            return redirect("academy:lesson_edit", lesson.pk)
    return render(request, "academy/lesson_new.html", {"form": form, "module": module})


@require_permission(trains)
def lesson_edit(request, pk: int):
    lesson = selectors.lesson_to_edit(pk)
    latest = curriculum.latest_version(lesson)
    initial = {}
    if latest is not None:
        initial = {
            "title": latest.title,
            "body": latest.body,
            "articles": " ".join(latest.articles),
            "terms": " ".join(latest.terms),
            "cases": " ".join(str(c) for c in latest.cases),
        }
    form = LessonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            curriculum.save_lesson(request.user, lesson, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("A new version is saved as a draft."))
            return redirect("academy:lesson_edit", lesson.pk)
    return render(
        request,
        "academy/lesson_edit.html",
        {
            "lesson": lesson,
            "latest": latest,
            "preview": rendering.render(latest.body).html if latest else "",
            "form": form,
            "review_form": ReviewForm(),
            "unpublished": curriculum.has_unpublished_changes(lesson),
            "check_count": services.lesson_check(lesson).count(),
            "versions": selectors.lesson_versions(lesson),
            "activity": selectors.lesson_activity(lesson),
        },
    )


@require_POST
@require_permission(trains)
def lesson_review(request, pk: int, action: str):
    lesson = selectors.lesson_to_edit(pk)
    form = ReviewForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    steps = {
        "submit": (curriculum.submit_lesson, _("The lesson is waiting for review.")),
        "approve": (curriculum.approve_lesson, _("The lesson is published.")),
        "changes": (curriculum.request_lesson_changes, _("The lesson is sent back.")),
    }
    if action not in steps:
        raise PermissionDenied
    step, done = steps[action]
    try:
        step(request.user, lesson, comment)
        messages.success(request, done)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return redirect("academy:lesson_edit", lesson.pk)


@require_permission(trains)
def path_edit(request, pk: int | None = None):
    path = selectors.learning_path(pk) if pk else None
    initial = {}
    if path is not None:
        initial = {
            "key": path.key,
            "title_en": path.title_en,
            "title_zh": path.title_zh,
            "steps": "\n".join(selectors.path_step_keys(path)),
        }
    form = PathForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        steps = [line.strip() for line in data.pop("steps").splitlines() if line.strip()]
        try:
            curriculum.save_path(request.user, path, steps=steps, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The learning path is saved."))
            return redirect("academy:curriculum")
    return render(request, "academy/path_form.html", {"form": form, "path": path})


@require_POST
@require_permission(trains)
def image_upload(request, pk: int):
    """From a lesson's page: store the image and give the Markdown that shows it."""
    lesson = selectors.lesson_to_edit(pk)
    upload = request.FILES.get("image")
    try:
        if upload is None:
            raise ValidationError(_("Choose an image to upload."))
        image = curriculum.upload_image(request.user, upload)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        address = reverse("academy:image", args=[image.sha256])
        messages.success(
            request,
            _("The image is stored. Put this in the text: %(markdown)s")
            % {"markdown": f"![{image.name}]({address})"},
        )
    return redirect("academy:lesson_edit", lesson.pk)


@staff_required
def image(request, sha256: str):
    found = selectors.lesson_image(sha256)
    response = FileResponse(default_storage.open(found.path, "rb"), content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=86400"
    return response


@require_permission(trains)
def questions(request, module_pk: int):
    """A module's bank in one language, and a form to add a question to it."""
    module = selectors.module(module_pk)
    language = (
        request.GET.get("language") if request.GET.get("language") in ("en", "zh-hans") else "en"
    )
    form = QuestionForm(
        request.POST or None,
        lesson_keys=selectors.lesson_keys(module),
        initial={"language": language, "difficulty": 2, "points": 1},
    )
    if request.method == "POST" and form.is_valid():
        try:
            curriculum.save_question(request.user, None, module=module, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The question is added to the bank."))
            return redirect(f"{reverse('academy:questions', args=[module.pk])}?language={language}")
    return render(
        request,
        "academy/questions.html",
        {
            "module": module,
            "language": language,
            "questions": selectors.module_questions(module, language),
            "form": form,
        },
    )


@require_permission(trains)
def question_edit(request, pk: int):
    question = selectors.question(pk)
    form = QuestionForm(
        request.POST or None,
        lesson_keys=selectors.lesson_keys(question.module),
        initial=QuestionForm.initial_for(question),
    )
    if request.method == "POST" and "active" in request.POST:
        curriculum.set_question_active(request.user, question, request.POST["active"] == "1")
        messages.success(request, _("The question is updated."))
        return redirect("academy:question_edit", question.pk)
    if request.method == "POST" and form.is_valid():
        try:
            curriculum.save_question(
                request.user, question, module=question.module, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The question is updated."))
            return redirect("academy:question_edit", question.pk)
    return render(
        request,
        "academy/question_edit.html",
        {
            "question": question,
            "form": form,
            "answered": curriculum.question_was_answered(question),
        },
    )
