"""The analytics pages: who may open what, exports are audited, every number links to
the conversations behind it, and scheduled reports go once at 07:00 local time."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.analytics import rollup, services
from exdesk.analytics.models import ReportSubscription
from exdesk.audit.models import AuditEntry
from exdesk.conversations import services as conversations

pytestmark = pytest.mark.django_db


@pytest.fixture
def served():
    """Two agents of two teams, one case each, solved and rated."""
    alice = testing.staff("alice", teams=("general",))
    bob = testing.staff("bob", teams=("security",))
    cases = []
    for agent, score in ((alice, 5), (bob, 2)):
        conversation = testing.conversation(team_slug=agent.teams.first().slug)
        conversations.do_assign(conversation, agent, agent)
        conversations.do_reply(conversation, agent, "Done.")
        conversations.do_change_status(conversation, agent, "solved")
        conversation.refresh_from_db()
        from exdesk.quality.feedback import record_feedback

        record_feedback(conversation, score=score, comment=f"rated {score}")
        cases.append(conversation)
    rollup.refresh(c.pk for c in cases)
    return alice, bob, cases


def test_the_dashboard_counts_and_links_to_the_conversations(served):
    _alice, _bob, cases = served
    client = testing.signed_in(testing.staff("sam", role=Role.SUPERVISOR))
    page = client.get(reverse("analytics:dashboard"), {"tz": "Asia/Shanghai"})
    assert page.status_code == 200
    figures = page.context["figures"]
    assert (figures["totals"]["conversations"], figures["totals"]["csat_average"]) == (2, 3.5)
    html = page.content.decode()
    assert "show=all" in html and "show=csat" not in html
    assert "rated 2" in html  # the customers' comments
    behind = client.get(reverse("analytics:conversations"), {"show": "channel:web"})
    assert behind.status_code == 200
    for case in cases:
        assert case.reference in behind.content.decode()
    assert client.get(reverse("analytics:conversations"), {"show": "nope"}).status_code == 400
    bad = client.get(reverse("analytics:dashboard"), {"start": "2026-02-01", "end": "2026-01-01"})
    assert bad.status_code == 400 and "The start date is after the end date." in (
        bad.content.decode()
    )
    assert client.get(reverse("analytics:dashboard"), {"tz": "Mars/Base"}).status_code == 400


def test_agents_see_only_their_own_figures_and_cannot_export(served):
    alice, bob, _cases = served
    client = testing.signed_in(alice)
    assert client.get(reverse("analytics:dashboard")).status_code == 403
    assert client.get(reverse("analytics:conversations")).status_code == 403
    mine = client.get(reverse("analytics:agents"))
    assert [item["row"].agent for item in mine.context["rows"]] == [alice]
    assert mine.context["rows"][0]["row"].csat_average == 5
    assert client.get(reverse("analytics:agents"), {"agent": bob.pk}).status_code == 400
    for table in ("agents", "summary"):
        url = reverse("analytics:export", args=[table, "csv"])
        assert client.get(url).status_code == 403
    assert not AuditEntry.objects.filter(action="export").exists()


def test_a_team_lead_sees_and_exports_the_team(served):
    lead = testing.staff("lena", role=Role.SENIOR_AGENT, teams=("general",))
    client = testing.signed_in(lead)
    page = client.get(reverse("analytics:agents"))
    assert {item["row"].agent.username for item in page.context["rows"]} == {"alice", "lena"}
    exported = client.get(reverse("analytics:export", args=["agents", "csv"]))
    assert exported.status_code == 200
    text = exported.content.decode("utf-8-sig")
    assert "alice" in text and "bob" not in text
    assert client.get(reverse("analytics:export", args=["summary", "csv"])).status_code == 403
    entry = AuditEntry.objects.get(action="export", actor=lead)
    assert entry.target_type == "analytics:agents" and "rows=2" in entry.detail


def test_exports_are_audited_in_csv_and_xlsx(served):
    from openpyxl import load_workbook

    supervisor = testing.staff("sam", role=Role.SUPERVISOR)
    client = testing.signed_in(supervisor)
    query = {"start": "2020-01-01", "end": "2020-12-31", "channel": "web"}
    assert client.get(reverse("analytics:export", args=["channels", "csv"]), query).status_code
    query = {"tz": "UTC"}
    got = client.get(reverse("analytics:export", args=["channels", "csv"]), query)
    assert got["Content-Type"].startswith("text/csv")
    assert got.content.decode("utf-8-sig").splitlines() == ["Channel,Conversations", "web,2"]
    got = client.get(reverse("analytics:export", args=["agents", "xlsx"]), query)
    sheet = load_workbook(io.BytesIO(got.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Agent" and {row[0] for row in rows[1:]} >= {"alice", "bob"}
    assert client.get(reverse("analytics:export", args=["nothing", "csv"])).status_code == 400
    assert client.get(reverse("analytics:export", args=["agents", "pdf"])).status_code == 400
    details = list(
        AuditEntry.objects.filter(actor=supervisor, action="export")
        .order_by("pk")
        .values_list("target_type", "detail")
    )
    assert [target for target, _ in details] == [
        "analytics:channels",
        "analytics:channels",
        "analytics:agents",
    ]
    assert "channel=web" in details[0][1] and details[0][1].startswith("csv 2020-01-01..")


def test_a_formula_in_a_cell_stays_text():
    from exdesk.analytics.tables import to_csv

    assert to_csv(["q"], [["=HYPERLINK(1)"], ["fine"]]).decode("utf-8-sig").splitlines() == [
        "q",
        "'=HYPERLINK(1)",
        "fine",
    ]


def test_scheduled_reports_go_once_at_seven_local_time(served):
    supervisor = testing.staff("sam", role=Role.SUPERVISOR)
    supervisor.email = "sam@example.com"
    supervisor.save()
    client = testing.signed_in(supervisor)
    answer = client.post(
        reverse("analytics:reports"), {"frequency": "daily", "time_zone": "Asia/Shanghai"}
    )
    assert answer.status_code == 302
    weekly = client.post(
        reverse("analytics:reports"), {"frequency": "weekly", "time_zone": "Europe/Berlin"}
    )
    assert weekly.status_code == 302
    refused = client.post(reverse("analytics:reports"), {"frequency": "daily", "time_zone": "X"})
    assert refused.status_code == 200 and "Unknown time zone." in refused.content.decode()
    today = timezone.now().astimezone(dt.UTC).date()
    # 06:59 in Shanghai is 22:59 UTC the day before: too early.
    early = dt.datetime.combine(today, dt.time(22, 59), dt.UTC)
    assert services.send_due_reports(early) == 0
    seven = early + dt.timedelta(minutes=1)
    sent = services.send_due_reports(seven)
    daily = [m for m in mail.outbox if m.to == ["sam@example.com"]]
    assert len(daily) == 1 and "Conversations: " in daily[0].body
    assert services.send_due_reports(seven + dt.timedelta(hours=1)) == 0  # once a day
    monday = seven + dt.timedelta(days=(7 - seven.weekday()) % 7 or 7)
    monday_berlin = dt.datetime.combine(monday.date(), dt.time(7, 0), dt.UTC)
    assert services.send_due_reports(monday_berlin) == 2  # the daily and the weekly
    assert sent == 1
    # An agent cannot subscribe.
    agent_client = testing.signed_in(testing.staff("amy"))
    assert agent_client.post(reverse("analytics:reports"), {"frequency": "daily"}).status_code == (
        403
    )
    assert ReportSubscription.objects.count() == 2
