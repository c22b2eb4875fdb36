"""Turn the raw bytes of an inbound support e-mail into something a person can read.

Pure Python on top of the standard ``email`` package (plus ``nh3`` for HTML). The parser
is written for hostile input: every limit is checked before the expensive work, header
values are decoded by hand (RFC 2047, RFC 2231, raw 8-bit bytes) with the charset
fallbacks Chinese mail needs, and nothing but :class:`Unparseable` ever leaves
:func:`parse` for a malformed message.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import email
import email.message
import email.policy
import email.utils
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import unescape as _unescape
from html.parser import HTMLParser

import nh3

__all__ = ["Attachment", "ParsedMail", "Unparseable", "html_to_text", "parse"]

MAX_SUBJECT = 300
MAX_NAME = 200
MAX_FILENAME = 150
MAX_ID = 250
MAX_REFERENCES = 50
MAX_RECIPIENTS = 200
MAX_HEADER = 16 * 1024  # of a header value worth decoding (subject, names)
AUTH_KEYS = ("spf", "dkim", "dmarc")
AUTH_RESULTS = frozenset({"pass", "fail", "softfail", "neutral", "none", "temperror", "permerror"})


class Unparseable(Exception):
    """The message cannot be turned into anything a person can read.

    ``reason`` is a short code: "too_large", "too_many_parts", "too_deep", "no_headers"
    (also for empty input), "too_many_headers" (> 5000 header lines), "header_too_long"
    (a Content-* header over 8 KiB), "too_many_params" (> 100 in one Content-* header),
    "undecodable" (the ``email`` package gave up on it) or "malformed" (anything else).
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes
    inline: bool
    content_id: str | None


@dataclass(frozen=True)
class ParsedMail:
    message_id: str
    in_reply_to: list[str]
    references: list[str]
    from_address: str
    from_name: str
    reply_to_address: str
    to: list[str]
    cc: list[str]
    subject: str
    date: datetime | None
    text: str
    html_present: bool
    quoted: str
    attachments: list[Attachment]
    auto_submitted: bool
    bounce: bool
    bulk: bool
    authentication: dict[str, str]
    size: int
    charset_problems: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- charsets

# Real "gb2312" mail routinely carries GBK characters; GB18030 is the superset of both.
_GB = {"gb2312", "gb_2312", "gb_2312-80", "gbk", "x-gbk", "cp936", "ms936", "euc-cn", "euccn"}
_GB |= {"gb18030", "x-euc-cn", "csgb2312", "chinese"}
_BIG5 = {"big5", "big-5", "x-big5", "cn-big5", "csbig5", "cp950", "ms950", "big5-hkscs"}
_SINGLE_BYTE = {"iso-8859-1", "latin-1", "latin1", "l1", "windows-1252", "cp1252", "iso-8859-15"}
_FALLBACK = ("utf-8", "gb18030", "big5", "latin-1")


def _candidates(declared: str) -> list[str]:
    """The codecs to try, strictly, for a declared charset ([] when unknown)."""
    if declared in _GB:
        return ["gb18030"]
    if declared in _BIG5:
        return ["big5", "cp950", "big5hkscs"]
    if declared in {"utf8", "utf-8", "unicode-1-1-utf-8", "x-unicode20utf8"}:
        return ["utf-8"]
    if declared in {"", "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "7bit"}:
        return ["ascii"]
    if declared.startswith(("utf-7", "utf7")):
        return []  # decodes to anything; never trust it blindly
    try:
        return [codecs.lookup(declared).name]
    except (LookupError, ValueError):
        return []


def decode_bytes(data: bytes, declared: str | None) -> tuple[str, str | None]:
    """Decode ``data`` in its declared charset, else in the first fallback that fits.

    Returns the text and, when the declared charset was wrong or unknown, the name of the
    codec used instead (``None`` when the declared one worked).
    """
    name = (declared or "").strip().strip("\"'").lower()
    candidates = _candidates(name)
    for codec in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            if codec != candidates[-1] or codec == "ascii":
                continue
            # truncated at the very end, or a stray bad byte or two in a long text: the
            # declared charset is right, the data is slightly damaged
            damaged = data.decode(codec, "replace")
            if exc.start >= len(data) - 3 or damaged.count("\ufffd") <= len(data) // 400:
                return damaged, f"{codec} (damaged)"
            continue
        if name in _SINGLE_BYTE and not data.isascii():
            # Latin-1 never fails: real UTF-8 declared as Latin-1 is the common mistake.
            try:
                return data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                pass
        return text, None
    for codec in _FALLBACK:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"  # pragma: no cover - latin-1 never fails


# --------------------------------------------------------------------------- text clean-up

_BIDI = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F])
_INVISIBLE = dict.fromkeys([0x200B, 0x200C, 0x2060, 0xFEFF, 0x00AD, 0x034F])
_WS = re.compile(r"\s+")
# category Cc, line/paragraph separators, lone surrogates (undecodable header bytes)
_CONTROL_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_CONTROL_BODY = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _single_line(value: str, limit: int) -> str:
    """Control characters (CR/LF included) become spaces; whitespace collapses."""
    value = _CONTROL_LINE.sub(" ", value.translate(_BIDI).translate(_INVISIBLE))
    return _WS.sub(" ", value).strip()[:limit].strip()


def _clean_body(value: str) -> str:
    """Newlines normalised, control characters other than newline and tab removed."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL_BODY.sub("", value.translate(_BIDI).translate(_INVISIBLE))
    lines = [line.rstrip() for line in value.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


# --------------------------------------------------------------------------- header values

_EW = re.compile(r"=\?([^?\s]{1,75})\?([bBqQ])\?([^?\s]*)\?=")


def _surrogate_bytes(value: str) -> bytes:
    """The original bytes of a header value read by ``message_from_bytes``."""
    return value.encode("utf-8", "surrogateescape")


def _decode_raw(value: str, problems: list[str], where: str) -> str:
    """A header fragment that may hold raw 8-bit bytes (smuggled in as surrogates)."""
    if value.isascii():
        return value
    try:
        data = _surrogate_bytes(value)
    except UnicodeEncodeError:  # pragma: no cover - only surrogates from bytes reach here
        return value
    text, used = decode_bytes(data, "utf-8")
    if used:
        problems.append(f"{where}: raw 8-bit header bytes decoded as {used}")
    return text


def _ew_bytes(encoding: str, payload: str) -> bytes:
    if encoding in "bB":
        return _b64(payload.encode("ascii", "ignore"))
    data = payload.replace("_", " ").encode("ascii", "ignore")
    return quopri.decodestring(data, header=True)


def decode_header_text(value: str, problems: list[str] | None = None, where: str = "") -> str:
    """RFC 2047 encoded words (adjacent ones joined before decoding, so a character split
    across two words survives) and raw 8-bit bytes, with the charset fallbacks."""
    problems = problems if problems is not None else []
    value = value[:MAX_HEADER]
    out: list[str] = []
    pending: list[tuple[str, bytes]] = []  # adjacent encoded words not yet decoded
    pos = 0

    def flush() -> None:
        if not pending:
            return
        charset, data = pending[0][0], bytearray()
        for cs, chunk in pending:
            if cs.lower() != charset.lower():
                out.append(_decode_ew(charset, bytes(data), problems, where))
                charset, data = cs, bytearray()
            data += chunk
        out.append(_decode_ew(charset, bytes(data), problems, where))
        pending.clear()

    for match in _EW.finditer(value):
        between = value[pos : match.start()]
        if between and not (pending and between.isspace()):
            flush()
            out.append(_decode_raw(between, problems, where))
        charset = match.group(1).split("*", 1)[0]  # RFC 2231 language suffix
        pending.append((charset, _ew_bytes(match.group(2), match.group(3))))
        pos = match.end()
    flush()
    out.append(_decode_raw(value[pos:], problems, where))
    return "".join(out)


def _decode_ew(charset: str, data: bytes, problems: list[str], where: str) -> str:
    text, used = decode_bytes(data, charset)
    if used:
        problems.append(f"{where}: declared {charset.lower()}, decoded as {used}")
    return text


def _b64(data: bytes) -> bytes:
    """Lenient base64: junk characters ignored, missing padding tolerated."""
    data = re.sub(rb"[^A-Za-z0-9+/]", b"", data)
    data = data[: len(data) - len(data) % 4] if len(data) % 4 == 1 else data
    data += b"=" * (-len(data) % 4)
    try:
        return base64.b64decode(data)
    except (binascii.Error, ValueError):  # pragma: no cover - cleaned input decodes
        return b""


def _unfold(value: object) -> str:
    text = str(value)
    return re.sub(r"\r\n|\r|\n", "", text)


def _values(msg: email.message.Message, name: str) -> list[str]:
    """Every value of header ``name``, unfolded, in message order (top first).

    Read from the stored source (``raw_items``), so no header parser can raise here.
    """
    name = name.lower()
    return [_unfold(v) for k, v in msg.raw_items() if str(k).strip().lower() == name]


def _first(msg: email.message.Message, name: str) -> str:
    found = _values(msg, name)
    return found[0] if found else ""


# --------------------------------------------------------------------------- addresses

_ADDR = re.compile(r"[^\s@<>()\[\],;:\"\\]{1,64}@[^\s@<>()\[\],;:\"\\]{1,253}")


def _split_addresses(value: str) -> Iterator[tuple[str, str]]:
    """(display-name source, addr-spec) pairs; a small linear tokenizer that respects
    quoted strings, comments, angle brackets and groups, and never raises."""
    value = value[:20000]
    chunk: list[str] = []
    angle: list[str] | None = None
    found_angle: str | None = None
    comment: list[str] = []
    in_quote = False
    depth = 0  # comment nesting
    has_at = False
    i = 0

    def done() -> tuple[str, str]:
        display = "".join(chunk).strip()
        addr = (found_angle if found_angle is not None else display).strip()
        if found_angle is None:
            display = " ".join(comment).strip()
        return display, addr

    while i < len(value):
        ch = value[i]
        if in_quote:
            if ch == "\\" and i + 1 < len(value):
                i += 1
                ch = value[i]
            elif ch == '"':
                in_quote = False
                i += 1
                continue
            (angle if angle is not None else chunk).append(ch)
        elif depth:
            if ch == "\\" and i + 1 < len(value):
                i += 1
                ch = value[i]
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            if depth:
                comment[-1] += ch
        elif ch == '"':
            in_quote = True
        elif ch == "(":
            depth = 1
            comment.append("")
        elif angle is not None:
            if ch == ">":
                if found_angle is None:
                    found_angle = "".join(angle)
                angle = None
            elif not ch.isspace():
                angle.append(ch)
        elif ch == "<":
            angle = []
        elif ch in ",;":
            yield done()
            chunk, found_angle, comment, has_at = [], None, [], False
        elif ch == ":" and found_angle is None and not has_at:
            chunk, comment = [], []  # a group name ("undisclosed-recipients:")
        elif found_angle is None:
            chunk.append(ch)
            has_at = has_at or ch == "@"
        i += 1
    if angle is not None and found_angle is None:
        found_angle = "".join(angle)
    yield done()


def _clean_addr(addr: str) -> str:
    addr = addr.strip()
    if ":" in addr and addr.startswith("@"):  # obsolete source route "@a,@b:user@c"
        addr = addr.rsplit(":", 1)[1]
    if addr.lower().startswith("mailto:"):
        addr = addr[7:]
    addr = addr.strip().rstrip(".")
    if not _ADDR.fullmatch(addr):
        return ""
    local, _, domain = addr.rpartition("@")
    if not local or not domain or domain.startswith(".") or ".." in domain:
        return ""
    return addr.lower()


def _addresses(values: list[str]) -> list[tuple[str, str]]:
    """(address, raw display name) for every valid address in the header values."""
    out: list[tuple[str, str]] = []
    for value in values:
        for display, addr in _split_addresses(value):
            clean = _clean_addr(_decode_raw(addr, [], ""))
            if clean:
                out.append((clean, display))
    return out


def _address_list(values: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for addr, _display in _addresses(values):
        seen.setdefault(addr, None)
    return list(seen)[:MAX_RECIPIENTS]


# --------------------------------------------------------------------------- ids, dates

_ANGLE_ID = re.compile(r"<\s*([^<>\s]{1,2000})\s*>")


def _ids(value: str) -> list[str]:
    found = _ANGLE_ID.findall(value[:200000])
    if not found:  # broken clients leave the brackets off
        found = [t for t in re.split(r"[\s,]+", value[:200000]) if "@" in t]
    out: dict[str, None] = {}
    for item in found:
        item = _single_line(item.strip("<>"), 10_000)
        if item and len(item) <= MAX_ID and " " not in item:
            out.setdefault(item, None)
    return list(out)


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(_single_line(value, 200))
    except Exception:
        return None
    if parsed is None:  # pragma: no cover - older Pythons returned None
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


# --------------------------------------------------------------------------- authentication

_RESINFO = re.compile(r"\s*([A-Za-z0-9_-]+)(?:\s*/\s*\d+)?\s*=\s*([A-Za-z]+)")


def _strip_comments(value: str) -> str:
    out: list[str] = []
    depth = 0
    in_quote = False
    escape = False
    for ch in value[:20000]:
        if escape:
            escape = False
            if not depth:
                out.append(ch)
            continue
        if ch == "\\":
            escape = True
            if not depth:
                out.append(ch)
        elif depth:
            depth += {"(": 1, ")": -1}.get(ch, 0)
        elif in_quote:
            in_quote = ch != '"'
            out.append(ch)
        elif ch == '"':
            in_quote = True
            out.append(ch)
        elif ch == "(":
            depth = 1
        else:
            out.append(ch)
    return "".join(out)


def _authentication(values: list[str], trusted: str | None) -> dict[str, str]:
    result = dict.fromkeys(AUTH_KEYS, "")
    for value in values:
        segments = _strip_comments(value).split(";")
        authserv = segments[0].strip().split()
        authserv_id = authserv[0].lower() if authserv else ""
        if trusted is not None and authserv_id != trusted.strip().lower():
            continue
        for segment in segments[1:]:
            match = _RESINFO.match(segment)
            if not match:
                continue
            method, outcome = match.group(1).lower(), match.group(2).lower()
            if method in result and not result[method]:
                result[method] = outcome if outcome in AUTH_RESULTS else ""
        break  # only the first (trusted) header counts
    return result


# --------------------------------------------------------------------------- MIME parts


@dataclass
class _PartInfo:
    content_type: str
    charset: str | None
    disposition: str
    filename: str
    content_id: str | None
    params: dict[str, str]


def _compat_view(part: email.message.Message) -> email.message.Message:
    """The same headers under ``policy.compat32``, whose readers do not raise."""
    view = email.message.Message(policy=email.policy.compat32)
    for key, value in part.raw_items():
        view[str(key)] = str(value)
    return view


def _read_info(part: email.message.Message, problems: list[str], where: str) -> _PartInfo:
    """Content-* parameters, read through a ``compat32`` view: the parameter code is the
    same (``Message.get_param``) but ``policy.default`` would first run its full, slow and
    sometimes raising, header parser on every access."""
    try:
        return _read_info_from(_compat_view(part), problems, where)
    except Exception:
        return _PartInfo("application/octet-stream", None, "attachment", "", None, {})


def _param(part: email.message.Message, name: str, header: str) -> str:
    value = part.get_param(name, header=header)
    if value is None or value == "":
        return ""
    if isinstance(value, tuple):  # RFC 2231: (charset, language, %-decoded latin-1 text)
        charset, _lang, text = value
        raw = str(text).encode("latin-1", "surrogateescape")
        decoded, _used = decode_bytes(raw, charset or "utf-8")
        return decoded
    return email.utils.unquote(str(value))


def _read_info_from(part: email.message.Message, problems: list[str], where: str) -> _PartInfo:
    ctype = part.get_content_type().lower()
    charset = _param(part, "charset", "content-type") or None
    disposition = (part.get_content_disposition() or "").lower()
    name = _param(part, "filename", "content-disposition") or _param(part, "name", "content-type")
    if name:
        name = decode_header_text(name, problems, f"{where} filename")
    params = {}
    for key in ("report-type", "start", "format", "delsp"):
        params[key] = _param(part, key, "content-type").lower()
    cid_raw = _first(part, "content-id")
    cid = _single_line(cid_raw, 10_000).strip().strip("<>").strip()[:MAX_ID] or None
    return _PartInfo(ctype, charset, disposition, name, cid, params)


def _payload_bytes(part: email.message.Message) -> bytes:
    # The stored payload: ``get_payload()`` would already have decoded 8-bit bytes in the
    # declared charset with errors="replace", losing them.
    payload = getattr(part, "_payload", None)
    if payload is None:
        payload = part.get_payload()
    if isinstance(payload, list):  # pragma: no cover - callers check is_multipart()
        return b""
    if not isinstance(payload, str):
        return bytes(payload) if isinstance(payload, bytes | bytearray) else b""
    data = _surrogate_bytes(payload)
    cte = _single_line(_first(part, "content-transfer-encoding"), 100).lower()
    if cte == "base64":
        return _b64(data)
    if cte == "quoted-printable":
        return quopri.decodestring(data)
    return data


def _message_bytes(part: email.message.Message) -> bytes:
    """A message/rfc822 attachment back as bytes."""
    payload = part.get_payload()
    if not isinstance(payload, list):
        return _payload_bytes(part)
    chunks: list[bytes] = []
    for inner in payload:
        if not isinstance(inner, email.message.Message):
            continue
        try:
            chunks.append(inner.as_bytes(policy=email.policy.compat32))
        except Exception:
            try:
                text = inner.as_string(policy=email.policy.compat32)
                chunks.append(text.encode("utf-8", "surrogateescape"))
            except Exception:
                chunks.append(b"")
    return b"\n".join(chunks)


# --------------------------------------------------------------------------- HTML


_ALLOWED_TAGS = {
    "a", "abbr", "address", "article", "b", "big", "blockquote", "br", "caption", "center",
    "cite", "code", "dd", "div", "dl", "dt", "em", "font", "footer", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hr", "i", "li", "main", "ol", "p", "pre", "q", "s", "section",
    "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "tt", "u", "ul",
}  # fmt: skip
_DROP_WITH_CONTENT = {"script", "style", "title", "head", "noscript", "template", "textarea"}
_PARAGRAPH = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "pre"}
_LINE = {"div", "li", "tr", "dt", "dd", "section", "article", "header", "footer", "main", "hr"}
_LINE |= {"address", "center", "caption", "dl"}


class _TextBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = []
        self.cur: list[str] = []
        self.cur_depth = 0
        self.quote = 0
        self.pre = 0
        self.links: list[tuple[str, list[str]]] = []

    def _flush(self) -> None:
        text = "".join(self.cur)
        self.cur = []
        if text.strip():
            self.lines.append((self.cur_depth, text))
        self.cur_depth = self.quote

    def _blank(self) -> None:
        self._flush()
        if self.lines and self.lines[-1][1]:
            self.lines.append((self.quote, ""))

    def _emit(self, text: str) -> None:
        if not self.cur:
            self.cur_depth = self.quote
        self.cur.append(text)
        for _href, buf in self.links:
            buf.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._flush()
        elif tag in _PARAGRAPH:
            self._blank()
        elif tag in _LINE:
            self._flush()
        if tag == "blockquote":
            self.quote += 1
            self.cur_depth = self.quote
        elif tag == "pre":
            self.pre += 1
        elif tag == "li":
            self._emit("- ")
        elif tag in {"td", "th"}:
            self._emit(" ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", []))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in {"br", "hr"}:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            href, buf = self.links.pop()
            label = _WS.sub(" ", "".join(buf)).strip()
            if href and label and not _same_link(label, href):
                self._emit(f" ({href})")
        if tag in _PARAGRAPH:
            self._blank()
        elif tag in _LINE:
            self._flush()
        if tag == "blockquote" and self.quote:
            self._flush()
            self.quote -= 1
            self.cur_depth = self.quote
        elif tag == "pre" and self.pre:
            self.pre -= 1

    def handle_data(self, data: str) -> None:
        if self.pre:
            first, *rest = data.split("\n")
            self._emit(first)
            for line in rest:
                self._flush()
                self._emit(line)
        else:
            self._emit(_WS.sub(" ", data))

    def text(self) -> str:
        self._flush()
        out: list[str] = []
        lines = self.lines
        for n, (depth, line) in enumerate(lines):
            if not line:  # a blank line is quoted only as deep as both its neighbours
                after = lines[n + 1][0] if n + 1 < len(lines) else 0
                depth = min(depth, lines[n - 1][0] if n else 0, after)
            body = re.sub(r"[ \t\u00a0]+", " ", line).strip()
            depth = min(depth, 10)
            prefix = "> " * depth if body else ">" * depth
            out.append((prefix + body).rstrip())
        return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")


def _same_link(label: str, href: str) -> bool:
    def norm(value: str) -> str:
        value = value.strip().lower()
        value = re.sub(r"^(mailto:|https?://)", "", value)
        return value.removeprefix("www.").rstrip("/")

    return norm(label) == norm(href)


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]{0,20})[^<>]*?(/?)>")
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}
_DROP_RE = re.compile(
    r"<(script|style|title|head|noscript|template|textarea)\b.*?(?:</\1\s*>|$)", re.I | re.S
)
MAX_HTML = 1_000_000  # characters of HTML worth converting
MAX_HTML_DEPTH = 400  # html5ever slows down badly on absurdly deep nesting


def _too_deep(html: str) -> bool:
    depth = 0
    for match in _TAG.finditer(html):
        closing, name, selfclosing = match.groups()
        if closing:
            depth = max(0, depth - 1)
        elif not selfclosing and name.lower() not in _VOID:
            depth += 1
            if depth > MAX_HTML_DEPTH:
                return True
    return False


def _crude_text(html: str) -> str:
    """Absurd markup: drop the dangerous elements and every tag, keep the words."""
    html = _DROP_RE.sub(" ", html)
    html = re.sub(r"<!--.*?(?:-->|$)", " ", html, flags=re.S)
    html = re.sub(r"<[^>]*(?:>|$)", " ", html)
    text = _unescape(html)
    return "\n".join(_WS.sub(" ", line).strip() for line in text.split("\n"))


def html_to_text(html: str) -> str:
    """Readable plain text from untrusted HTML: sanitised with nh3 first (scripts, styles,
    images and event handlers gone; only http/https/mailto links kept), then block
    elements become line breaks, blockquotes become "> " lines and links "text (url)".

    Only the first ``MAX_HTML`` characters are converted; markup nested deeper than
    ``MAX_HTML_DEPTH`` is reduced to its words without structure."""
    html = html[:MAX_HTML].replace("\x00", "")
    if _too_deep(html):
        return _clean_body(_crude_text(html))
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )
    builder = _TextBuilder()
    builder.feed(clean)
    builder.close()
    return _clean_body(builder.text())


# --------------------------------------------------------------------------- quotes

_ON_WROTE = re.compile(r"^\s*On\b.{0,400}\bwrote:\s*$", re.IGNORECASE)
_CN_WROTE = re.compile(r"^\s*(?:在.{0,300}|.{0,300}于.{0,100})写道\s*[:：]\s*$")
_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(?:Original Message|原始邮件|原邮件|回复的原邮件|Reply Message)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_FROM_LINE = re.compile(r"^\s*\*?(?:From|发件人)\s*\*?\s*[:：]", re.IGNORECASE)
_HEADERISH = re.compile(
    r"^\s*\*?(?:Sent|Date|To|Subject|Cc|发送时间|时间|日期|收件人|抄送|主题)\s*\*?\s*[:：]",
    re.IGNORECASE,
)
_RULE = re.compile(r"^\s*(?:_{8,}|-{8,})\s*$")
_MOBILE = re.compile(
    r"^\s*(?:Sent from my [\w .-]{1,40}|Get Outlook for [\w .-]{1,20}|发自我的\S{1,20})\s*$",
    re.IGNORECASE,
)


def split_quoted(text: str) -> tuple[str, str]:
    """(new text, quoted history + signature)."""
    lines = text.split("\n")
    cut = len(lines)
    for i, line in enumerate(lines):
        if i >= cut:
            break
        pair = (line + " " + lines[i + 1]) if i + 1 < len(lines) else line
        if _ON_WROTE.match(line) or _CN_WROTE.match(line) or _SEPARATOR.match(line):
            cut = i
        elif (
            line.strip().startswith("On ")
            and not line.strip().endswith(":")
            and (_ON_WROTE.match(pair))
        ):
            cut = i  # Gmail wraps a long attribution onto two lines
        elif line.rstrip("\r") in {"-- ", "--"} or _MOBILE.match(line):
            cut = i
        elif _FROM_LINE.match(line) and _from_block(lines, i):
            cut = i
            j = i - 1
            while j >= 0 and not lines[j].strip():
                j -= 1
            if j >= 0 and _RULE.match(lines[j]):
                cut = j
    # a trailing block of "> " lines (blank lines allowed) is quoted history
    j = cut
    while j > 0 and (not lines[j - 1].strip() or lines[j - 1].lstrip().startswith(">")):
        j -= 1
    if j < cut and any(line.lstrip().startswith(">") for line in lines[j:cut]):
        cut = j
    new = "\n".join(lines[:cut]).strip("\n")
    quoted = "\n".join(lines[cut:]).strip("\n")
    if not new.strip():
        return text, ""
    return new.rstrip(), quoted


def _from_block(lines: list[str], i: int) -> bool:
    """A "From:"/"发件人:" line followed by more header-like lines (Outlook, Foxmail)."""
    if lines[i].lstrip().lstrip("*").startswith("发件人"):
        return True
    following = [line for line in lines[i + 1 : i + 6] if line.strip()]
    return bool(following) and bool(_HEADERISH.match(following[0]))


# --------------------------------------------------------------------------- the walk


_LINE_RE = re.compile(rb"\r\n|\r|\n")
_BOUNDARY = re.compile(rb"""boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))""", re.I)
_MESSAGE_CT = re.compile(rb"^content-type:[ \t]*message/", re.I | re.M)


_MIME_HEADER = re.compile(rb"^content-[a-z-]{1,30}:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*", re.I | re.M)
_HEAD_END = re.compile(rb"\r?\n\r?\n")
MAX_MIME_HEADER = 8 * 1024  # the email package's Content-* parsers are superlinear
MAX_MIME_PARAMS = 100  # ... in the number of parameters above all
MAX_HEADER_LINES = 5000
MIME_BUDGET_BYTES = 64 * 1024  # over these totals the message is parsed with compat32
MIME_BUDGET_PARAMS = 1000


def _prescan(raw: bytes, max_parts: int) -> bool:
    """Reject, before the ``email`` package spends time on it, a message with too many
    parts, too many header lines or a giant Content-* header. Returns whether the Content-*
    headers are small enough for ``policy.default``'s (superlinear) parsers."""
    end = _HEAD_END.search(raw)
    head = raw[: end.start()] if end else raw
    if head.count(b"\n") > MAX_HEADER_LINES:
        raise Unparseable("too_many_headers", f"more than {MAX_HEADER_LINES} header lines")
    mime_bytes = mime_params = 0
    for match in _MIME_HEADER.finditer(raw):
        mime_bytes += match.end() - match.start()
        mime_params += match.group().count(b";")
        if match.end() - match.start() > MAX_MIME_HEADER:
            raise Unparseable("header_too_long", match.group()[:40].decode("ascii", "replace"))
        if match.group().count(b";") > MAX_MIME_PARAMS:
            raise Unparseable("too_many_params", match.group()[:40].decode("ascii", "replace"))
    boundaries = {a or b for a, b in _BOUNDARY.findall(raw)}
    if len(boundaries) > max_parts:
        raise Unparseable("too_many_parts", f"{len(boundaries)} boundaries")
    count = len(_MESSAGE_CT.findall(raw))
    if boundaries:
        for line in raw.splitlines():
            if line[:2] != b"--":
                continue
            tag = line[2:].rstrip(b" \t")
            if tag in boundaries:
                count += 1
                if count > max_parts:
                    raise Unparseable("too_many_parts", f"more than {max_parts} parts")
    if count > max_parts:
        raise Unparseable("too_many_parts", f"more than {max_parts} parts")
    return mime_bytes <= MIME_BUDGET_BYTES and mime_params <= MIME_BUDGET_PARAMS


def _children(part: email.message.Message) -> list[email.message.Message]:
    if not part.is_multipart():
        return []
    payload = part.get_payload()
    return [p for p in payload if isinstance(p, email.message.Message)] if payload else []


def _check_tree(msg: email.message.Message, max_parts: int, max_depth: int) -> None:
    count = 0
    stack: list[tuple[email.message.Message, int]] = [(msg, 0)]
    while stack:
        part, depth = stack.pop()
        count += 1
        if count > max_parts:
            raise Unparseable("too_many_parts", f"more than {max_parts} parts")
        if depth > max_depth:
            raise Unparseable("too_deep", f"nested deeper than {max_depth}")
        stack.extend((child, depth + 1) for child in _children(part))


class _Walker:
    def __init__(self) -> None:
        self.attachments: list[Attachment] = []
        self.problems: list[str] = []
        self.html_present = False
        self.delivery_status = False

    def attach(self, part: email.message.Message, info: _PartInfo, inline: bool) -> None:
        if info.content_type.startswith("message/") and part.is_multipart():
            data = _message_bytes(part)
        else:
            data = _payload_bytes(part)
        if info.content_type == "message/delivery-status":
            self.delivery_status = True
        index = len(self.attachments) + 1
        name = _safe_filename(info.filename, info.content_type, index)
        self.attachments.append(Attachment(name, info.content_type, data, inline, info.content_id))

    def text_of(self, part: email.message.Message, info: _PartInfo, where: str) -> str:
        data = _payload_bytes(part)
        text, used = decode_bytes(data, info.charset)
        if used:
            self.problems.append(
                f"part {where}: declared {info.charset or 'none'}, decoded as {used}"
            )
        if info.content_type == "text/html":
            self.html_present = True
            return html_to_text(text)
        if info.params.get("format") == "flowed":
            text = _unflow(text, info.params.get("delsp") == "yes")
        return _clean_body(text)

    def body(self, part: email.message.Message, where: str) -> str | None:
        """The readable text of ``part`` (None when it holds none); attachments met on the
        way are collected."""
        return self._body(part, where)[0]

    def _body(
        self, part: email.message.Message, where: str, related: bool = False
    ) -> tuple[str | None, bool]:
        """(text, whether the text came from HTML)."""
        info = _read_info(part, self.problems, where)
        ctype = info.content_type
        children = _children(part)
        if ctype.startswith("message/") or (part.is_multipart() and not ctype.startswith("multi")):
            self.attach(part, info, info.disposition == "inline")
            return None, False
        if not part.is_multipart():
            is_text = ctype in {"text/plain", "text/html"} or ctype.startswith("multipart/")
            if is_text and info.disposition != "attachment" and not info.filename:
                text = self.text_of(part, info, where)
                return text, ctype == "text/html"
            inline = info.disposition == "inline" or (
                not info.disposition and related and info.content_id is not None
            )
            self.attach(part, info, inline)
            return None, False
        if ctype == "multipart/alternative":
            results = [self._body(c, f"{where}.{n}", related) for n, c in enumerate(children, 1)]
            plain = [text for text, html in results if text and text.strip() and not html]
            if plain:
                return plain[0], False
            rich = [(text, html) for text, html in results if text and text.strip()]
            return rich[-1] if rich else (None, False)
        if ctype == "multipart/related" and children:
            root_index = 0
            start = info.params.get("start", "").strip("<>")
            for n, child in enumerate(children):
                if start and _first(child, "content-id").strip().strip("<>") == start:
                    root_index = n
            texts: list[tuple[str | None, bool]] = []
            for n, child in enumerate(children):
                if n == root_index:
                    texts.append(self._body(child, f"{where}.{n + 1}", related))
                else:
                    self._resource(child, f"{where}.{n + 1}")
            return texts[0]
        # mixed, report, signed, digest, unknown: every readable part, in order
        collected: list[tuple[str, bool]] = []
        for n, child in enumerate(children, 1):
            found, html = self._body(child, f"{where}.{n}", related)
            if found and found.strip():
                collected.append((found, html))
        if not collected:
            return None, False
        return "\n\n".join(t for t, _h in collected), all(h for _t, h in collected)

    def _resource(self, part: email.message.Message, where: str) -> None:
        """A non-root part of multipart/related: an inline resource, never body text."""
        info = _read_info(part, self.problems, where)
        if part.is_multipart():
            self._body(part, where, related=True)
            return
        if info.content_type == "text/html":
            self.html_present = True
        self.attach(part, info, info.disposition != "attachment")


def _unflow(text: str, delsp: bool) -> str:
    """RFC 3676 format=flowed: soft line breaks (a trailing space) joined again."""
    out: list[str] = []
    buf = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        if buf and depth != len(buf) - len(buf.lstrip(">")):
            out.append(buf)
            buf = ""
        if line != "-- " and line.endswith(" "):
            piece = line[:-1] if delsp else line
            buf = buf + (piece[depth:] if buf else piece)
            continue
        out.append(buf + (line[depth:] if buf else line))
        buf = ""
    if buf:
        out.append(buf)
    return "\n".join(out)


_EXTENSIONS = {
    "application/pdf": ".pdf",
    "application/zip": ".zip",
    "image/gif": ".gif",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "message/delivery-status": ".txt",
    "message/rfc822": ".eml",
    "text/calendar": ".ics",
    "text/csv": ".csv",
    "text/html": ".html",
    "text/plain": ".txt",
    "text/rfc822-headers": ".txt",
}
_FILENAME_BAD = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')


def _safe_filename(name: str, content_type: str, index: int) -> str:
    name = _single_line(name, 10_000)
    name = re.split(r"[/\\]", name)[-1]
    name = _FILENAME_BAD.sub("_", name).strip().lstrip(".").strip()
    if not name or set(name) <= {".", "_", " "}:
        return f"attachment-{index}{_EXTENSIONS.get(content_type, '.bin')}"
    if len(name) > MAX_FILENAME:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 16 and stem:
            name = stem[: MAX_FILENAME - len(ext) - 1].rstrip() + "." + ext
        else:
            name = name[:MAX_FILENAME].rstrip()
    return name


# --------------------------------------------------------------------------- flags

_AUTO_SUBJECT = re.compile(
    r"^\s*(?:out of (?:the )?office|automatic reply|auto[- ]?reply|auto[- ]?response|"
    r"autoreply|自动回复|自動回覆|自动答复|abwesenheitsnotiz|réponse automatique)",
    re.IGNORECASE,
)


def _auto_submitted(msg: email.message.Message, subject: str) -> bool:
    auto = _single_line(_first(msg, "auto-submitted"), 100).lower()
    if auto and auto.split(";")[0].strip() != "no":
        return True
    for name in ("x-autoreply", "x-autorespond", "x-autogenerated"):
        found = _values(msg, name)
        if found and found[0].strip().lower() not in {"no", "false", "0"}:
            return True
    precedence = _first(msg, "precedence").strip().lower()
    if precedence in {"auto_reply", "auto-reply"}:
        return True
    if _AUTO_SUBJECT.match(subject):
        weak = (
            bool(_values(msg, "x-auto-response-suppress"))
            or bool(precedence)
            or (
                _first(msg, "return-path").strip() in {"<>", ""}
                and bool(_values(msg, "return-path"))
            )
            or bool(_values(msg, "x-ms-exchange-generated-message-source"))
        )
        return weak
    return False


# --------------------------------------------------------------------------- entry point


def parse(
    raw: bytes,
    *,
    max_parts: int = 200,
    max_depth: int = 10,
    max_bytes: int = 25 * 1024 * 1024,
    trusted_authserv_id: str | None = None,
) -> ParsedMail:
    """Parse one raw inbound message. Raises :class:`Unparseable` and nothing else for
    malformed input (a non-bytes argument is a programming error: ``TypeError``)."""
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise TypeError("parse() takes the raw message as bytes")
    raw = bytes(raw)
    size = len(raw)
    if size > max_bytes:
        raise Unparseable("too_large", f"{len(raw)} bytes > {max_bytes}")
    raw = raw.lstrip(b"\r\n")  # some webhooks prepend blank lines
    if not raw.strip():
        raise Unparseable("no_headers", "empty message")
    cheap = _prescan(raw, max_parts)
    msg = _message(raw, cheap)
    if not list(msg.raw_items()):
        raise Unparseable("no_headers", "no header block")
    _check_tree(msg, max_parts, max_depth)
    try:
        return _extract(msg, size, trusted_authserv_id)
    except Unparseable:
        raise
    except RecursionError as exc:
        raise Unparseable("too_deep", "recursion") from exc
    except Exception as exc:
        raise Unparseable("malformed", type(exc).__name__) from exc


def _message(raw: bytes, default_ok: bool) -> email.message.Message:
    """``policy.default`` first; its header parsers raise on some malformed headers (and
    recurse on nested comments), so ``compat32`` gets a second try. Messages with huge
    Content-* headers go straight to ``compat32``."""
    failure: Exception | None = None
    policies = (email.policy.default, email.policy.compat32)
    for policy in policies if default_ok else policies[1:]:
        try:
            return email.message_from_bytes(raw, policy=policy)
        except Exception as exc:
            failure = exc
    if isinstance(failure, RecursionError):
        raise Unparseable("too_deep", "recursion while parsing") from failure
    raise Unparseable("undecodable", type(failure).__name__) from failure


def _extract(msg: email.message.Message, size: int, trusted: str | None) -> ParsedMail:
    problems: list[str] = []
    subject = _single_line(decode_header_text(_first(msg, "subject"), problems, "subject"), 10**6)
    subject = subject[:MAX_SUBJECT].strip()

    from_values = _values(msg, "from")[:1]
    senders = _addresses(from_values)
    from_address, from_name = "", ""
    if senders:
        from_address, display = senders[0]
        from_name = _single_line(decode_header_text(display, problems, "from"), MAX_NAME)
    reply_to = _addresses(_values(msg, "reply-to")[:1])

    references = _ids(" ".join(_values(msg, "references")))
    if len(references) > MAX_REFERENCES:
        references = references[:1] + references[-(MAX_REFERENCES - 1) :]

    walker = _Walker()
    walker.problems = problems
    text = _clean_body(walker.body(msg, "1") or "")
    new, quoted = split_quoted(text) if text else ("", "")

    info = _read_info(msg, problems, "1")
    local = from_address.rpartition("@")[0]
    bounce = (
        info.content_type == "multipart/report"
        and info.params.get("report-type") == "delivery-status"
    ) or local in {"mailer-daemon", "postmaster"}
    bounce = bounce or (walker.delivery_status and info.content_type == "multipart/report")

    precedence = _first(msg, "precedence").strip().lower()
    bulk = precedence in {"bulk", "list", "junk"} or bool(
        _values(msg, "list-unsubscribe") or _values(msg, "list-id")
    )

    return ParsedMail(
        message_id=(_ids(_first(msg, "message-id")) or [""])[0],
        in_reply_to=_ids(" ".join(_values(msg, "in-reply-to")))[:MAX_REFERENCES],
        references=references,
        from_address=from_address,
        from_name=from_name,
        reply_to_address=reply_to[0][0] if reply_to else "",
        to=_address_list(_values(msg, "to")),
        cc=_address_list(_values(msg, "cc")),
        subject=subject,
        date=_date(_first(msg, "date")),
        text=new,
        html_present=walker.html_present,
        quoted=quoted,
        attachments=walker.attachments,
        auto_submitted=_auto_submitted(msg, subject),
        bounce=bounce,
        bulk=bulk,
        authentication=_authentication(_values(msg, "authentication-results"), trusted),
        size=size,
        charset_problems=problems,
    )
