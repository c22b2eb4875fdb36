"""The academy's rules: lessons and their checks, exam attempts kept on the server,
grading, certificates, learning paths. Views, tasks and the loader all call these."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exdesk.accounts.models import User

from .choices import CHOICE_KINDS, AttemptState, LessonStatus, QuestionKind
from .models import (
    Assignment,
    Attempt,
    Certificate,
    Certification,
    DrillRun,
    Exam,
    LearningPath,
    Lesson,
    LessonCompletion,
    LessonVersion,
    Question,
    ReviewFlag,
)

MAX_TEXT_ANSWER = 4000
_draw = random.SystemRandom()  # nobody can replay a draw from the time it started


# ---------------------------------------------------------------- lessons


def publish_lesson(
    lesson: Lesson, *, title: str, body: str, articles=(), terms=(), author=None
) -> LessonVersion:
    """A new version of the lesson, published at once (the starter curriculum, or a
    trainer's approved edit)."""
    with transaction.atomic():
        last = lesson.versions.order_by("-number").values_list("number", flat=True).first()
        version = LessonVersion.objects.create(
            lesson=lesson,
            number=(last or 0) + 1,
            title=title.strip()[:200],
            body=body,
            articles=list(articles),
            terms=list(terms),
            author=author,
        )
        lesson.published_version = version
        lesson.status = LessonStatus.PUBLISHED
        lesson.save(update_fields=["published_version", "status", "updated_at"])
    return version


@dataclass
class CheckResult:
    score: int
    total: int
    passed: bool
    wrong: list[int]  # question ids answered wrongly


# A lesson's check is passed with every answer right but one (of 2–5).
CHECK_MISSES_ALLOWED = 1


def check_lesson(user, lesson: Lesson, answers: dict[int, object], now=None) -> CheckResult:
    """Grade a lesson's short check (answers keyed by question id, in the options' own
    order: a check is not an exam and shows options as written). Passing it completes
    the lesson for ``user``."""
    if lesson.published_version is None:
        raise ValidationError(_("This lesson is not published."))
    questions = list(lesson_check(lesson))
    score = 0
    wrong = []
    for question in questions:
        given = answers.get(question.pk)
        if given is not None and _is_right(question, given):
            score += 1
        else:
            wrong.append(question.pk)
    passed = len(wrong) <= CHECK_MISSES_ALLOWED
    if passed:
        LessonCompletion.objects.update_or_create(
            user=user,
            lesson=lesson,
            defaults={
                "version": lesson.published_version.number,
                "check_score": score,
                "check_total": len(questions),
                "completed_at": now or timezone.now(),
            },
        )
        _complete_finished_assignments(user, now or timezone.now())
    return CheckResult(score, len(questions), passed, wrong)


def lesson_check(lesson: Lesson):
    return Question.objects.filter(
        lesson_key=lesson.key, language=lesson.language, active=True
    ).order_by("key")


# ---------------------------------------------------------------- exams


def _finished(attempts) -> list[Attempt]:
    return [a for a in attempts if a.state != AttemptState.IN_PROGRESS]


def next_attempt_at(user, exam: Exam, now=None) -> dt.datetime | None:
    """When ``user`` may start ``exam`` again: None if now; raises PermissionDenied when
    the attempts are used up."""
    now = now or timezone.now()
    finished = _finished(Attempt.objects.filter(user=user, exam=exam).order_by("submitted_at"))
    since_pass: list[Attempt] = []
    for attempt in finished:
        since_pass = [] if attempt.state == AttemptState.PASSED else [*since_pass, attempt]
    failed = [a for a in since_pass if a.state == AttemptState.FAILED]
    if len(failed) >= exam.max_attempts:
        raise PermissionDenied(_("All attempts at this exam are used; ask a trainer."))
    if failed and failed[-1].submitted_at:
        ready = failed[-1].submitted_at + dt.timedelta(hours=exam.cooldown_hours)
        if ready > now:
            return ready
    return None


def start_attempt(user, exam: Exam, language: str = "en", now=None) -> Attempt:
    """The attempt in progress (it survives a reload or a lost connection), or a new
    one drawn for this sitting from the questions in ``language``."""
    now = now or timezone.now()
    for overdue in Attempt.objects.filter(
        user=user, exam=exam, state=AttemptState.IN_PROGRESS, deadline__lte=now
    ):
        finish_if_overdue(overdue, now)  # graded in its own transaction, whatever follows
    with transaction.atomic():
        # One writer per user and exam: two tabs starting at once get the same attempt.
        User.objects.select_for_update().filter(pk=user.pk).first()
        current = Attempt.objects.filter(
            user=user, exam=exam, state=AttemptState.IN_PROGRESS
        ).first()
        if current is not None:
            return current
        ready = next_attempt_at(user, exam, now)
        if ready is not None:
            raise ValidationError(
                _("You may try this exam again after %(time)s.")
                % {"time": timezone.localtime(ready).strftime("%Y-%m-%d %H:%M")}
            )
        return new_attempt(exam, language, now, user=user)


def new_attempt(exam: Exam, language: str, now: dt.datetime, *, user=None, candidate=None):
    """A sitting drawn now for an agent or a candidate. The caller holds their lock."""
    items = _draw_items(exam, language)
    return Attempt.objects.create(
        exam=exam,
        user=user,
        candidate=candidate,
        language=language,
        started_at=now,
        deadline=now + dt.timedelta(minutes=exam.time_limit_minutes),
        items=items,
        max_score=sum(_points(q) for q in _questions_of(items).values()),
    )


def _draw_items(exam: Exam, language: str) -> list[dict]:
    items = []
    for module_key, count in exam.blueprint.items():
        pool = list(
            Question.objects.filter(
                module__key=module_key,
                language=language,
                active=True,
                difficulty__lte=exam.max_difficulty,
            ).values_list("pk", "kind", "options")
        )
        if len(pool) < count:
            raise ValidationError(
                _("The question bank has too few questions for module %(module)s.")
                % {"module": module_key}
            )
        for pk, kind, options in _draw.sample(pool, count):
            order = list(range(len(options)))
            if kind != QuestionKind.TRUE_FALSE:
                _draw.shuffle(order)
            items.append({"question": pk, "order": order})
    _draw.shuffle(items)
    return items


def _questions_of(items: list[dict]) -> dict[int, Question]:
    return Question.objects.in_bulk([item["question"] for item in items])


def _points(question: Question) -> int:
    return question.points if question.kind == QuestionKind.TEXT else 1


def sat_by(attempt: Attempt, sitter) -> bool:
    """``sitter`` is an agent (User) or a recruitment Candidate."""
    if isinstance(sitter, User):
        return attempt.user_id == sitter.pk
    return attempt.candidate_id is not None and attempt.candidate_id == sitter.pk


def _locked_attempt(attempt_id: int, sitter) -> Attempt:
    attempt = Attempt.objects.select_for_update().filter(pk=attempt_id).first()
    if attempt is None or not sat_by(attempt, sitter):
        raise PermissionDenied
    return attempt


def clean_answer(question: Question, shown: list[int], value) -> object:
    """The answer as the sheet sent it, checked against the question's shape."""
    n = len(shown)
    if question.kind in CHOICE_KINDS:
        index = _index(value, n)
        return index
    if question.kind == QuestionKind.MULTIPLE:
        values = value if isinstance(value, list) else [value]
        return sorted({_index(v, n) for v in values})
    if question.kind == QuestionKind.ORDERING:
        values = [_index(v, n) for v in (value if isinstance(value, list) else [])]
        if sorted(values) != list(range(n)):
            raise ValidationError(_("Put every step in order once."))
        return values
    if question.kind == QuestionKind.TRUE_FALSE:
        if value in (True, "true", "True", "1"):
            return True
        if value in (False, "false", "False", "0"):
            return False
        raise ValidationError(_("Answer true or false."))
    text = str(value or "").strip()
    if len(text) > MAX_TEXT_ANSWER:
        raise ValidationError(_("Use at most %(n)d characters.") % {"n": MAX_TEXT_ANSWER})
    return text


def _index(value, n: int) -> int:
    try:
        index = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Choose one of the options.")) from None
    if not 0 <= index < n:
        raise ValidationError(_("Choose one of the options."))
    return index


def save_answers(attempt_id: int, sitter, answers: dict[int, object], now=None) -> Attempt:
    """Keep answers (keyed by question id) on the attempt. After the deadline nothing is
    taken and the attempt is finished with what was saved."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _locked_attempt(attempt_id, sitter)
        if attempt.state != AttemptState.IN_PROGRESS:
            raise ValidationError(_("This attempt is finished."))
        late = attempt.deadline <= now
        if late:
            _finish(attempt, now)
        else:
            shown = {item["question"]: item["order"] for item in attempt.items}
            if any(qid not in shown for qid in answers):
                raise ValidationError(_("That question is not part of this attempt."))
            questions = Question.objects.in_bulk(list(answers))
            for qid, value in answers.items():
                attempt.answers[str(qid)] = clean_answer(questions[qid], shown[qid], value)
            attempt.save(update_fields=["answers"])
    if late:  # raised after the commit: the grading stays
        raise ValidationError(_("Time is up: the answers saved before it are graded."))
    return attempt


def submit_attempt(attempt_id: int, sitter, now=None) -> Attempt:
    """Finish and grade. A second submission (another tab, a replayed form) is refused."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _locked_attempt(attempt_id, sitter)
        if attempt.state != AttemptState.IN_PROGRESS:
            raise ValidationError(_("This attempt was submitted already."))
        _finish(attempt, now)
    return attempt


def finish_if_overdue(attempt: Attempt, now=None) -> Attempt:
    """An attempt whose time ran out while nobody was looking is graded when next seen."""
    now = now or timezone.now()
    if attempt.state == AttemptState.IN_PROGRESS and attempt.deadline <= now:
        with transaction.atomic():
            locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
            if locked.state == AttemptState.IN_PROGRESS:
                _finish(locked, now)
            return locked
    return attempt


def _is_right(question: Question, given, order: list[int] | None = None) -> bool:
    """``given`` indexes the options as shown in ``order`` (as written when None)."""
    order = order if order is not None else list(range(len(question.options)))
    if question.kind in CHOICE_KINDS:
        return isinstance(given, int) and order[given] in question.answer
    if question.kind == QuestionKind.MULTIPLE:
        return isinstance(given, list) and {order[i] for i in given} == set(question.answer)
    if question.kind == QuestionKind.TRUE_FALSE:
        return isinstance(given, bool) and given == question.answer[0]
    if question.kind == QuestionKind.ORDERING:
        return isinstance(given, list) and [order[i] for i in given] == list(range(len(order)))
    return False  # short answers: a trainer grades them


def _finish(attempt: Attempt, now: dt.datetime) -> None:
    """Grade what can be graded; the rest waits for a trainer. The caller holds the lock."""
    questions = _questions_of(attempt.items)
    marks = {}
    waiting = False
    for item in attempt.items:
        question = questions[item["question"]]
        given = attempt.answers.get(str(question.pk))
        if question.kind == QuestionKind.TEXT:
            if given:
                waiting = True
            else:
                marks[str(question.pk)] = 0
            continue
        right = given is not None and _is_right(question, given, item["order"])
        marks[str(question.pk)] = 1 if right else 0
    attempt.marks = marks
    attempt.submitted_at = now
    if waiting:
        attempt.state = AttemptState.AWAITING_GRADING
    else:
        _conclude(attempt, now)
    attempt.save(update_fields=["marks", "submitted_at", "state", "score"])


def _conclude(attempt: Attempt, now: dt.datetime) -> None:
    attempt.score = sum(attempt.marks.values())
    passed = attempt.max_score > 0 and 100 * attempt.score >= attempt.exam.pass_mark * (
        attempt.max_score
    )
    attempt.state = AttemptState.PASSED if passed else AttemptState.FAILED
    if not passed or attempt.user is None:  # a candidate earns no certificate
        return
    certification = attempt.exam.certification
    if certification is not None and not drills_missing(attempt.user, attempt.exam):
        grant_certificate(attempt.user, certification, attempt=attempt, now=now)
    _complete_finished_assignments(attempt.user, now)


def drills_missing(user, exam: Exam) -> list[str]:
    """The drills (scenario keys) the exam's blueprint asks for that ``user`` has not
    passed yet, in either language."""
    if not exam.drills:
        return []
    passed = set(
        DrillRun.objects.filter(
            trainee=user, passed=True, scenario__key__in=exam.drills
        ).values_list("scenario__key", flat=True)
    )
    return [key for key in exam.drills if key not in passed]


def certify_after_drill(run: DrillRun, now=None) -> list[Certificate]:
    """A passed drill may complete what a passed exam was waiting for: the certificate
    is granted then, once per passed attempt."""
    if not run.passed or run.trainee is None:
        return []
    now = now or timezone.now()
    granted = []
    # A handful of exams: filtered here, as SQLite cannot look inside a JSON list.
    for exam in Exam.objects.filter(certification__isnull=False).select_related("certification"):
        certification = exam.certification
        if certification is None or run.scenario.key not in exam.drills:
            continue
        if drills_missing(run.trainee, exam):
            continue
        attempt = (
            Attempt.objects.filter(user=run.trainee, exam=exam, state=AttemptState.PASSED)
            .order_by("-submitted_at")
            .first()
        )
        if attempt is None or Certificate.objects.filter(attempt=attempt).exists():
            continue
        granted.append(grant_certificate(run.trainee, certification, attempt=attempt, now=now))
    return granted


def grade_short_answer(attempt_id: int, question_id: int, points: int, grader, now=None):
    """A trainer marks one short answer against its rubric; the attempt concludes when
    the last one is marked."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().select_related("exam").get(pk=attempt_id)
        if attempt.user_id == grader.pk:
            raise PermissionDenied(_("Nobody grades their own exam."))
        if attempt.state != AttemptState.AWAITING_GRADING:
            raise ValidationError(_("This attempt is not waiting for grading."))
        question = Question.objects.get(pk=question_id)
        if question.kind != QuestionKind.TEXT or question_id not in {
            item["question"] for item in attempt.items
        }:
            raise ValidationError(_("That is not a short answer of this attempt."))
        if not 0 <= points <= question.points:
            raise ValidationError(_("Give between 0 and %(n)d points.") % {"n": question.points})
        attempt.marks[str(question_id)] = points
        texts = [
            item["question"] for item in attempt.items if str(item["question"]) not in attempt.marks
        ]
        if not texts:
            _conclude(attempt, now)
        attempt.save(update_fields=["marks", "state", "score"])
    return attempt


# ---------------------------------------------------------------- certificates


def grant_certificate(user, certification: Certification, *, attempt=None, now=None):
    now = now or timezone.now()
    return Certificate.objects.create(
        user=user,
        certification=certification,
        attempt=attempt,
        granted_at=now,
        expires_at=now + dt.timedelta(days=certification.valid_days),
    )


def revoke_certificate(certificate: Certificate, by, reason: str, now=None) -> Certificate:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the certificate is revoked.")})
    if certificate.revoked_at is not None:
        raise ValidationError(_("This certificate is revoked already."))
    certificate.revoked_at = now or timezone.now()
    certificate.revoked_by = by
    certificate.revoke_reason = reason[:300]
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return certificate


# ---------------------------------------------------------------- learning paths


def assign_path(path: LearningPath, users: Iterable, *, due_at=None, team=None, by=None):
    """Give ``path`` to each user (a team's members when ``team`` is given); an agent who
    has it already keeps their progress and gets the new due date."""
    assigned = []
    with transaction.atomic():
        for user in users:
            assignment, _created = Assignment.objects.update_or_create(
                path=path,
                user=user,
                defaults={"due_at": due_at, "team": team, "assigned_by": by},
            )
            assigned.append(assignment)
    return assigned


def _complete_finished_assignments(user, now: dt.datetime) -> None:
    from .selectors import path_progress

    for assignment in Assignment.objects.filter(user=user, completed_at__isnull=True):
        if path_progress(assignment.path, user).done:
            assignment.completed_at = now
            assignment.save(update_fields=["completed_at"])


def assign_lesson(user, lesson_key: str, *, by=None, reason: str = "", now=None):
    """Give one lesson to an agent (once; a later reason does not replace the first).
    Unknown lesson keys are ignored: a scorecard may name a lesson not written yet."""
    from .models import LessonAssignment

    if not Lesson.objects.filter(key=lesson_key).exists():
        return None
    assignment, _created = LessonAssignment.objects.get_or_create(
        user=user,
        lesson_key=lesson_key,
        defaults={"assigned_by": by, "reason": reason[:200], "assigned_at": now or timezone.now()},
    )
    return assignment


# ---------------------------------------------------------------- reminders

# A certificate's holder is told this long before it expires.
EXPIRY_NOTICE = dt.timedelta(days=30)


def notify_overdue_assignments(now=None) -> int:
    """Tell the agent and the trainer who assigned it, once, that a path is overdue."""
    from exdesk.sla.services import notify

    now = now or timezone.now()
    overdue = Assignment.objects.filter(
        due_at__lt=now, completed_at__isnull=True, overdue_notified_at__isnull=True
    ).select_related("path", "user", "assigned_by")
    count = 0
    for assignment in overdue:
        people = [assignment.user, *([assignment.assigned_by] if assignment.assigned_by else [])]
        with transaction.atomic():
            notify(people, None, "training_overdue", assignment.path.title_en[:80])
            assignment.overdue_notified_at = now
            assignment.save(update_fields=["overdue_notified_at"])
        count += 1
    return count


def remind_expiring_certificates(now=None) -> int:
    """Tell each holder, once, that a valid certificate expires within EXPIRY_NOTICE."""
    from exdesk.sla.services import notify

    now = now or timezone.now()
    expiring = Certificate.objects.filter(
        revoked_at__isnull=True,
        reminded_at__isnull=True,
        expires_at__gt=now,
        expires_at__lte=now + EXPIRY_NOTICE,
    ).select_related("user", "certification")
    count = 0
    for certificate in expiring:
        with transaction.atomic():
            notify(
                [certificate.user],
                None,
                "certificate_expiring",
                certificate.certification.title_en[:80],
            )
            certificate.reminded_at = now
            certificate.save(update_fields=["reminded_at"])
        count += 1
    return count


# ---------------------------------------------------------------- articles that changed


def article_published(slug: str, language: str, version: int) -> int:
    """An article got a new published version: flag the lessons and questions in that
    language that depend on it, and tell the trainers. Returns how many were flagged."""
    from exdesk.accounts.choices import TRAINS
    from exdesk.sla.services import notify

    lessons = [
        lesson
        for lesson in Lesson.objects.filter(
            language=language, published_version__isnull=False
        ).select_related("published_version")
        if lesson.published_version is not None and slug in lesson.published_version.articles
    ]
    questions = list(Question.objects.filter(language=language, article_key=slug, active=True))
    open_flags = ReviewFlag.objects.filter(article_slug=slug, resolved_at__isnull=True)
    flagged_lessons = set(open_flags.values_list("lesson", flat=True))
    flagged_questions = set(open_flags.values_list("question", flat=True))
    new = [
        ReviewFlag(lesson=lesson, article_slug=slug, article_version=version)
        for lesson in lessons
        if lesson.pk not in flagged_lessons
    ] + [
        ReviewFlag(question=question, article_slug=slug, article_version=version)
        for question in questions
        if question.pk not in flagged_questions
    ]
    if not new:
        return 0
    with transaction.atomic():
        ReviewFlag.objects.bulk_create(new)
        trainers = User.objects.filter(is_active=True, role__in=TRAINS)
        notify(trainers, None, "training_review", slug[:80])
    return len(new)


def resolve_flag(flag: ReviewFlag, user, *, retrain: bool = False, now=None) -> int:
    """The trainer reviewed the lesson or question. With ``retrain``, the holders of valid
    certificates whose exams draw on its module are asked to re-train (and told); returns
    how many were asked."""
    from exdesk.sla.services import notify

    now = now or timezone.now()
    if flag.resolved_at is not None:
        raise ValidationError(_("This review is done already."))
    item = flag.lesson or flag.question
    if item is None:
        raise ValidationError(_("This review is about nothing any more."))
    module_key = item.module.key
    asked = 0
    with transaction.atomic():
        flag.resolved_at, flag.resolved_by = now, user
        flag.save(update_fields=["resolved_at", "resolved_by"])
        if retrain:
            certifications = {
                exam.certification_id
                for exam in Exam.objects.filter(certification__isnull=False)
                if module_key in exam.blueprint
            }
            certificates = list(
                Certificate.objects.filter(
                    certification__in=certifications,
                    revoked_at__isnull=True,
                    expires_at__gt=now,
                    retrain_requested_at__isnull=True,
                ).select_related("user", "certification")
            )
            for certificate in certificates:
                certificate.retrain_requested_at = now
                certificate.save(update_fields=["retrain_requested_at"])
                notify(
                    [certificate.user],
                    None,
                    "certificate_retrain",
                    certificate.certification.title_en[:80],
                )
            asked = len(certificates)
    return asked
