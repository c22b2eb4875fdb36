"""The live console's server side: presence form, live counters, follow-up tickets and
what the pages tell console-live.js."""

import re

import pytest
from django.contrib.messages import get_messages
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.conversations import live, services
from exdesk.routing import services as routing

pytestmark = pytest.mark.django_db


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def unverified(user) -> Client:
    """Signed in with the password only: the second factor is missing."""
    client = Client()
    client.force_login(user)
    return client


# ---------------------------------------------------------------- presence form


def test_presence_form_sets_the_presence_and_goes_back():
    alice = testing.staff("alice")
    client = testing.signed_in(alice)
    back = reverse("conversations:inbox") + "?view=all"
    response = client.post(reverse("conversations:presence"), {"status": "away", "next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    assert routing.presence_of(alice) == "away"
    client.post(reverse("conversations:presence"), {"status": "online"})
    assert routing.presence_of(alice) == "online"
    # The header shows the stored choice.
    page = client.get(reverse("conversations:inbox")).content.decode()
    assert '<option value="online" selected>' in page
    assert '<option value="away" selected>' not in page


def test_presence_form_refuses_an_unknown_status_clearly():
    alice = testing.staff("alice")
    routing.set_presence(alice, "away")
    client = testing.signed_in(alice)
    response = client.post(reverse("conversations:presence"), {"status": "invisible"})
    assert response.status_code == 302
    assert flashed(response) == ["Choose Online, Away or Offline."]
    assert routing.presence_of(alice) == "away"


def test_presence_form_goes_back_only_to_this_site():
    alice = testing.staff("alice")
    client = testing.signed_in(alice)
    response = client.post(
        reverse("conversations:presence"),
        {"status": "online", "next": "https://evil.example/console/"},
    )
    assert response["Location"] == reverse("conversations:inbox")


def test_presence_form_requires_verified_staff_and_post():
    alice = testing.staff("alice")
    url = reverse("conversations:presence")
    for client in (Client(), unverified(alice)):
        response = client.post(url, {"status": "online"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert routing.presence_of(alice) == "offline"
    assert testing.signed_in(alice).get(url).status_code == 405


# ---------------------------------------------------------------- live counters


def test_summary_counts_only_what_the_user_may_see():
    alice = testing.staff("alice")  # team "general"
    bob = testing.staff("bob")
    waiting = testing.conversation(channel="chat")
    testing.conversation(channel="chat", team_slug="security")  # another team's chat
    testing.conversation()  # a web request, not a chat
    taken = testing.conversation(channel="chat")
    services.do_take(taken, bob)
    ended = testing.conversation(channel="chat")
    services.do_change_status(ended, alice, "solved")
    mine = testing.conversation()
    services.do_take(mine, alice)
    url = reverse("conversations:live_summary")

    response = testing.signed_in(alice).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"unassigned_chats": 1, "mine_open": 1}

    supervisor = testing.staff("sup", role=Role.SUPERVISOR, teams=())
    assert testing.signed_in(supervisor).get(url).json() == {
        "unassigned_chats": 2,
        "mine_open": 0,
    }
    services.do_take(waiting, alice)
    assert testing.signed_in(alice).get(url).json() == {"unassigned_chats": 0, "mine_open": 2}


def test_summary_requires_verified_staff():
    alice = testing.staff("alice")
    testing.conversation(channel="chat")
    url = reverse("conversations:live_summary")
    for client in (Client(), unverified(alice)):
        response = client.get(url)
        assert response.status_code == 302
        assert "unassigned_chats" not in response.content.decode()


# ---------------------------------------------------------------- follow-up ticket


def test_a_chat_becomes_a_follow_up_ticket():
    alice = testing.staff("alice")
    chat = testing.conversation(channel="chat")
    client = testing.signed_in(alice)
    detail = reverse("conversations:detail", args=[chat.pk])
    follow_up = reverse("conversations:follow_up", args=[chat.pk])
    assert f'action="{follow_up}"' in client.get(detail).content.decode()

    response = client.post(follow_up)
    assert response.status_code == 302
    assert response["Location"] == detail
    assert flashed(response) == ["The chat is now a follow-up ticket."]
    chat.refresh_from_db()
    assert chat.channel == "web"
    event = chat.events.order_by("-seq").first()
    assert event.kind == "channel_change"
    assert event.data == {"from": "chat", "to": "web"}
    assert event.author_user == alice
    # No longer a chat: the button is gone.
    assert f'action="{follow_up}"' not in client.get(detail).content.decode()


def test_only_a_chat_becomes_a_follow_up_ticket():
    alice = testing.staff("alice")
    request = testing.conversation(channel="email")
    client = testing.signed_in(alice)
    follow_up = reverse("conversations:follow_up", args=[request.pk])
    page = client.get(reverse("conversations:detail", args=[request.pk])).content.decode()
    assert follow_up not in page
    response = client.post(follow_up)
    assert response.status_code == 302
    assert flashed(response) == ["Only a chat can become a follow-up ticket."]
    request.refresh_from_db()
    assert request.channel == "email"
    assert not request.events.filter(kind="channel_change").exists()


def test_a_reviewer_cannot_turn_a_chat_into_a_ticket():
    reviewer = testing.staff("qa", role=Role.QA_REVIEWER, teams=())
    chat = testing.conversation(channel="chat")
    client = testing.signed_in(reviewer)
    follow_up = reverse("conversations:follow_up", args=[chat.pk])
    page = client.get(reverse("conversations:detail", args=[chat.pk])).content.decode()
    assert follow_up not in page
    assert client.post(follow_up).status_code == 403
    chat.refresh_from_db()
    assert chat.channel == "chat"
    assert not chat.events.filter(kind="channel_change").exists()


def test_follow_up_needs_post_and_a_visible_conversation():
    alice = testing.staff("alice")
    hidden = testing.conversation(channel="chat", team_slug="security")
    client = testing.signed_in(alice)
    assert client.post(reverse("conversations:follow_up", args=[hidden.pk])).status_code == 404
    mine = testing.conversation(channel="chat")
    assert client.get(reverse("conversations:follow_up", args=[mine.pk])).status_code == 405
    hidden.refresh_from_db()
    mine.refresh_from_db()
    assert hidden.channel == mine.channel == "chat"


# ---------------------------------------------------------------- what the pages carry


def test_conversation_page_tells_the_script_where_the_timeline_ends():
    alice = testing.staff("alice")
    conversation = testing.conversation(channel="chat")
    services.do_add_note(conversation, alice, "checking")
    services.do_reply(conversation, alice, "On it", notify_customer=False)
    services.do_add_customer_message(conversation, "thanks")
    last = live.last_seq(conversation.pk)
    assert last >= 4
    response = testing.signed_in(alice).get(reverse("conversations:detail", args=[conversation.pk]))
    page = response.content.decode()
    assert response.context["last_seq"] == last
    assert f'data-live-conversation="{conversation.pk}"' in page
    assert f'data-last-seq="{last}"' in page
    # Every rendered event carries its seq, so the script never shows one twice.
    seqs = [int(n) for n in re.findall(r'<li class="event [^"]*" data-seq="(\d+)"', page)]
    assert seqs == list(range(1, last + 1))
    # The live regions and the error slots the script writes into.
    assert 'aria-live="polite" data-live-typing' in page
    assert page.count('role="alert" data-live-error') == 2


def test_console_pages_load_the_live_script():
    alice = testing.staff("alice")
    client = testing.signed_in(alice)
    assert finders.find("exdesk/console-live.js")
    for url in (
        reverse("conversations:inbox"),
        reverse("conversations:detail", args=[testing.conversation().pk]),
    ):
        page = client.get(url).content.decode()
        assert re.search(r'<script src="/static/exdesk/console-live\.js" defer></script>', page)
        assert f'data-summary-url="{reverse("conversations:live_summary")}"' in page
        assert 'data-i18n-typing="Customer is typing…"' in page
        assert "data-live-sound hidden>Sound on new chats<" in page
        assert '<label for="live-presence">Presence</label>' in page
    inbox = client.get(reverse("conversations:inbox")).content.decode()
    assert 'role="status" data-live-inbox-notice' in inbox
    # Public pages do not load the console's script.
    assert "console-live.js" not in Client().get(reverse("portal:home")).content.decode()


def test_the_timeline_shows_a_rating_with_its_score():
    agent = testing.staff("alice")
    conversation = testing.conversation()
    services.do_rate(conversation, 4, "")
    page = testing.signed_in(agent).get(f"/console/c/{conversation.pk}/").content.decode()
    assert "Rating: 4 of 5" in page and "— → —" not in page


def test_reply_and_note_boxes_have_their_own_labels():
    agent = testing.staff("alice")
    conversation = testing.conversation()
    page = testing.signed_in(agent).get(f"/console/c/{conversation.pk}/").content.decode()
    assert page.count('id="id_body"') == 1 and page.count('id="note_body"') == 1
    assert 'for="note_body"' in page
