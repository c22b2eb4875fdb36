"""Trainers write the curriculum in the console with the help center's workflow: every
save is a new version, a draft goes to review, another trainer approves it and only then
do learners read it; the published version stays in front of them meanwhile. Modules and
learning paths are edited here too."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from exdesk.accounts.choices import Language
from exdesk.accounts.permissions import trains
from exdesk.conversations import attachments as files

from .choices import AttemptState, LessonStatus, QuestionKind
from .models import (
    Attempt,
    Case,
    CaseStatus,
    Exam,
    LearningPath,
    Lesson,
    LessonActivity,
    LessonImage,
    LessonVersion,
    Module,
    PathStep,
    Question,
)

MAX_TITLE = 200
MAX_BODY = 60_000
Kind = LessonActivity.Kind


def _check_trainer(user) -> None:
    if not trains(user):
        raise PermissionDenied(_("Only trainers edit the curriculum."))


def _keys(values) -> list[str]:
    """Article or glossary keys as typed: separated by commas or spaces."""
    if isinstance(values, str):
        values = values.replace(",", " ").split()
    return list(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))


def _clean(title: str, body: str, articles, terms, cases) -> tuple:
    title, body = (title or "").strip(), body or ""
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Give the lesson a title.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("Use at most %(n)d characters.") % {"n": MAX_TITLE}
    if not body.strip():
        errors["body"] = _("Write the lesson's text.")
    elif len(body) > MAX_BODY:
        errors["body"] = _("Use at most %(n)d characters.") % {"n": MAX_BODY}
    articles, terms = _keys(articles), _keys(terms)
    for key in articles + terms:
        try:
            validate_slug(key)
        except ValidationError:
            errors["articles" if key in articles else "terms"] = _(
                "Use addresses and keys of lower-case letters, digits and hyphens."
            )
    case_ids = [int(c) for c in _keys(cases) if str(c).isdigit()]
    published = set(
        Case.objects.filter(pk__in=case_ids, status=CaseStatus.PUBLISHED).values_list(
            "pk", flat=True
        )
    )
    if len(published) != len(case_ids) or len(case_ids) != len(_keys(cases)):
        errors["cases"] = _("Link only published cases, by their number.")
    if errors:
        raise ValidationError(errors)
    return title, body, articles, terms, case_ids


def latest_version(lesson: Lesson) -> LessonVersion | None:
    return lesson.versions.order_by("-number").first()


def _log(lesson: Lesson, kind: str, actor, version: int | None, comment: str = "") -> None:
    LessonActivity.objects.create(
        lesson=lesson, kind=kind, actor=actor, version=version, comment=comment[:500]
    )


def create_lesson(
    user, module: Module, *, key: str, language: str, title: str, body: str, **extra
) -> Lesson:
    """A new lesson, as a draft nobody reads until it is approved."""
    _check_trainer(user)
    errors = {}
    try:
        validate_slug(key)
    except ValidationError:
        errors["key"] = _("Use lower-case letters, digits and hyphens for the key.")
    if language not in Language.values:
        errors["language"] = _("Choose English or Simplified Chinese.")
    if errors:
        raise ValidationError(errors)
    cleaned = _clean(
        title, body, extra.get("articles", ()), extra.get("terms", ()), extra.get("cases", ())
    )
    position = module.lessons.filter(language=language).count()
    try:
        with transaction.atomic():
            lesson = Lesson.objects.create(
                module=module, key=key, language=language, position=position
            )
            _new_version(lesson, user, *cleaned, note=extra.get("note", ""))
    except IntegrityError:
        raise ValidationError(
            {"key": _("A lesson with this key exists in this language.")}
        ) from None
    return lesson


def _new_version(lesson, user, title, body, articles, terms, cases, note="") -> LessonVersion:
    last = latest_version(lesson)
    version = LessonVersion.objects.create(
        lesson=lesson,
        number=(last.number if last else 0) + 1,
        title=title,
        body=body,
        articles=articles,
        terms=terms,
        cases=cases,
        note=(note or "").strip()[:200],
        author=user,
    )
    _log(lesson, Kind.SAVED, user, version.number)
    return version


@transaction.atomic
def save_lesson(
    user, lesson: Lesson, *, title: str, body: str, articles=(), terms=(), cases=(), note=""
) -> LessonVersion:
    """Every save is a new version and makes the lesson a draft again; learners keep
    reading the published version until this one is approved."""
    _check_trainer(user)
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    cleaned = _clean(title, body, articles, terms, cases)
    last = latest_version(lesson)
    if (
        last is not None
        and (last.title, last.body, last.articles, last.terms, last.cases) == cleaned
    ):
        raise ValidationError(_("Nothing changed since the last version."))
    version = _new_version(lesson, user, *cleaned, note=note)
    lesson.status = LessonStatus.DRAFT
    lesson.save(update_fields=["status", "updated_at"])
    return version


def has_unpublished_changes(lesson: Lesson) -> bool:
    last = latest_version(lesson)
    return last is not None and last.pk != lesson.published_version_id


@transaction.atomic
def submit_lesson(user, lesson: Lesson, comment: str = "") -> Lesson:
    _check_trainer(user)
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    if lesson.status != LessonStatus.DRAFT or not has_unpublished_changes(lesson):
        raise ValidationError(_("Only a draft with unpublished changes can go to review."))
    lesson.status = LessonStatus.IN_REVIEW
    lesson.save(update_fields=["status", "updated_at"])
    _log(lesson, Kind.SUBMITTED, user, latest_version(lesson).number, comment)
    return lesson


@transaction.atomic
def approve_lesson(user, lesson: Lesson, comment: str = "") -> Lesson:
    """Publish the version under review. Nobody approves their own text."""
    _check_trainer(user)
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    if lesson.status != LessonStatus.IN_REVIEW:
        raise ValidationError(_("Only a lesson in review can be approved."))
    version = latest_version(lesson)
    if version.author_id == user.pk:
        raise PermissionDenied(_("Another trainer must approve your own changes."))
    lesson.published_version = version
    lesson.status = LessonStatus.PUBLISHED
    lesson.save(update_fields=["published_version", "status", "updated_at"])
    _log(lesson, Kind.APPROVED, user, version.number, comment)
    return lesson


@transaction.atomic
def request_lesson_changes(user, lesson: Lesson, comment: str) -> Lesson:
    _check_trainer(user)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what should change.")})
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    if lesson.status != LessonStatus.IN_REVIEW:
        raise ValidationError(_("Only a lesson in review can be sent back."))
    lesson.status = LessonStatus.DRAFT
    lesson.save(update_fields=["status", "updated_at"])
    _log(lesson, Kind.CHANGES_REQUESTED, user, latest_version(lesson).number, comment)
    return lesson


# ---------------------------------------------------------------- modules and paths


def save_module(user, module: Module | None, **fields) -> Module:
    """Create a module (``module`` None) or change its names and summary."""
    _check_trainer(user)
    module = module or Module()
    for name in ("key", "title_en", "title_zh", "summary_en", "summary_zh", "skill"):
        if name in fields:
            setattr(module, name, fields[name])
    if module.pk is None:
        module.position = Module.objects.count()
    module.full_clean()
    module.save()
    return module


@transaction.atomic
def save_path(user, path: LearningPath | None, *, steps: list[str], **fields) -> LearningPath:
    """Create or change a learning path. ``steps`` are module and exam keys in order."""
    _check_trainer(user)
    modules = Module.objects.in_bulk(steps, field_name="key")
    exams = Exam.objects.in_bulk(steps, field_name="key")
    unknown = [s for s in steps if s not in modules and s not in exams]
    if unknown or not steps:
        raise ValidationError(
            {"steps": _("Unknown module or exam: %(keys)s") % {"keys": ", ".join(unknown)}}
            if unknown
            else {"steps": _("Give the path at least one module or exam.")}
        )
    path = path or LearningPath()
    for name in ("key", "title_en", "title_zh"):
        if name in fields:
            setattr(path, name, fields[name])
    path.full_clean()
    path.save()
    path.steps.all().delete()
    PathStep.objects.bulk_create(
        PathStep(
            path=path,
            position=n,
            module=modules.get(key),
            exam=None if key in modules else exams.get(key),
        )
        for n, key in enumerate(steps)
    )
    return path


# ---------------------------------------------------------------- images

IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


def upload_image(user, upload) -> LessonImage:
    """Keep an image for lessons (the same bytes once) and return it; its address goes
    into the lesson's Markdown."""
    _check_trainer(user)
    [checked] = files.check_files([upload])
    if checked.content_type not in IMAGE_TYPES:
        raise ValidationError(_("Upload a PNG, JPEG, GIF or WebP image."))
    existing = LessonImage.objects.filter(sha256=checked.sha256).first()
    if existing is not None:
        return existing
    path = files.store(checked)
    try:
        with transaction.atomic():
            return LessonImage.objects.create(
                sha256=checked.sha256,
                path=path,
                content_type=checked.content_type,
                size=checked.size,
                name=checked.name,
                uploaded_by=user,
            )
    except IntegrityError:  # the same image, uploaded at the same moment by someone else
        files.discard([path])
        return LessonImage.objects.get(sha256=checked.sha256)


# ---------------------------------------------------------------- the question bank


def _question_shape(kind: str, options: list[str], answer: list, rubric: str, excerpt: list):
    """The answer key checked against the kind of question; errors by field."""
    errors: dict[str, str] = {}
    n = len(options)
    if kind in (QuestionKind.SINGLE, QuestionKind.SCENARIO, QuestionKind.MULTIPLE):
        if n < 2:
            errors["options"] = _("Give at least two options, one per line.")
        elif not answer or any(not isinstance(i, int) or not 0 <= i < n for i in answer):
            errors["answer"] = _("Give the numbers of the right options (1 is the first).")
        elif kind != QuestionKind.MULTIPLE and len(answer) != 1:
            errors["answer"] = _("A single-choice question has exactly one right option.")
        if kind == QuestionKind.SCENARIO and not excerpt:
            errors["excerpt"] = _("Give the conversation excerpt, one turn per line.")
    elif kind == QuestionKind.TRUE_FALSE:
        if answer not in ([True], [False]):
            errors["answer"] = _("Answer true or false.")
    elif kind == QuestionKind.ORDERING:
        if n < 2:
            errors["options"] = _("Give at least two steps, in their right order.")
    elif kind == QuestionKind.TEXT:
        if not rubric.strip():
            errors["rubric"] = _("Say what a full answer contains: trainers grade by it.")
    else:
        errors["kind"] = _("Choose a kind of question.")
    return errors


@transaction.atomic
def save_question(user, question: Question | None, *, module: Module, **fields) -> Question:
    """Add a question to the bank, or change one nobody has answered in an exam yet (an
    answered question is retired and replaced, so results stay comparable)."""
    _check_trainer(user)
    if question is not None:
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question_was_answered(question):
            raise ValidationError(
                _("This question was answered in exams: retire it and write a new one.")
            )
    kind = fields.get("kind", "")
    options = [o.strip() for o in fields.get("options", []) if o.strip()]
    answer = list(fields.get("answer", []))
    if kind == QuestionKind.TRUE_FALSE:
        options = []
    if kind in (QuestionKind.ORDERING, QuestionKind.TEXT):
        answer = []
    excerpt = fields.get("excerpt", [])
    errors = _question_shape(kind, options, answer, fields.get("rubric", ""), excerpt)
    if not (fields.get("prompt") or "").strip():
        errors["prompt"] = _("Write the question.")
    if fields.get("language") not in Language.values:
        errors["language"] = _("Choose English or Simplified Chinese.")
    if errors:
        raise ValidationError(errors)
    if question is None:
        question = Question(module=module, key=f"{module.key}-{secrets.token_hex(4)}")
    question.module = module
    question.language = fields["language"]
    question.kind = kind
    question.prompt = fields["prompt"].strip()
    question.options = options
    question.answer = answer
    question.excerpt = excerpt if kind == QuestionKind.SCENARIO else []
    for name in ("lesson_key", "difficulty", "rubric", "points", "explanation", "article_key"):
        if name in fields:
            setattr(question, name, fields[name])
    question.full_clean()
    question.save()
    return question


def question_was_answered(question: Question) -> bool:
    """Drawn in an attempt: answered or graded in a finished one, or on a sheet now."""
    qid = str(question.pk)
    if Attempt.objects.filter(Q(answers__has_key=qid) | Q(marks__has_key=qid)).exists():
        return True
    in_progress = Attempt.objects.filter(state=AttemptState.IN_PROGRESS).values_list(
        "items", flat=True
    )
    return any(item["question"] == question.pk for items in in_progress for item in items)


def set_question_active(user, question: Question, active: bool) -> Question:
    """Retire a question (no new attempt draws it; past results keep it) or bring it back."""
    _check_trainer(user)
    question.active = active
    question.save(update_fields=["active"])
    return question
