"""A formal complaint in real browsers (docs/complaints.md): an agent makes a web ticket a
complaint from its conversation page, acknowledges it, cannot solve it by hand, and
escalates it to the complaints officers; a compliance officer sends the written outcome,
which solves it and reaches the customer's tracking page and inbox; the officer exports
the register as CSV, and the export is in the audit log. axe-core on every page."""

import csv
import io

import pytest
from django.core import mail
from playwright.sync_api import expect

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.audit.models import AuditEntry
from exdesk.complaints.models import Complaint
from exdesk.conversations.models import Conversation

from .conftest import check_accessibility, sign_in_with_session

pytestmark = pytest.mark.browser

SUBJECT = "Withdrawal fee charged twice"
SUMMARY = "Charged the 25 USDT withdrawal fee twice for one TRC20 withdrawal."
ACK = "We received your complaint and will answer in writing within 15 days."
REASON = "The customer asks for a refund beyond what an agent may grant."
OUTCOME = "We refunded the second fee of 25 USDT to your spot wallet on 3 May."
NOT_BY_HAND = "A complaint is solved by sending its written outcome."


def status_of(conversation) -> str:
    conversation.refresh_from_db()
    return conversation.status


def test_a_complaint_is_acknowledged_escalated_answered_in_writing_and_exported(
    new_page, live_server
):
    agent = testing.staff("alice")
    officer = testing.staff("olga", role=Role.COMPLIANCE)
    customer = testing.customer(email="li.na@example.com")
    conversation = testing.conversation(
        subject=SUBJECT, body="You took the fee twice. I want it back.", who=customer
    )
    assert conversation.channel == "web"

    # The agent opens the customer's conversation from the inbox.
    page = new_page()
    sign_in_with_session(page, agent, live_server.url)
    page.goto("/console/?view=all")
    check_accessibility(page)
    page.get_by_role("link", name=SUBJECT).click()
    expect(page.get_by_role("heading", name=SUBJECT, level=1)).to_be_visible()
    check_accessibility(page)

    # … and makes it a formal complaint through the panel.
    page.get_by_label("Category", exact=True).select_option(label="Fees and charges")
    page.get_by_label("What the customer complains about").fill(SUMMARY)
    page.get_by_role("button", name="Open a formal complaint").click()
    expect(page.get_by_text("The conversation is now a formal complaint.")).to_be_visible()
    complaint = Complaint.objects.get(conversation=conversation)
    panel = page.get_by_role("region", name=f"Formal complaint {complaint.reference}")
    expect(panel).to_contain_text("Waiting for acknowledgement")
    expect(panel).to_contain_text(SUMMARY)
    check_accessibility(page)

    # The acknowledgement goes to the customer as a reply.
    panel.get_by_label("Acknowledgement to the customer").fill(ACK)
    panel.get_by_role("button", name="Send the acknowledgement").click()
    expect(page.get_by_text("The acknowledgement is sent.")).to_be_visible()
    expect(panel).to_contain_text("Acknowledged")
    check_accessibility(page)

    # Solving it by hand leaves it open, and says why: as a status …
    status_form = page.locator("form[action$='/status/']")
    status_form.get_by_label("Status").select_option("solved")
    status_form.get_by_role("button", name="Set status").click()
    expect(page.get_by_text(NOT_BY_HAND)).to_be_visible()
    expect(page.locator("p.meta .badge.status-solved")).to_have_count(0)
    assert status_of(conversation) != "solved"
    check_accessibility(page)
    # … or as a reply marked solved (nothing is sent then).
    reply_form = page.locator("form[data-live-form=reply]")
    reply_form.get_by_label("Message").fill("Closing this now.")
    reply_form.get_by_label("Then set status to").select_option("solved")
    reply_form.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text(NOT_BY_HAND)).to_be_visible()
    assert status_of(conversation) != "solved"
    assert not conversation.events.filter(body="Closing this now.").exists()
    check_accessibility(page)

    # The agent escalates it by hand to the complaints officers.
    panel.get_by_label("Reason to escalate").fill(REASON)
    panel.get_by_role("button", name="Escalate").click()
    expect(page.get_by_text("The complaint is escalated.")).to_be_visible()
    expect(panel).to_contain_text("Complaints officer")
    check_accessibility(page)
    complaint.refresh_from_db()
    assert (complaint.state, complaint.level) == ("acknowledged", "officer")
    assert status_of(conversation) != "solved"

    # The customer already has the acknowledgement on their tracking page, not the outcome.
    customer_page = new_page()
    customer_page.goto(f"/support/t/{conversation.tracking_token}/")
    timeline = customer_page.get_by_role("list", name="Messages")
    expect(timeline).to_contain_text(ACK)
    expect(timeline).not_to_contain_text(OUTCOME)
    expect(timeline).not_to_contain_text("Closing this now.")
    check_accessibility(customer_page)

    # A compliance officer finds it in the register and writes the outcome.
    officer_page = new_page()
    sign_in_with_session(officer_page, officer, live_server.url)
    officer_page.goto("/console/complaints/")
    check_accessibility(officer_page)
    row = officer_page.get_by_role("row").filter(has_text=complaint.reference)
    expect(row).to_contain_text("Complaints officer")
    row.get_by_role("link", name=complaint.reference).click()
    officer_panel = officer_page.get_by_role(
        "region", name=f"Formal complaint {complaint.reference}"
    )
    expect(officer_panel).to_contain_text(REASON)
    check_accessibility(officer_page)
    officer_panel.get_by_label("Written outcome to the customer").fill(OUTCOME)
    officer_panel.get_by_role("button", name="Send the outcome and close").click()
    expect(
        officer_page.get_by_text("The written outcome is sent and the complaint is closed.")
    ).to_be_visible()
    expect(officer_page.locator("p.meta .badge.status-solved")).to_be_visible()
    expect(officer_panel).to_contain_text("Outcome sent")
    check_accessibility(officer_page)
    assert status_of(conversation) == "solved"  # only now
    complaint.refresh_from_db()
    assert (complaint.state, complaint.resolved_by_id) == ("resolved", officer.pk)

    # The customer reads the outcome on their tracking page and got it by e-mail.
    customer_page.reload()
    expect(timeline).to_contain_text(OUTCOME)
    expect(customer_page.locator("p.meta .badge.status-solved")).to_be_visible()
    check_accessibility(customer_page)
    to_customer = [m for m in mail.outbox if m.to == ["li.na@example.com"]]
    assert any(OUTCOME in m.body for m in to_customer), [m.subject for m in to_customer]

    # The officer downloads the register as CSV: this complaint's row, with its history.
    officer_page.goto("/console/complaints/")
    check_accessibility(officer_page)
    with officer_page.expect_download() as downloading:
        officer_page.get_by_role("link", name="CSV", exact=True).click()
    download = downloading.value
    assert download.suggested_filename == "exdesk-complaints.csv"
    with open(download.path(), encoding="utf-8-sig", newline="") as exported:
        rows = list(csv.DictReader(io.StringIO(exported.read())))
    (found,) = [r for r in rows if r["Reference"] == complaint.reference]
    assert found["Conversation"] == conversation.reference
    assert found["Customer UID"] == customer.uid
    assert (found["Category"], found["Level"], found["State"]) == ("fees", "officer", "resolved")
    assert (found["Summary"], found["Outcome"]) == (SUMMARY, OUTCOME)
    assert found["Acknowledged"] and found["Outcome sent"]
    history = found["History"]
    steps = [step.split(" ", 1)[1] for step in history.split("; ")]
    assert steps == [
        "opened by alice (agent)",
        "acknowledged by alice (agent)",
        f"escalated by alice (officer): {REASON}",  # the level it went to
        "resolved by olga (officer)",
    ], history

    # The export was written to the audit log, by the officer.
    entry = AuditEntry.objects.get(action="export", target_type="complaints:register")
    assert (entry.actor_id, entry.detail) == (officer.pk, f"csv rows={len(rows)}")
    officer_page.goto("/console/audit/?action=export")
    expect(officer_page.get_by_role("row").filter(has_text="complaints:register")).to_contain_text(
        "olga"
    )
    check_accessibility(officer_page)

    assert Conversation.objects.get(pk=conversation.pk).status == "solved"
    for watched in (page, customer_page, officer_page):
        assert watched.watch.clean(), vars(watched.watch)
