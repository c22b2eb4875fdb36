import csv
import io

import pytest
from django.urls import reverse

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.audit.models import AuditEntry
from exdesk.conversations import services

pytestmark = pytest.mark.django_db


def test_viewing_a_conversation_customer_and_attachment_is_recorded():
    alice = testing.staff("alice")
    conversation = testing.conversation()
    attachment = services.do_add_customer_message(
        conversation, "x", [("a.png", testing.PNG_BYTES)]
    ).attachments.get()
    client = testing.signed_in(alice)
    client.get(reverse("conversations:detail", args=[conversation.pk]))
    client.get(reverse("conversations:customer", args=[conversation.customer.pk]))
    client.get(reverse("conversations:attachment", args=[attachment.pk]))
    entries = list(
        AuditEntry.objects.order_by("id").values_list("actor__username", "action", "customer_id")
    )
    customer_id = conversation.customer.pk
    assert entries == [
        ("alice", "view_conversation", customer_id),
        ("alice", "view_customer", customer_id),
        ("alice", "view_attachment", customer_id),
    ]


def test_refused_views_are_not_recorded_as_views():
    alice = testing.staff("alice")
    hidden = testing.conversation(team_slug="security")
    testing.signed_in(alice).get(reverse("conversations:detail", args=[hidden.pk]))
    assert not AuditEntry.objects.exists()


def test_api_reads_are_recorded():
    admin = testing.staff("admin", role=Role.ADMIN)
    conversation = testing.conversation()
    client, headers = testing.api_client(admin)
    client.get(f"/api/v1/conversations/{conversation.pk}", **headers)
    assert AuditEntry.objects.get().action == "api_read"


def test_audit_log_lists_and_filters_and_export_is_itself_audited():
    officer = testing.staff("officer", role=Role.COMPLIANCE)
    alice = testing.staff("alice")
    first, second = testing.conversation(), testing.conversation()
    testing.signed_in(alice).get(reverse("conversations:detail", args=[first.pk]))
    testing.signed_in(alice).get(reverse("conversations:detail", args=[second.pk]))
    client = testing.signed_in(officer)
    page = client.get(reverse("audit_log"), {"customer": first.customer.uid})
    assert len(page.context["page"].object_list) == 1
    response = client.get(reverse("audit_export"), {"actor": "alice"})
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["time", "actor", "action"]
    assert len(rows) == 3
    export = AuditEntry.objects.filter(action="export").get()
    assert export.actor == officer


def test_audit_rows_cannot_be_changed():
    alice = testing.staff("alice")
    conversation = testing.conversation()
    testing.signed_in(alice).get(reverse("conversations:detail", args=[conversation.pk]))
    entry = AuditEntry.objects.get()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.update(detail="nothing happened")


def test_csv_export_neutralises_formulas():
    from exdesk.audit.views import _csv_safe

    assert _csv_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _csv_safe("plain") == "plain"


def test_console_navigation_offers_the_audit_log_only_to_those_who_read_it():
    officer = testing.staff("officer", role=Role.COMPLIANCE)
    agent = testing.staff("agent")
    link = f'href="{reverse("audit_log")}"'
    assert link in testing.signed_in(officer).get(reverse("conversations:inbox")).content.decode()
    assert link not in testing.signed_in(agent).get(reverse("conversations:inbox")).content.decode()
