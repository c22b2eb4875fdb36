"""Escalation to Security, Compliance/AML, Technical and Risk, hand-back, and who may see
a compliance case and how it is answered."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.assistant.models import CannedResponse
from exdesk.conversations import selectors
from exdesk.conversations import services as conversations
from exdesk.conversations.choices import EventKind
from exdesk.routing import services
from exdesk.routing.models import Escalation

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    """First line in "general"; specialist teams for security and compliance."""
    security = testing.team("security")
    security.escalation_kind = "security"
    security.save()
    compliance = testing.team("compliance")
    compliance.escalation_kind = "compliance"
    compliance.save()
    return {
        "alice": testing.staff("alice"),
        "chen": testing.staff("chen", Role.SENIOR_AGENT, teams=("security",)),
        "zhang": testing.staff("zhang", Role.COMPLIANCE, teams=("compliance",)),
        "mei": testing.staff("mei", Role.SUPERVISOR),
        "admin": testing.staff("root", Role.ADMIN, teams=()),
        "qa": testing.staff("qa", Role.QA_REVIEWER, teams=()),
    }


def assigned_to(user):
    conversation = testing.conversation()
    conversations.do_assign(conversation, user, user)
    conversation.refresh_from_db()
    return conversation


def test_an_escalation_needs_a_reason_a_note_and_a_receiving_team(desk):
    conversation = assigned_to(desk["alice"])
    with pytest.raises(ValidationError) as error:
        services.escalate(conversation, desk["alice"], "security", " ", "")
    assert set(error.value.message_dict) == {"reason", "note"}
    with pytest.raises(ValidationError):
        services.escalate(conversation, desk["alice"], "treasury", "why", "note")
    with pytest.raises(ValidationError) as error:
        services.escalate(conversation, desk["alice"], "risk", "odd trades", "see orders")
    assert "administrator" in error.value.message_dict["kind"][0]
    assert not Escalation.objects.exists()  # nothing half-written


def test_escalating_moves_the_case_to_the_specialist_queue_and_back(desk):
    alice, chen = desk["alice"], desk["chen"]
    conversation = assigned_to(alice)
    escalation = services.escalate(
        conversation, alice, "security", "Login from a new country", "Customer did not log in."
    )
    conversation.refresh_from_db()
    assert conversation.team.slug == "security" and conversation.assignee is None
    event = conversation.events.get(kind=EventKind.ESCALATION)
    assert event.body == "Customer did not log in." and event.data["reason"]
    assert chen.notifications.get().kind == "escalation"
    assert [w.id for w in services.waiting_snapshot() if w.team == conversation.team_id] == [
        conversation.pk
    ]
    with pytest.raises(ValidationError):  # one at a time
        services.escalate(conversation, chen, "security", "again", "again")

    with pytest.raises(PermissionDenied):  # only the receiving team hands it back
        services.hand_back_escalation(conversation, alice, "done")
    with pytest.raises(ValidationError):
        services.hand_back_escalation(conversation, chen, "")
    services.hand_back_escalation(conversation, chen, "Account frozen; tell them to reset 2FA.")
    conversation.refresh_from_db()
    assert conversation.team.slug == "general" and conversation.assignee == alice
    escalation.refresh_from_db()
    assert escalation.handed_back_by == chen and not escalation.is_open
    back = conversation.events.get(kind=EventKind.ESCALATION_BACK)
    assert back.body.startswith("Account frozen")


def test_a_compliance_case_is_visible_to_compliance_officers_only(desk):
    alice = desk["alice"]
    conversation = assigned_to(alice)
    other = testing.conversation(subject="Unrelated")
    services.escalate(
        conversation, alice, "compliance", "Structuring pattern", "Many small deposits"
    )
    conversation.refresh_from_db()
    assert conversation.restricted
    for name in ("alice", "mei", "admin", "qa", "chen"):
        visible = selectors.visible_conversations(desk[name])
        assert conversation not in visible
        assert (other in visible) == (name != "chen")  # chen's only team is security
        response = testing.signed_in(desk[name]).get(
            reverse("conversations:detail", args=[conversation.pk])
        )
        assert response.status_code == 404
    officer = testing.signed_in(desk["zhang"])
    assert officer.get(reverse("conversations:detail", args=[conversation.pk])).status_code == 200
    # Supervisors and admins may know a case exists (reference and date), agents may not.
    assert selectors.compliance_cases_known_to(desk["mei"]) == [conversation]
    assert selectors.compliance_cases_known_to(desk["admin"]) == [conversation]
    assert selectors.compliance_cases_known_to(desk["alice"]) == []
    inbox = testing.signed_in(desk["mei"]).get(reverse("conversations:inbox") + "?view=all")
    text = inbox.content.decode()
    assert conversation.reference in text and conversation.subject not in text
    assert (
        conversation.reference
        not in testing.signed_in(alice)
        .get(reverse("conversations:inbox") + "?view=all")
        .content.decode()
    )
    # Nor through the API or search.
    client, headers = testing.api_client(desk["mei"])
    listed = client.get("/api/v1/conversations", **headers).json()
    assert conversation.pk not in [item["id"] for item in listed["items"]]
    assert conversation.pk not in selectors.visible_ids(desk["mei"], [conversation.pk])


def test_a_compliance_case_is_answered_with_approved_templates_only(desk):
    alice, zhang = desk["alice"], desk["zhang"]
    conversation = assigned_to(alice)
    services.escalate(conversation, alice, "compliance", "Sanctions hit", "Name matches a list")
    conversation.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        conversations.do_reply(conversation, zhang, "We have reported you.", notify_customer=False)
    assert "approved template" in error.value.message_dict["body"][0]
    template = CannedResponse.objects.filter(compliance_approved=True, language="en").first()
    conversations.do_reply(conversation, zhang, template.body, notify_customer=False)
    # The console sends the chosen template by its id; free text is not taken.
    officer = testing.signed_in(zhang)
    url = reverse("conversations:reply", args=[conversation.pk])
    refused = officer.post(url, {"body": "Your account is under investigation"})
    assert refused.status_code == 400
    assert officer.post(url, {"template": str(template.pk)}).status_code == 302
    replies = conversation.events.filter(kind=EventKind.AGENT_REPLY)
    assert [e.body for e in replies] == [template.body, template.body]
    page = officer.get(reverse("conversations:detail", args=[conversation.pk])).content.decode()
    assert 'name="template"' in page and 'name="body" ' not in page.split("reply-heading")[1][:2000]


def test_notes_written_on_a_compliance_case_stay_hidden_after_it_is_handed_back(desk):
    alice, zhang = desk["alice"], desk["zhang"]
    conversation = assigned_to(alice)
    services.escalate(conversation, alice, "compliance", "Unusual flows", "See deposits")
    conversation.refresh_from_db()
    conversations.do_add_note(conversation, zhang, "Filed report 2026-117")
    services.hand_back_escalation(conversation, zhang, "No restriction. Answer normally.")
    conversation.refresh_from_db()
    assert not conversation.restricted and conversation.assignee == alice
    seen_by_alice = [e.body for e in selectors.timeline(alice, conversation)]
    assert "Filed report 2026-117" not in seen_by_alice
    assert "No restriction. Answer normally." in seen_by_alice
    assert "Filed report 2026-117" in [e.body for e in selectors.timeline(zhang, conversation)]
    page = testing.signed_in(alice).get(reverse("conversations:detail", args=[conversation.pk]))
    assert "Filed report" not in page.content.decode()


def test_only_a_compliance_officer_hands_back_a_compliance_case(desk):
    conversation = assigned_to(desk["alice"])
    services.escalate(conversation, desk["alice"], "compliance", "Check", "Check")
    conversation.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.hand_back_escalation(conversation, desk["mei"], "done")


def test_the_escalation_form_explains_bad_input_and_leaves_a_compliance_case(desk):
    alice = testing.signed_in(desk["alice"])
    conversation = assigned_to(desk["alice"])
    url = reverse("conversations:escalate", args=[conversation.pk])
    bad = alice.post(url, {"kind": "security", "reason": "", "note": ""})
    assert bad.status_code == 400 and "escalate-reason" in bad.content.decode()
    done = alice.post(url, {"kind": "compliance", "reason": "AML", "note": "Pattern"})
    assert done.status_code == 302 and done["Location"] == reverse("conversations:inbox")
    security_case = assigned_to(desk["alice"])
    url = reverse("conversations:escalate", args=[security_case.pk])
    done = alice.post(url, {"kind": "security", "reason": "ATO", "note": "Drained"})
    # Now in the security team's queue, outside alice's teams.
    assert done["Location"] == reverse("conversations:inbox")
    chen = testing.signed_in(desk["chen"])
    page = chen.get(reverse("conversations:detail", args=[security_case.pk])).content.decode()
    assert reverse("conversations:hand_back", args=[security_case.pk]) in page
    back = chen.post(
        reverse("conversations:hand_back", args=[security_case.pk]), {"outcome": "Frozen"}
    )
    assert back.status_code == 302
    security_case.refresh_from_db()
    assert security_case.team.slug == "general"


def test_the_bot_never_answers_a_compliance_case(desk):
    from exdesk.assistant.services import _bot_may_speak

    conversation = testing.conversation(channel="chat")
    assert _bot_may_speak(conversation)
    conversation.restricted = True
    assert not _bot_may_speak(conversation)


def test_live_consoles_of_others_are_not_sent_compliance_case_events(desk):
    from exdesk.conversations import live

    alice, zhang = desk["alice"], desk["zhang"]
    conversation = assigned_to(alice)
    seen = live.last_seq(conversation.pk)
    services.escalate(conversation, alice, "compliance", "AML", "Pattern")
    conversation.refresh_from_db()
    note = conversations.do_add_note(conversation, zhang, "Report filed")
    assert live.is_restricted(note)
    hidden, last = live.frames_after(conversation.pk, seen, for_staff=True, hide_restricted=True)
    assert hidden == [] and last == note.seq  # nothing sent, and nothing asked again
    shown, _last = live.frames_after(conversation.pk, seen, for_staff=True)
    assert "Report filed" in [frame["body"] for frame in shown]
    services.hand_back_escalation(conversation, zhang, "Carry on")
    after_back, _last = live.frames_after(
        conversation.pk, seen, for_staff=True, hide_restricted=True
    )
    bodies = [frame["body"] for frame in after_back]
    assert "Carry on" in bodies and "Report filed" not in bodies


def test_a_customer_message_is_restricted_only_on_a_compliance_case(desk):
    from exdesk.conversations import live

    conversation = assigned_to(desk["alice"])
    message = conversations.do_add_customer_message(conversation.pk, "Any news?")
    assert not live.is_restricted(message)
    assert message.conversation.tracking_token == conversation.tracking_token
    services.escalate(conversation, desk["alice"], "compliance", "AML", "Pattern")
    later = conversations.do_add_customer_message(conversation.pk, "Hello?")
    assert live.is_restricted(later)
