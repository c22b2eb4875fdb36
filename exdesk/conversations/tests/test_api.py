import json

import pytest

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.conversations.models import Conversation, Event, SearchDocument
from exdesk.customers.models import Customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    testing.category("deposit", "deposits")
    admin = testing.staff("integration", role=Role.ADMIN)
    client, headers = testing.api_client(admin)

    def call(method, url, payload=None, raw=None, key=None):
        body = raw if raw is not None else (json.dumps(payload) if payload is not None else None)
        kwargs = {"content_type": "application/json"} if body is not None else {}
        if key:
            kwargs["HTTP_IDEMPOTENCY_KEY"] = key
        return (
            getattr(client, method)(url, body, **kwargs, **headers)
            if body
            else getattr(client, method)(url, **headers)
        )

    return call


def ticket(**overrides):
    payload = {
        "subject": "Withdrawal pending",
        "body": "My BTC withdrawal is pending for 3 hours",
        "customer": {"uid": "10000001", "email": "t@example.com", "name": "Tess"},
        "category": "deposit",
        "language": "en",
        "fields": {"coin": "BTC", "network": "BTC", "amount": "0.25"},
        "tags": ["vip"],
    }
    payload.update(overrides)
    return payload


def state():
    return (
        Customer.objects.count(),
        Conversation.objects.count(),
        Event.objects.count(),
        SearchDocument.objects.count(),
    )


def test_create_get_message_status(api):
    response = api("post", "/api/v1/conversations", ticket())
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["team"] == "deposits"
    assert created["tags"] == ["vip"]
    assert created["amount"] == "0.25"
    conversation = Conversation.objects.get(pk=created["id"])
    assert conversation.customer.uid == "10000001"
    assert conversation.channel == "api"

    reply = api(
        "post",
        f"/api/v1/conversations/{created['id']}/messages",
        {"body": "We are checking", "status": "pending"},
    )
    assert reply.status_code == 201 and reply.json()["kind"] == "agent_reply"
    customer = api(
        "post",
        f"/api/v1/conversations/{created['id']}/messages",
        {"body": "ok", "kind": "customer"},
    )
    assert customer.json()["kind"] == "customer_message"
    status = api("post", f"/api/v1/conversations/{created['id']}/status", {"status": "solved"})
    assert status.status_code == 200 and status.json()["status"] == "solved"

    detail = api("get", f"/api/v1/conversations/{created['id']}").json()
    assert [e["kind"] for e in detail["events"]] == [
        "customer_message",
        "agent_reply",
        "status_change",
        "customer_message",
        "status_change",
        "status_change",
    ]
    assert detail["customer"]["uid"] == "10000001"


def test_same_uid_reuses_the_customer(api):
    api("post", "/api/v1/conversations", ticket())
    api("post", "/api/v1/conversations", ticket(subject="Second"))
    assert Customer.objects.count() == 1


def test_list_filters_and_paginates(api):
    for i in range(3):
        api("post", "/api/v1/conversations", ticket(subject=f"t{i}"))
    listing = api("get", "/api/v1/conversations?status=new").json()
    assert listing["count"] == 3
    assert api("get", "/api/v1/conversations?status=solved").json()["count"] == 0
    assert api("get", "/api/v1/conversations?customer_uid=10000001").json()["count"] == 3


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (ticket(subject=""), "subject"),
        (ticket(body="x" * 20_001), "body"),
        (ticket(customer={"email": "not an email"}), "email"),
        (ticket(customer={}), "customer"),
        (ticket(category="nope"), "category"),
        (ticket(priority="p9"), "priority"),
        (ticket(language="fr"), "language"),
        (ticket(fields={"amount": "-1"}), "amount"),
        (ticket(tags=["<b>"]), "tags"),
        ({k: v for k, v in ticket().items() if k != "subject"}, "subject"),
    ],
)
def test_validation_errors_are_422_naming_the_field(api, payload, field):
    before = state()
    response = api("post", "/api/v1/conversations", payload)
    assert response.status_code == 422, response.content
    locations = [e["loc"] for e in response.json()["detail"]]
    assert any(field in loc for loc in locations), locations
    assert state() == before


@pytest.mark.parametrize("raw", ['{"subject": "x"', "[1, 2", "not json", '{"subject": '])
def test_malformed_json_is_a_clear_error_and_writes_nothing(api, raw):
    before = state()
    response = api("post", "/api/v1/conversations", raw=raw)
    assert response.status_code in (400, 422)
    assert "detail" in response.json()
    assert state() == before


def test_unknown_conversation_is_404(api):
    assert api("get", "/api/v1/conversations/999999").status_code == 404


def test_message_validation(api):
    created = api("post", "/api/v1/conversations", ticket()).json()
    before = state()
    response = api(
        "post", f"/api/v1/conversations/{created['id']}/messages", {"body": "", "kind": "reply"}
    )
    assert response.status_code == 422
    response = api("post", f"/api/v1/conversations/{created['id']}/status", {"status": "archived"})
    assert response.status_code == 422
    assert state() == before


def test_openapi_document_and_docs_page_are_local(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/conversations" in paths
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower() and "https://" not in docs


def test_idempotency_key_makes_retries_safe(api):
    first = api("post", "/api/v1/conversations", ticket(), key="order-77")
    again = api("post", "/api/v1/conversations", ticket(), key="order-77")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Conversation.objects.count() == 1
    url = f"/api/v1/conversations/{first.json()['id']}/messages"
    one = api("post", url, {"body": "we are on it"}, key="reply-1")
    two = api("post", url, {"body": "we are on it"}, key="reply-1")
    assert one.json()["id"] == two.json()["id"]
    assert Event.objects.filter(kind="agent_reply").count() == 1
    # Without a key, two calls are two requests.
    api("post", "/api/v1/conversations", ticket())
    assert Conversation.objects.count() == 2


def test_idempotency_keys_belong_to_their_api_user():
    testing.category("deposit", "deposits")
    for name in ("app", "backoffice"):
        client, headers = testing.api_client(testing.staff(name, role=Role.ADMIN))
        response = client.post(
            "/api/v1/conversations",
            json.dumps(ticket()),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="same-key",
            **headers,
        )
        assert response.status_code == 201
    assert Conversation.objects.count() == 2


def test_list_pages_through_everything_visible(api):
    for i in range(30):
        api("post", "/api/v1/conversations", ticket(subject=f"t{i}"))
    first = api("get", "/api/v1/conversations").json()
    second = api("get", "/api/v1/conversations?page=2").json()
    assert first["count"] == second["count"] == 30
    assert len(first["items"]) == 25 and len(second["items"]) == 5
    ids = {c["id"] for c in first["items"]} | {c["id"] for c in second["items"]}
    assert len(ids) == 30
    assert api("get", "/api/v1/conversations?page=0").status_code == 422
