"""Support mail survives crashes: 500 messages over real SMTP while the whole server
(receiver, web and task worker) is killed with SIGKILL and restarted twice. Every
message lands exactly once, with its attachment intact."""

import email.policy
import email.utils
import hashlib
import json
import smtplib
import threading
import time
from email.message import EmailMessage

from exdesk.devserver import running_exdesk

from .conftest import postgres_server_url

MESSAGES = 500
SENDERS = 5
SUPPORT = "support@exdesk.invalid"
# Mail under faults: no bot or routing adding their own work (they have their own tests).
QUIET = {"EXDESK_ASSISTANT_BOT": "0", "EXDESK_ROUTING": "0"}

REPORT = """
import json
from exdesk.conversations.models import Attachment, Event
from exdesk.messaging.models import InboundMail
events = Event.objects.filter(kind="customer_message", body__contains="crash-")
print(json.dumps({
    "waiting": InboundMail.objects.filter(state="received").count(),
    "stored": InboundMail.objects.count(),
    "markers": [e.body.split("crash-", 1)[1].split()[0] for e in events],
    "files": list(Attachment.objects.values_list("original_name", "sha256")),
}))
"""


def receipt(n: int) -> bytes:
    return (
        f"Receipt {n}\nUSDT 150.00 TRC20\n{hashlib.sha256(str(n).encode()).hexdigest()}\n".encode()
    )


def message(n: int) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"trader{n}@example.com"
    mail["To"] = SUPPORT
    mail["Subject"] = f"Deposit missing ({n})"
    mail["Date"] = email.utils.formatdate()
    mail["Message-ID"] = f"<crash-{n}@example.com>"
    mail.set_content(f"My deposit has not arrived. crash-{n} \n")
    mail.add_attachment(receipt(n), maintype="text", subtype="plain", filename=f"receipt-{n}.txt")
    return mail.as_bytes(policy=email.policy.SMTP)


def send_all(port_of, numbers: list[int], accepted: set, deadline: float) -> None:
    """Send each message until the server answers 250, as a sending MTA does: a message
    whose answer was lost is sent again."""
    for n in numbers:
        while True:
            assert time.monotonic() < deadline, f"message {n} never accepted"
            try:
                with smtplib.SMTP("127.0.0.1", port_of(), timeout=10) as client:
                    client.sendmail(f"trader{n}@example.com", [SUPPORT], message(n))
                accepted.add(n)
                time.sleep(0.05)  # a steady stream, so the crashes come in the middle of it
                break
            except (OSError, smtplib.SMTPException):
                time.sleep(0.2)


def report(server) -> dict:
    return json.loads(server.manage("shell", "-c", REPORT).strip().splitlines()[-1])


def test_sigkill_twice_while_mail_arrives_loses_and_doubles_nothing():
    with running_exdesk(postgres_server_url=postgres_server_url(), env=QUIET) as server:
        server.wait_for_mail()
        accepted: set[int] = set()
        deadline = time.monotonic() + 240
        senders = [
            threading.Thread(
                target=send_all,
                args=(
                    lambda: server.mail_port,
                    list(range(MESSAGES))[i::SENDERS],
                    accepted,
                    deadline,
                ),
            )
            for i in range(SENDERS)
        ]
        for thread in senders:
            thread.start()
        for crash in range(2):
            time.sleep(2.5)
            if crash == 0:
                assert 0 < len(accepted) < MESSAGES, "the crash must come while mail arrives"
            else:
                unread = report(server)["waiting"]
                assert len(accepted) < MESSAGES or unread, "the crash must come mid-work"
            server.kill()
            time.sleep(0.5)
            server.start()
        for thread in senders:
            thread.join()
        assert len(accepted) == MESSAGES
        while True:
            state = report(server)
            if state["waiting"] == 0 and len(state["markers"]) >= MESSAGES:
                break
            assert time.monotonic() < deadline, f"{state['waiting']} messages never read"
            time.sleep(1)
    markers = state["markers"]
    assert sorted(markers, key=int) == [str(n) for n in range(MESSAGES)]  # each exactly once
    files = dict(state["files"])
    assert len(state["files"]) == MESSAGES
    for n in range(MESSAGES):
        assert files[f"receipt-{n}.txt"] == hashlib.sha256(receipt(n)).hexdigest()
