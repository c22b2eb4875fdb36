"""Agent console: inbox views, filters, search, conversation page and its actions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.conversations import services
from exdesk.conversations.models import Conversation

pytestmark = pytest.mark.django_db


def inbox(client, **params):
    response = client.get(reverse("conversations:inbox"), params)
    assert response.status_code == 200
    return {c.pk for c in response.context["page"]}


def test_inbox_views():
    alice = testing.staff("alice")
    mine = testing.conversation()
    services.do_take(mine, alice)
    unassigned = testing.conversation()
    other_team = testing.conversation(team_slug="security")
    client = testing.signed_in(alice)
    assert inbox(client) == {mine.pk}
    assert inbox(client, view="unassigned") == {unassigned.pk}
    assert inbox(client, view="teams") == {mine.pk, unassigned.pk}
    assert inbox(client, view="all") == {mine.pk, unassigned.pk}
    assert other_team.pk not in inbox(client, view="all")
    supervisor = testing.staff("sup", role=Role.SUPERVISOR, teams=())
    assert inbox(testing.signed_in(supervisor), view="all") == {
        mine.pk,
        unassigned.pk,
        other_team.pk,
    }


def test_inbox_filters():
    alice = testing.staff("alice")
    urgent = testing.conversation(priority="p0", language="zh-hans", channel="email", tags=["vip"])
    normal = testing.conversation()
    services.do_change_status(normal, alice, "solved")
    client = testing.signed_in(alice)
    assert inbox(client, view="all", priority="p0") == {urgent.pk}
    assert inbox(client, view="all", language="zh-hans") == {urgent.pk}
    assert inbox(client, view="all", channel="email") == {urgent.pk}
    assert inbox(client, view="all", tag="vip") == {urgent.pk}
    assert inbox(client, view="all", status="solved") == {normal.pk}
    assert inbox(client, view="all", status="active") == {urgent.pk}
    # Unknown filter values are ignored rather than crashing.
    assert inbox(client, view="bogus", status="nope") == set()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("txid", {"en"}),
        ("TRC20", {"en"}),
        ("提现", {"zh"}),
        ("提现失败", {"zh"}),
        ("失败", {"zh"}),
        ("审核 提现", {"zh"}),
        ("note-only-word", {"en"}),
        ("nothing-like-this", set()),
    ],
)
def test_full_text_search_over_subjects_and_messages(query, expected):
    alice = testing.staff("alice")
    en = testing.conversation(subject="Deposit on TRC20", body="Here is my TxID")
    services.do_add_note(en, alice, "checked note-only-word on chain")
    zh = testing.conversation(subject="提现失败", body="我的提现一直在审核中")
    ids = {"en": en.pk, "zh": zh.pk}
    found = inbox(testing.signed_in(alice), view="all", q=query)
    assert found == {ids[k] for k in expected}


def test_search_respects_visibility():
    alice = testing.staff("alice")
    testing.conversation(team_slug="security", subject="stolen account")
    assert inbox(testing.signed_in(alice), view="all", q="stolen") == set()


def test_inbox_paginates():
    alice = testing.staff("alice")
    for _ in range(30):
        testing.conversation()
    client = testing.signed_in(alice)
    first = inbox(client, view="all")
    second = inbox(client, view="all", page=2)
    assert len(first) == 25 and len(second) == 5 and not first & second


def test_inbox_query_count_does_not_grow_with_rows(django_assert_max_num_queries):
    alice = testing.staff("alice")
    for _ in range(20):
        testing.conversation(tags=["a", "b"])
    client = testing.signed_in(alice)
    with django_assert_max_num_queries(12):
        client.get(reverse("conversations:inbox"), {"view": "all"})


def test_conversation_page_actions():
    alice = testing.staff("alice")
    conversation = testing.conversation()
    client = testing.signed_in(alice)
    url = reverse("conversations:detail", args=[conversation.pk])
    assert client.get(url).status_code == 200
    client.post(reverse("conversations:take", args=[conversation.pk]))
    client.post(reverse("conversations:priority", args=[conversation.pk]), {"priority": "p1"})
    client.post(reverse("conversations:tags", args=[conversation.pk]), {"tags": "vip, memo"})
    client.post(reverse("conversations:note", args=[conversation.pk]), {"body": "internal"})
    shot = SimpleUploadedFile("s.png", testing.PNG_BYTES, "image/png")
    client.post(
        reverse("conversations:reply", args=[conversation.pk]),
        {"body": "public answer", "status": "pending", "attachments": [shot]},
    )
    client.post(reverse("conversations:status", args=[conversation.pk]), {"status": "solved"})
    conversation.refresh_from_db()
    assert conversation.assignee == alice
    assert conversation.priority == "p1"
    assert sorted(conversation.tags.values_list("name", flat=True)) == ["memo", "vip"]
    assert conversation.status == "solved"
    assert conversation.attachments.get().event.kind == "agent_reply"
    page = client.get(url).content.decode()
    assert "public answer" in page and "internal" in page


def test_empty_reply_keeps_the_page_with_an_error():
    alice = testing.staff("alice")
    conversation = testing.conversation()
    client = testing.signed_in(alice)
    bad = SimpleUploadedFile("x.png", b"<html></html>", "image/png")
    response = client.post(
        reverse("conversations:reply", args=[conversation.pk]),
        {"body": "I typed this carefully", "attachments": [bad]},
    )
    assert response.status_code == 400
    assert "I typed this carefully" in response.content.decode()
    assert conversation.events.count() == 1


def test_bulk_actions_from_the_inbox():
    alice = testing.staff("alice")
    a, b, untouched = testing.conversation(), testing.conversation(), testing.conversation()
    client = testing.signed_in(alice)
    response = client.post(
        reverse("conversations:bulk"), {"ids": [a.pk, b.pk], "action": "take", "value": ""}
    )
    assert response.status_code == 302
    client.post(
        reverse("conversations:bulk"), {"ids": [a.pk, b.pk], "action": "add_tag", "value": "surge"}
    )
    assert set(Conversation.objects.filter(assignee=alice).values_list("pk", flat=True)) == {
        a.pk,
        b.pk,
    }
    assert set(Conversation.objects.filter(tags__name="surge").values_list("pk", flat=True)) == {
        a.pk,
        b.pk,
    }
    untouched.refresh_from_db()
    assert untouched.assignee is None


def test_bulk_with_an_invisible_conversation_changes_nothing():
    alice = testing.staff("alice")
    mine = testing.conversation()
    hidden = testing.conversation(team_slug="security")
    client = testing.signed_in(alice)
    response = client.post(
        reverse("conversations:bulk"), {"ids": [mine.pk, hidden.pk], "action": "take"}
    )
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.assignee is None


def test_staff_language_switch(client):
    alice = testing.staff("alice")
    client = testing.signed_in(alice)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/console/"})
    page = client.get(reverse("conversations:inbox")).content.decode()
    assert 'lang="zh-Hans"' in page
    assert "收件箱" in page


def test_assign_from_the_console_only_to_people_who_can_take_it():
    lead = testing.staff("lead", role=Role.SENIOR_AGENT)
    bob = testing.staff("bob")
    testing.staff("outsider", teams=("security",))
    conversation = testing.conversation()
    client = testing.signed_in(lead)
    url = reverse("conversations:assign", args=[conversation.pk])
    response = client.post(url, {"assignee": "outsider"}, follow=True)
    assert "cannot answer this conversation" in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.assignee is None
    client.post(url, {"assignee": "bob"})
    conversation.refresh_from_db()
    assert conversation.assignee == bob
    client.post(url, {"assignee": ""})
    conversation.refresh_from_db()
    assert conversation.assignee is None


def test_conversation_page_query_count_does_not_grow_with_the_timeline():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    alice = testing.staff("alice")
    conversation = testing.conversation(tags=["vip"])
    client = testing.signed_in(alice)
    url = reverse("conversations:detail", args=[conversation.pk])

    def page_queries() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in queries.captured_queries]

    def exchange(n: int) -> None:
        services.do_add_customer_message(
            conversation, f"message {n}", [("a.png", testing.PNG_BYTES)]
        )
        services.do_reply(conversation, alice, f"reply {n}", notify_customer=False)

    exchange(0)  # one of each kind: what only shows with a reply is read in both counts
    client.get(url)  # per-process caches (search synonyms) load on a worker's first page
    short = page_queries()
    for n in range(1, 16):
        exchange(n)
    long = page_queries()
    # The same reads for 3 events or 33: none per event or attachment. The page's own
    # reads (SLA clocks, escalation, notifications, linked incidents …) stay few.
    assert len(long) == len(short), "\n---\n".join(
        ["\n".join(q[:70] for q in short), "\n".join(q[:70] for q in long)]
    )
    assert len(long) <= 30, "\n".join(long)
