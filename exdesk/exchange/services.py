"""The exchange toolkit's business rules: reading a trader's account through the connector
(cached briefly, every lookup audited), approved account actions with optional four-eyes
approval, the stolen-account report and its recovery checklist, and the deposit diagnosis.

The connector is called outside database transactions: a slow exchange must never hold a
lock. Each action's row is written first, so a timeout leaves a record to retry with the
same idempotency key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exdesk.accounts.choices import Role
from exdesk.accounts.models import User
from exdesk.accounts.permissions import answers_customers, sees_customer_pii
from exdesk.audit import services as audit
from exdesk.audit.models import AuditAction
from exdesk.conversations import services as conversations
from exdesk.conversations.choices import Priority
from exdesk.conversations.models import Conversation
from exdesk.customers.models import Customer

from .client import Connector, ConnectorConfig, ExchangeError, ExchangeUnavailable, NotFound
from .models import AccountAction, ActionKind, ActionStatus, RecoveryStep

# After a failed call, further lookups say "unavailable" at once for this long instead of
# each waiting for the timeout (a page with five lookups would otherwise wait five times).
UNAVAILABLE_MEMORY_SECONDS = 15
_DOWN_KEY = "exchange:down"
RECENT = 10  # rows of each list shown beside a conversation
REASON_MAX = 500

# Who may approve someone else's freeze when four-eyes approval is on.
APPROVES_FREEZES = {Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN}

UNAVAILABLE_TEXT = {
    "not_configured": gettext_lazy("No exchange is connected to this desk."),
    "timeout": gettext_lazy("The exchange did not answer in time."),
    "unreachable": gettext_lazy("The exchange cannot be reached."),
    "refused": gettext_lazy("The exchange refused exdesk's signature. Check the shared secret."),
    "bad_answer": gettext_lazy("The exchange's answer could not be trusted or read."),
    "server_error": gettext_lazy("The exchange reported an error."),
}


def connector() -> Connector:
    return Connector(ConnectorConfig.from_settings())


def unavailable_text(reason: str) -> str:
    return str(UNAVAILABLE_TEXT.get(reason, UNAVAILABLE_TEXT["server_error"]))


def _ask(call, *args, **kwargs):
    """One connector call, remembering for a moment that the exchange is down."""
    down = cache.get(_DOWN_KEY)
    if down:
        raise ExchangeUnavailable(down, "remembered")
    try:
        return call(*args, **kwargs)
    except ExchangeUnavailable as problem:
        if problem.reason != "not_configured":
            cache.set(_DOWN_KEY, problem.reason, UNAVAILABLE_MEMORY_SECONDS)
        raise


def exchange_recovered() -> None:
    """Forget a remembered failure (the console's "try again")."""
    cache.delete(_DOWN_KEY)


# ---------------------------------------------------------------- reading the account


@dataclass
class AccountContext:
    uid: str
    profile: dict | None = None
    deposits: list = field(default_factory=list)
    withdrawals: list = field(default_factory=list)
    orders: list = field(default_factory=list)
    trades: list = field(default_factory=list)
    unavailable: str = ""  # a reason code from ExchangeUnavailable
    not_found: bool = False
    fetched_at: dt.datetime | None = None
    from_cache: bool = False

    @property
    def unavailable_text(self) -> str:
        return unavailable_text(self.unavailable) if self.unavailable else ""


def _context_key(uid: str) -> str:
    return f"exchange:account:{uid}"


def _fetch(uid: str) -> dict:
    link = connector()
    return {
        "profile": _ask(link.profile, uid),
        "deposits": _ask(link.deposits, uid, RECENT),
        "withdrawals": _ask(link.withdrawals, uid, RECENT),
        "orders": _ask(link.orders, uid, RECENT),
        "trades": _ask(link.trades, uid, RECENT),
        "fetched_at": timezone.now(),
    }


def check_may_read_account(user: User) -> None:
    if not sees_customer_pii(user):
        raise PermissionDenied(_("Your role may not see exchange account data."))


def account_context(
    user: User, conversation: Conversation, *, refresh: bool = False, request=None
) -> AccountContext | None:
    """The verified trader's exchange account, for a person allowed to see it. None when
    the customer has no verified exchange UID. Every lookup is audited, cached or not."""
    check_may_read_account(user)
    customer = conversation.customer
    if not customer.uid:
        return None
    key = _context_key(customer.uid)
    data = None if refresh else cache.get(key)
    context = AccountContext(uid=customer.uid, from_cache=data is not None)
    if data is None:
        try:
            data = _fetch(customer.uid)
        except NotFound:
            context.not_found = True
        except ExchangeUnavailable as problem:
            context.unavailable = problem.reason
        else:
            cache.set(key, data, settings.EXCHANGE_CACHE_SECONDS)
            _refresh_customer(customer, data["profile"])
    if data is not None:
        for name in ("profile", "deposits", "withdrawals", "orders", "trades", "fetched_at"):
            setattr(context, name, data[name])
    audit.record(
        user,
        AuditAction.VIEW_EXCHANGE_ACCOUNT,
        customer,
        customer=customer,
        detail=f"uid {customer.uid}" + (" (cached)" if context.from_cache else ""),
        request=request,
    )
    return context


def _refresh_customer(customer: Customer, profile: dict) -> None:
    """The exchange is the source of the VIP tier and KYC level that routing and SLAs use."""
    changes = {}
    tier, kyc = profile.get("vip_tier"), (profile.get("kyc") or {}).get("level")
    if isinstance(tier, int) and 0 <= tier < 100 and tier != customer.vip_tier:
        changes["vip_tier"] = tier
    if isinstance(kyc, int) and 0 <= kyc <= 3 and kyc != customer.kyc_level:
        changes["kyc_level"] = kyc
    if changes:
        Customer.objects.filter(pk=customer.pk).update(**changes)
        for name, value in changes.items():
            setattr(customer, name, value)


def forget_account(uid: str) -> None:
    cache.delete(_context_key(uid))


def anti_phishing_code(customer: Customer) -> str | None:
    """The code the trader set at the exchange, shown in every e-mail support sends them so
    they can tell it from a phishing copy. None: no verified UID, or no code set. Raises
    ExchangeUnavailable: the caller (a task) retries rather than send without it."""
    if not customer.uid or not settings.EXCHANGE_URL:
        return None
    cached = cache.get(_context_key(customer.uid))
    if cached is not None:
        profile = cached["profile"]
    else:
        try:
            profile = _ask(connector().profile, customer.uid)
        except NotFound:
            return None
    code = profile.get("anti_phishing_code")
    return str(code)[:40] if code else None


# ---------------------------------------------------------------- account actions


def check_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise ValidationError({"reason": _("Say why, in a few words.")})
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("Keep the reason under %(max)d characters.") % {"max": REASON_MAX}}
        )
    return reason


def needs_approval(kind: str) -> bool:
    return kind == ActionKind.FREEZE and settings.EXCHANGE_FREEZE_FOUR_EYES


def may_approve(user: User, action: AccountAction) -> bool:
    return (
        action.status == ActionStatus.AWAITING_APPROVAL
        and user.role in APPROVES_FREEZES
        and user.pk != action.requested_by_id
    )


def request_action(
    user: User, conversation: Conversation, kind: str, reason: str, *, request=None
) -> AccountAction:
    """Ask the exchange to act on the conversation's trader. With four-eyes approval on, a
    freeze waits for a second person; everything else is asked at once."""
    if not answers_customers(user):
        raise PermissionDenied(_("Your role may not act on exchange accounts."))
    if kind not in ActionKind.values:
        raise ValidationError({"kind": _("Unknown action.")})
    customer = conversation.customer
    if not customer.uid:
        raise ValidationError(_("This customer has no verified exchange UID."))
    reason = check_reason(reason)
    waits = needs_approval(kind)
    with transaction.atomic():
        if AccountAction.objects.filter(
            customer=customer, kind=kind, status=ActionStatus.AWAITING_APPROVAL
        ).exists():
            raise ValidationError(_("The same action already waits for approval."))
        action = AccountAction.objects.create(
            conversation=conversation,
            customer=customer,
            kind=kind,
            reason=reason,
            status=ActionStatus.AWAITING_APPROVAL if waits else ActionStatus.SENDING,
            requested_by=user,
        )
        _record(action, user, "requested", request=request)
        if waits:
            from exdesk.sla import services as sla

            approvers = [
                person
                for person in User.objects.filter(is_active=True, role__in=APPROVES_FREEZES)
                if person.pk != user.pk
            ]
            sla.notify(approvers, conversation, "freeze_approval", detail=kind)
    return action if waits else perform(action, user, request=request)


def approve_action(approver: User, action: AccountAction, *, request=None) -> AccountAction:
    with transaction.atomic():
        action = AccountAction.objects.select_for_update().get(pk=action.pk)
        if not may_approve(approver, action):
            raise PermissionDenied(_("You may not approve this action."))
        action.approved_by = approver
        action.decided_at = timezone.now()
        action.status = ActionStatus.SENDING
        action.save(update_fields=["approved_by", "decided_at", "status"])
        _record(action, approver, "approved", request=request)
    return perform(action, approver, request=request)


def reject_action(
    approver: User, action: AccountAction, reason: str, *, request=None
) -> AccountAction:
    reason = check_reason(reason)
    with transaction.atomic():
        action = AccountAction.objects.select_for_update().get(pk=action.pk)
        if not may_approve(approver, action):
            raise PermissionDenied(_("You may not decide on this action."))
        action.approved_by = approver
        action.decided_at = timezone.now()
        action.status = ActionStatus.REJECTED
        action.error = reason[:200]
        action.save(update_fields=["approved_by", "decided_at", "status", "error"])
        _record(action, approver, "rejected", note=reason, request=request)
    return action


def retry_action(user: User, action: AccountAction, *, request=None) -> AccountAction:
    if not answers_customers(user):
        raise PermissionDenied(_("Your role may not act on exchange accounts."))
    # "sending": the process stopped before the answer was recorded; the same idempotency
    # key makes asking again safe.
    if action.status not in (ActionStatus.FAILED, ActionStatus.SENDING):
        raise ValidationError(_("Only a failed action can be tried again."))
    return perform(action, user, request=request)


def perform(action: AccountAction, user: User, *, request=None) -> AccountAction:
    """Ask the exchange (outside any transaction), then record what it said."""
    link = connector()
    uid = action.customer.uid or ""
    reference = action.conversation.reference
    common = {"idempotency_key": str(action.idempotency_key), "reference": reference}
    answer: dict | None = None
    problem = ""
    try:
        if action.kind == ActionKind.FREEZE:
            answer = _ask(
                link.freeze,
                uid,
                reason=action.reason,
                requested_by=action.requested_by.username,
                approved_by=action.approved_by.username if action.approved_by else None,
                **common,
            )
        elif action.kind == ActionKind.UNFREEZE_REQUEST:
            answer = _ask(
                link.request_unfreeze,
                uid,
                reason=action.reason,
                requested_by=action.requested_by.username,
                **common,
            )
        else:
            answer = _ask(
                link.resend_email_verification,
                uid,
                requested_by=action.requested_by.username,
                **common,
            )
    except ExchangeUnavailable as failure:
        problem = unavailable_text(failure.reason)
    except ExchangeError as failure:
        problem = _("The exchange refused: %(code)s") % {"code": str(failure)[:80]}
    with transaction.atomic():
        action = AccountAction.objects.select_for_update().get(pk=action.pk)
        action.attempts += 1
        if answer is not None:
            action.status = ActionStatus.DONE
            action.done_at = timezone.now()
            action.exchange_reference = str(
                answer.get("reference") or answer.get("request_id") or answer.get("sent_to") or ""
            )[:80]
            action.error = ""
        else:
            action.status = ActionStatus.FAILED
            action.error = problem[:200]
        action.save()
        _record(action, user, "done" if answer is not None else "failed", request=request)
    forget_account(uid)
    return action


def _record(action: AccountAction, user: User, step: str, *, note: str = "", request=None):
    """The timeline and the audit log both say who did what to which account."""
    conversations.do_record_account_event(
        action.conversation,
        user,
        {
            "action": action.kind,
            "step": step,
            "reason": action.reason,
            "reference": action.exchange_reference,
            "error": action.error,
        },
        body=note,
    )
    audit.record(
        user,
        AuditAction.ACCOUNT_ACTION,
        action,
        customer=action.customer,
        detail=f"{action.kind} {step} uid {action.customer.uid}",
        request=request,
    )


def actions_of(conversation: Conversation) -> list[AccountAction]:
    return list(
        AccountAction.objects.filter(customer_id=conversation.customer_id).select_related(
            "requested_by", "approved_by", "conversation"
        )[:20]
    )


def awaiting_approval() -> list[AccountAction]:
    return list(
        AccountAction.objects.filter(status=ActionStatus.AWAITING_APPROVAL).select_related(
            "requested_by", "conversation", "customer"
        )
    )


# ---------------------------------------------------------------- stolen accounts

STOLEN_TAG = "stolen-account"

# The recovery, in order. Identity is proven through the exchange's own verification,
# never with passwords, codes or seed phrases in the conversation.
RECOVERY_STEPS = [
    ("freeze", gettext_lazy("The account is frozen at the exchange.")),
    ("identity", gettext_lazy("The owner's identity is re-verified through KYC (liveness check).")),
    ("sessions", gettext_lazy("All sessions, devices and API keys are revoked.")),
    ("password", gettext_lazy("The owner reset the password on the official site.")),
    ("two_factor", gettext_lazy("Two-factor authentication is bound again to a new device.")),
    (
        "withdrawals",
        gettext_lazy("Recent withdrawals and the address whitelist are reviewed."),
    ),
    ("trace", gettext_lazy("Unauthorised withdrawals are handed to Security to trace.")),
    (
        "education",
        gettext_lazy("The owner knows the official channels and has an anti-phishing code."),
    ),
    ("unfreeze", gettext_lazy("Unfreezing is requested once every step above is done.")),
]
_STEP_LABELS = dict(RECOVERY_STEPS)


def step_label(code: str) -> str:
    return str(_STEP_LABELS.get(code, code))


@transaction.atomic
def report_stolen_account(user: User, conversation: Conversation, *, request=None) -> None:
    """The trader's account is in someone else's hands: top priority, a tag for reports,
    and the recovery checklist. Freezing is one click away (``request_action``)."""
    if not answers_customers(user):
        raise PermissionDenied(_("Your role may not act on exchange accounts."))
    if conversation.priority != Priority.P0:
        conversations.do_change_priority(conversation, user, Priority.P0)
    conversations.do_add_tag(conversation, user, STOLEN_TAG)
    created = RecoveryStep.objects.bulk_create(
        [
            RecoveryStep(conversation=conversation, code=code, position=position)
            for position, (code, _label) in enumerate(RECOVERY_STEPS)
        ],
        ignore_conflicts=True,
    )
    conversations.do_record_account_event(
        conversation, user, {"action": "stolen_report", "step": "reported"}
    )
    audit.record(
        user,
        AuditAction.ACCOUNT_ACTION,
        conversation,
        customer=conversation.customer,
        detail=f"stolen account reported ({len(created)} recovery steps)",
        request=request,
    )


def recovery_steps(conversation: Conversation) -> list[RecoveryStep]:
    steps = list(conversation.recovery_steps.select_related("done_by"))
    for step in steps:
        step.label = step_label(step.code)  # type: ignore[attr-defined]
    return steps


@transaction.atomic
def tick_recovery_step(
    user: User, conversation: Conversation, code: str, done: bool, *, request=None
) -> RecoveryStep:
    if not answers_customers(user):
        raise PermissionDenied(_("Your role may not act on exchange accounts."))
    step = (
        RecoveryStep.objects.select_for_update()
        .filter(conversation=conversation, code=code)
        .first()
    )
    if step is None:
        raise ValidationError(_("No such recovery step on this conversation."))
    if bool(step.done_at) == done:
        return step
    step.done_by, step.done_at = (user, timezone.now()) if done else (None, None)
    step.save(update_fields=["done_by", "done_at"])
    conversations.do_record_account_event(
        conversation,
        user,
        {"action": "recovery", "step": "done" if done else "undone", "code": code},
    )
    audit.record(
        user,
        AuditAction.ACCOUNT_ACTION,
        conversation,
        customer=conversation.customer,
        detail=f"recovery step {code} {'done' if done else 'undone'}",
        request=request,
    )
    return step


def decimal_or_none(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        return None


# ---------------------------------------------------------------- deposit diagnosis


@dataclass
class DiagnosisReport:
    claim: object
    diagnosis: object | None = None
    lines: list[str] = field(default_factory=list)
    next_step: str = ""
    problem: str = ""  # why no diagnosis could be made


def chain_readers() -> dict:
    """One reader per configured EVM network (EXDESK_CHAIN_RPC_URLS)."""
    from .chains import EvmChain

    return {
        network: EvmChain.over_http(network, url, settings.EXCHANGE_READ_TIMEOUT)
        for network, url in settings.CHAIN_RPC_URLS.items()
    }


def diagnose_deposit(
    user: User,
    conversation: Conversation,
    *,
    txid: str,
    coin: str = "",
    network: str = "",
    memo: str = "",
    amount: str = "",
    address: str = "",
    readers: dict | None = None,
    request=None,
) -> DiagnosisReport:
    """Read the transaction from its chain and compare it with what the exchange expects
    for this trader: confirmations, destination, memo, token, minimum, network."""
    from . import diagnosis as rules
    from .chains import ChainUnavailable

    check_may_read_account(user)
    customer = conversation.customer
    txid = (txid or "").strip()
    if not txid or len(txid) > 200:
        raise ValidationError({"txid": _("Enter the transaction ID (TxID).")})
    claim = rules.Claim(
        txid=txid,
        coin=coin.strip().upper()[:20],
        network=network.strip().upper()[:20],
        memo=memo.strip()[:100],
        amount=decimal_or_none(amount),
        address=address.strip()[:200],
    )
    report = DiagnosisReport(claim=claim)
    if not customer.uid:
        report.problem = _("This customer has no verified exchange UID.")
        return report
    link = connector()
    try:
        assets = [rules.Asset.from_json(item) for item in _ask(link.assets)]
        addresses = [
            rules.DepositAddress.from_json(item)
            for item in _ask(link.deposit_addresses, customer.uid)
        ]
    except ExchangeUnavailable as problem:
        report.problem = unavailable_text(problem.reason)
        return report
    except NotFound:
        report.problem = _("The exchange does not know this UID.")
        return report
    audit.record(
        user,
        AuditAction.VIEW_EXCHANGE_ACCOUNT,
        customer,
        customer=customer,
        detail=f"deposit diagnosis uid {customer.uid} tx {txid[:80]}",
        request=request,
    )
    try:
        report.diagnosis = rules.diagnose(
            claim,
            assets=assets,
            deposit_addresses=addresses,
            chains=readers if readers is not None else chain_readers(),
        )
    except ChainUnavailable:
        report.problem = _("The blockchain node did not answer. Try again in a minute.")
        return report
    report.lines = rules.describe(report.diagnosis)
    report.next_step = rules.next_step_text(report.diagnosis)
    return report


def email_security_header(customer: Customer, to_address: str) -> str:
    """The first lines of every e-mail support sends a trader: their anti-phishing code, so
    a copy sent by a scammer stands out. Only to the address the account has on file: a
    code sent elsewhere would teach a stranger what makes mail look genuine. Raises
    ExchangeUnavailable (the sending task retries rather than send mail without it)."""
    if not customer.email or customer.email.lower() != (to_address or "").lower():
        return ""
    code = anti_phishing_code(customer)
    if code:
        return (
            _("Your anti-phishing code: %(code)s") % {"code": code}
            + "\n"
            + _("Mail from us always shows this code. Without it, the mail is not ours.")
        )
    if customer.uid and settings.EXCHANGE_URL:
        return _(
            "Tip: set an anti-phishing code in your account's security settings. Every mail "
            "from us will then show it, so fakes stand out."
        )
    return ""


def mail_customer(customer: Customer, to_address: str, subject: str, body: str) -> None:
    """An automatic mail to a trader, headed by their anti-phishing code (see above)."""
    from django.core.mail import EmailMessage

    header = email_security_header(customer, to_address)
    EmailMessage(
        subject=subject,
        body=f"{header}\n\n{body}" if header else body,
        to=[to_address],
        headers={"Auto-Submitted": "auto-generated"},
    ).send()


@dataclass
class WithdrawalCheck:
    withdrawal: dict | None = None
    report: object | None = None
    line: str = ""
    next_step: str = ""
    problem: str = ""


def check_withdrawal(
    user: User,
    conversation: Conversation,
    withdrawal_id: str,
    *,
    readers: dict | None = None,
    request=None,
) -> WithdrawalCheck:
    """Where one of the trader's withdrawals is: the exchange's record, then the chain."""
    from . import withdrawals as rules
    from .chains import ChainUnavailable
    from .diagnosis import Asset

    check_may_read_account(user)
    customer = conversation.customer
    result = WithdrawalCheck()
    if not customer.uid:
        result.problem = _("This customer has no verified exchange UID.")
        return result
    link = connector()
    try:
        items = _ask(link.withdrawals, customer.uid, 100)
        assets = [Asset.from_json(item) for item in _ask(link.assets)]
    except ExchangeUnavailable as problem:
        result.problem = unavailable_text(problem.reason)
        return result
    except NotFound:
        result.problem = _("The exchange does not know this UID.")
        return result
    audit.record(
        user,
        AuditAction.VIEW_EXCHANGE_ACCOUNT,
        customer,
        customer=customer,
        detail=f"withdrawal check uid {customer.uid} {withdrawal_id[:40]}",
        request=request,
    )
    result.withdrawal = next((w for w in items if str(w.get("id")) == withdrawal_id), None)
    if result.withdrawal is None:
        result.problem = _("No such withdrawal on this account.")
        return result
    try:
        report = rules.check_withdrawal(
            result.withdrawal,
            assets=assets,
            chains=readers if readers is not None else chain_readers(),
        )
    except ChainUnavailable:
        result.problem = _("The blockchain node did not answer. Try again in a minute.")
        return result
    result.report = report
    result.line = rules.describe_withdrawal(report)
    result.next_step = rules.withdrawal_next_step(report)
    return result
