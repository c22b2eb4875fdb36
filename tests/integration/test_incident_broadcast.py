"""An incident update's broadcast survives its worker being killed (SIGKILL) midway: the
rest is sent when it resumes, and no conversation gets the update twice."""

import os
import signal
import subprocess
import sys
import time

from exdesk.devserver import running_exdesk

from .conftest import postgres_server_url

CONVERSATIONS = 40

SETUP = f"""
from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.incidents import services
supervisor = testing.staff("sam", role=Role.SUPERVISOR)
for n in range({CONVERSATIONS}):
    testing.conversation(channel="chat", subject=f"tron withdrawal {{n}}")
incident = services.declare(supervisor, title_en="TRC20 delayed", title_zh="TRC20 延迟",
    script_en="Delayed.", script_zh="延迟。", keywords="tron")
update = services.post_update(supervisor, incident, status="identified",
    body_en="Recovering.", body_zh="恢复中。")
print(update.pk)
"""

COUNTS = """
from django.db.models import Count
from exdesk.conversations.models import Event
from exdesk.incidents.models import UpdateDelivery
per = Event.objects.filter(kind="incident_update").values("conversation").annotate(n=Count("pk"))
sent = UpdateDelivery.objects.filter(state="sent").count()
print(sent, sorted({row["n"] for row in per}), per.count())
"""


def shell(server, code: str) -> str:
    return server.manage("shell", "-c", code).strip().splitlines()[-1]


def test_a_killed_broadcast_resumes_without_sending_anything_twice():
    # No task worker: the broadcast runs only where this test starts it.
    with running_exdesk(postgres_server_url=postgres_server_url(), task_worker=False) as server:
        update = int(shell(server, SETUP))
        slow = (
            "from exdesk.incidents import services; "
            f"services.broadcast({update}, batch=1, pause=0.05)"
        )
        worker = subprocess.Popen(
            [sys.executable, "-m", "exdesk.cli", "shell", "-c", slow],
            env=server.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            sent = int(shell(server, COUNTS).split()[0])
            if sent >= 5 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        sent_before, _, _ = shell(server, COUNTS).partition(" ")
        assert 5 <= int(sent_before) < CONVERSATIONS, sent_before  # killed midway

        resumed = shell(
            server, "from exdesk.incidents import services; print(services.resume_unfinished())"
        )
        assert int(resumed) == CONVERSATIONS - int(sent_before)
        assert shell(server, COUNTS) == f"{CONVERSATIONS} [1] {CONVERSATIONS}"
