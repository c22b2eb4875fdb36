"""Live chat against a running exdesk: real server, real sockets, real database."""

import asyncio
import hashlib
import hmac
import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
import websockets

from exdesk.chat.client import Console, Visitor, socket_url
from exdesk.devserver import running_exdesk

from .conftest import postgres_server_url, smtp_env, web_workers

SECRET = "integration-identity-secret"
ALLOWED_ORIGIN = "https://exchange.example"
STAFF = """
from exdesk import testing
from exdesk.accounts.models import User
from exdesk.customers.models import Customer
Customer.objects.get_or_create(uid="U-1001", defaults={"display_name": "Trader One"})
Customer.objects.get_or_create(uid="U-2002", defaults={"display_name": "Trader Two"})
for name in ("alice", "bob"):
    if not User.objects.filter(username=name).exists():
        testing.staff(name)
"""


def user_hash(uid: str) -> str:
    return hmac.new(SECRET.encode(), uid.encode(), hashlib.sha256).hexdigest()


@pytest.fixture(scope="module")
def server(smtp_module):
    smtp_port, _mailbox = smtp_module
    env = {
        "EXDESK_CHAT_IDENTITY_SECRET": SECRET,
        "EXDESK_CHAT_ALLOWED_ORIGINS": ALLOWED_ORIGIN,
        "EXDESK_CHAT_MESSAGES_PER_10S": "30",
        # These chats are between people: the bot and routing have their own tests.
        "EXDESK_ASSISTANT_BOT": "0",
        "EXDESK_ROUTING": "0",
        **smtp_env(smtp_port),
    }
    with running_exdesk(
        postgres_server_url=postgres_server_url(),
        web_workers=web_workers(),
        setup_code=STAFF,
        env=env,
    ) as running:
        yield running


def cookie_of(server, username: str) -> str:
    code = (
        "from exdesk import testing; from exdesk.accounts.models import User; "
        f"print(testing.session_cookie(User.objects.get(username={username!r})))"
    )
    return shell(server, code)


def shell(server, code: str) -> str:
    """The last line ``code`` printed in ``exdesk shell`` on the server's database."""
    return server.manage("shell", "-c", code).strip().splitlines()[-1]


def run(coroutine):
    # A thread of its own: Playwright's sync API may own this thread's event loop.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, asyncio.wait_for(coroutine, 60)).result()


def test_a_visitor_and_an_agent_talk_live(server):
    async def scenario():
        visitor = Visitor(server.url)
        welcome = await visitor.connect()
        assert welcome["open"] is False and welcome["reason"] == "no_agents"
        await visitor.close()

        console = Console(server.url, cookie=cookie_of(server, "alice"))
        await console.connect("online")
        visitor = Visitor(server.url)
        welcome = await visitor.connect()
        assert welcome["open"] is True and welcome["conversation"] is None

        client_id = await visitor.say("My USDT deposit on TRC20 has not arrived")
        ack = await visitor.next("ack")
        assert ack["client_id"] == client_id and ack["seq"] == 1 and ack["token"]
        queue = await visitor.next("queue")
        # An agent is online with free places: the estimate is "now" (0 s).
        assert queue["position"] >= 1 and queue["wait_seconds"] == 0

        inbox = await console.next("inbox", where=lambda f: f["reason"] == "new")
        conversation = inbox["conversation"]
        assert conversation == visitor.conversation and inbox["channel"] == "chat"
        await console.watch(conversation, after={str(conversation): 0})
        first = await console.next("event")
        assert first["seq"] == 1 and first["body"].startswith("My USDT deposit")

        await console.send({"type": "typing", "conversation": conversation, "active": True})
        typing = await visitor.next("typing")
        assert typing["active"] is True and typing["name"] == "alice"
        await visitor.send({"type": "typing", "active": True})
        assert (await console.next("typing"))["conversation"] == conversation

        await console.send(
            {"type": "note", "conversation": conversation, "client_id": "n1", "body": "check TRC20"}
        )
        note_ack = await console.next("ack")
        reply_id = await console.reply(conversation, "Hello <b>there</b>, checking now.")
        reply = await visitor.next("event", where=lambda f: f["kind"] == "agent_reply")
        assert reply["body"] == "Hello <b>there</b>, checking now." and reply["author"] == "alice"
        assert reply["client_id"] == reply_id, reply
        # The internal note never reaches the customer; its seq is a hole, not a loss.
        assert note_ack["seq"] not in visitor.events
        assert all(e["kind"] != "internal_note" for e in visitor.events.values())

        await visitor.send({"type": "read", "seq": reply["seq"]})
        read = await console.next("read")
        assert read == {"type": "read", "conversation": conversation, "seq": reply["seq"]}
        await console.send({"type": "read", "conversation": conversation, "seq": 1})
        assert (await visitor.next("read"))["seq"] == 1

        await visitor.say("Thanks")
        answer = await console.next("event", where=lambda f: f["body"] == "Thanks")
        assert answer["kind"] == "customer_message"
        await console.send({"type": "presence", "status": "offline"})
        await console.next("presence")
        await visitor.close()
        await console.close()

    run(scenario())


def test_a_reconnecting_visitor_gets_what_it_missed_and_resends_without_duplicates(server):
    async def scenario():
        visitor = Visitor(server.url)
        await visitor.connect()
        await visitor.say("first")
        await visitor.next("ack")
        conversation, token = visitor.conversation, visitor.token
        await visitor.close()

        console = Console(server.url, cookie=cookie_of(server, "bob"))
        await console.connect(presence=None)
        await console.watch(conversation)
        for n in range(3):
            await console.reply(conversation, f"answer {n}")
            await console.next("ack")

        # Back on a new socket, after seq 1, with one message whose ack was lost.
        visitor.pending["lost-ack"] = {"type": "message", "client_id": "lost-ack", "body": "again"}
        welcome = await visitor.connect()
        assert welcome["conversation"] == conversation and welcome["token"] == token
        ack = await visitor.next("ack")
        assert ack["client_id"] == "lost-ack"
        await visitor.say("again", client_id="lost-ack")  # the same id once more
        repeat = await visitor.next("ack")
        assert repeat["seq"] == ack["seq"]
        await asyncio.sleep(0.3)
        replies = [e["body"] for e in visitor.events.values() if e["kind"] == "agent_reply"]
        assert replies == ["answer 0", "answer 1", "answer 2"]
        assert visitor.delivery_order == sorted(visitor.delivery_order)
        count = shell(
            server,
            "from exdesk.conversations.models import Event; print(Event.objects.filter("
            f"conversation_id={conversation}, client_id='lost-ack').count())",
        )
        assert count == "1"
        await visitor.close()
        await console.close()

    run(scenario())


def test_identity_is_bound_only_with_a_valid_hash(server):
    async def scenario():
        forged = Visitor(server.url, uid="U-1001", user_hash=user_hash("U-2002"))
        refusal = await forged.connect()
        assert refusal["code"] == "identity_refused"
        await asyncio.wait_for(forged.closed.wait(), 5)
        assert forged.close_code == 4403

        trader = Visitor(server.url, uid="U-1001", user_hash=user_hash("U-1001"))
        welcome = await trader.connect()
        assert welcome["identified"] is True
        await trader.say("withdrawal pending")
        await trader.next("ack")
        owner = shell(
            server,
            "from exdesk.conversations.models import Conversation; "
            f"print(Conversation.objects.get(pk={trader.conversation}).customer.uid)",
        )
        assert owner == "U-1001"

        # Another trader holding the first one's conversation token is refused.
        other = Visitor(server.url, uid="U-2002", user_hash=user_hash("U-2002"))
        other.token = trader.token
        refusal = await other.connect()
        assert refusal["code"] == "conversation_refused"
        # So is a made-up token.
        stranger = Visitor(server.url)
        stranger.token = "not-a-real-token"
        assert (await stranger.connect())["code"] == "conversation_refused"

        # The signed-in trader finds the same chat from another device, without its token.
        again = Visitor(server.url, uid="U-1001", user_hash=user_hash("U-1001"))
        assert (await again.connect())["conversation"] == trader.conversation
        await again.close()
        await trader.close()

    run(scenario())


def test_console_refuses_strangers_and_foreign_conversations(server):
    async def scenario():
        with pytest.raises(websockets.exceptions.InvalidStatus):
            await websockets.connect(socket_url(server.url, "/ws/console/"), origin=server.url)
        visitor = Visitor(server.url)
        await visitor.connect()
        await visitor.say("hello")
        await visitor.next("ack")
        team_only = shell(
            server,
            "from exdesk.conversations.models import Conversation; "
            "from exdesk.accounts.models import Team; "
            "t = Team.objects.create(slug='vip', name='VIP'); "
            f"Conversation.objects.filter(pk={visitor.conversation}).update(team=t); print('ok')",
        )
        assert team_only == "ok"
        console = Console(server.url, cookie=cookie_of(server, "alice"))
        await console.connect(presence=None)
        await console.watch(visitor.conversation)
        error = await console.next("error")
        assert error["code"] == "conversation_refused"
        await console.reply(visitor.conversation, "sneaky")
        assert (await console.next("error"))["code"] == "conversation_refused"
        await console.close()
        await visitor.close()

    run(scenario())


def test_origins_floods_and_bad_frames_get_clear_answers(server):
    async def scenario():
        with pytest.raises(websockets.exceptions.InvalidStatus):
            await websockets.connect(
                socket_url(server.url, "/ws/chat/"), origin="https://phishing.example"
            )
        allowed = Visitor(server.url, origin=ALLOWED_ORIGIN)
        assert (await allowed.connect())["type"] == "welcome"
        await allowed.close()

        visitor = Visitor(server.url)
        await visitor.open()
        await visitor.send({"type": "message", "client_id": "x", "body": "hi"})
        assert (await visitor.next("error"))["code"] == "hello_first"
        await visitor.ws.send("not json")
        assert (await visitor.next("error"))["code"] == "bad_frame"
        await visitor.ws.send(json.dumps({"type": "hello", "padding": "x" * 70_000}))
        assert (await visitor.next("error"))["code"] == "too_large"
        await visitor.hello()
        await visitor.say("x" * 4001, client_id="long")
        error = await visitor.next("error")
        assert error["code"] == "invalid" and error["field"] == "body"
        assert error["client_id"] == "long"
        await visitor.say("hello", client_id="ok")
        await visitor.next("ack")
        await visitor.send({"type": "rate", "score": 9})
        assert (await visitor.next("error"))["field"] == "score"
        for n in range(40):
            await visitor.say(f"flood {n}", client_id=f"f{n}")
        limited = await visitor.next("error", where=lambda f: f["code"] == "rate_limited")
        assert limited["retry_after"] >= 1
        assert not visitor.closed.is_set()  # still open: errors are frames, not hang-ups
        await visitor.close()

    run(scenario())


def test_attachment_end_rating_and_transcript(server, smtp_module):
    _port, mailbox = smtp_module

    async def scenario():
        visitor = Visitor(server.url)
        await visitor.connect()
        await visitor.say("see my screenshot")
        await visitor.next("ack")
        png = bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c63f8cfc0f01f0005050201a5b1e4d5"
            "0000000049454e44ae426082"
        )
        status, body = upload(server.url, visitor.token, "shot.png", png)
        assert status == 201, body
        await visitor.say("", attachments=[body["id"]])
        event = await visitor.next("event", where=lambda f: f["attachments"])
        assert event["attachments"][0]["name"] == "shot.png"
        assert event["attachments"][0]["type"] == "image/png"
        # The same upload cannot be sent twice, and a script is not accepted at all.
        await visitor.say("", attachments=[body["id"]])
        assert (await visitor.next("error"))["field"] == "attachments"
        status, _ = upload(server.url, visitor.token, "x.html", b"<script>alert(1)</script>")
        assert status == 400
        status, _ = upload(server.url, "forged-token", "shot.png", png)
        assert status == 403

        await visitor.send({"type": "end"})
        ended = await visitor.next("event", where=lambda f: f["kind"] == "chat_ended")
        assert ended["seq"] > event["seq"]
        await visitor.send({"type": "rate", "score": 4, "comment": "quick help"})
        await visitor.next("rated")
        # Only the bot's answers take a "did this help?"; the first message is the visitor's.
        await visitor.send({"type": "bot_feedback", "seq": 1, "helpful": True})
        assert (await visitor.next("error"))["field"] == "seq"
        await visitor.send({"type": "transcript", "email": "trader@example.com"})
        await visitor.next("transcript_sent")
        stored = shell(
            server,
            "from exdesk.conversations.models import Conversation; "
            f"c = Conversation.objects.get(pk={visitor.conversation}); "
            "print(c.rating, c.rating_comment, c.status, c.feedback.source)",
        )
        assert stored == "4 quick help solved widget"  # the widget's rating is the survey
        await visitor.close()

    mailbox.arrived.clear()
    run(scenario())
    assert mailbox.arrived.wait(timeout=30)
    recipients, message = mailbox.messages[-1]
    assert recipients == ["trader@example.com"]
    assert "see my screenshot" in message and "shot.png" in message


def test_leave_a_message_when_nobody_is_online(server, smtp_module):
    _port, mailbox = smtp_module

    async def scenario():
        visitor = Visitor(server.url, language="zh-hans")
        welcome = await visitor.connect()
        assert welcome["open"] is False
        await visitor.send(
            {"type": "leave_message", "client_id": "o1", "name": "Li", "email": "bad", "body": "x"}
        )
        assert (await visitor.next("error"))["field"] == "email"
        await visitor.send(
            {
                "type": "leave_message",
                "client_id": "o1",
                "name": "Li",
                "email": "li@example.com",
                "body": "提现一直在审核中",
            }
        )
        left = await visitor.next("left_message")
        assert left["reference"].startswith("EXD-")
        await visitor.close()
        return left["reference"]

    mailbox.arrived.clear()
    reference = run(scenario())
    assert mailbox.arrived.wait(timeout=30)
    assert any(reference in message for _to, message in mailbox.messages)


def upload(base_url, token, name, data):
    boundary = "exdeskboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{base_url}/widget/v1/upload",
        data=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-Exdesk-Chat-Token": token,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_benchmark_relay_is_not_served_unless_asked_for(server):
    async def scenario():
        with pytest.raises(websockets.exceptions.InvalidStatus):
            await websockets.connect(socket_url(server.url, "/ws/echo/"), origin=server.url)

    run(scenario())
