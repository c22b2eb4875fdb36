from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Staff only")


class ActivityKind(models.TextChoices):
    CREATED = "created", _("Created")
    SAVED = "saved", _("Saved a new version")
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved and published")
    CHANGES_REQUESTED = "changes_requested", _("Asked for changes")
    ARCHIVED = "archived", _("Archived")
    RESTORED = "restored", _("Restored as a draft")


class NotHelpfulReason(models.TextChoices):
    NOT_MY_QUESTION = "not_my_question", _("It did not answer my question")
    UNCLEAR = "unclear", _("It was hard to understand")
    OUTDATED = "outdated", _("It is wrong or out of date")
    NEED_HUMAN = "need_human", _("I need someone to look at my account")
    OTHER = "other", _("Something else")


class SearchSource(models.TextChoices):
    HELP_CENTER = "help_center", _("Help center")
    CONSOLE = "console", _("Agent console")
    BOT = "bot", _("Assistant")


# Help-center languages: the code in URLs and on content rows.
LANGUAGES = ("en", "zh-hans")
