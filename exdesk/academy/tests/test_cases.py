"""The case library: a solved conversation becomes an anonymised draft, reviewed by a
second trainer before anyone learns from it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from exdesk import testing
from exdesk.academy import cases, selectors
from exdesk.academy.models import CaseStatus
from exdesk.accounts.choices import Role
from exdesk.conversations import services as conversations
from exdesk.conversations.choices import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def solved(trainer):
    agent = testing.staff("alice")
    agent.first_name, agent.last_name = "Alice", "Wong"
    agent.save()
    customer = testing.customer(
        uid="40718265", email="daniel.okafor@example.com", display_name="Daniel Okafor"
    )
    conversation = testing.conversation(
        who=customer,
        subject="Deposit for Daniel Okafor",
        body=(
            "Hi, I'm Daniel Okafor, UID 40718265. I sent USDT to "
            "TKF72jeCppfuCCP62pT2Akm93J7L5PL6At, call me on +44 20 7946 0958."
        ),
    )
    conversations.do_reply(
        conversation, agent, "Thanks Daniel, this is Alice. We wrote to daniel.okafor@example.com."
    )
    conversations.do_change_status(conversation, agent, Status.SOLVED)
    conversation.refresh_from_db()
    return conversation


def test_a_case_keeps_the_story_and_loses_the_person(solved, trainer):
    case = cases.make_case(solved, trainer)
    text = case.title + case.transcript
    for secret in (
        "Daniel",
        "Okafor",
        "40718265",
        "TKF72jeCppfuCCP62pT2Akm93J7L5PL6At",
        "7946",
        "daniel.okafor@example.com",
        "Alice",
    ):
        assert secret not in text, secret
    assert "I sent USDT to [ADDRESS-1]" in case.transcript
    assert case.transcript.startswith("customer: ") and "\n\nagent: " in case.transcript
    kinds = {r["kind"] for r in case.replacements}
    assert {"name", "uid", "address", "phone", "email"} <= kinds
    assert all(set(r) == {"kind", "placeholder"} for r in case.replacements)  # no originals kept
    turns = selectors.case_turns(case)
    assert any(piece["replaced"] for turn in turns for piece in turn["pieces"])


def test_only_solved_conversations_become_cases(trainer):
    with pytest.raises(ValidationError):
        cases.make_case(testing.conversation(), trainer)


def test_a_second_trainer_publishes_and_everyone_reads(solved, trainer, trainee):
    case = cases.make_case(solved, trainer)
    assert not selectors.cases_for(trainee, can_edit=False).exists()  # a draft is the trainers'
    cases.submit_case(case, trainer)
    with pytest.raises(PermissionDenied):
        cases.publish_case(case, trainer)
    other = testing.staff("olga", role=Role.TRAINER)
    case = cases.publish_case(case, other)
    assert case.status == CaseStatus.PUBLISHED and case.reviewed_by == other
    assert list(selectors.cases_for(trainee, can_edit=False)) == [case]
    with pytest.raises(ValidationError):
        cases.edit_case(case, other, title="x", transcript="y")


def test_pages_and_permissions(solved, trainer, trainee):
    client = testing.signed_in(trainer)
    page = client.get(f"/console/c/{solved.pk}/").content.decode()
    assert "Make a training case of it" in page
    made = client.post(f"/console/training/cases/from/{solved.pk}/")
    case_url = made.url
    detail = client.get(case_url).content.decode()
    assert "<mark>[UID-1]</mark>" in detail
    agent = testing.signed_in(trainee)
    assert agent.post(f"/console/training/cases/from/{solved.pk}/").status_code == 403
    assert agent.get(case_url).status_code == 404  # not published yet
