"""Is this e-mail address, website, Telegram or X account, or phone number one of ours, or
made to look like one? Plain functions on plain values, no Django (docs/official-channels.md).

``check(text, officials)`` classifies the input, normalises it and compares it with the
registry's entries (``Official``), returning a ``Result`` with a verdict and reason codes.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import phonenumbers
import tldextract

EMAIL = "email"
DOMAIN = "domain"
TELEGRAM = "telegram"
X = "x"
PHONE = "phone"
KINDS = (EMAIL, DOMAIN, TELEGRAM, X, PHONE)
HANDLE_KINDS = (TELEGRAM, X)

OFFICIAL = "official"
LOOKALIKE = "lookalike"
UNKNOWN = "unknown"
INVALID = "invalid"
VERDICTS = (OFFICIAL, LOOKALIKE, UNKNOWN, INVALID)

MAX_INPUT_LENGTH = 500

# Reason codes (the pages and the API explain them; see docs/official-channels.md).
EXACT_MATCH = "exact_match"
SUBDOMAIN_OF_OFFICIAL = "subdomain_of_official"
ADDRESS_AT_OFFICIAL_DOMAIN = "address_at_official_domain"
CONFUSABLE_CHARACTERS = "confusable_characters"
NON_LATIN_CHARACTERS = "non_latin_characters"
SIMILAR_SPELLING = "similar_spelling"
EXTRA_WORDS = "extra_words"
DIFFERENT_TLD = "different_tld"
SUBDOMAIN_TRICK = "subdomain_trick"
LOOKALIKE_DOMAIN = "lookalike_domain"
OFFICIAL_NAME_AT_FREE_MAIL = "official_name_at_free_mail"
OFFICIAL_NAME_IN_ADDRESS = "official_name_in_address"
ADDED_DIGITS = "added_digits"
OFFICIAL_ON_OTHER_PLATFORM = "official_on_other_platform"
USES_OFFICIAL_NAME = "uses_official_name"
DISGUISED_LINK = "disguised_link"
NOT_LISTED = "not_listed"
ADDRESS_NOT_LISTED = "address_not_listed"
PHONE_NOT_OFFICIAL = "phone_not_official"
IP_ADDRESS = "ip_address"
INVITE_LINK = "invite_link"
EMPTY = "empty"
TOO_LONG = "too_long"
UNRECOGNISED = "unrecognised"
BAD_DOMAIN = "bad_domain"
BAD_PHONE = "bad_phone"
BAD_HANDLE = "bad_handle"
BAD_EMAIL = "bad_email"

# Mail services anyone can open an address at: support is never one of these.
_FREE_MAIL = """gmail.com googlemail.com outlook.com hotmail.com live.com msn.com yahoo.com
    ymail.com aol.com icloud.com me.com mac.com proton.me protonmail.com pm.me gmx.com gmx.net
    gmx.de mail.com mail.ru yandex.ru yandex.com zoho.com tutanota.com tuta.io qq.com foxmail.com
    163.com 126.com yeah.net sina.com sina.cn sohu.com aliyun.com naver.com hanmail.net"""
FREE_MAIL = frozenset(_FREE_MAIL.split())
# Words scammers add to a handle or name to make it look like the help desk.
DECOY_WORDS = (
    *("official", "support", "helpdesk", "help", "service", "customer", "care", "team"),
    *("admin", "desk", "verify", "real", "global", "live", "chat", "app", "cs"),
)

# Characters that look like Latin letters, mapped to the letter they imitate (a compact
# hand-made subset of Unicode's confusables: Cyrillic, Greek, Latin variants, digits).
_CONFUSABLE_PAIRS = (
    # Cyrillic
    "аa вb ьb сc ԁd еe ёe һh нh іi їi ӏl јj кk мm пn оo рp ԛq гr ѕs тt уy үy хx ԝw ѡw "
    # Greek
    "αa βb εe ηn ιi κk νv οo ρp τt υu χx ωw γy μu "
    # Latin look-alikes that survive NFKC, and digits standing in for letters
    "ıi ɩi łl ɡg ƅb ȷj ɑa ǀl |l 0o 1l"
)
_CONFUSABLES = {pair[0]: pair[1] for pair in _CONFUSABLE_PAIRS.split()}
# Letter pairs that read as one letter, and letters that read as each other.
# Letters that two others imitate are spelt out as the pair ("m" as "rn"), not the other
# way round: read greedily, "vvvv" and "vwv" would give different skeletons.
_SEQUENCES = (("m", "rn"), ("w", "vv"))
_SAME_SHAPE = str.maketrans({"i": "l"})

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
_HANDLE = re.compile(r"^[\w.]{1,64}$")
_LABEL = re.compile(r"^[\w](?:[\w-]{0,61}[\w])?$")
_PHONE_CHARS = re.compile(r"^\+?[\d\s().\-/]{6,}$")
_TELEGRAM_HOSTS = {"t.me", "telegram.me", "telegram.dog"}
_X_HOSTS = {"x.com", "twitter.com", "mobile.twitter.com", "mobile.x.com"}
_X_RESERVED = {"i", "home", "intent", "search", "share", "hashtag", "explore", "settings"}


class Invalid(ValueError):
    """The input is none of the kinds checked; ``code`` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Official:
    """A registry entry as plain values. ``ref`` is its primary key.

    For a domain: ``covers_subdomains`` makes every host under it official too, and
    ``any_address`` makes every e-mail address at it (and, with ``covers_subdomains``, at
    its subdomains) official."""

    kind: str
    value: str
    covers_subdomains: bool = True
    any_address: bool = False
    ref: int | None = None


@dataclass(frozen=True)
class Parsed:
    kind: str
    normalized: str
    # A bare ``@name`` or ``name`` may be a Telegram or an X account.
    either_handle: bool = False
    # "https://ourname.com@evil.io/": the part before the @ that a reader takes for the host.
    userinfo: str = ""


@dataclass(frozen=True)
class Result:
    verdict: str
    kind: str | None
    normalized: str
    matched: Official | None = None
    reasons: tuple[str, ...] = field(default_factory=tuple)


# ---------------------------------------------------------------- classify and normalise


def _nfkc_lower(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def normalize_host(host: str) -> str:
    """Lower-case, NFKC, punycode labels decoded, trailing dot and ``www.`` removed.
    Raises ``Invalid(BAD_DOMAIN)``."""
    host = _nfkc_lower(host.strip()).rstrip(".")
    # NFKC maps the ideographic and fullwidth full stops to ".", not all of them though.
    host = host.replace("。", ".").replace("｡", ".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    labels = host.split(".")
    decoded = []
    for label in labels:
        if label.startswith("xn--"):
            try:
                label = label.encode("ascii").decode("idna")
            except (UnicodeError, ValueError) as exc:
                raise Invalid(BAD_DOMAIN) from exc
            label = _nfkc_lower(label)
        decoded.append(label)
    while len(decoded) > 2 and decoded[0] == "www":
        decoded = decoded[1:]
    if len(decoded) < 2 or len(host) > 253 or not all(_LABEL.match(x) for x in decoded):
        raise Invalid(BAD_DOMAIN)
    if any("_" in x for x in decoded[-1:]):
        raise Invalid(BAD_DOMAIN)
    return ".".join(decoded)


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Domain:
    host: str
    registrable: str
    label: str
    suffix: str
    subdomain: str


def split_domain(host: str) -> Domain:
    """The registrable domain from the bundled public suffix list (never fetched). A host
    under a suffix the list does not know (``.example``, ``.test``, a typo like ``.cοm``)
    is read as label + last label."""
    found = _EXTRACT(host)
    if found.suffix and found.domain:
        label, suffix, sub = found.domain, found.suffix, found.subdomain
    else:
        parts = host.split(".")
        label, suffix, sub = parts[-2], parts[-1], ".".join(parts[:-2])
    return Domain(host, f"{label}.{suffix}", label, suffix, sub)


def normalize_handle(handle: str) -> str:
    handle = _nfkc_lower(handle.strip()).lstrip("@")
    if not _HANDLE.match(handle):
        raise Invalid(BAD_HANDLE)
    return handle


def normalize_phone(text: str) -> str:
    """E.164 (``+442079460958``); an international number needs its country code."""
    text = text.strip()
    if text.lower().startswith("tel:"):
        text = text[4:]
    text = text.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException as exc:
        raise Invalid(BAD_PHONE) from exc
    if not phonenumbers.is_valid_number(number):
        raise Invalid(BAD_PHONE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(text: str) -> str:
    local, _at, domain = text.strip().rpartition("@")
    local = _nfkc_lower(local)
    if not local or len(local) > 64 or any(c.isspace() for c in local) or "@" in local:
        raise Invalid(BAD_EMAIL)
    try:
        host = normalize_host(domain)
    except Invalid as exc:
        raise Invalid(BAD_EMAIL) from exc
    if is_ip(host):
        raise Invalid(BAD_EMAIL)
    return f"{local}@{host}"


def normalize(kind: str, value: str) -> str:
    """A registry value of ``kind`` in its compared form. Raises ``Invalid``."""
    parsed = classify(value)
    if kind in HANDLE_KINDS and parsed.either_handle:
        return parsed.normalized
    if parsed.kind != kind:
        raise Invalid(UNRECOGNISED)
    return parsed.normalized


def _from_url(text: str) -> Parsed:
    try:
        parts = urlsplit(text if "://" in text else "https://" + text)
        raw_host = parts.hostname or ""
        username = parts.username or ""
    except ValueError as exc:
        raise Invalid(BAD_DOMAIN) from exc
    if not raw_host:
        raise Invalid(BAD_DOMAIN)
    host = normalize_host(raw_host)
    path = [p for p in parts.path.split("/") if p]
    if host in _TELEGRAM_HOSTS:
        if not path:
            raise Invalid(BAD_HANDLE)
        first = path[1] if path[0] == "s" and len(path) > 1 else path[0]
        if first.startswith("+") or first == "joinchat":
            return Parsed(TELEGRAM, "+" + (path[-1].lstrip("+") if path else ""))
        return Parsed(TELEGRAM, normalize_handle(first))
    if host in _X_HOSTS:
        if not path or path[0].lower() in _X_RESERVED:
            raise Invalid(BAD_HANDLE)
        return Parsed(X, normalize_handle(path[0]))
    return Parsed(DOMAIN, host, userinfo=_nfkc_lower(username))


def classify(text: str) -> Parsed:
    """What ``text`` is and its normalised form. Raises ``Invalid`` with a reason code."""
    text = (text or "").strip().strip("<>\"'").strip()
    if not text:
        raise Invalid(EMPTY)
    if len(text) > MAX_INPUT_LENGTH:
        raise Invalid(TOO_LONG)
    lowered = text.lower()
    if lowered.startswith("mailto:"):
        return Parsed(EMAIL, normalize_email(text[7:].split("?")[0]))
    if is_ip(text.strip("[]")):
        return Parsed(DOMAIN, normalize_host(text))
    if lowered.startswith("tel:") or (
        _PHONE_CHARS.match(text) and sum(c.isdigit() for c in text) >= 6
    ):
        return Parsed(PHONE, normalize_phone(text))
    if "://" in text or "/" in text:
        return _from_url(text)
    if text.startswith("@"):
        return Parsed(TELEGRAM, normalize_handle(text), either_handle=True)
    if "@" in text:
        if any(c.isspace() for c in text):
            raise Invalid(UNRECOGNISED)
        return Parsed(EMAIL, normalize_email(text))
    if "." in text.strip(".") or "。" in text:
        if any(c.isspace() for c in text):
            raise Invalid(UNRECOGNISED)
        return _from_url(text)
    if _HANDLE.match(_nfkc_lower(text)):
        return Parsed(TELEGRAM, normalize_handle(text), either_handle=True)
    raise Invalid(UNRECOGNISED)


# ---------------------------------------------------------------- what looks alike


def skeleton(text: str) -> str:
    """What ``text`` looks like: NFKC, lower-case, accents dropped, homoglyphs and digits
    mapped to the Latin letter they imitate, "m" spelt "rn" and "w" spelt "vv" (so both
    forms meet), "i" read as "l"."""
    text = _nfkc_lower(text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = "".join(_CONFUSABLES.get(c, c) for c in text)
    for single, pair in _SEQUENCES:
        text = text.replace(single, pair)
    return text.translate(_SAME_SHAPE)


def has_non_latin(text: str) -> bool:
    return any(ord(c) > 127 and c.isalpha() for c in text)


def distance(a: str, b: str, limit: int = 3) -> int:
    """Damerau–Levenshtein (optimal string alignment) distance, capped at ``limit``."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) >= limit:
            return limit
        previous2, previous = previous, current
    return min(previous[-1], limit)


def _allowed_distance(official: str, candidate: str) -> int:
    """Typos tolerated: none for short names (too many real words are that close)."""
    if len(official) >= 6 and len(candidate) >= 5:
        return 2
    if len(official) >= 4:
        return 1
    return 0


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text)


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[\W_]+", text) if t]


def name_reasons(candidate: str, official: str) -> list[str]:
    """Why ``candidate`` (a domain label or a handle) imitates the name ``official``;
    empty when it does not. Equal names are the caller's business."""
    if candidate == official or len(_squash(official)) < 3:
        return []
    reasons = []
    cand_plain, off_plain = _squash(_nfkc_lower(candidate)), _squash(_nfkc_lower(official))
    cand_sk, off_sk = skeleton(candidate), skeleton(official)
    cand_flat, off_flat = _squash(cand_sk), _squash(off_sk)
    if has_non_latin(candidate) and not has_non_latin(official):
        reasons.append(NON_LATIN_CHARACTERS)
    if cand_plain != off_plain and cand_plain.strip("0123456789") == off_plain:
        return [*reasons, ADDED_DIGITS]
    if cand_sk == off_sk:
        return [*reasons, CONFUSABLE_CHARACTERS]
    if cand_flat == off_flat:  # only separators added: "demo-exchange", "demo_exchange"
        return [*reasons, SIMILAR_SPELLING]
    if distance(cand_flat, off_flat) <= _allowed_distance(off_flat, cand_flat):
        return [*reasons, SIMILAR_SPELLING]
    if len(off_flat) >= 4 and off_flat in cand_flat:
        if off_plain not in cand_plain:
            reasons.append(CONFUSABLE_CHARACTERS)
        rest = cand_flat.replace(off_flat, "", 1)
        return [*reasons, ADDED_DIGITS if rest.isdigit() else EXTRA_WORDS]
    # "exdsk-support": a misspelt name among added words.
    for token in _tokens(cand_sk):
        if token != cand_sk and distance(token, off_flat) <= _allowed_distance(off_flat, token):
            return [*reasons, SIMILAR_SPELLING, EXTRA_WORDS]
    without_decoys = cand_flat
    for word in DECOY_WORDS:
        without_decoys = without_decoys.replace(skeleton(word), "")
    without_decoys = without_decoys.strip("0123456789lo")
    if (
        without_decoys
        and without_decoys != cand_flat
        and distance(without_decoys, off_flat) <= _allowed_distance(off_flat, without_decoys)
    ):
        return [*reasons, SIMILAR_SPELLING, EXTRA_WORDS]
    return []


# ---------------------------------------------------------------- judging


@dataclass(frozen=True)
class _Brand:
    """A name the exchange is known by, and the entry it comes from."""

    name: str
    entry: Official
    suffix: str = ""


def _brands(officials: Sequence[Official]) -> list[_Brand]:
    brands = []
    for entry in officials:
        if entry.kind == DOMAIN and not is_ip(entry.value):
            parts = split_domain(entry.value)
            brands.append(_Brand(parts.label, entry, parts.suffix))
        elif entry.kind == EMAIL:
            parts = split_domain(entry.value.rpartition("@")[2])
            brands.append(_Brand(parts.label, entry, parts.suffix))
        elif entry.kind in HANDLE_KINDS:
            brands.append(_Brand(entry.value, entry))
    return sorted(brands, key=lambda b: b.entry.kind in HANDLE_KINDS)


def _official_host(host: str, officials: Sequence[Official]) -> Official | None:
    for entry in officials:
        if entry.kind != DOMAIN:
            continue
        if host == entry.value or (entry.covers_subdomains and host.endswith("." + entry.value)):
            return entry
    return None


def _judge_domain(host: str, officials: Sequence[Official]) -> Result:
    entry = _official_host(host, officials)
    if entry is not None:
        reason = EXACT_MATCH if host == entry.value else SUBDOMAIN_OF_OFFICIAL
        return Result(OFFICIAL, DOMAIN, host, entry, (reason,))
    if is_ip(host):
        return Result(UNKNOWN, DOMAIN, host, None, (IP_ADDRESS,))
    parts = split_domain(host)
    for brand in _brands(officials):
        reasons: list[str] = []
        if parts.label == brand.name and parts.suffix == brand.suffix:
            continue  # a host under our domain that the registry does not cover
        if parts.label == brand.name and brand.suffix:
            reasons.append(DIFFERENT_TLD)
        elif parts.label == brand.name:
            reasons.append(USES_OFFICIAL_NAME)
        else:
            reasons += name_reasons(parts.label, brand.name)
            if not reasons and brand.suffix:
                # The whole name, dots included: "demoexchange.cοm" with a Greek omicron.
                whole = f"{brand.name}.{brand.suffix}"
                if skeleton(parts.registrable) == skeleton(whole):
                    reasons.append(CONFUSABLE_CHARACTERS)
        if not reasons and parts.subdomain:
            sub_flat = _squash(skeleton(parts.subdomain))
            name = _squash(skeleton(brand.name))
            labels = parts.subdomain.split(".")
            if (len(name) >= 4 and name in sub_flat) or any(
                name_reasons(label, brand.name) for label in labels
            ):
                reasons.append(SUBDOMAIN_TRICK)
        if reasons:
            return Result(LOOKALIKE, DOMAIN, host, brand.entry, tuple(dict.fromkeys(reasons)))
    return Result(UNKNOWN, DOMAIN, host, None, (NOT_LISTED,))


def _judge_email(address: str, officials: Sequence[Official]) -> Result:
    for entry in officials:
        if entry.kind == EMAIL and entry.value == address:
            return Result(OFFICIAL, EMAIL, address, entry, (EXACT_MATCH,))
    local, _at, host = address.rpartition("@")
    domain_entry = _official_host(host, officials)
    if domain_entry is not None:
        if domain_entry.any_address:
            return Result(OFFICIAL, EMAIL, address, domain_entry, (ADDRESS_AT_OFFICIAL_DOMAIN,))
        return Result(UNKNOWN, EMAIL, address, domain_entry, (ADDRESS_NOT_LISTED,))
    for entry in officials:  # the domain of a listed address is ours, the address is not
        if entry.kind == EMAIL and entry.value.rpartition("@")[2] == host:
            return Result(UNKNOWN, EMAIL, address, entry, (ADDRESS_NOT_LISTED,))
    by_domain = _judge_domain(host, officials)
    if by_domain.verdict == LOOKALIKE:
        reasons = (LOOKALIKE_DOMAIN, *by_domain.reasons)
        return Result(LOOKALIKE, EMAIL, address, by_domain.matched, reasons)
    for brand in _brands(officials):
        if local == brand.name or name_reasons(local, brand.name):
            reason = OFFICIAL_NAME_AT_FREE_MAIL if host in FREE_MAIL else OFFICIAL_NAME_IN_ADDRESS
            return Result(LOOKALIKE, EMAIL, address, brand.entry, (reason,))
    return Result(UNKNOWN, EMAIL, address, None, (NOT_LISTED,))


def _judge_handle(kind: str, handle: str, officials: Sequence[Official]) -> Result:
    for entry in officials:
        if entry.kind == kind and entry.value == handle:
            return Result(OFFICIAL, kind, handle, entry, (EXACT_MATCH,))
    if handle.startswith("+"):
        return Result(UNKNOWN, kind, handle, None, (INVITE_LINK,))
    brands = sorted(
        _brands(officials), key=lambda b: (b.entry.kind != kind, b.entry.kind not in HANDLE_KINDS)
    )
    for brand in brands:
        if handle == brand.name:
            reason = USES_OFFICIAL_NAME if brand.suffix else OFFICIAL_ON_OTHER_PLATFORM
            return Result(LOOKALIKE, kind, handle, brand.entry, (reason,))
    for brand in brands:
        reasons = name_reasons(handle, brand.name)
        if reasons:
            return Result(LOOKALIKE, kind, handle, brand.entry, tuple(reasons))
    return Result(UNKNOWN, kind, handle, None, (NOT_LISTED,))


def _judge_phone(number: str, officials: Sequence[Official]) -> Result:
    for entry in officials:
        if entry.kind == PHONE and entry.value == number:
            return Result(OFFICIAL, PHONE, number, entry, (EXACT_MATCH,))
    return Result(UNKNOWN, PHONE, number, None, (PHONE_NOT_OFFICIAL,))


_ORDER = {OFFICIAL: 0, LOOKALIKE: 1, UNKNOWN: 2, INVALID: 3}


def judge(parsed: Parsed, officials: Iterable[Official]) -> Result:
    entries = list(officials)
    if parsed.kind == DOMAIN:
        result = _judge_domain(parsed.normalized, entries)
        if result.verdict == UNKNOWN and parsed.userinfo:
            shown = _squash(skeleton(parsed.userinfo))
            for brand in _brands(entries):
                if len(brand.name) >= 4 and _squash(skeleton(brand.name)) in shown:
                    return Result(
                        LOOKALIKE, DOMAIN, result.normalized, brand.entry, (DISGUISED_LINK,)
                    )
        return result
    if parsed.kind == EMAIL:
        return _judge_email(parsed.normalized, entries)
    if parsed.kind == PHONE:
        return _judge_phone(parsed.normalized, entries)
    if parsed.either_handle:
        results = [_judge_handle(kind, parsed.normalized, entries) for kind in HANDLE_KINDS]
        return min(results, key=lambda r: _ORDER[r.verdict])
    return _judge_handle(parsed.kind, parsed.normalized, entries)


def check(text: str, officials: Iterable[Official]) -> Result:
    """The verdict on ``text`` against the registry's ``officials``."""
    try:
        parsed = classify(text)
    except Invalid as exc:
        return Result(INVALID, None, "", None, (exc.code,))
    return judge(parsed, officials)


def brand_names(officials: Sequence[Official]) -> set[str]:
    """The names the exchange is known by (domain labels, handles), as skeletons without
    separators: what a name posing as the exchange would contain."""
    return {_squash(skeleton(b.name)) for b in _brands(officials) if len(_squash(b.name)) >= 4}
