"""E-mails owed to customers are written with their cause and delivered at least once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from exdesk import testing
from exdesk.conversations import services, tasks
from exdesk.conversations.models import Notification

pytestmark = pytest.mark.django_db


def test_a_reply_owes_an_email_in_the_same_transaction(django_capture_on_commit_callbacks):
    alice = testing.staff("alice")
    conversation = testing.conversation()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = services.do_reply(conversation, alice, "Checking now.")
    notification = Notification.objects.get()
    assert (notification.kind, notification.event, notification.sent_at) == ("reply", event, None)
    assert len(callbacks) == 1 and mail.outbox == []
    callbacks[0]()
    notification.refresh_from_db()
    assert notification.sent_at is not None and notification.attempts == 1
    assert len(mail.outbox) == 1 and "Checking now." in mail.outbox[0].body


def test_a_lost_enqueue_is_delivered_by_the_sweep(django_capture_on_commit_callbacks):
    alice = testing.staff("alice")
    conversation = testing.conversation()
    with django_capture_on_commit_callbacks(execute=False):
        services.do_reply(conversation, alice, "Your deposit is credited.")  # enqueue "lost"
    assert tasks.sweep_unsent_notifications() == 0  # too fresh: its own task may still come
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert tasks.sweep_unsent_notifications() == 1
    assert len(mail.outbox) == 1
    assert tasks.sweep_unsent_notifications() == 0  # delivered: nothing left


def test_delivery_is_not_repeated_once_sent():
    alice = testing.staff("alice")
    conversation = testing.conversation()
    services.do_reply(conversation, alice, "Done.", notify_customer=False)
    notification = Notification.objects.create(
        conversation=conversation, kind="received", sent_at=timezone.now()
    )
    tasks.deliver_notification.call_local(notification.pk)
    assert mail.outbox == []


def test_a_mail_server_failure_is_recorded_and_retried(settings):
    conversation = testing.conversation()
    notification = Notification.objects.create(conversation=conversation, kind="received")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with pytest.raises(OSError):
        tasks.deliver_notification.call_local(notification.pk)
    notification.refresh_from_db()
    assert notification.sent_at is None and notification.attempts == 1
    assert "refused" in notification.last_error.lower()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    tasks.deliver_notification.call_local(notification.pk)
    notification.refresh_from_db()
    assert notification.sent_at is not None and notification.last_error == ""
    assert len(mail.outbox) == 1


def test_the_demo_and_notes_owe_nothing():
    alice = testing.staff("alice")
    conversation = testing.conversation()  # created with notify_customer=False
    services.do_add_note(conversation, alice, "internal")
    assert not Notification.objects.exists()
