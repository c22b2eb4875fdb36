"""exdesk as `exdesk run` starts it — ASGI server, two web processes, task worker — on
its own database, with real SMTP on loopback: the production request path end to end."""

import json
import re
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from exdesk.devserver import running_exdesk

from .conftest import postgres_server_url, smtp_env, web_workers

TOKEN = "exd_integration_token_0123456789abcdefghijklmnop"
SETUP = f"""
from exdesk.accounts.models import ApiToken, Team, User
from exdesk.conversations.models import Category
team = Team.objects.create(name="General", slug="general")
Category.objects.create(slug="deposit", name_en="Deposits", name_zh_hans="充值", team=team)
ApiToken.issue(User.objects.create_user("integration", role="admin"), "it", key="{TOKEN}")
"""


def request(url, data=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=20) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def ticket(n):
    return {
        "subject": f"Deposit not credited {n}",
        "body": "Sent 100 USDT on TRC20 an hour ago.",
        "customer": {"uid": f"77{n:06d}", "email": f"trader{n}@example.com"},
        "category": "deposit",
    }


def test_running_exdesk_serves_pages_api_and_sends_mail(smtp):
    smtp_port, mailbox = smtp
    mail_env = smtp_env(smtp_port)
    with running_exdesk(
        postgres_server_url=postgres_server_url(),
        web_workers=web_workers(),
        setup_code=SETUP,
        env=mail_env,
    ) as server:
        status, headers, _html = request(f"{server.url}/support/new/")
        assert status == 200
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        status, headers, _css = request(f"{server.url}/static/exdesk/exdesk.css")
        assert status == 200 and headers["Content-Type"].startswith("text/css")

        status, _, body = request(f"{server.url}/api/v1/conversations", ticket(0), TOKEN)
        assert status == 201, body
        reference = json.loads(body)["reference"]

        # The task worker delivers the confirmation over SMTP, with the private link.
        assert mailbox.arrived.wait(timeout=30), "no e-mail reached the SMTP server"
        recipients, message = mailbox.messages[0]
        assert recipients == ["trader0@example.com"]
        assert reference in message
        link = re.search(r"http://127\.0\.0\.1:\d+/support/t/[\w-]+/", message).group(0)
        status, _, page = request(link)
        assert status == 200 and "Deposit not credited 0" in page

        # Concurrent creation across both web processes: every ticket stored once.
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(
                pool.map(
                    lambda n: request(f"{server.url}/api/v1/conversations", ticket(n), TOKEN),
                    range(1, 41),
                )
            )
        assert [r[0] for r in results] == [201] * 40
        ids = {json.loads(r[2])["id"] for r in results}
        assert len(ids) == 40
        deadline = time.monotonic() + 30
        while len(mailbox.messages) < 41 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(mailbox.messages) == 41
        status, _, _ = request(f"{server.url}/api/v1/conversations", ticket(99), "exd_wrong")
        assert status == 401
