from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    ORDERING = "ordering", _("Ordering")
    TEXT = "text", _("Short answer")
    SCENARIO = "scenario", _("Scenario")


# Graded by the machine; short answers wait for a trainer and the rubric.
OBJECTIVE_KINDS = {
    QuestionKind.SINGLE,
    QuestionKind.MULTIPLE,
    QuestionKind.TRUE_FALSE,
    QuestionKind.ORDERING,
    QuestionKind.SCENARIO,
}
CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.SCENARIO}


class LessonStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    # Submitted with short answers a trainer has still to grade.
    AWAITING_GRADING = "awaiting_grading", _("Awaiting grading")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
