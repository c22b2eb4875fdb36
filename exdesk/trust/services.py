"""Every change to the registry, and the check itself (which logs what it found)."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from . import lookalike, selectors
from .choices import ChangeAction, ChannelKind, Verdict, Via, manages_official_channels
from .choices import reason_text as _reason_text
from .models import MAX_VALUE_LENGTH, OfficialChannel, OfficialChannelChange, VerificationCheck

MAX_LABEL_LENGTH = 120
MAX_NOTE_LENGTH = 1000
_FIELDS = (
    *("kind", "value", "normalized", "label", "note"),
    *("covers_subdomains", "any_address_at_domain", "active"),
)


# ---------------------------------------------------------------- checking


def check_input(text: str | None) -> str:
    """The text to check, or a ValidationError for nothing or too much."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"value": _("Enter something to check.")})
    if len(text) > lookalike.MAX_INPUT_LENGTH:
        raise ValidationError(
            {
                "value": _("Use at most %(n)d characters: one address or account name.")
                % {"n": lookalike.MAX_INPUT_LENGTH}
            }
        )
    return text


def check_channel(text: str | None, *, via: str) -> lookalike.Result:
    """The verdict on ``text``, logged. The value is logged only for look-alikes."""
    if via not in Via.values:
        raise ValueError(f"unknown source {via!r}")
    result = lookalike.check(check_input(text), selectors.officials())
    is_fake = result.verdict == Verdict.LOOKALIKE
    VerificationCheck.objects.create(
        kind=result.kind or "",
        verdict=result.verdict,
        via=via,
        normalized=result.normalized[:MAX_VALUE_LENGTH] if is_fake else "",
        imitated_id=result.matched.ref if is_fake and result.matched else None,
        reasons=list(result.reasons),
    )
    return result


def rate_limited_message() -> str:
    return _("Too many checks from your network. Please try again in an hour.")


def headline(result: lookalike.Result) -> str:
    """The verdict in one sentence, in the active language."""
    value = result.normalized
    if result.verdict == Verdict.OFFICIAL:
        return _("“%(value)s” is an official channel of ours.") % {"value": value}
    if result.verdict == Verdict.LOOKALIKE:
        return _("Warning: “%(value)s” is not ours. It imitates one of our official channels.") % {
            "value": value
        }
    if result.verdict == Verdict.UNKNOWN:
        return _("“%(value)s” is not an official channel of ours. Treat it as fake.") % {
            "value": value
        }
    return _("We could not recognise that.")


def reason_texts(result: lookalike.Result) -> list[str]:
    return [_reason_text(code) for code in result.reasons]


# ---------------------------------------------------------------- the chat command

_COMMAND = re.compile(r"^\s*/verify(?:\s+(?P<value>.*))?$", re.IGNORECASE | re.DOTALL)


def answer_chat_command(conversation, event) -> bool:
    """A customer's ``/verify <something>`` in a chat gets the verdict as the bot's reply
    (in the conversation's language) and stays with the bot instead of going to an
    agent's queue as a question. False when the message is not the command."""
    from exdesk.assistant.safety import bot_name
    from exdesk.conversations import services as conversations
    from exdesk.conversations.choices import Channel

    found = _COMMAND.match(event.body or "")
    if found is None or conversation.channel != Channel.CHAT or conversation.restricted:
        return False
    language = conversation.language
    with translation.override(language):
        data: dict = {"author": bot_name(language)}
        try:
            result = check_channel(found.group("value"), via=Via.CHAT)
        except ValidationError as exc:
            body = "\n\n".join([*exc.messages, _("Write for example: /verify @name")])
        else:
            lines = [headline(result), *reason_texts(result)]
            if result.verdict != Verdict.OFFICIAL:
                lines.append(_("Do not reply to it, click its links or send it anything."))
            lines.append(_("Support never asks for your password, 2FA codes or seed phrase."))
            lines.append(
                _("Check any address or account at %(url)s")
                % {"url": f"{settings.SITE_URL}/verify/{language}/"}
            )
            body = "\n\n".join(lines)
            data["verify"] = {
                "verdict": result.verdict,
                "kind": result.kind,
                "normalized": result.normalized,
                "reasons": list(result.reasons),
            }
    if conversation.bot_state == conversations.BOT_HANDED_OVER or conversation.assignee_id:
        bot_state = None  # a person has the chat: they read the answer too
    elif conversation.bot_state in conversations.BOT_TALKING:
        bot_state = conversation.bot_state
    else:
        bot_state = "greeted"  # the bot holds the chat and reads the next message
    conversations.do_assistant_turn(
        conversation.pk,
        triage={
            "intent": conversation.intent,
            "confidence": conversation.intent_confidence,
            "sentiment": conversation.sentiment,
        },
        replies=[(body, data)],
        bot_state=bot_state,
    )
    return True


# ---------------------------------------------------------------- the registry


def _check_manager(user) -> None:
    if not manages_official_channels(user):
        raise PermissionDenied(_("Your role cannot change the official channels."))


def _snapshot(channel: OfficialChannel) -> dict:
    return {name: getattr(channel, name) for name in _FIELDS}


def _clean(channel: OfficialChannel) -> None:
    """Normalise and check ``channel`` in place; ValidationError with every problem."""
    errors: dict[str, str] = {}
    channel.value = (channel.value or "").strip()
    channel.label = (channel.label or "").strip()
    channel.note = (channel.note or "").strip()
    if channel.kind not in ChannelKind.values:
        errors["kind"] = _("Choose what kind of channel this is.")
    if not channel.value:
        errors["value"] = _("Enter the address, account or number.")
    elif len(channel.value) > MAX_VALUE_LENGTH:
        errors["value"] = _("Use at most %(n)d characters.") % {"n": MAX_VALUE_LENGTH}
    elif "kind" not in errors:
        try:
            channel.normalized = lookalike.normalize(channel.kind, channel.value)
        except lookalike.Invalid as exc:
            errors["value"] = _("This is not a valid %(kind)s: %(why)s") % {
                "kind": ChannelKind(channel.kind).label.lower(),
                "why": _reason_text(exc.code),
            }
        else:
            if channel.normalized.startswith("+") and channel.kind == ChannelKind.TELEGRAM:
                errors["value"] = _("An invitation link is not an account. Enter the @name.")
            elif channel.kind == ChannelKind.DOMAIN and lookalike.is_ip(channel.normalized):
                errors["value"] = _("Enter a domain name, not an IP address.")
    if len(channel.label) > MAX_LABEL_LENGTH:
        errors["label"] = _("Use at most %(n)d characters.") % {"n": MAX_LABEL_LENGTH}
    if len(channel.note) > MAX_NOTE_LENGTH:
        errors["note"] = _("Use at most %(n)d characters.") % {"n": MAX_NOTE_LENGTH}
    if channel.kind != ChannelKind.DOMAIN:
        channel.covers_subdomains = False
        channel.any_address_at_domain = False
    if errors:
        raise ValidationError(errors)
    same = OfficialChannel.objects.filter(kind=channel.kind, normalized=channel.normalized)
    twin = same.exclude(pk=channel.pk).first()
    if twin is not None:
        message = (
            _("This channel is already listed.")
            if twin.active
            else _("This channel is listed but inactive: reactivate it instead.")
        )
        raise ValidationError({"value": message})


def _save(user, channel: OfficialChannel, action: str, before: dict) -> OfficialChannel:
    try:
        with transaction.atomic():
            channel.save()
            OfficialChannelChange.objects.create(
                channel=channel,
                actor=user,
                action=action,
                before=before,
                after=_snapshot(channel),
            )
    except IntegrityError as exc:  # the same entry added at the same moment elsewhere
        raise ValidationError({"value": _("This channel is already listed.")}) from exc
    return channel


def add_channel(
    user,
    *,
    kind: str,
    value: str,
    label: str = "",
    note: str = "",
    covers_subdomains: bool = True,
    any_address_at_domain: bool = False,
) -> OfficialChannel:
    _check_manager(user)
    channel = OfficialChannel(
        kind=kind,
        value=value,
        label=label,
        note=note,
        covers_subdomains=covers_subdomains,
        any_address_at_domain=any_address_at_domain,
        created_by=user,
    )
    _clean(channel)
    return _save(user, channel, ChangeAction.ADDED, {})


def update_channel(user, channel: OfficialChannel, **values) -> OfficialChannel:
    """Change the kind, value, label, note or domain flags (not ``active``: see below).
    Nothing is written when a value is refused."""
    _check_manager(user)
    allowed = {"kind", "value", "label", "note", "covers_subdomains", "any_address_at_domain"}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    fresh = OfficialChannel.objects.get(pk=channel.pk)
    before = _snapshot(fresh)
    for name, value in values.items():
        setattr(fresh, name, value)
    _clean(fresh)
    if _snapshot(fresh) == before:
        return fresh
    _save(user, fresh, ChangeAction.CHANGED, before)
    channel.refresh_from_db()
    return fresh


def _set_active(user, channel: OfficialChannel, active: bool) -> OfficialChannel:
    _check_manager(user)
    fresh = OfficialChannel.objects.get(pk=channel.pk)
    if fresh.active == active:
        return fresh
    before = _snapshot(fresh)
    fresh.active = active
    action = ChangeAction.REACTIVATED if active else ChangeAction.DEACTIVATED
    _save(user, fresh, action, before)
    channel.refresh_from_db()
    return fresh


def deactivate_channel(user, channel: OfficialChannel) -> OfficialChannel:
    """No longer official (kept, so its history and the look-alikes of it stay readable)."""
    return _set_active(user, channel, False)


def reactivate_channel(user, channel: OfficialChannel) -> OfficialChannel:
    return _set_active(user, channel, True)
