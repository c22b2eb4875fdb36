"""The training academy: curriculum, question bank, exams, certificates, learning paths.

Content is per language (a lesson or a question exists in ``en`` and ``zh-hans`` under the
same key); modules, paths, exams and certifications have a name in each language.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from exdesk.accounts.choices import Language
from exdesk.accounts.models import Skill, Team
from exdesk.audit.models import AppendOnlyModel

from .choices import AttemptState, LessonStatus, QuestionKind


class Bilingual(models.Model):
    """A name in both languages, shown in the reader's."""

    title_en = models.CharField(_("title (English)"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title_en

    @property
    def title(self) -> str:
        return self.title_zh if (get_language() or "").lower().startswith("zh") else self.title_en


class Module(Bilingual):
    key = models.SlugField(unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    summary_en = models.CharField(_("summary (English)"), max_length=300, blank=True)
    summary_zh = models.CharField(_("summary (Chinese)"), max_length=300, blank=True)
    # The routing skill this module's certification is about, if any.
    skill = models.ForeignKey(Skill, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["position", "key"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    @property
    def summary(self) -> str:
        return (
            self.summary_zh if (get_language() or "").lower().startswith("zh") else self.summary_en
        )


class Lesson(models.Model):
    """One lesson in one language. Edits are versions; learners read the published one."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    key = models.SlugField()
    language = models.CharField(max_length=10, choices=Language.choices)
    position = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=LessonStatus.choices, default=LessonStatus.DRAFT
    )
    published_version = models.ForeignKey(
        "LessonVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["module__position", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], name="lesson_key_per_language")
        ]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return f"{self.key} ({self.language})"


class LessonVersion(AppendOnlyModel):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body (Markdown)"))
    # Help-center article keys and glossary term keys the lesson links.
    articles = models.JSONField(default=list, blank=True)
    terms = models.JSONField(default=list, blank=True)
    # Published cases (ids) shown with the lesson.
    cases = models.JSONField(default=list, blank=True)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    # Empty for the starter curriculum that ships with exdesk.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["lesson", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "number"], name="lesson_version_once")
        ]


class LessonActivity(AppendOnlyModel):
    """The lesson's review trail: saved, submitted, approved, sent back (with why)."""

    class Kind(models.TextChoices):
        SAVED = "saved", _("Saved")
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved and published")
        CHANGES_REQUESTED = "changes", _("Changes requested")

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="activity")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(null=True)
    comment = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class LessonImage(models.Model):
    """An image a trainer uploaded for lessons, checked from its bytes (no SVG: it could
    carry script) and served to signed-in staff only, from this site."""

    sha256 = models.CharField(max_length=64, unique=True)
    path = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """One question of the bank, in one language. The answer key never leaves the server
    before an attempt is submitted (selectors.exam_sheet shows the rest)."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=80)
    language = models.CharField(max_length=10, choices=Language.choices)
    kind = models.CharField(max_length=12, choices=QuestionKind.choices)
    difficulty = models.PositiveSmallIntegerField(default=2)
    # Part of this lesson's short check (lesson key), or empty.
    lesson_key = models.SlugField(blank=True)
    prompt = models.TextField()
    # Choice and scenario options; for ordering, the steps in their right order.
    options = models.JSONField(default=list, blank=True)
    # Indexes of the right options (single, multiple, scenario), or [true/false].
    answer = models.JSONField(default=list, blank=True)
    rubric = models.TextField(blank=True)
    points = models.PositiveSmallIntegerField(default=1)
    # Scenario: the conversation excerpt, [{"who": "customer"|"agent", "text": …}].
    excerpt = models.JSONField(default=list, blank=True)
    explanation = models.TextField(blank=True)
    # The help-center article the question depends on (its key), or empty.
    article_key = models.SlugField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["module__position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], name="question_key_per_language")
        ]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return f"{self.key} ({self.language})"


class Certification(Bilingual):
    """A skill at a level (e.g. deposits & withdrawals L1), earned by passing its exam."""

    key = models.SlugField(unique=True)
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="certifications")
    level = models.PositiveSmallIntegerField(default=1)
    valid_days = models.PositiveIntegerField(_("valid for (days)"), default=365)

    class Meta:
        ordering = ["skill__name", "level"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")


class Exam(Bilingual):
    """A blueprint: each attempt draws its own questions from these modules."""

    key = models.SlugField(unique=True)
    # {"module-key": number of questions drawn}; in the language of the one who sits it.
    blueprint = models.JSONField(default=dict)
    # Questions up to this difficulty (1–3).
    max_difficulty = models.PositiveSmallIntegerField(default=3)
    time_limit_minutes = models.PositiveSmallIntegerField(default=30)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=80)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    cooldown_hours = models.PositiveSmallIntegerField(default=24)
    certification = models.ForeignKey(
        Certification, null=True, blank=True, on_delete=models.SET_NULL, related_name="exams"
    )
    # Drill scenarios (keys, in any language) to pass as well before the certificate.
    drills = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("exam")
        verbose_name_plural = _("exams")


class Attempt(models.Model):
    """One sitting of an exam. ``items`` fixes what was drawn and the order its options
    are shown in; the clock is the server's (``deadline``)."""

    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="attempts")
    # A staff member's attempt, or a recruitment candidate's (``candidate``).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="exam_attempts",
    )
    candidate = models.ForeignKey(
        "Candidate", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(max_length=10, choices=Language.choices, default=Language.EN)
    state = models.CharField(
        max_length=20, choices=AttemptState.choices, default=AttemptState.IN_PROGRESS
    )
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    # [{"question": id, "order": [option indexes in the order shown]}]
    items = models.JSONField(default=list)
    # {"<question id>": answer as shown (indexes into the shown order, bool, or text)}
    answers = models.JSONField(default=dict, blank=True)
    # {"<question id>": points earned}; short answers appear once a trainer graded them.
    marks = models.JSONField(default=dict, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    max_score = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["user", "exam", "state"], name="attempt_user_exam")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=True) ^ models.Q(candidate__isnull=True),
                name="attempt_has_one_sitter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.exam.key} #{self.pk}"

    @property
    def sitter(self) -> str:
        """Who sat it: the agent, or the candidate (marked as such)."""
        if self.user is not None:
            return self.user.display_name
        return _("%(name)s (candidate)") % {"name": self.candidate.name if self.candidate else ""}

    @property
    def percent(self) -> int | None:
        if self.score is None or not self.max_score:
            return None
        return round(100 * self.score / self.max_score)


class Certificate(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="certificates"
    )
    attempt = models.ForeignKey(Attempt, null=True, blank=True, on_delete=models.SET_NULL)
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.CharField(max_length=300, blank=True)
    # Reminded once before it expires.
    reminded_at = models.DateTimeField(null=True, blank=True)
    # A trainer asked the holder to re-train (what it certifies changed).
    retrain_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.certification.key} → {self.user}"


class LearningPath(Bilingual):
    """Modules (their lessons) and exams in order, for a role: onboarding, security …"""

    key = models.SlugField(unique=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("learning path")
        verbose_name_plural = _("learning paths")


class PathStep(models.Model):
    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    module = models.ForeignKey(Module, null=True, blank=True, on_delete=models.CASCADE)
    exam = models.ForeignKey(Exam, null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        ordering = ["path", "position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(module__isnull=False) | models.Q(exam__isnull=False),
                name="path_step_has_content",
            )
        ]

    def __str__(self) -> str:
        return f"{self.path.key} {self.position}"


class Assignment(models.Model):
    """A path given to one agent (a team's assignment makes one per member)."""

    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    due_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["path", "user"], name="one_assignment_per_path")
        ]

    def __str__(self) -> str:
        return f"{self.path.key} → {self.user}"


class LessonAssignment(models.Model):
    """One lesson given to an agent, e.g. by a QA review that failed the criterion it
    teaches. Done once the agent completes the lesson (LessonCompletion)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lessons_assigned"
    )
    lesson_key = models.SlugField()
    reason = models.CharField(max_length=200, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField()

    class Meta:
        ordering = ["-assigned_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson_key"], name="lesson_assigned_once")
        ]

    def __str__(self) -> str:
        return f"{self.lesson_key} → {self.user}"


class LessonCompletion(models.Model):
    """An agent finished a lesson (read it and passed its check)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lessons_done"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions")
    version = models.PositiveIntegerField()
    check_score = models.PositiveSmallIntegerField()
    check_total = models.PositiveSmallIntegerField()
    completed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="lesson_done_once")]

    def __str__(self) -> str:
        return f"{self.lesson} ✓ {self.user}"


class Scenario(models.Model):
    """A simulated customer for a drill: persona, hidden facts, and the script it answers
    from (``script`` holds the reveals, steps, ignored lines and the trap)."""

    key = models.SlugField()
    language = models.CharField(max_length=10, choices=Language.choices)
    module = models.ForeignKey(Module, null=True, blank=True, on_delete=models.SET_NULL)
    title = models.CharField(_("title"), max_length=200)
    difficulty = models.PositiveSmallIntegerField(default=2)
    traps = models.JSONField(default=list, blank=True)
    persona = models.JSONField(default=dict)
    opening = models.TextField()
    facts = models.JSONField(default=dict)
    script = models.JSONField(default=dict)
    rubric = models.JSONField(default=dict)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["language", "key"]
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], name="scenario_key_per_language")
        ]
        verbose_name = _("drill scenario")
        verbose_name_plural = _("drill scenarios")

    def __str__(self) -> str:
        return f"{self.key} ({self.language})"


class DrillRun(models.Model):
    """A trainee serving a scenario's customer, in a conversation marked as training."""

    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="runs")
    # A trainee in the console (``conversation``), or a recruitment candidate on the
    # assessment page, whose exchange is kept in ``transcript``.
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="drills",
    )
    conversation = models.OneToOneField(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="drill",
    )
    # [{"who": "customer"|"agent", "text", "at", "blocked"?, "escalate"?}] (candidates)
    transcript = models.JSONField(default=list, blank=True)
    mood = models.CharField(max_length=10, default="calm")
    turns = models.PositiveSmallIntegerField(default=0)  # the trainee's replies so far
    revealed = models.JSONField(default=list, blank=True)  # fact names given
    trap_sprung = models.BooleanField(default=False)
    resolved = models.BooleanField(default=False)  # a step marked done was reached
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # {"criterion": {"passed": bool, "detail": str}}, the automatic scoring.
    marks = models.JSONField(default=dict, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True)
    # A trainer's review of the transcript: points added or taken, and why.
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_comment = models.TextField(blank=True)
    review_adjustment = models.SmallIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.scenario.key} → {self.trainee}"


class ReviewFlag(models.Model):
    """A help-center article that a lesson or a question depends on got a new published
    version: the trainer reviews the lesson or question, and may ask the holders of the
    certifications that draw on it to re-train."""

    lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.CASCADE)
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.CASCADE)
    article_slug = models.SlugField(max_length=80)
    article_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.lesson or self.question} ← {self.article_slug} v{self.article_version}"


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")


class Case(models.Model):
    """A solved conversation made into teaching material: anonymised, reviewed by a second
    trainer, then usable in lessons and as the seed of a drill."""

    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(max_length=10, choices=Language.choices)
    source = models.ForeignKey(
        "conversations.Conversation", null=True, blank=True, on_delete=models.SET_NULL
    )
    # The anonymised transcript: "customer: …" / "agent: …" turns, one per paragraph.
    transcript = models.TextField(_("transcript"))
    # What the anonymiser replaced: [{"kind", "placeholder"}] (never the originals).
    replacements = models.JSONField(default=list, blank=True)
    intent = models.SlugField(max_length=60, blank=True)
    module = models.ForeignKey(Module, null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.title


class Candidate(models.Model):
    """Someone a recruiter invited to the written and scenario tests (seed 003). They
    have no staff account: a one-time link, bound to the first browser that opens it,
    leads to their own assessment and nothing else. Only the link's hash is kept."""

    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="+")
    scenario = models.ForeignKey(
        Scenario, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    # The browser session the link was opened in (its hash): the only one let in.
    session_hash = models.CharField(max_length=64, blank=True)
    attempt = models.OneToOneField(
        Attempt, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    drill = models.OneToOneField(
        DrillRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-invited_at", "-id"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")

    def __str__(self) -> str:
        return self.name
