"""What the guard says and records when it acts (see guard.py for what it finds)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from . import guard

SECURITY_TEAM = "security"


def _in(language: str):
    return translation.override(language or "en")


def mask_labels(language: str) -> dict[str, str]:
    """The words that replace each kind of secret in stored text."""
    with _in(language):
        return {
            guard.SEED_PHRASE: _("seed phrase hidden"),
            guard.PRIVATE_KEY: _("private key hidden"),
            guard.TWO_FACTOR_CODE: _("code hidden"),
            guard.PASSWORD: _("password hidden"),
            guard.CARD_NUMBER: _("card number hidden"),
            guard.ID_NUMBER: _("ID number hidden"),
        }


def bot_name(language: str) -> str:
    with _in(language):
        return _("Support assistant")


def customer_warning(kinds, language: str) -> str:
    """Tell the customer, in their language, what we hid, that support never asks for
    it, and what to do now."""
    kinds = set(kinds)
    with _in(language):
        lines = [
            _(
                "For your safety we hid what you just sent: it looked like a secret that "
                "controls your account or money. It was not stored or shown to anyone."
            ),
            _(
                "Our support team will never ask for your password, 2FA codes, seed "
                "phrase or private keys. Anyone who does is a scammer."
            ),
        ]
        if kinds & {guard.SEED_PHRASE, guard.PRIVATE_KEY}:
            lines.append(
                _(
                    "Treat that wallet as exposed: create a new wallet now and move all "
                    "funds to it, before anyone else does. Never reuse that seed phrase "
                    "or key."
                )
            )
        if kinds & {guard.PASSWORD, guard.TWO_FACTOR_CODE}:
            lines.append(
                _(
                    "Change your password now, reset your 2FA, and check your devices "
                    "and API keys for anything you do not recognise."
                )
            )
        if kinds & {guard.CARD_NUMBER, guard.ID_NUMBER}:
            lines.append(
                _("Please do not send card or ID numbers in chat; we never need them here.")
            )
        if kinds & guard.FUND_SECRETS:
            lines.append(_("A security specialist is joining this conversation."))
        return "\n\n".join(lines)


def security_intent_warning(language: str) -> str:
    """The first answer on a security intent (account taken over, phishing …)."""
    with _in(language):
        return "\n\n".join(
            [
                _(
                    "This looks urgent, so a security specialist will take over this "
                    "conversation right away."
                ),
                _(
                    "Meanwhile: change your password, reset your 2FA, remove API keys you "
                    "do not recognise, and do not follow links from messages claiming to "
                    "be us. We will never ask for your password, 2FA codes or seed phrase."
                ),
            ]
        )


def agent_block_message() -> str:
    return _(
        "Not sent: this reply asks the customer for a password, 2FA code, seed phrase or "
        "private key. Support never asks for these, and scammers copy such messages. "
        "Rephrase it; the attempt has been recorded for quality review."
    )


def record_customer_secret(conversation, kinds) -> None:
    from .models import GuardDirection, GuardRecord

    GuardRecord.objects.create(
        conversation=conversation, direction=GuardDirection.CUSTOMER, kinds=list(kinds)
    )


def record_agent_request(conversation, user, sentence: str) -> None:
    """Kept although the reply is refused: the caller does not hold a transaction that
    the refusal rolls back (views and the API call services outside one)."""
    from .models import GuardDirection, GuardRecord

    GuardRecord.objects.create(
        conversation=conversation,
        direction=GuardDirection.AGENT,
        user=user,
        excerpt=sentence[:500],
        kinds=[],
    )
