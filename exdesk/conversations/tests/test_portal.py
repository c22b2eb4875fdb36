"""The customer side: ticket form, tracking page, e-mail notifications."""

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exdesk import testing
from exdesk.conversations import services
from exdesk.conversations.models import Attachment, Conversation, Event
from exdesk.customers.models import Customer

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "category": testing.category("deposit").pk,
        "subject": "USDT deposit missing",
        "description": "I sent 100 USDT on TRC20 two hours ago.",
        "email": "trader@example.com",
        "language": "en",
    }
    data.update(overrides)
    return data


def counts():
    return (
        Customer.objects.count(),
        Conversation.objects.count(),
        Event.objects.count(),
        Attachment.objects.count(),
    )


def test_submit_with_screenshot_then_follow_by_private_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    screenshot = SimpleUploadedFile("tx.png", testing.PNG_BYTES, content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:new"), {**form_data(), "attachments": [screenshot]})
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("portal:track", args=[conversation.tracking_token])
    assert conversation.channel == "web"
    assert conversation.customer.email == "trader@example.com"
    assert conversation.attachments.get().content_type == "image/png"
    # The confirmation e-mail carries the private link.
    assert len(mailoutbox) == 1
    assert conversation.tracking_token in mailoutbox[0].body
    assert mailoutbox[0].to == ["trader@example.com"]

    page = client.get(response.url)
    assert page.status_code == 200
    assert "USDT deposit missing" in page.content.decode()
    assert page["X-Robots-Tag"] == "noindex, nofollow"


def test_agent_reply_is_emailed_and_customer_answer_reopens(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    alice = testing.staff("alice")
    conversation = testing.conversation()
    with django_capture_on_commit_callbacks(execute=True):
        services.do_reply(conversation, alice, "Please send the TxID.", status="pending")
    assert len(mailoutbox) == 1
    assert "Please send the TxID." in mailoutbox[0].body
    assert mailoutbox[0].subject.startswith(f"[{conversation.reference}]")
    url = reverse("portal:track", args=[conversation.tracking_token])
    assert "Please send the TxID." in client.get(url).content.decode()
    response = client.post(url, {"body": "Here it is: 0xabc"})
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.status == "open"
    assert conversation.events.last().kind == "status_change"


def test_reply_email_is_in_the_conversation_language(
    mailoutbox, django_capture_on_commit_callbacks
):
    alice = testing.staff("alice")
    conversation = testing.conversation(language="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        services.do_reply(conversation, alice, "您好")
    assert "绝不会" in mailoutbox[0].body


def test_internal_notes_and_their_files_never_reach_the_customer(client):
    alice = testing.staff("alice")
    conversation = testing.conversation()
    note = services.do_add_note(
        conversation, alice, "VIP, handle with care", [("n.png", testing.PNG_BYTES)]
    )
    url = reverse("portal:track", args=[conversation.tracking_token])
    assert "handle with care" not in client.get(url).content.decode()
    attachment = note.attachments.get()
    response = client.get(
        reverse("portal:track_attachment", args=[conversation.tracking_token, attachment.pk])
    )
    assert response.status_code == 404


def test_customer_can_download_their_own_attachment_safely(client):
    conversation = services.do_create_conversation(
        customer=testing.customer(),
        subject="s",
        body="b",
        uploads=[("x.png", testing.PNG_BYTES)],
        notify_customer=False,
    )
    attachment = conversation.attachments.get()
    response = client.get(
        reverse("portal:track_attachment", args=[conversation.tracking_token, attachment.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"


def test_a_token_never_opens_another_conversation(client):
    mine, theirs = testing.conversation(), testing.conversation()
    theirs_file = services.do_add_customer_message(
        theirs, "file", [("t.png", testing.PNG_BYTES)]
    ).attachments.get()
    assert client.get(reverse("portal:track", args=["x" * 43])).status_code == 404
    assert client.get(reverse("portal:track", args=[mine.tracking_token[:-1]])).status_code == 404
    response = client.get(
        reverse("portal:track_attachment", args=[mine.tracking_token, theirs_file.pk])
    )
    assert response.status_code == 404
    page = client.get(reverse("portal:track", args=[mine.tracking_token])).content.decode()
    assert theirs.subject not in page or theirs.subject == mine.subject
    assert theirs.tracking_token not in page


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"description": ""}, "description"),
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"category": "999999"}, "category"),
        ({"language": "fr"}, "language"),
    ],
)
def test_bad_form_input_is_explained_and_nothing_is_written(client, overrides, field):
    before = counts()
    response = client.post(reverse("portal:new"), form_data(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html or re.search(rf'id="id_{field}"[^>]*aria-invalid', html)
    assert counts() == before
    # What the customer typed is kept in the form.
    kept = form_data(**overrides)["subject"]
    if kept:
        assert kept in html


def test_bad_attachments_are_explained_and_nothing_is_written(client, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    before = counts()
    for upload in [
        SimpleUploadedFile("big.png", testing.PNG_BYTES + b"\0" * 1000, "image/png"),
        SimpleUploadedFile("page.png", b"<html><body>hi</body></html>", "image/png"),
    ]:
        response = client.post(reverse("portal:new"), {**form_data(), "attachments": [upload]})
        assert response.status_code == 400
        assert "attachments" in response.content.decode()
        assert counts() == before


def test_customer_answer_needs_a_body(client):
    conversation = testing.conversation()
    url = reverse("portal:track", args=[conversation.tracking_token])
    response = client.post(url, {"body": ""})
    assert response.status_code == 400
    assert conversation.events.count() == 1


def test_web_form_never_binds_to_a_verified_customer_by_email(client):
    verified = testing.customer(uid="12345678", email="whale@example.com", vip_tier=5)
    client.post(reverse("portal:new"), form_data(email="whale@example.com"))
    conversation = Conversation.objects.get()
    assert conversation.customer != verified
    assert conversation.customer.uid is None


def test_pages_have_security_headers(client):
    response = client.get(reverse("portal:new"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_form_is_bilingual(client):
    page = client.get(reverse("portal:new"), HTTP_ACCEPT_LANGUAGE="zh-Hans").content.decode()
    assert 'lang="zh-Hans"' in page
    assert "提交" in page
    assert "Up to 5 screenshots" not in page  # help texts too, not only labels


def test_a_flood_of_submissions_is_refused_clearly_and_keeps_the_text(client, settings):
    settings.PUBLIC_POSTS_PER_HOUR = 2
    # Its own address: the counter lives in the shared cache (Redis in the PostgreSQL run).
    ip = {"REMOTE_ADDR": f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"}
    assert client.post(reverse("portal:new"), form_data(subject="one"), **ip).status_code == 302
    assert client.post(reverse("portal:new"), form_data(subject="two"), **ip).status_code == 302
    response = client.post(reverse("portal:new"), form_data(subject="three"), **ip)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many submissions" in html and "three" in html
    assert Conversation.objects.count() == 2
    token = Conversation.objects.first().tracking_token
    answer = client.post(reverse("portal:track", args=[token]), {"body": "still there?"}, **ip)
    assert answer.status_code == 429
    assert "still there?" in answer.content.decode()


@pytest.mark.parametrize(
    ("status", "text"),
    [
        ("new", "an agent will pick it up soon"),
        ("pending", "We are waiting for your answer"),
        ("solved", "it reopens"),
    ],
)
def test_tracking_page_explains_the_status(client, status, text):
    conversation = testing.conversation()
    Conversation.objects.filter(pk=conversation.pk).update(status=status)
    page = client.get(reverse("portal:track", args=[conversation.tracking_token]))
    assert text in page.content.decode()


def test_https_deployments_send_hsts(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = client.get(reverse("portal:home"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
