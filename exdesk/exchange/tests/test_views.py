"""The console's exchange pages: access, the unavailable state, actions through forms."""

import pytest

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.exchange.models import AccountAction, ActionStatus

pytestmark = pytest.mark.django_db

TRADER = "10000001"


@pytest.fixture
def case():
    return testing.conversation(who=testing.customer(uid=TRADER, email="li.wei@example.com"))


def test_the_conversation_page_offers_the_account(connected, case):
    page = testing.signed_in(testing.staff("agent1")).get(f"/console/c/{case.pk}/")
    assert page.status_code == 200
    assert f"/console/exchange/conversations/{case.pk}/panel/".encode() in page.content


def test_the_panel_shows_profile_deposits_and_orders(connected, case):
    client = testing.signed_in(testing.staff("agent1"))
    panel = client.get(f"/console/exchange/conversations/{case.pk}/panel/")
    assert panel.status_code == 200
    text = panel.content.decode()
    assert TRADER in text
    for caption in ("Recent deposits", "Recent withdrawals", "Recent orders", "Recent trades"):
        assert caption in text
    assert "Freeze account" in text


def test_the_panel_says_when_the_exchange_is_not_answering(settings, silent_exchange, case):
    settings.EXCHANGE_URL, settings.EXCHANGE_SECRET = silent_exchange, "x"
    settings.EXCHANGE_READ_TIMEOUT = 0.2
    client = testing.signed_in(testing.staff("agent1"))
    panel = client.get(f"/console/exchange/conversations/{case.pk}/panel/")
    assert panel.status_code == 200
    assert b'data-exchange-unavailable="timeout"' in panel.content
    assert b"The exchange is not answering." in panel.content


def test_roles_without_customer_data_get_no_account(connected, case):
    reviewer = testing.signed_in(testing.staff("qa1", role=Role.QA_REVIEWER))
    assert reviewer.get(f"/console/exchange/conversations/{case.pk}/").status_code == 403


def test_someone_who_cannot_see_the_conversation_gets_404(connected, case):
    outsider = testing.signed_in(testing.staff("agent9", teams=("vip",)))
    assert outsider.get(f"/console/exchange/conversations/{case.pk}/").status_code == 404


def test_freeze_through_the_form(connected, case):
    client = testing.signed_in(testing.staff("agent1"))
    url = f"/console/exchange/conversations/{case.pk}/actions/"
    refused = client.post(url, {"kind": "freeze", "reason": "x"})
    assert refused.status_code == 400
    assert not AccountAction.objects.exists()
    done = client.post(url, {"kind": "freeze", "reason": "Reported stolen account"})
    assert done.status_code == 302
    assert AccountAction.objects.get().status == ActionStatus.DONE
    page = client.get(f"/console/exchange/conversations/{case.pk}/")
    assert "Frozen" in page.content.decode()


def test_approval_through_the_form(settings, connected, case):
    settings.EXCHANGE_FREEZE_FOUR_EYES = True
    agent = testing.signed_in(testing.staff("agent1"))
    supervisor = testing.signed_in(testing.staff("sup1", role=Role.SUPERVISOR))
    agent.post(
        f"/console/exchange/conversations/{case.pk}/actions/",
        {"kind": "freeze", "reason": "Reported stolen account"},
    )
    action = AccountAction.objects.get()
    assert agent.post(f"/console/exchange/actions/{action.pk}/approve/").status_code == 403
    page = supervisor.get(f"/console/exchange/conversations/{case.pk}/")
    assert "Approve and freeze" in page.content.decode()
    assert supervisor.post(f"/console/exchange/actions/{action.pk}/approve/").status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_stolen_account_and_checklist_through_forms(connected, case):
    client = testing.signed_in(testing.staff("agent1"))
    client.post(f"/console/exchange/conversations/{case.pk}/stolen/")
    page = client.get(f"/console/exchange/conversations/{case.pk}/").content.decode()
    assert "Recovery checklist" in page
    assert (
        client.post(
            f"/console/exchange/conversations/{case.pk}/recovery/", {"code": "freeze", "done": "1"}
        ).status_code
        == 302
    )
    assert case.recovery_steps.get(code="freeze").done_at is not None


def test_a_case_read_as_a_takeover_is_pointed_at_the_report(connected, case):
    from exdesk.conversations.models import Conversation

    client = testing.signed_in(testing.staff("agent1"))
    url = f"/console/exchange/conversations/{case.pk}/panel/"
    assert b"read this as a stolen account" not in client.get(url).content
    Conversation.objects.filter(pk=case.pk).update(intent="account_stolen")
    assert b"read this as a stolen account" in client.get(url).content
