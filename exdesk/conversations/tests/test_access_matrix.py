"""Who may open what. Declared once as data; every cell becomes a test.

The world: a conversation in the Security team with an attachment, its customer, and
staff of each kind. Each row names a URL, a method, and the people who may use it; all
others must get 403 or 404 (404 where saying "forbidden" would reveal that it exists).
"""

import json

import pytest
from django.urls import reverse

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.conversations import services

pytestmark = pytest.mark.django_db

PEOPLE = {
    "security_agent": (Role.AGENT, ("security",)),
    "general_agent": (Role.AGENT, ("general",)),
    "general_senior": (Role.SENIOR_AGENT, ("general",)),
    "trainer": (Role.TRAINER, ("general",)),
    "qa_reviewer": (Role.QA_REVIEWER, ()),
    "supervisor": (Role.SUPERVISOR, ()),
    "compliance": (Role.COMPLIANCE, ("compliance",)),
    "admin": (Role.ADMIN, ()),
}
SEE_ALL = {"supervisor", "qa_reviewer", "compliance", "admin"}
ANSWER_ALL = {"supervisor", "compliance", "admin"}


@pytest.fixture
def world():
    people = {name: testing.staff(name, role, teams) for name, (role, teams) in PEOPLE.items()}
    conversation = testing.conversation(team_slug="security", subject="Account stolen")
    attachment = services.do_add_customer_message(
        conversation, "proof", [("p.png", testing.PNG_BYTES)]
    ).attachments.get()
    return {
        "people": people,
        "conversation": conversation,
        "attachment": attachment,
        "customer": conversation.customer,
    }


# (name, method, url builder, allowed people, payload)
ROWS = [
    (
        "conversation page",
        "get",
        lambda w: reverse("conversations:detail", args=[w["conversation"].pk]),
        {"security_agent"} | SEE_ALL,
        None,
    ),
    (
        "reply",
        "post",
        lambda w: reverse("conversations:reply", args=[w["conversation"].pk]),
        {"security_agent"} | ANSWER_ALL,
        {"body": "hello"},
    ),
    (
        "status change",
        "post",
        lambda w: reverse("conversations:status", args=[w["conversation"].pk]),
        {"security_agent"} | ANSWER_ALL,
        {"status": "solved"},
    ),
    (
        "take",
        "post",
        lambda w: reverse("conversations:take", args=[w["conversation"].pk]),
        {"security_agent"} | ANSWER_ALL,
        {},
    ),
    (
        "attachment",
        "get",
        lambda w: reverse("conversations:attachment", args=[w["attachment"].pk]),
        {"security_agent"} | SEE_ALL,
        None,
    ),
    (
        "customer profile",
        "get",
        lambda w: reverse("conversations:customer", args=[w["customer"].pk]),
        {"security_agent"} | SEE_ALL,
        None,
    ),
    ("audit log", "get", lambda w: reverse("audit_log"), {"compliance", "admin"}, None),
    ("audit export", "get", lambda w: reverse("audit_export"), {"compliance", "admin"}, None),
    (
        "mail quarantine",
        "get",
        lambda w: reverse("messaging_console:quarantine"),
        {"supervisor", "admin"},
        None,
    ),
]

API_ROWS = [
    (
        "api get conversation",
        "get",
        lambda w: f"/api/v1/conversations/{w['conversation'].pk}",
        {"security_agent"} | SEE_ALL,
        None,
    ),
    (
        "api post message",
        "post",
        lambda w: f"/api/v1/conversations/{w['conversation'].pk}/messages",
        {"security_agent"} | ANSWER_ALL,
        {"body": "hi"},
    ),
    (
        "api change status",
        "post",
        lambda w: f"/api/v1/conversations/{w['conversation'].pk}/status",
        {"security_agent"} | ANSWER_ALL,
        {"status": "pending"},
    ),
]


def cells(rows):
    return [pytest.param(row, person, id=f"{row[0]}-{person}") for row in rows for person in PEOPLE]


def is_allowed(response, method):
    if method == "get":
        return response.status_code == 200
    return response.status_code in (200, 201, 302) and "/accounts/login" not in response.get(
        "Location", ""
    )


@pytest.mark.parametrize(("row", "person"), cells(ROWS))
def test_console_matrix(world, row, person):
    _name, method, url, allowed, payload = row
    client = testing.signed_in(world["people"][person])
    response = getattr(client, method)(url(world), payload or {})
    if person in allowed:
        assert is_allowed(response, method), response.status_code
    else:
        assert response.status_code in (403, 404), response.status_code


@pytest.mark.parametrize(("row", "person"), cells(API_ROWS))
def test_api_matrix(world, row, person):
    _name, method, url, allowed, payload = row
    client, headers = testing.api_client(world["people"][person])
    kwargs = {"content_type": "application/json"} if method == "post" else {}
    response = getattr(client, method)(
        url(world), json.dumps(payload) if payload else None, **kwargs, **headers
    )
    if person in allowed:
        assert response.status_code in (200, 201), response.content
    else:
        assert response.status_code in (403, 404), response.content


def test_api_list_only_shows_visible_conversations(world):
    testing.conversation(team_slug="general", subject="General question")
    client, headers = testing.api_client(world["people"]["general_agent"])
    items = client.get("/api/v1/conversations", **headers).json()["items"]
    assert [i["subject"] for i in items] == ["General question"]


def test_signed_out_visitors_are_sent_to_sign_in(world, client):
    for row in ROWS:
        response = client.get(row[2](world))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_api_without_a_valid_token_is_401(world, client):
    url = f"/api/v1/conversations/{world['conversation'].pk}"
    assert client.get(url).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer exd_wrong").status_code == 401
    from exdesk.accounts.models import ApiToken

    token, key = ApiToken.issue(world["people"]["admin"], "old")
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_roles_without_need_see_masked_personal_data(world):
    conversation = world["conversation"]
    email = conversation.customer.email
    for person, masked in [("qa_reviewer", True), ("supervisor", False), ("trainer", True)]:
        user = world["people"][person]
        if person == "trainer":
            user.teams.add(testing.team("security"))
        page = testing.signed_in(user).get(reverse("conversations:detail", args=[conversation.pk]))
        html = page.content.decode()
        assert (email not in html) is masked, person
        client, headers = testing.api_client(user)
        data = client.get(f"/api/v1/conversations/{conversation.pk}", **headers).json()
        assert (data["customer"]["email"] == email) is not masked
