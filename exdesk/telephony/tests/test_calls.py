"""The call-status webhook: signatures, status sequences, identities and conversations."""

import pytest

from exdesk import testing
from exdesk.conversations import services as conversations
from exdesk.conversations.choices import Channel, EventKind, Status
from exdesk.conversations.models import Conversation, Event
from exdesk.customers.models import Customer
from exdesk.messaging.models import ChannelIdentity, ChannelThread, Platform
from exdesk.sla.models import Metric, SlaClock
from exdesk.telephony import services
from exdesk.telephony.models import CallRecord

from .conftest import CALLS_PATH, SUPPORT_LINE, call_params, signed_post

pytestmark = pytest.mark.django_db

CALLER = "+8613800138000"
FINAL = {"CallStatus": "completed", "CallDuration": "125"}


def call_events():
    return Event.objects.filter(kind=EventKind.CALL)


# ---------------------------------------------------------------- signatures


def test_a_correctly_signed_callback_is_taken(client):
    response = signed_post(client, call_params())
    assert response.status_code == 200
    assert response.json() == {"call": "CA0001", "status": "ringing"}
    assert CallRecord.objects.count() == 1


def test_the_signature_is_twilios_algorithm():
    # The worked example of Twilio's "Secure webhooks" guide.
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    signature = services.call_signature(
        "12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params.items()
    )
    assert signature == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


def test_a_wrong_signature_is_refused_and_nothing_is_stored(client):
    response = signed_post(client, call_params(), secret="not-the-secret")
    assert response.status_code == 403
    assert not CallRecord.objects.exists()
    assert not Conversation.objects.exists()


def test_a_missing_signature_is_refused(client):
    response = client.post(CALLS_PATH, call_params())
    assert response.status_code == 403
    assert not CallRecord.objects.exists()


def test_a_signature_for_another_url_is_refused(client):
    # What request.build_absolute_uri() would say behind a proxy: not what was signed.
    response = signed_post(client, call_params(), url="http://testserver" + CALLS_PATH)
    assert response.status_code == 403
    assert not CallRecord.objects.exists()


def test_a_changed_parameter_breaks_the_signature(client, settings):
    params = call_params()
    signature = services.call_signature(
        settings.PHONE_WEBHOOK_SECRET, settings.SITE_URL + CALLS_PATH, params.items()
    )
    params["From"] = "+8613912345678"
    response = client.post(CALLS_PATH, params, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 403


def test_the_webhook_is_off_without_a_secret(client, settings):
    settings.PHONE_WEBHOOK_SECRET = ""
    response = signed_post(client, call_params(), secret="")
    assert response.status_code == 404
    assert not CallRecord.objects.exists()


def test_only_post_is_accepted(client):
    assert client.get(CALLS_PATH).status_code == 405


# ---------------------------------------------------------------- one call, many callbacks


def test_ringing_in_progress_completed_is_one_record_and_one_event(post_call):
    agent = testing.staff("li", teams=("general",))
    agent.email = "li@desk.example"
    agent.save()
    post_call(CallStatus="ringing", Timestamp="Mon, 02 Jun 2025 10:00:00 +0000")
    post_call(CallStatus="in-progress", Timestamp="Mon, 02 Jun 2025 10:00:10 +0000")
    assert not call_events().exists()  # nothing on the timeline until the call ends
    response = post_call(
        CallStatus="completed",
        CallDuration="125",
        Timestamp="Mon, 02 Jun 2025 10:02:15 +0000",
        AgentEmail="LI@desk.example",
    )
    assert response.status_code == 200
    record = CallRecord.objects.get()
    assert (record.status, record.duration_seconds, record.agent) == ("completed", 125, agent)
    assert record.started_at.isoformat() == "2025-06-02T10:00:00+00:00"
    assert record.ended_at.isoformat() == "2025-06-02T10:02:15+00:00"
    event = call_events().get()
    assert record.event == event
    assert event.conversation == record.conversation
    assert event.data == {
        "call_sid": "CA0001",
        "direction": "inbound",
        "from": CALLER,
        "to": SUPPORT_LINE,
        "status": "completed",
        "started_at": "2025-06-02T10:00:00+00:00",
        "ended_at": "2025-06-02T10:02:15+00:00",
        "duration": 125,
        "agent": agent.display_name,
        "recording_url": "",
        "voicemail": False,
    }
    assert event.body == f"Inbound call from {CALLER}: Completed, 2 min 5 s, agent: li."


def test_a_repeated_final_callback_adds_nothing(post_call):
    post_call(**FINAL)
    record = CallRecord.objects.get()
    events_before = Event.objects.count()
    response = post_call(CallStatus="completed", CallDuration="999")
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.duration_seconds == 125
    assert Event.objects.count() == events_before
    assert call_events().count() == 1


def test_a_late_callback_never_moves_the_status_back(post_call):
    post_call(CallStatus="in-progress")
    post_call(CallStatus="ringing", Timestamp="Mon, 02 Jun 2025 09:59:50 +0000")
    record = CallRecord.objects.get()
    assert record.status == "in-progress"
    assert record.started_at.isoformat() == "2025-06-02T09:59:50+00:00"


def test_a_call_reported_only_when_it_ends_is_recorded(post_call):
    post_call(CallStatus="no-answer", CallDuration="0", Timestamp="Mon, 02 Jun 2025 10:00:30 GMT")
    record = CallRecord.objects.get()
    assert record.status == "no-answer"
    assert record.started_at == record.ended_at
    assert call_events().count() == 1


def test_two_calls_are_two_records(post_call):
    post_call(CallSid="CA1", **FINAL)
    post_call(CallSid="CA2", **FINAL)
    assert CallRecord.objects.count() == 2
    # The same number: both calls join its conversation.
    assert Conversation.objects.count() == 1
    assert call_events().count() == 2


# ---------------------------------------------------------------- whose conversation


def test_an_unknown_number_gets_its_own_identity_customer_and_conversation(post_call):
    existing = testing.customer()
    post_call()
    identity = ChannelIdentity.objects.get(platform=Platform.PHONE, external_id=CALLER)
    assert not identity.verified
    assert identity.customer != existing
    conversation = CallRecord.objects.get().conversation
    assert conversation.customer == identity.customer
    assert conversation.channel == Channel.PHONE
    assert conversation.status == Status.NEW
    assert ChannelThread.objects.get(conversation=conversation).identity == identity
    # It is a conversation like any other: its SLA clocks run.
    assert SlaClock.objects.filter(conversation=conversation, metric=Metric.FIRST_RESPONSE).exists()


def test_a_number_is_never_matched_to_a_customer_by_the_number_alone():
    trader = testing.customer(display_name=CALLER)  # even one named like the number
    conversation = testing.conversation(who=trader)
    update = services.parse_call_update(call_params())
    record = services.record_call(update)
    assert record.conversation != conversation
    assert record.conversation.customer != trader


def test_a_verified_identity_leads_to_its_customers_open_phone_conversation(post_call):
    trader = testing.customer()
    ChannelIdentity.objects.create(
        platform=Platform.PHONE,
        external_id=CALLER,
        customer=trader,
        verified=True,
        verified_by="exchange",
    )
    older = conversations.do_create_conversation(
        customer=trader, subject="Old", body="Older", channel=Channel.PHONE, notify_customer=False
    )
    latest = conversations.do_create_conversation(
        customer=trader, subject="New", body="Newer", channel=Channel.PHONE, notify_customer=False
    )
    conversations.do_create_conversation(
        customer=trader,
        subject="Mail",
        body="By mail",
        channel=Channel.EMAIL,
        notify_customer=False,
    )
    assert older.pk < latest.pk
    post_call()
    assert CallRecord.objects.get().conversation == latest


def test_a_verified_identity_without_an_open_phone_conversation_gets_a_new_one(post_call):
    trader = testing.customer()
    ChannelIdentity.objects.create(
        platform=Platform.PHONE, external_id=CALLER, customer=trader, verified=True
    )
    solved = conversations.do_create_conversation(
        customer=trader, subject="Old", body="Older", channel=Channel.PHONE, notify_customer=False
    )
    Conversation.objects.filter(pk=solved.pk).update(status=Status.SOLVED)
    post_call()
    conversation = CallRecord.objects.get().conversation
    assert conversation != solved
    assert conversation.customer == trader


def test_two_different_numbers_never_share_a_conversation(post_call):
    post_call(CallSid="CA1", From="+8613800138000", **FINAL)
    post_call(CallSid="CA2", From="+8613912345678", **FINAL)
    first, second = CallRecord.objects.order_by("pk")
    assert first.conversation != second.conversation
    assert first.conversation.customer != second.conversation.customer
    assert ChannelIdentity.objects.filter(platform=Platform.PHONE).count() == 2


def test_an_outbound_call_belongs_to_the_number_called(post_call):
    post_call(Direction="outbound-api", From=SUPPORT_LINE, To=CALLER, **FINAL)
    record = CallRecord.objects.get()
    assert record.conversation.subject == f"Phone call to {CALLER}"
    assert ChannelIdentity.objects.get().external_id == CALLER


def test_a_withheld_number_is_a_case_of_its_own_each_time(post_call):
    post_call(CallSid="CA1", From="anonymous", CallStatus="no-answer")
    post_call(CallSid="CA2", From="Anonymous", CallStatus="no-answer")
    first, second = CallRecord.objects.order_by("pk")
    assert first.caller == ""
    assert first.conversation != second.conversation
    assert not ChannelIdentity.objects.exists()


# ---------------------------------------------------------------- after the call


def test_a_missed_call_on_a_pending_conversation_reopens_it(post_call):
    post_call(CallSid="CA1", **FINAL)
    conversation = CallRecord.objects.get().conversation
    Conversation.objects.filter(pk=conversation.pk).update(status=Status.PENDING)
    post_call(CallSid="CA2", CallStatus="no-answer")
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN
    message = conversation.events.filter(kind=EventKind.CUSTOMER_MESSAGE).last()
    assert message.body == f"Missed call from {CALLER}."


def test_a_missed_call_on_a_closed_conversation_opens_a_new_one(post_call):
    post_call(CallSid="CA1", CallStatus="ringing")
    closed = CallRecord.objects.get().conversation
    Conversation.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    post_call(CallSid="CA1", CallStatus="busy")
    record = CallRecord.objects.get()
    assert record.conversation != closed
    assert record.conversation.status == Status.NEW
    assert record.event.conversation == record.conversation
    assert not closed.events.filter(kind=EventKind.CALL).exists()


def test_a_voicemail_makes_the_conversation_need_an_answer(post_call):
    post_call(CallSid="CA1", **FINAL)
    conversation = CallRecord.objects.get().conversation
    Conversation.objects.filter(pk=conversation.pk).update(status=Status.PENDING)
    post_call(
        CallSid="CA2",
        CallStatus="completed",
        CallDuration="40",
        Voicemail="true",
        RecordingUrl="https://api.twilio.com/2010-04-01/Recordings/RE1",
        RecordingDuration="35",
    )
    record = CallRecord.objects.get(call_sid="CA2")
    assert record.voicemail
    assert record.recording_url == "https://api.twilio.com/2010-04-01/Recordings/RE1"
    assert record.recording_seconds == 35
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN
    assert record.event.data["voicemail"] is True
    message = conversation.events.filter(kind=EventKind.CUSTOMER_MESSAGE).last()
    assert message.body == f"Voicemail from {CALLER}."


def test_a_voicemail_from_a_new_number_opens_a_conversation_waiting_for_an_answer(post_call):
    post_call(CallStatus="completed", Voicemail="true", RecordingUrl="https://rec.example/1")
    conversation = CallRecord.objects.get().conversation
    assert conversation.status == Status.NEW
    assert conversation.assignee is None
    # Only the opening message: it already says who called.
    assert conversation.events.filter(kind=EventKind.CUSTOMER_MESSAGE).count() == 1


def test_a_completed_call_an_agent_took_does_not_reopen_solved_work(post_call):
    agent = testing.staff("li")
    agent.email = "li@desk.example"
    agent.save()
    post_call(CallStatus="in-progress")
    conversation = CallRecord.objects.get().conversation
    conversations.do_change_status(conversation, agent, Status.SOLVED)
    post_call(AgentEmail="li@desk.example", **FINAL)
    conversation.refresh_from_db()
    assert conversation.status == Status.SOLVED
    assert call_events().count() == 1


def test_the_agent_who_took_a_call_gets_the_new_conversation_and_its_answer_is_given(post_call):
    agent = testing.staff("li")
    agent.email = "li@desk.example"
    agent.save()
    post_call(AgentEmail="li@desk.example", **FINAL)
    conversation = CallRecord.objects.get().conversation
    assert (conversation.assignee, conversation.status) == (agent, Status.OPEN)
    first_response = SlaClock.objects.get(conversation=conversation, metric=Metric.FIRST_RESPONSE)
    assert first_response.stopped_at is not None


def test_an_unknown_agent_email_records_the_call_without_an_agent(post_call):
    post_call(AgentEmail="nobody@desk.example", **FINAL)
    record = CallRecord.objects.get()
    assert record.agent is None
    assert record.event.data["agent"] == ""


def test_an_outbound_call_to_a_callback_number_joins_the_callback(post_call):
    callback = services.request_callback(
        phone=CALLER, name="Wang", language="zh-hans", topic="Withdrawal"
    )
    post_call(Direction="outbound-api", From=SUPPORT_LINE, To=CALLER, **FINAL)
    assert CallRecord.objects.get().conversation == callback.conversation
    assert Conversation.objects.count() == 1


# ---------------------------------------------------------------- invalid callbacks


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"CallSid": ""}, "CallSid"),
        ({"CallSid": "CA<script>"}, "CallSid"),
        ({"Direction": "sideways"}, "Direction"),
        ({"CallStatus": "exploded"}, "CallStatus"),
        ({"From": "not a number"}, "From"),
        ({"To": "+12345"}, "To"),
        ({"To": None}, "To"),
        ({"CallDuration": "-5"}, "CallDuration"),
        ({"CallDuration": "12.5"}, "CallDuration"),
        ({"Timestamp": "yesterday"}, "Timestamp"),
        ({"Voicemail": "maybe"}, "Voicemail"),
        ({"Direction": "outbound-api", "To": "anonymous"}, "To"),
    ],
)
def test_invalid_fields_are_refused_with_nothing_stored(post_call, fields, bad):
    response = post_call(**fields)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert bad in body["fields"]
    assert body["fields"][bad][0]  # a message that says what was expected
    assert not CallRecord.objects.exists()
    assert not Conversation.objects.exists()
    assert not Customer.objects.exists()
    assert not ChannelIdentity.objects.exists()


def test_a_recording_that_is_not_https_is_not_kept(post_call):
    post_call(RecordingUrl="javascript:alert(1)", **FINAL)
    post_call(CallSid="CA2", RecordingUrl="http://rec.example/1", **FINAL)
    assert set(CallRecord.objects.values_list("recording_url", flat=True)) == {""}


def test_a_failure_inside_leaves_no_partial_write(post_call, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(conversations, "do_record_call", broken)
    with pytest.raises(RuntimeError):
        post_call(**FINAL)
    assert not CallRecord.objects.exists()
    assert not Conversation.objects.exists()
    assert not ChannelIdentity.objects.exists()
