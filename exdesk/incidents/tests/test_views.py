"""Incidents in the console: supervisors declare (also from an unusual topic of
Analytics, prefilled), post updates and resolve; everyone on staff reads them."""

import pytest
from django.urls import reverse

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.incidents.models import Incident

pytestmark = pytest.mark.django_db

FORM = {
    "title_en": "Futures questions after the crash",
    "title_zh": "暴跌后的合约问题",
    "kind": "incident",
    "severity": "critical",
    "products": "futures",
    "networks": "",
    "intents": "futures_liquidation",
    "keywords": "liquidation, 爆仓",
    "script_en": "Markets moved fast; liquidations follow the published rules.",
    "script_zh": "市场波动剧烈；强平按公布的规则执行。",
    "public": "on",
}


def test_a_supervisor_declares_from_a_prefilled_form_and_posts_updates():
    client = testing.signed_in(testing.staff("sam", role=Role.SUPERVISOR))
    page = client.get(
        reverse("incidents:declare"), {"intents": "futures_liquidation", "title_en": "Futures"}
    )
    assert page.status_code == 200
    assert page.context["form"].initial == {"intents": "futures_liquidation", "title_en": "Futures"}
    created = client.post(reverse("incidents:declare"), FORM)
    incident = Incident.objects.get()
    assert created.url == reverse("incidents:detail", args=[incident.pk])
    assert (incident.keywords, incident.products) == (["liquidation", "爆仓"], ["futures"])
    missing = client.post(reverse("incidents:declare"), {**FORM, "script_zh": ""})
    assert missing.status_code == 200 and Incident.objects.count() == 1
    client.post(
        reverse("incidents:update", args=[incident.pk]),
        {"status": "monitoring", "body_en": "Calmer now.", "body_zh": "已趋于平稳。"},
    )
    incident.refresh_from_db()
    assert incident.status == "monitoring" and incident.updates.count() == 1
    detail = client.get(reverse("incidents:detail", args=[incident.pk]))
    assert "已趋于平稳。" in detail.content.decode()


def test_agents_read_incidents_but_cannot_declare_or_update():
    supervisor = testing.staff("sam", role=Role.SUPERVISOR)
    client = testing.signed_in(supervisor)
    client.post(reverse("incidents:declare"), FORM)
    incident = Incident.objects.get()
    agent = testing.signed_in(testing.staff("alice"))
    assert agent.get(reverse("incidents:list")).status_code == 200
    assert agent.get(reverse("incidents:detail", args=[incident.pk])).status_code == 200
    assert agent.get(reverse("incidents:declare")).status_code == 403
    refused = agent.post(
        reverse("incidents:update", args=[incident.pk]),
        {"status": "monitoring", "body_en": "x", "body_zh": "y"},
    )
    assert refused.status_code == 403 and not incident.updates.exists()


def test_the_report_counts_the_linked_conversations_and_their_customers(
    django_capture_on_commit_callbacks,
):
    from exdesk.analytics import rollup
    from exdesk.conversations import services as conversations
    from exdesk.incidents import selectors, services
    from exdesk.quality.feedback import record_feedback

    supervisor = testing.staff("sam", role=Role.SUPERVISOR)
    agent = testing.staff("alice")
    cases = [testing.conversation(channel=c, subject="liquidation") for c in ("chat", "email")]
    incident = services.declare(supervisor, **{k: v for k, v in FORM.items() if k != "public"})
    for case, score in zip(cases, (5, 3), strict=True):
        conversations.do_reply(case, agent, "Here is what happened.")
        conversations.do_change_status(case, agent, "solved")
        case.refresh_from_db()
        record_feedback(case, score=score)
    rollup.refresh(c.pk for c in cases)
    report = selectors.report(incident)
    assert report["linked"] == 2 and report["by_channel"] == [("chat", 1), ("email", 1)]
    assert (report["rated"], report["csat_average"]) == (2, 4.0)
    assert report["first_response_median"] is not None
    page = testing.signed_in(supervisor).get(reverse("incidents:detail", args=[incident.pk]))
    assert page.status_code == 200 and "4.0" in page.content.decode()


def test_the_incident_page_counts_deliveries_of_all_updates_in_one_query(
    django_capture_on_commit_callbacks,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from exdesk.incidents import services
    from exdesk.incidents.models import UpdateDelivery

    supervisor = testing.staff("sam", role=Role.SUPERVISOR)
    for n in range(3):
        testing.conversation(subject=f"liquidation {n}")
    incident = services.declare(supervisor, **{k: v for k, v in FORM.items() if k != "public"})
    client = testing.signed_in(supervisor)

    def update(text: str, *, broadcast: bool):
        with django_capture_on_commit_callbacks(execute=broadcast):
            return services.post_update(
                supervisor, incident, status="monitoring", body_en=text, body_zh=text
            )

    def detail_page():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("incidents:detail", args=[incident.pk]))
        assert page.status_code == 200
        return page, len(queries)

    first = update("Sent to all.", broadcast=True)
    _page, with_one_update = detail_page()
    waiting = update("Not sent yet.", broadcast=False)
    partly = update("One failed.", broadcast=False)
    UpdateDelivery.objects.filter(update=partly).update(state="failed")
    one = UpdateDelivery.objects.filter(update=partly).order_by("pk").first()
    UpdateDelivery.objects.filter(pk=one.pk).update(state="sent")
    for n in range(5):
        update(f"Quiet update {n}.", broadcast=False)

    page, with_eight_updates = detail_page()
    assert with_eight_updates == with_one_update
    counts = {u.pk: c for u, c in page.context["updates"]}
    assert len(counts) == 8
    assert counts[first.pk] == {"pending": 0, "sent": 3, "failed": 0}
    assert counts[waiting.pk] == {"pending": 3, "sent": 0, "failed": 0}
    assert counts[partly.pk] == {"pending": 0, "sent": 1, "failed": 2}
    newest = [u.body_en for u, _counts in page.context["updates"]][:2]
    assert newest == ["Quiet update 4.", "Quiet update 3."]
    assert "Not sent yet." in page.content.decode()
