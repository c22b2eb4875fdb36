"""What the academy's pages read. ``exam_sheet`` is the only way a question reaches an
exam page, and it carries no answer key."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from .choices import AttemptState
from .models import (
    Assignment,
    Attempt,
    Candidate,
    Case,
    CaseStatus,
    Certificate,
    Certification,
    DrillRun,
    Exam,
    LearningPath,
    Lesson,
    LessonCompletion,
    Module,
    PathStep,
    Question,
    ReviewFlag,
    Scenario,
)


@dataclass
class SheetItem:
    """One question as the candidate sees it: options in the attempt's order, and the
    answer saved so far. No ``answer``, ``rubric`` or ``explanation`` fields."""

    number: int
    question_id: int
    kind: str
    prompt: str
    options: list[str]
    excerpt: list[dict]
    points: int
    saved: object = None


def exam_sheet(attempt: Attempt) -> list[SheetItem]:
    questions = Question.objects.in_bulk([item["question"] for item in attempt.items])
    sheet = []
    for number, item in enumerate(attempt.items, 1):
        question = questions[item["question"]]
        sheet.append(
            SheetItem(
                number=number,
                question_id=question.pk,
                kind=question.kind,
                prompt=question.prompt,
                options=[question.options[i] for i in item["order"]],
                excerpt=list(question.excerpt or []),
                points=question.points if question.kind == "text" else 1,
                saved=attempt.answers.get(str(question.pk)),
            )
        )
    return sheet


def valid_certificates(now=None):
    now = now or timezone.now()
    return Certificate.objects.filter(revoked_at__isnull=True, expires_at__gt=now)


def certified_skills(user_ids, now=None) -> dict[int, set[str]]:
    """Skill slugs each user holds a valid certificate for."""
    held: dict[int, set[str]] = {}
    rows = valid_certificates(now).filter(user__in=list(user_ids))
    for user_id, slug in rows.values_list("user", "certification__skill__slug"):
        held.setdefault(user_id, set()).add(slug)
    return held


def certified_skill_slugs() -> set[str]:
    """Skills that are earned by certification: for these, routing trusts only a valid
    certificate, not a skill ticked on the staff form."""
    return set(Certification.objects.values_list("skill__slug", flat=True))


@dataclass
class PathProgress:
    lessons_done: int = 0
    lessons_total: int = 0
    exams_passed: int = 0
    exams_total: int = 0
    steps: list[dict] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return (self.lessons_done, self.exams_passed) == (self.lessons_total, self.exams_total)

    @property
    def percent(self) -> int:
        total = self.lessons_total + self.exams_total
        return round(100 * (self.lessons_done + self.exams_passed) / total) if total else 100


def path_progress(path: LearningPath, user, language: str | None = None) -> PathProgress:
    """How far ``user`` is along ``path``: its modules' lessons (in the user's language,
    else English) and its exams."""
    language = language or _language_of(user)
    progress = PathProgress()
    done_keys = set(
        LessonCompletion.objects.filter(user=user).values_list("lesson__key", flat=True)
    )
    passed = set(
        Attempt.objects.filter(user=user, state=AttemptState.PASSED).values_list(
            "exam_id", flat=True
        )
    )
    for step in path.steps.select_related("module", "exam"):
        if step.module is not None:
            lessons = lessons_of(step.module, language)
            done = [lesson for lesson in lessons if lesson.key in done_keys]
            progress.lessons_total += len(lessons)
            progress.lessons_done += len(done)
            progress.steps.append(
                {"module": step.module, "lessons": lessons, "done": {x.key for x in done}}
            )
        if step.exam is not None:
            progress.exams_total += 1
            progress.exams_passed += step.exam_id in passed
            progress.steps.append({"exam": step.exam, "passed": step.exam_id in passed})
    return progress


def _language_of(user) -> str:
    languages = [str(code).lower() for code in (user.languages or [])]
    return "zh-hans" if languages[:1] == ["zh-hans"] else "en"


def lessons_of(module, language: str) -> list[Lesson]:
    """The module's published lessons in ``language``, in order (English where a lesson
    has no version in that language)."""
    published = Lesson.objects.filter(module=module, published_version__isnull=False)
    lessons = list(published.filter(Q(language=language) | Q(language="en")).order_by("position"))
    chosen: dict[str, Lesson] = {}
    for lesson in lessons:
        if lesson.key not in chosen or lesson.language == language:
            chosen[lesson.key] = lesson
    return sorted(chosen.values(), key=lambda lesson: lesson.position)


def assignments_of(user):
    return Assignment.objects.filter(user=user).select_related("path").order_by("due_at", "id")


def exams_for(user):
    return Exam.objects.select_related("certification").order_by("key")


def lesson_for_reader(key: str, language: str) -> Lesson | None:
    """The published lesson in the reader's language, else in English."""
    found = {
        lesson.language: lesson
        for lesson in Lesson.objects.filter(key=key, published_version__isnull=False)
        .select_related("published_version", "module")
        .filter(Q(language=language) | Q(language="en"))
    }
    return found.get(language) or found.get("en")


def lesson_articles(language: str, keys: list[str]) -> list[tuple[str, str]]:
    """(title, address) of the live help-center articles a lesson links: public ones on
    the help center, staff-only ones in the console."""
    from django.urls import reverse

    from exdesk.helpcenter.selectors import article_url, live_articles

    found = {
        a.slug: a
        for a in live_articles(language, include_internal=True)
        .filter(slug__in=keys)
        .select_related("live_version", "section__category")
    }
    links = []
    for key in keys:
        article = found.get(key)
        if article is None:
            continue
        public = article.visibility == "public" and not article.section.category.internal
        url = (
            article_url(language, key)
            if public
            else reverse("helpcenter_console:article", args=[article.pk])
        )
        links.append((article.live_version.title, url))
    return links


def lesson_done(user, lesson: Lesson) -> bool:
    return LessonCompletion.objects.filter(user=user, lesson=lesson).exists()


def exam_by_key(key: str) -> Exam:
    exam = Exam.objects.filter(key=key).first()
    if exam is None:
        raise Http404
    return exam


def attempt_of(user, pk: int) -> Attempt:
    """The user's own attempt; anyone else's is not found."""
    attempt = Attempt.objects.select_related("exam").filter(pk=pk, user=user).first()
    if attempt is None:
        raise Http404
    return attempt


def certificates_of(user):
    return Certificate.objects.filter(user=user).select_related("certification")


def exam_rows(user) -> list[dict]:
    """Each exam with where ``user`` stands: an attempt in progress, the best result,
    when they may try again."""
    from django.core.exceptions import PermissionDenied

    from .services import drills_missing, next_attempt_at

    titles = dict(Scenario.objects.filter(language=_language_of(user)).values_list("key", "title"))
    attempts: dict[int, list[Attempt]] = {}
    for attempt in Attempt.objects.filter(user=user).order_by("started_at"):
        attempts.setdefault(attempt.exam_id, []).append(attempt)
    rows = []
    for exam in Exam.objects.select_related("certification").order_by("key"):
        mine = attempts.get(exam.pk, [])
        try:
            ready_at, blocked = next_attempt_at(user, exam), False
        except PermissionDenied:
            ready_at, blocked = None, True
        rows.append(
            {
                "exam": exam,
                "current": next((a for a in mine if a.state == AttemptState.IN_PROGRESS), None),
                "last": mine[-1] if mine else None,
                "ready_at": ready_at,
                "blocked": blocked,
                # Drills the certificate also waits for, by title.
                "drills_missing": [titles.get(k, k) for k in drills_missing(user, exam)],
            }
        )
    return rows


def all_certificates():
    return Certificate.objects.select_related("user", "certification").order_by("expires_at", "id")


def certificate(pk: int) -> Certificate:
    found = Certificate.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def attempts_awaiting_grading():
    return Attempt.objects.filter(state=AttemptState.AWAITING_GRADING).select_related(
        "exam", "user", "candidate"
    )


def scenarios_for(language: str):
    return Scenario.objects.filter(language=language, active=True).order_by("difficulty", "key")


def scenario(pk: int) -> Scenario:
    found = Scenario.objects.filter(pk=pk, active=True).first()
    if found is None:
        raise Http404
    return found


def drills_of(user):
    return DrillRun.objects.filter(trainee=user).select_related("scenario")[:50]


def drill_for(user, pk: int, can_review: bool) -> DrillRun:
    """The trainee's own run, or any run for a trainer; nobody else's."""
    # Candidates' runs have no conversation: the recruiter reads them with the candidate.
    run = (
        DrillRun.objects.select_related("scenario", "conversation")
        .filter(pk=pk, conversation__isnull=False)
        .first()
    )
    if run is None or not (run.trainee_id == user.pk or can_review):
        raise Http404
    return run


def drills_to_review():
    return DrillRun.objects.filter(
        finished_at__isnull=False, reviewed_by__isnull=True, trainee__isnull=False
    ).select_related("scenario", "trainee")[:50]


def attempt_to_grade(pk: int) -> Attempt:
    attempt = (
        Attempt.objects.select_related("exam", "user", "candidate")
        .filter(pk=pk, state=AttemptState.AWAITING_GRADING)
        .first()
    )
    if attempt is None:
        raise Http404
    return attempt


def short_answers(attempt: Attempt) -> list[dict]:
    """The attempt's short answers still to grade, with the question's rubric: for the
    trainer only (the page that shows them requires the trainer's permission)."""
    ids = [item["question"] for item in attempt.items]
    questions = Question.objects.in_bulk(ids)
    return [
        {
            "question": questions[qid],
            "answer": attempt.answers.get(str(qid), ""),
        }
        for qid in ids
        if questions[qid].kind == "text" and str(qid) not in attempt.marks
    ]


def coverage(now=None) -> list[dict]:
    """For each certified skill: how many agents hold a valid certificate, and how many
    of them are online now, in all and per answering language (an agent without
    languages answers in any)."""
    from exdesk.accounts.choices import Language
    from exdesk.routing.services import online_agents

    online = set(online_agents().values_list("pk", flat=True))
    rows: dict[str, dict] = {}
    for certificate in valid_certificates(now).select_related("certification__skill", "user"):
        skill = certificate.certification.skill
        row = rows.setdefault(
            skill.slug,
            {"skill": skill, "certified": set(), "online": set(), "by_language": {}},
        )
        user = certificate.user
        row["certified"].add(user.pk)
        if user.pk not in online:
            continue
        row["online"].add(user.pk)
        speaks = [str(code).lower() for code in (user.languages or [])] or list(Language.values)
        for language in speaks:
            row["by_language"].setdefault(language, set()).add(user.pk)
    return [
        {
            "skill": row["skill"],
            "certified": len(row["certified"]),
            "online": len(row["online"]),
            "online_en": len(row["by_language"].get(Language.EN, ())),
            "online_zh": len(row["by_language"].get(Language.ZH_HANS, ())),
        }
        for _slug, row in sorted(rows.items())
    ]


# Item analysis: the share of the best and worst attempts compared (classical test theory).
GROUP_SHARE = 0.27
TOO_HARD, TOO_EASY, WEAK_DISCRIMINATION = 0.2, 0.95, 0.2
MIN_ATTEMPTS = 10  # fewer, and the figures say nothing


@dataclass
class ItemFigures:
    question: Question
    attempts: int
    share_correct: float
    discrimination: float | None
    flags: list[str]


def item_analysis(language: str | None = None) -> list[ItemFigures]:
    """Per question of the bank seen in graded attempts: the share who got it right and
    the discrimination index (share right in the best 27 % of attempts by score, minus
    the share in the worst 27 %), with what looks wrong: too hard, too easy, weak or
    negative discrimination (a wrong key, or a trick question)."""
    attempts = Attempt.objects.filter(state__in=[AttemptState.PASSED, AttemptState.FAILED])
    if language:
        attempts = attempts.filter(language=language)
    graded = [
        (a.score / a.max_score if a.max_score else 0.0, a.marks)
        for a in attempts.only("score", "max_score", "marks")
        if a.score is not None
    ]
    graded.sort(key=lambda row: row[0])
    size = max(1, round(len(graded) * GROUP_SHARE))
    lower = [marks for _score, marks in graded[:size]]
    upper = [marks for _score, marks in graded[-size:]]
    seen: dict[str, list[float]] = {}
    for _score, marks in graded:
        for qid, mark in marks.items():
            seen.setdefault(qid, []).append(mark)
    questions = Question.objects.in_bulk([int(qid) for qid in seen])
    figures = []
    for qid, marks in seen.items():
        question = questions.get(int(qid))
        if question is None:
            continue
        full = _points_of(question)
        share = sum(m / full for m in marks) / len(marks)
        discrimination = None
        if len(graded) >= MIN_ATTEMPTS:
            discrimination = _share(upper, qid, full) - _share(lower, qid, full)
        flags = []
        if len(marks) >= MIN_ATTEMPTS:
            if share < TOO_HARD:
                flags.append("too_hard")
            if share > TOO_EASY:
                flags.append("too_easy")
        if discrimination is not None and discrimination < 0:
            flags.append("negative_discrimination")
        elif discrimination is not None and discrimination < WEAK_DISCRIMINATION:
            flags.append("weak_discrimination")
        figures.append(ItemFigures(question, len(marks), share, discrimination, flags))
    figures.sort(key=lambda f: (not f.flags, f.question.key))
    return figures


def _points_of(question: Question) -> int:
    return question.points if question.kind == "text" else 1


def _share(group: list[dict], qid: str, full: int) -> float:
    """Share right among the attempts of ``group`` that had the question."""
    marks = [m[qid] / full for m in group if qid in m]
    return sum(marks) / len(marks) if marks else 0.0


def open_review_flags():
    return ReviewFlag.objects.filter(resolved_at__isnull=True).select_related(
        "lesson__published_version", "question"
    )[:100]


def review_flag(pk: int) -> ReviewFlag:
    found = (
        ReviewFlag.objects.select_related("lesson__module", "question__module")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


_PLACEHOLDER = re.compile(r"(\[(?:EMAIL|PHONE|UID|ADDRESS|TXID|ORDER|NAME)-\d+\])")


def case_turns(case: Case) -> list[dict]:
    """The transcript as turns, each cut into text and placeholders (to highlight)."""
    turns = []
    for paragraph in case.transcript.split("\n\n"):
        who, _sep, text = paragraph.partition(": ")
        if who not in ("customer", "agent"):
            who, text = "", paragraph
        pieces = [
            {"text": piece, "replaced": bool(_PLACEHOLDER.fullmatch(piece))}
            for piece in _PLACEHOLDER.split(text)
            if piece
        ]
        turns.append({"who": who, "pieces": pieces})
    return turns


def cases_for(user, can_edit: bool):
    cases = Case.objects.select_related("module")
    return cases if can_edit else cases.filter(status=CaseStatus.PUBLISHED)


def case_for(user, pk: int, can_edit: bool) -> Case:
    found = cases_for(user, can_edit).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def candidates():
    return Candidate.objects.select_related("exam", "scenario", "attempt", "drill", "invited_by")


def candidate(pk: int) -> Candidate:
    found = candidates().filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# ---------------------------------------------------------------- the curriculum editor


def curriculum() -> list[Module]:
    """Modules with all their lessons (both languages, any status) for trainers."""
    return list(
        Module.objects.prefetch_related(
            Prefetch(
                "lessons",
                queryset=Lesson.objects.select_related("published_version").order_by(
                    "position", "key", "language"
                ),
            )
        )
    )


def paths_with_steps() -> list[LearningPath]:
    return list(
        LearningPath.objects.prefetch_related(
            Prefetch("steps", queryset=PathStep.objects.select_related("module", "exam"))
        )
    )


def module(pk: int) -> Module:
    found = Module.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def lesson_to_edit(pk: int) -> Lesson:
    found = Lesson.objects.select_related("module", "published_version").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def lesson_versions(lesson: Lesson):
    return lesson.versions.select_related("author")


def lesson_activity(lesson: Lesson):
    return lesson.activity.select_related("actor")[:50]


def learning_path(pk: int) -> LearningPath:
    found = LearningPath.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def path_step_keys(path: LearningPath) -> list[str]:
    keys = []
    for step in path.steps.select_related("module", "exam"):
        if step.module is not None:
            keys.append(step.module.key)
        elif step.exam is not None:
            keys.append(step.exam.key)
    return keys


def lesson_terms(language: str, keys: list[str]) -> list:
    """The glossary terms a lesson links, in the lesson's language."""
    from exdesk.helpcenter.models import GlossaryTerm

    found = GlossaryTerm.objects.in_bulk(keys, field_name="key")
    return [found[k] for k in keys if k in found]


def lesson_cases(ids: list[int]) -> list[Case]:
    """Published cases a lesson shows, in the order the lesson lists them."""
    found = Case.objects.filter(status=CaseStatus.PUBLISHED).in_bulk(ids)
    return [found[i] for i in ids if i in found]


def lesson_image(sha256: str):
    from .models import LessonImage

    found = LessonImage.objects.filter(sha256=sha256).first()
    if found is None:
        raise Http404
    return found


def lesson_keys(module: Module) -> list[str]:
    return sorted(set(module.lessons.values_list("key", flat=True)))


def module_questions(module: Module, language: str):
    return module.questions.filter(language=language).order_by("-active", "lesson_key", "key")


def question(pk: int) -> Question:
    found = Question.objects.select_related("module").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def lessons_assigned_to(user) -> list[dict]:
    """Single lessons given to ``user`` (by QA reviews), each with whether it is done and
    the lesson to open in the reader's language."""
    from .models import LessonAssignment

    given = list(LessonAssignment.objects.filter(user=user))
    done = set(
        LessonCompletion.objects.filter(
            user=user, lesson__key__in=[a.lesson_key for a in given]
        ).values_list("lesson__key", flat=True)
    )
    return [{"assignment": a, "done": a.lesson_key in done} for a in given]
