"""The registry's kinds, the verdicts, where a check came from, who manages the registry,
and what each reason code means in words."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from exdesk.accounts.choices import Role

from . import lookalike as la


class ChannelKind(models.TextChoices):
    DOMAIN = la.DOMAIN, _("Website (domain)")
    EMAIL = la.EMAIL, _("E-mail address")
    TELEGRAM = la.TELEGRAM, _("Telegram account")
    X = la.X, _("X (Twitter) account")
    PHONE = la.PHONE, _("Phone number")


class Verdict(models.TextChoices):
    OFFICIAL = la.OFFICIAL, _("Official")
    LOOKALIKE = la.LOOKALIKE, _("Look-alike")
    UNKNOWN = la.UNKNOWN, _("Not official")
    INVALID = la.INVALID, _("Not recognised")


class Via(models.TextChoices):
    WEB = "web", _("Web page")
    API = "api", _("API")
    CHAT = "chat", _("Chat command")


class ChangeAction(models.TextChoices):
    ADDED = "added", _("Added")
    CHANGED = "changed", _("Changed")
    DEACTIVATED = "deactivated", _("Deactivated")
    REACTIVATED = "reactivated", _("Reactivated")


# Who edits the registry and sees which look-alikes circulate (everyone else: 403).
MANAGES_OFFICIAL_CHANNELS = {Role.SUPERVISOR, Role.ADMIN}


def manages_official_channels(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role in MANAGES_OFFICIAL_CHANNELS


REASONS = {
    la.EXACT_MATCH: _("It is listed in our registry of official channels."),
    la.SUBDOMAIN_OF_OFFICIAL: _("It is an address under one of our official domains."),
    la.ADDRESS_AT_OFFICIAL_DOMAIN: _(
        "Every address at this official domain is ours, as our registry says."
    ),
    la.CONFUSABLE_CHARACTERS: _(
        "Some characters only look like ours (for example a Cyrillic “а”, a zero for an "
        "“o”, or “rn” for an “m”)."
    ),
    la.NON_LATIN_CHARACTERS: _("It contains letters from another alphabet."),
    la.SIMILAR_SPELLING: _("It is spelt almost like one of our names, with letters changed."),
    la.EXTRA_WORDS: _("It adds words such as “support” or “official” to our name."),
    la.DIFFERENT_TLD: _("It uses our name with a different ending (such as .co instead of .com)."),
    la.SUBDOMAIN_TRICK: _(
        "Our name appears at the start of the address, but the site belongs to someone else."
    ),
    la.LOOKALIKE_DOMAIN: _("The e-mail comes from a domain made to look like ours."),
    la.OFFICIAL_NAME_AT_FREE_MAIL: _(
        "It uses our name at a free e-mail service. We never write from those."
    ),
    la.OFFICIAL_NAME_IN_ADDRESS: _("It uses our name at a domain that is not ours."),
    la.ADDED_DIGITS: _("It adds digits to one of our names."),
    la.OFFICIAL_ON_OTHER_PLATFORM: _(
        "Our account with this name is on another platform, not this one."
    ),
    la.USES_OFFICIAL_NAME: _("It uses our name, but it is not one of our listed accounts."),
    la.DISGUISED_LINK: _("The link shows our name before an “@”, but it opens a different site."),
    la.NOT_LISTED: _("It is not in our registry of official channels."),
    la.ADDRESS_NOT_LISTED: _(
        "The domain is ours, but this address is not one we use to contact customers."
    ),
    la.PHONE_NOT_OFFICIAL: _("This number is not one of our official phone numbers."),
    la.IP_ADDRESS: _("Our websites never use a bare IP address."),
    la.INVITE_LINK: _("Private Telegram invitation links are never official."),
    la.EMPTY: _("Enter something to check."),
    la.TOO_LONG: _("That is too long to be an address or account name."),
    la.UNRECOGNISED: _(
        "Enter one website, e-mail address, Telegram or X account, or phone number."
    ),
    la.BAD_DOMAIN: _("That does not look like a valid website address."),
    la.BAD_PHONE: _("That is not a valid phone number. Include the country code, like +44."),
    la.BAD_HANDLE: _("That is not a valid account name."),
    la.BAD_EMAIL: _("That is not a valid e-mail address."),
}


def reason_text(code: str) -> str:
    return str(REASONS.get(code, code))
