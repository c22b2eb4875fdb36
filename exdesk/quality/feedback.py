"""Customer feedback: after a conversation is solved the customer is asked, in their
language, how satisfied they are (1–5), whether the problem was solved, how much effort
it took, and for a comment. One answer per conversation, given through a signed link (or
in the chat widget), and changeable for a while. A bad rating alerts the team's
supervisors or reopens the case, as the operator configures
(``EXDESK_BAD_RATING_ACTION``: alert, reopen or none)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from exdesk.accounts.choices import Role
from exdesk.accounts.models import User
from exdesk.conversations import services as conversations
from exdesk.conversations.choices import PLATFORM_CHANNELS, Channel
from exdesk.conversations.models import Conversation

from .models import BotAnswerFeedback, Feedback, SurveyRequest

EDIT_WINDOW = dt.timedelta(hours=24)
SURVEY_LIFETIME = dt.timedelta(days=30)
BAD_RATING = 2  # and below
MAX_COMMENT = conversations.MAX_RATING_COMMENT
_SALT = "exdesk.quality.survey"


def survey_token(conversation: Conversation) -> str:
    return signing.dumps(conversation.pk, salt=_SALT)


def conversation_for(token: str) -> Conversation:
    """The conversation a survey link is for; refused when forged or too old."""
    try:
        pk = signing.loads(token, salt=_SALT, max_age=SURVEY_LIFETIME)
    except signing.SignatureExpired:
        raise ValidationError(_("This survey link has expired.")) from None
    except signing.BadSignature:
        raise ValidationError(_("This survey link is not valid.")) from None
    found = Conversation.objects.select_related("customer").filter(pk=pk, training=False).first()
    if found is None:
        raise ValidationError(_("This survey link is not valid."))
    return found


def can_change(feedback: Feedback | None, now=None) -> bool:
    now = now or timezone.now()
    return feedback is None or now - feedback.created_at <= EDIT_WINDOW


def _scale(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 5:
        raise ValidationError({field: _("Choose a value from 1 to 5.")})
    return number


def record_feedback(
    conversation: Conversation,
    *,
    score,
    solved: bool | None = None,
    effort=None,
    comment: str = "",
    source: str = Feedback.Source.LINK,
    now=None,
) -> Feedback:
    """Keep the customer's answer (or its change, within EDIT_WINDOW); the rating also
    goes on the timeline. A first bad rating is acted on."""
    now = now or timezone.now()
    if conversation.training:
        raise ValidationError(_("This survey link is not valid."))
    score_value = _scale(score, "score")
    if score_value is None:
        raise ValidationError({"score": _("Choose a rating from 1 to 5.")})
    effort_value = _scale(effort, "effort")
    comment = (comment or "").strip()
    with transaction.atomic():
        existing = Feedback.objects.select_for_update().filter(conversation=conversation).first()
        if not can_change(existing, now):
            raise ValidationError(_("Your answer was recorded and can no longer be changed."))
        conversations.do_rate(conversation, score_value, comment)  # checks the comment too
        feedback = existing or Feedback(conversation=conversation, created_at=now)
        feedback.score, feedback.solved, feedback.effort = score_value, solved, effort_value
        feedback.comment, feedback.source, feedback.updated_at = comment, source, now
        feedback.save()
        if score_value <= BAD_RATING and feedback.reacted_at is None:
            _react_to_bad_rating(conversation, feedback)
            feedback.reacted_at = now
            feedback.save(update_fields=["reacted_at"])
    from exdesk.analytics.tasks import refresh_conversation

    transaction.on_commit(lambda: refresh_conversation(conversation.pk))
    return feedback


def _react_to_bad_rating(conversation: Conversation, feedback: Feedback) -> None:
    from exdesk.sla.services import notify

    action = settings.QUALITY_BAD_RATING_ACTION
    if action == "reopen":
        conversations.do_reopen(
            conversation,
            _("Reopened: the customer rated it %(score)d of 5.") % {"score": feedback.score},
        )
    elif action == "alert":
        leads = User.objects.filter(is_active=True, role=Role.SUPERVISOR)
        if conversation.team_id:
            leads = leads.filter(teams=conversation.team_id)
        notify(leads, conversation, "bad_rating", f"{feedback.score}/5")


# ---------------------------------------------------------------- asking


# Chats are asked in the widget when they end; these channels by e-mail; Telegram and
# social threads by a message in the thread.
EMAIL_CHANNELS = {Channel.EMAIL, Channel.WEB, Channel.API, Channel.PHONE}


def ask_for_feedback(conversation_id: int, now=None) -> SurveyRequest | None:
    """Send the survey once per conversation, in its language, where it can reach the
    customer; None when it was sent, answered, or has no way to go."""
    from .tasks import send_survey_mail, send_survey_message

    now = now or timezone.now()
    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update()
            .select_related("customer")
            .filter(pk=conversation_id)
            .first()
        )
        if (
            conversation is None
            or conversation.training
            or conversation.solved_at is None
            or not _reachable(conversation)
            or SurveyRequest.objects.filter(conversation=conversation).exists()
            or Feedback.objects.filter(conversation=conversation).exists()
        ):
            return None
        by_platform = conversation.channel in PLATFORM_CHANNELS
        request = SurveyRequest.objects.create(
            conversation=conversation,
            channel=conversation.channel if by_platform else Channel.EMAIL,
            sent_at=now,
        )
        send = send_survey_message if by_platform else send_survey_mail
        transaction.on_commit(lambda: send(conversation.pk), robust=True)
    return request


def _reachable(conversation: Conversation) -> bool:
    if conversation.channel in PLATFORM_CHANNELS:
        return True  # the thread it came from
    return conversation.channel in EMAIL_CHANNELS and bool(conversation.customer.email)


def survey_message(conversation: Conversation, link: str) -> str:
    """The survey as a platform message, in the conversation's language."""
    with translation.override(conversation.language or "en"):
        return _(
            "Your request %(reference)s is solved. How did we do? Rate it here (about "
            "30 seconds): %(link)s"
        ) % {"reference": conversation.reference, "link": link}


def given_for(conversation: Conversation) -> Feedback | None:
    return Feedback.objects.filter(conversation=conversation).first()


def initial_answers(given: Feedback | None) -> dict:
    if given is None:
        return {}
    return {
        "score": str(given.score),
        "solved": {True: "yes", False: "no"}.get(given.solved, ""),  # type: ignore[arg-type]
        "effort": str(given.effort) if given.effort else "",
        "comment": given.comment,
    }


# ---------------------------------------------------------------- the bot's answers


def record_bot_feedback(
    conversation: Conversation, seq, helpful, reason: str = "", now=None
) -> BotAnswerFeedback:
    """The customer's "did this help?" on the bot's answer ``seq`` (a second answer
    replaces the first). A reason goes with "no" only."""
    from exdesk.conversations.choices import EventKind

    try:
        seq = int(seq)
    except (TypeError, ValueError):
        seq = 0
    event = conversation.events.filter(seq=seq, kind=EventKind.AGENT_REPLY).first()
    if event is None or not event.data.get("bot"):
        raise ValidationError({"seq": _("Only the assistant's answers can be rated here.")})
    if not isinstance(helpful, bool):
        raise ValidationError({"helpful": _("Say yes or no.")})
    reason = "" if helpful else (reason or "")
    if reason and reason not in BotAnswerFeedback.Reason.values:
        raise ValidationError({"reason": _("Choose one of the reasons.")})
    found, _created = BotAnswerFeedback.objects.update_or_create(
        event=event,
        defaults={
            "conversation": conversation,
            "helpful": helpful,
            "reason": reason,
            "created_at": now or timezone.now(),
        },
    )
    return found
