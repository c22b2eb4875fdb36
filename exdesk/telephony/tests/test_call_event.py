"""The console's view of a call event (telephony/_call_event.html)."""

import pytest
from django.template.loader import render_to_string

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.conversations.choices import EventKind
from exdesk.conversations.models import Event
from exdesk.customers.masking import customer_view

from .conftest import call_params, signed_post

pytestmark = pytest.mark.django_db


def render(event, viewer) -> str:
    customer = customer_view(event.conversation.customer, viewer)
    return render_to_string("telephony/_call_event.html", {"event": event, "customer": customer})


def test_a_call_reads_as_a_call_with_a_safe_recording_link(client):
    agent = testing.staff("li")
    agent.first_name, agent.last_name, agent.email = "Li", "Wei", "li@desk.example"
    agent.save()
    signed_post(
        client,
        call_params(
            CallStatus="completed",
            CallDuration="75",
            AgentEmail="li@desk.example",
            RecordingUrl="https://api.twilio.com/2010-04-01/Recordings/RE1",
        ),
    )
    html = render(Event.objects.get(kind=EventKind.CALL), agent)
    assert "Inbound call from +8613800138000" in html
    assert "<dd>Completed</dd>" in html
    assert "<dd>1 min 15 s</dd>" in html
    assert "<dd>Li Wei</dd>" in html
    assert '<time datetime="2025-06-02T09:58:45+00:00">' in html
    assert (
        '<a href="https://api.twilio.com/2010-04-01/Recordings/RE1" target="_blank" '
        'rel="noopener noreferrer">Listen to the recording' in html
    )


def test_a_voicemail_and_a_withheld_number(client):
    agent = testing.staff("li")
    signed_post(
        client,
        call_params(
            From="anonymous",
            CallStatus="completed",
            Voicemail="true",
            RecordingUrl="https://rec.example/vm1",
        ),
    )
    html = render(Event.objects.get(kind=EventKind.CALL), agent)
    assert "Inbound call from a withheld number" in html
    assert "The caller left a voicemail." in html
    assert "Listen to the voicemail" in html
    assert "<dd>—</dd>" in html  # no agent took it


def test_numbers_are_masked_for_staff_without_access_to_personal_data(client):
    reviewer = testing.staff("qa", role=Role.QA_REVIEWER)
    signed_post(
        client,
        call_params(
            Direction="outbound-api", To="+8613912345678", From="+442079460958", CallStatus="busy"
        ),
    )
    html = render(Event.objects.get(kind=EventKind.CALL), reviewer)
    assert "+8613912345678" not in html
    assert "Outbound call to +86 ***78" in html


def test_a_stored_link_that_is_not_https_is_not_rendered(client):
    agent = testing.staff("li")
    signed_post(client, call_params(CallStatus="completed"))
    event = Event.objects.get(kind=EventKind.CALL)
    event.data = {**event.data, "recording_url": "javascript:alert(1)"}  # as if tampered
    html = render(event, agent)
    assert "javascript:" not in html
    assert "<a " not in html
