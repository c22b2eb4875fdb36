"""The exchange toolkit's services with a real sandbox exchange behind them."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.audit.models import AuditAction, AuditEntry
from exdesk.conversations.choices import EventKind, Priority
from exdesk.conversations.tasks import notify_customer_of_reply
from exdesk.exchange import services
from exdesk.exchange.models import AccountAction, ActionKind, ActionStatus

pytestmark = pytest.mark.django_db

TRADER = "10000001"


@pytest.fixture
def case():
    return testing.conversation(who=testing.customer(uid=TRADER, email="li.wei@example.com"))


@pytest.fixture
def agent():
    return testing.staff("agent1")


def test_the_account_is_read_cached_and_every_lookup_audited(connected, case, agent):
    first = services.account_context(agent, case)
    assert first.profile["uid"] == TRADER
    assert first.deposits and first.withdrawals and first.orders and first.trades
    assert not first.from_cache
    second = services.account_context(agent, case)
    assert second.from_cache
    assert second.profile == first.profile
    entries = AuditEntry.objects.filter(action=AuditAction.VIEW_EXCHANGE_ACCOUNT, actor=agent)
    assert entries.count() == 2
    assert {e.customer_id for e in entries} == {case.customer_id}


def test_the_exchange_sets_the_tier_and_kyc_level(connected, case, agent):
    profile = services.account_context(agent, case).profile
    case.customer.refresh_from_db()
    assert case.customer.vip_tier == profile["vip_tier"]
    assert case.customer.kyc_level == profile["kyc"]["level"]


def test_a_customer_without_a_verified_uid_has_no_account(connected, agent):
    case = testing.conversation(who=testing.customer(uid=""))
    case.customer.uid = None
    assert services.account_context(agent, case) is None


def test_an_unknown_uid_is_reported(connected, agent):
    case = testing.conversation(who=testing.customer(uid="99999999"))
    assert services.account_context(agent, case).not_found


def test_roles_without_customer_data_may_not_read_accounts(connected, case):
    reviewer = testing.staff("qa1", role=Role.QA_REVIEWER)
    with pytest.raises(PermissionDenied):
        services.account_context(reviewer, case)


def test_a_hanging_exchange_gives_a_clear_state_and_is_remembered(
    settings, silent_exchange, case, agent
):
    settings.EXCHANGE_URL, settings.EXCHANGE_SECRET = silent_exchange, "x"
    settings.EXCHANGE_READ_TIMEOUT = 0.2
    context = services.account_context(agent, case)
    assert context.unavailable == "timeout"
    assert "did not answer" in context.unavailable_text
    # Within the memory window the next lookup does not wait again.
    settings.EXCHANGE_READ_TIMEOUT = 60
    again = services.account_context(agent, case)
    assert again.unavailable == "timeout"
    # Lookups are audited even when the exchange is down: the attempt is what was asked.
    assert AuditEntry.objects.filter(action=AuditAction.VIEW_EXCHANGE_ACCOUNT).count() == 2


def test_not_configured(settings, case, agent):
    settings.EXCHANGE_URL = ""
    assert services.account_context(agent, case).unavailable == "not_configured"


# ---------------------------------------------------------------- freezing


def test_one_click_freeze(connected, case, agent):
    action = services.request_action(agent, case, ActionKind.FREEZE, "Reported stolen account")
    assert action.status == ActionStatus.DONE
    assert action.exchange_reference
    assert services.account_context(agent, case).profile["account"]["state"] == "frozen"
    steps = [
        e.data["step"] for e in case.events.filter(kind=EventKind.ACCOUNT_ACTION).order_by("seq")
    ]
    assert steps == ["requested", "done"]
    audited = AuditEntry.objects.filter(action=AuditAction.ACCOUNT_ACTION, customer=case.customer)
    assert audited.count() == 2


def test_a_freeze_needs_a_reason_and_a_verified_uid(connected, agent):
    case = testing.conversation(who=testing.customer(uid=TRADER))
    with pytest.raises(ValidationError):
        services.request_action(agent, case, ActionKind.FREEZE, "no")
    anonymous = testing.conversation(who=testing.customer(uid=""))
    anonymous.customer.uid = None
    with pytest.raises(ValidationError):
        services.request_action(agent, anonymous, ActionKind.FREEZE, "Reported stolen")
    assert not AccountAction.objects.exists()


def test_four_eyes_freeze(settings, connected, case, agent):
    settings.EXCHANGE_FREEZE_FOUR_EYES = True
    supervisor = testing.staff("sup1", role=Role.SUPERVISOR)
    action = services.request_action(agent, case, ActionKind.FREEZE, "Reported stolen account")
    assert action.status == ActionStatus.AWAITING_APPROVAL
    assert services.account_context(agent, case).profile["account"]["state"] != "frozen"
    assert supervisor.notifications.filter(kind="freeze_approval").exists()
    # Nobody approves their own request, and agents do not approve at all.
    with pytest.raises(PermissionDenied):
        services.approve_action(agent, action)
    with pytest.raises(PermissionDenied):
        services.approve_action(testing.staff("agent2"), action)
    # A second request while one waits is refused.
    with pytest.raises(ValidationError):
        services.request_action(agent, case, ActionKind.FREEZE, "Reported stolen again")
    done = services.approve_action(supervisor, action)
    assert done.status == ActionStatus.DONE
    assert done.approved_by == supervisor
    services.forget_account(TRADER)
    assert services.account_context(agent, case).profile["account"]["state"] == "frozen"


def test_an_approver_may_reject(settings, connected, case, agent):
    settings.EXCHANGE_FREEZE_FOUR_EYES = True
    supervisor = testing.staff("sup1", role=Role.SUPERVISOR)
    action = services.request_action(agent, case, ActionKind.FREEZE, "Reported stolen account")
    rejected = services.reject_action(supervisor, action, "The owner called back, all fine")
    assert rejected.status == ActionStatus.REJECTED
    assert services.account_context(agent, case).profile["account"]["state"] != "frozen"


def test_a_failed_freeze_is_retried_with_the_same_key(settings, connected, closed_port_url, agent):
    case = testing.conversation(who=testing.customer(uid=TRADER))
    sandbox = settings.EXCHANGE_URL
    settings.EXCHANGE_URL = closed_port_url
    action = services.request_action(agent, case, ActionKind.FREEZE, "Reported stolen account")
    assert action.status == ActionStatus.FAILED
    assert action.error
    key = action.idempotency_key
    settings.EXCHANGE_URL = sandbox
    services.exchange_recovered()
    again = services.retry_action(agent, action)
    assert again.status == ActionStatus.DONE
    assert again.idempotency_key == key
    assert again.attempts == 2
    with pytest.raises(ValidationError):
        services.retry_action(agent, again)


def test_other_actions_reach_the_exchange(connected, case, agent):
    sent = services.request_action(agent, case, ActionKind.EMAIL_VERIFICATION, "Mail not received")
    assert sent.status == ActionStatus.DONE and "*" in sent.exchange_reference
    asked = services.request_action(agent, case, ActionKind.UNFREEZE_REQUEST, "Owner verified")
    assert asked.status == ActionStatus.DONE


# ---------------------------------------------------------------- stolen accounts


def test_reporting_a_stolen_account(connected, case, agent):
    services.report_stolen_account(agent, case)
    case.refresh_from_db()
    assert case.priority == Priority.P0
    assert services.STOLEN_TAG in case.tags.values_list("name", flat=True)
    steps = services.recovery_steps(case)
    assert [s.code for s in steps] == [code for code, _ in services.RECOVERY_STEPS]
    # Reporting twice does not duplicate the checklist.
    services.report_stolen_account(agent, case)
    assert len(services.recovery_steps(case)) == len(services.RECOVERY_STEPS)
    step = services.tick_recovery_step(agent, case, "freeze", True)
    assert step.done_by == agent and step.done_at
    undone = services.tick_recovery_step(agent, case, "freeze", False)
    assert undone.done_at is None
    with pytest.raises(ValidationError):
        services.tick_recovery_step(agent, case, "nonsense", True)
    recorded = case.events.filter(kind=EventKind.ACCOUNT_ACTION, data__action="recovery")
    assert recorded.count() == 2


# ---------------------------------------------------------------- anti-phishing code in mail


def test_every_reply_mail_carries_the_anti_phishing_code(connected, case, agent):
    code = services.connector().profile(TRADER)["anti_phishing_code"]
    assert code
    event = testing.services.do_reply(case, agent, "Your deposit is on its way.")
    mail.outbox.clear()
    notify_customer_of_reply.call_local(event.pk)
    assert len(mail.outbox) == 1
    assert code in mail.outbox[0].body


def test_no_code_goes_to_an_address_the_account_does_not_have(connected, case):
    assert services.email_security_header(case.customer, "someone.else@example.com") == ""


def test_mail_waits_while_the_exchange_is_down(settings, closed_port_url, case, agent):
    settings.EXCHANGE_URL, settings.EXCHANGE_SECRET = closed_port_url, "x"
    event = testing.services.do_reply(case, agent, "Your deposit is on its way.")
    mail.outbox.clear()
    with pytest.raises(services.ExchangeUnavailable):
        notify_customer_of_reply.call_local(event.pk)
    assert mail.outbox == []  # the task queue retries; nothing goes out without the code


def test_a_trader_without_a_code_is_told_how_to_set_one(connected, agent):
    link = services.connector()
    without = next(
        uid
        for uid in ("10000001", "10000002", "10000003", "10000004", "10000005", "10000006")
        if not link.profile(uid)["anti_phishing_code"]
    )
    who = testing.customer(uid=without, email="x@example.com")
    assert "anti-phishing code" in services.email_security_header(who, "x@example.com")
