"""Quality's background work. Thin wrappers: the task queue retries them."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task(retries=3, retry_delay=30)
def review_solved(conversation_id: int) -> None:
    from .services import review_conversation

    review_conversation(conversation_id)


@db_periodic_task(crontab(minute="*/10"))
def review_missed_conversations() -> None:
    from .services import review_missed

    review_missed()


@db_task(retries=3, retry_delay=60)
def ask_for_feedback(conversation_id: int) -> None:
    from .feedback import ask_for_feedback as ask

    ask(conversation_id)


@db_task(retries=10, retry_delay=120)
def send_survey_mail(conversation_id: int) -> None:
    """The survey e-mail with its signed link, in the conversation's language."""
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    from exdesk.conversations.models import Conversation
    from exdesk.exchange.services import mail_customer

    from .feedback import survey_token

    conversation = Conversation.objects.select_related("customer").get(pk=conversation_id)
    with translation.override(conversation.language or "en"):
        link = settings.SITE_URL + reverse("feedback:survey", args=[survey_token(conversation)])
        subject = translation.gettext("How did we do? %(reference)s") % {
            "reference": conversation.reference
        }
        body = render_to_string(
            "quality/email/survey.txt", {"conversation": conversation, "link": link}
        )
        mail_customer(conversation.customer, conversation.customer.email, subject, body)


@db_task(retries=3, retry_delay=60)
def send_survey_message(conversation_id: int) -> None:
    """The survey link as a message in the customer's Telegram or social thread."""
    from django.conf import settings
    from django.urls import reverse

    from exdesk.conversations import services as conversations
    from exdesk.conversations.models import Conversation

    from .feedback import survey_message, survey_token

    conversation = Conversation.objects.get(pk=conversation_id)
    link = settings.SITE_URL + reverse("feedback:survey", args=[survey_token(conversation)])
    conversations.do_send_survey(conversation, survey_message(conversation, link))
