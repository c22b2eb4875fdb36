"""Recruitment: a one-time expiring link leads a candidate, without a staff account, to
their own written exam and scenario; the recruiter gets the results."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from exdesk import testing
from exdesk.academy import recruitment, services
from exdesk.academy.choices import AttemptState
from exdesk.academy.models import Candidate, Scenario
from exdesk.accounts.choices import Role
from exdesk.sla.models import StaffNotification

from .conftest import right_answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    return Scenario.objects.create(
        key="wrong-network",
        language="en",
        title="USDT on the wrong network",
        traps=["seed_phrase_offer"],
        persona={"name": "Mia", "mood": "worried"},
        opening="My USDT has not arrived.",
        facts={"uid": "40718265"},
        script={
            "reveal": [{"fact": "uid", "asked_by": ["uid"], "reply": "My UID is 40718265."}],
            "step": [
                {
                    "when": ["recovery request"],
                    "reply": "Thank you, that is clear.",
                    "done": True,
                }
            ],
            "ignored": {"upset": "Hello?"},
            "trap": {"after_turns": 5, "say": "Should I send my seed phrase?"},
        },
        rubric={
            "must_ask": ["uid"],
            "escalate_to": "technical",
            "must_not_say": ["we guarantee"],
            "first_response_seconds": 600,
        },
    )


@pytest.fixture
def recruiter():
    return testing.staff("recruiter", role=Role.TRAINER)


def invite(recruiter, exam, scenario, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return recruitment.invite(
            recruiter,
            name="Lin Wei",
            email="lin@example.com",
            language="en",
            exam=exam,
            scenario=scenario,
            **extra,
        )


def test_the_invitation_mails_a_link_whose_token_is_not_stored(
    recruiter, exam, scenario, django_capture_on_commit_callbacks
):
    candidate, token = invite(recruiter, exam, scenario, django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    assert message.to == ["lin@example.com"]
    assert reverse("assessment:open", args=[token]) in message.body
    assert token not in candidate.token_hash
    assert not Candidate.objects.filter(token_hash=token).exists()


@pytest.mark.parametrize(
    "field,value",
    [("name", " "), ("email", "not-an-address"), ("language", "fr"), ("valid_days", 0)],
)
def test_a_bad_invitation_is_refused_and_nothing_is_kept(recruiter, exam, field, value):
    data = {"name": "Lin", "email": "lin@example.com", "language": "en", "valid_days": 7}
    data[field] = value
    with pytest.raises(ValidationError) as error:
        recruitment.invite(recruiter, exam=exam, scenario=None, **data)
    assert field in error.value.message_dict
    assert not Candidate.objects.exists() and not mail.outbox


def test_only_recruiters_invite(exam):
    with pytest.raises(PermissionDenied):
        recruitment.invite(
            testing.staff("agent"),
            name="Lin",
            email="lin@example.com",
            language="en",
            exam=exam,
            scenario=None,
        )


def test_the_link_opens_once_in_one_browser_and_not_after_expiry(recruiter, exam, scenario):
    candidate, token = recruitment.invite(
        recruiter,
        name="Lin",
        email="lin@example.com",
        language="en",
        exam=exam,
        scenario=scenario,
        valid_days=2,
    )
    with pytest.raises(recruitment.LinkRefused):
        recruitment.open_link("not-the-token", "session-a")
    later = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(recruitment.LinkRefused):
        recruitment.open_link(token, "session-a", now=later)
    assert recruitment.open_link(token, "session-a") == candidate
    assert recruitment.open_link(token, "session-a") == candidate  # a reload
    with pytest.raises(recruitment.LinkRefused):
        recruitment.open_link(token, "session-b")  # a forwarded link
    with pytest.raises(recruitment.LinkRefused):
        recruitment.in_session(candidate.pk, "session-b")
    other, _ = recruitment.invite(
        recruiter, name="Bo", email="bo@example.com", language="en", exam=exam, scenario=None
    )
    with pytest.raises(recruitment.LinkRefused):
        recruitment.in_session(other.pk, "session-a")  # another candidate's id, same browser


def _candidate_client(token) -> Client:
    client = Client()
    response = client.get(reverse("assessment:open", args=[token]))
    assert response.status_code == 302 and response["Location"] == reverse("assessment:home")
    return client


def test_a_candidate_takes_both_tests_and_the_recruiter_reads_the_results(
    recruiter, exam, scenario, django_capture_on_commit_callbacks
):
    candidate, token = invite(recruiter, exam, scenario, django_capture_on_commit_callbacks)
    client = _candidate_client(token)
    home = client.get(reverse("assessment:home")).content.decode()
    assert "Start the written exam" in home and "/console/" not in home

    page = client.get(reverse("assessment:exam")).content.decode()
    candidate.refresh_from_db()
    attempt = candidate.attempt
    assert attempt.user is None and attempt.state == AttemptState.IN_PROGRESS
    assert "Because support never asks" not in page  # explanations come after, if ever
    questions = services._questions_of(attempt.items)
    answers = {
        item["question"]: right_answer(questions[item["question"]], item["order"])
        for item in attempt.items
    }
    services.save_answers(attempt.pk, candidate, answers)
    response = client.post(reverse("assessment:exam"), {"submit": "1"})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.PASSED and attempt.percent == 100
    assert not candidate.invited_by.certificates.exists()  # nobody was certified
    with pytest.raises(ValidationError):
        services.submit_attempt(attempt.pk, candidate)  # a second tab

    client.get(reverse("assessment:scenario"))
    client.post(reverse("assessment:scenario"), {"reply": "Please send me your seed phrase."})
    client.post(reverse("assessment:scenario"), {"reply": "What is your UID?"})
    client.post(
        reverse("assessment:scenario"),
        {"reply": "I have opened a recovery request.", "escalate_to": "technical"},
    )
    candidate.refresh_from_db()
    run = candidate.drill
    assert run.finished_at is not None and run.resolved
    assert [t.get("blocked", False) for t in run.transcript if t["who"] == "agent"] == [
        True,
        False,
        False,
    ]
    assert run.marks["no_secret_request"]["passed"] is False
    assert run.marks["asked_uid"]["passed"] and run.marks["escalated"]["passed"]
    assert run.passed is False  # asking for a seed phrase fails the scenario

    assert client.post(reverse("assessment:home")).status_code == 200
    candidate.refresh_from_db()
    assert candidate.finished_at is not None
    assert StaffNotification.objects.filter(
        user=recruiter, kind="candidate_finished", detail="Lin Wei"
    ).exists()
    # The link is spent, in this browser too.
    assert client.get(reverse("assessment:home")).status_code == 410
    assert client.get(reverse("assessment:open", args=[token])).status_code == 410

    staff = testing.signed_in(recruiter)
    response = staff.get(reverse("academy:candidate", args=[candidate.pk]))
    assert response.status_code == 200, response
    results = response.content.decode()
    assert "100%" in results and "Please send me your seed phrase." in results


def test_the_candidate_cannot_finish_early_or_reach_the_console(
    recruiter, exam, scenario, django_capture_on_commit_callbacks
):
    _candidate, token = invite(recruiter, exam, scenario, django_capture_on_commit_callbacks)
    client = _candidate_client(token)
    response = client.post(reverse("assessment:home"), follow=True)
    assert "Finish the written exam and the scenario first." in response.content.decode()
    console = client.get(reverse("academy:mine"))
    assert console.status_code == 302 and "/accounts/login/" in console["Location"]


def test_a_candidate_cannot_answer_another_candidates_attempt(recruiter, exam):
    one, _ = recruitment.invite(
        recruiter, name="One", email="one@example.com", language="en", exam=exam, scenario=None
    )
    two, _ = recruitment.invite(
        recruiter, name="Two", email="two@example.com", language="en", exam=exam, scenario=None
    )
    attempt = recruitment.written_exam(one)
    with pytest.raises(PermissionDenied):
        services.save_answers(attempt.pk, two, {})
    with pytest.raises(PermissionDenied):
        services.submit_attempt(attempt.pk, recruiter)  # nor a staff member


def test_only_recruiters_open_the_recruitment_pages(recruiter, exam):
    candidate, _ = recruitment.invite(
        recruiter, name="One", email="one@example.com", language="en", exam=exam, scenario=None
    )
    agent = testing.signed_in(testing.staff("agent"))
    assert agent.get(reverse("academy:recruitment")).status_code == 403
    assert agent.get(reverse("academy:candidate", args=[candidate.pk])).status_code == 403
    staff = testing.signed_in(recruiter)
    assert staff.get(reverse("academy:recruitment")).status_code == 200
