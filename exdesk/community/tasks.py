"""Forum mail: the one-time sign-in link."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task(retries=5, retry_delay=60)
def send_sign_in_link(email: str, language: str) -> None:
    # The token is made here, not passed in: no sign-in secret waits in the queue.
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    from .services import email_sign_in_token

    with translation.override(language):
        link = settings.SITE_URL + reverse(
            "community:email_sign_in", args=[language, email_sign_in_token(email)]
        )
        subject = translation.gettext("Your sign-in link for the community forum")
        body = render_to_string("community/email/sign_in.txt", {"link": link})
    EmailMessage(
        subject=subject,
        body=body,
        to=[email],
        headers={"Auto-Submitted": "auto-generated"},
    ).send()
