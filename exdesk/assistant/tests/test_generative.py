"""Generated answers. The model endpoint is a cloud API this machine cannot reach, so a
small OpenAI-compatible server on loopback stands in for it (the only double here); the
request is real HTTP and the code under test is the production code."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from mnemonic import Mnemonic

from exdesk.assistant import generative

SEED = Mnemonic("english").to_mnemonic(bytes(range(16)))


class StandIn:
    def __init__(self):
        self.requests: list[dict] = []
        self.reply = "Wait for the confirmations; it usually takes 10 minutes."
        self.status = 200
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                stand_in.requests.append(
                    {
                        "path": self.path,
                        "auth": self.headers.get("Authorization"),
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                payload = json.dumps(
                    {"choices": [{"message": {"role": "assistant", "content": stand_in.reply}}]}
                ).encode()
                self.send_response(stand_in.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stand_in(settings):
    server = StandIn()
    settings.ASSISTANT_LLM_URL = server.url
    settings.ASSISTANT_LLM_MODEL = "local-model"
    settings.ASSISTANT_LLM_KEY = "test-key"
    settings.ASSISTANT_LLM_TIMEOUT = 5
    yield server
    server.close()


ARTICLES = [("My deposit has not arrived", "Most deposits wait for block confirmations.")]


def test_off_by_default(settings):
    settings.ASSISTANT_LLM_URL = ""
    assert generative.grounded_answer("where is my deposit", "en", ARTICLES) is None


def test_answer_from_a_local_stand_in_for_the_cloud_endpoint(stand_in):
    answer = generative.grounded_answer(f"deposit missing, my seed: {SEED}", "en", ARTICLES)
    assert answer == stand_in.reply
    [request] = stand_in.requests
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer test-key"
    system, user = request["body"]["messages"]
    assert "Most deposits wait for block confirmations." in system["content"]
    assert "abandon" not in json.dumps(request["body"])  # the guard ran on what is sent
    assert "seed phrase" in user["content"] and request["body"]["model"] == "local-model"


@pytest.mark.parametrize(
    "reply",
    ["NO_ANSWER", "Please send me your 2FA code to check.", ""],
)
def test_no_answer_or_an_unsafe_one_falls_back(stand_in, reply):
    stand_in.reply = reply
    assert generative.grounded_answer("where is my deposit", "en", ARTICLES) is None


def test_an_endpoint_that_fails_falls_back(stand_in, settings):
    stand_in.status = 500
    assert generative.grounded_answer("where is my deposit", "en", ARTICLES) is None
    settings.ASSISTANT_LLM_URL = "http://127.0.0.1:9/v1"  # nothing listens
    assert generative.grounded_answer("where is my deposit", "en", ARTICLES) is None


@pytest.mark.django_db
def test_the_bot_uses_the_generated_answer(stand_in, settings, django_capture_on_commit_callbacks):
    from exdesk.chat import services as chat
    from exdesk.chat.services import Visitor
    from exdesk.conversations.choices import EventKind
    from exdesk.helpcenter import starter

    settings.ASSISTANT_BOT_ENABLED = True
    starter.load()
    with django_capture_on_commit_callbacks(execute=True):
        event, _opened = chat.send_message(
            Visitor(language="en"),
            body="my USDT deposit from another exchange has not arrived after 2 hours",
            client_id="g1",
        )
    answer = event.conversation.events.filter(kind=EventKind.AGENT_REPLY).last()
    assert answer.data["generated"] and stand_in.reply in answer.body
    assert "My deposit has not arrived" in answer.body  # the source is named


LINE = "My UID is 40718265 and I sent 250 USDT on TRC20."


def test_drill_rewording_is_off_unless_the_operator_turns_it_on(stand_in, settings):
    settings.ACADEMY_DRILL_REWORDING = False
    assert generative.reworded(LINE, "en", "upset") == LINE
    assert stand_in.requests == []


def test_drill_rewording_keeps_every_fact_of_the_script(stand_in, settings):
    settings.ACADEMY_DRILL_REWORDING = True
    stand_in.reply = "Look, I sent 250 USDT on TRC20 and my UID is 40718265. Where is it?"
    assert generative.reworded(LINE, "en", "upset") == stand_in.reply
    [request] = stand_in.requests
    assert request["body"]["messages"][1]["content"] == LINE
    # A rewording that changes an amount is thrown away: the script is the truth.
    stand_in.reply = "I sent 205 USDT on TRC20, UID 40718265."
    assert generative.reworded(LINE, "en", "upset") == LINE
    stand_in.status = 500
    assert generative.reworded(LINE, "en", "upset") == LINE


def test_a_drill_customer_speaks_in_reworded_lines_when_turned_on(stand_in, settings):
    """The drill engine's own path: the scenario's reply goes through the endpoint."""
    from exdesk.academy import drills
    from exdesk.academy.models import DrillRun, Scenario

    settings.ACADEMY_DRILL_REWORDING = True
    stand_in.reply = "Fine. My UID: 40718265."
    scenario = Scenario(
        key="s",
        language="en",
        title="t",
        opening="Hi",
        script={"reveal": [{"fact": "uid", "asked_by": ["uid"], "reply": "My UID is 40718265."}]},
    )
    run = DrillRun(scenario=scenario, mood="worried")
    assert drills.customer_answer(run, "What is your UID?") == "Fine. My UID: 40718265."
    assert run.revealed == ["uid"]
