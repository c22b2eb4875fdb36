"""A hostile corpus of inbound support mail, built in code (no files from the internet).

``CORPUS`` is a list of :class:`Case` (name, raw bytes, a note for people). The expected
parse outcome of every case lives in ``test_parse.py``; the pipeline's end-to-end tests
reuse the raw messages. Names are stable identifiers: do not rename them.

Two cases are large on purpose: "ten_thousand_parts" (~0.6 MB) and "oversized" (just over
the 25 MiB default limit).
"""

from __future__ import annotations

import base64
import quopri
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP

__all__ = ["CORPUS", "Case", "by_name"]


@dataclass(frozen=True)
class Case:
    name: str
    raw: bytes
    note: str


CRLF = b"\r\n"
SUPPORT = "support@exchange.example"


def _headers(**extra: str) -> list[tuple[str, str]]:
    base = [
        ("From", "Alice Customer <alice@customer.example>"),
        ("To", SUPPORT),
        ("Subject", "Withdrawal stuck"),
        ("Date", "Mon, 01 Jan 2024 10:00:00 +0800"),
        ("Message-ID", "<m1@customer.example>"),
    ]
    names = {k.lower().replace("_", "-") for k in extra}
    out = [(k, v) for k, v in base if k.lower() not in names]
    out += [(k.replace("_", "-"), v) for k, v in extra.items() if v is not None]
    return out


def raw_message(headers: list[tuple[str, str]], body: bytes, *, sep: bytes = CRLF) -> bytes:
    """Literal bytes: headers exactly as given (values are UTF-8 encoded), then body."""
    head = sep.join(f"{k}: {v}".encode() for k, v in headers)
    return head + sep + sep + body


def simple(
    body: str | bytes, *, charset: str | None = "utf-8", cte: str = "8bit", **h: str
) -> bytes:
    """A single text/plain message with the body encoded by ``cte``."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    if cte == "base64":
        data = base64.encodebytes(data).replace(b"\n", CRLF)
    elif cte == "quoted-printable":
        data = quopri.encodestring(data).replace(b"\n", CRLF)
    ctype = "text/plain" + (f"; charset={charset}" if charset else "")
    extra = {"MIME-Version": "1.0", "Content-Type": ctype, "Content-Transfer-Encoding": cte}
    return raw_message(_headers(**{**extra, **h}), data)


def _part(ctype: str, data: bytes, *headers: str, cte: str = "base64") -> bytes:
    if cte == "base64":
        data = base64.encodebytes(data).replace(b"\n", CRLF)
    head = [f"Content-Type: {ctype}", f"Content-Transfer-Encoding: {cte}", *headers]
    return CRLF.join(h.encode() for h in head) + CRLF + CRLF + data


def multipart(subtype: str, parts: list[bytes], boundary: str, params: str = "") -> bytes:
    """The body of a multipart entity (preamble-free), parts separated by ``boundary``."""
    b = boundary.encode()
    out = b""
    for part in parts:
        out += b"--" + b + CRLF + part + CRLF
    return out + b"--" + b + b"--" + CRLF


def multipart_message(
    subtype: str, parts: list[bytes], boundary: str = "b1", params: str = "", **h: str
) -> bytes:
    ctype = f'multipart/{subtype}; boundary="{boundary}"{params}'
    headers = _headers(**{"MIME-Version": "1.0", "Content-Type": ctype, **h})
    return raw_message(headers, multipart(subtype, parts, boundary))


def _nested(subtype: str, parts: list[bytes], boundary: str, params: str = "") -> bytes:
    head = f'Content-Type: multipart/{subtype}; boundary="{boundary}"{params}'.encode()
    return head + CRLF + CRLF + multipart(subtype, parts, boundary)


def _text(body: str, subtype: str = "plain", charset: str = "utf-8", cte: str = "8bit") -> bytes:
    data = body.encode(charset)
    if cte == "quoted-printable":
        data = quopri.encodestring(data).replace(b"\n", CRLF)
        return _part(f"text/{subtype}; charset={charset}", data, cte=cte)
    return _part(f"text/{subtype}; charset={charset}", data, cte=cte)


# a 1x1 PNG and a fake Windows executable
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
GMAIL_QUOTE = "On Mon, Jan 1, 2024 at 10:00 AM Exchange Support <support@exchange.example> wrote:"


def _email_message() -> bytes:
    """Built with the email package: alternative text+html, an attachment, an inline image."""
    msg = EmailMessage()
    msg["From"] = "Bob Trader <bob@trader.example>"
    msg["To"] = SUPPORT
    msg["Subject"] = "KYC documents"
    msg["Message-ID"] = "<kyc-1@trader.example>"
    msg["Date"] = "Tue, 02 Jan 2024 09:30:00 +0000"
    msg.set_content("Here are my documents.\n")
    msg.add_alternative(
        '<html><body><p>Here are my <b>documents</b>.</p><img src="cid:logo1"></body></html>',
        subtype="html",
    )
    msg.get_payload()[1].add_related(PNG, "image", "png", cid="<logo1>", filename="logo.png")
    msg.add_attachment(b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="id.pdf")
    return msg.as_bytes(policy=SMTP)


def _ten_thousand_parts() -> bytes:
    part = b"Content-Type: text/plain\r\n\r\nx\r\n"
    body = b"".join(b"--many\r\n" + part for _ in range(10_000)) + b"--many--\r\n"
    head = _headers(**{"Content-Type": 'multipart/mixed; boundary="many"'})
    return raw_message(head, body)


def _deep(levels: int) -> bytes:
    inner = _text("deep inside")
    for level in range(levels, 0, -1):
        inner = _nested("mixed", [inner], f"deep{level}")
    head = raw_message(_headers(**{"MIME-Version": "1.0"}), b"")
    return head[: -len(CRLF)] + inner  # the innermost Content-Type is the message's own


def _dsn() -> bytes:
    human = _text("This is the mail system at host mx.exchange.example.\n\nI'm sorry...")
    status = (
        b"Content-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.exchange.example\r\n\r\n"
        b"Final-Recipient: rfc822; nobody@gone.example\r\nAction: failed\r\nStatus: 5.1.1\r\n"
    )
    original = b"Content-Type: text/rfc822-headers\r\n\r\nFrom: support@exchange.example\r\n"
    return multipart_message(
        "report",
        [human, status, original],
        boundary="dsn",
        params="; report-type=delivery-status",
        From="MAILER-DAEMON@mx.exchange.example (Mail Delivery System)",
        Subject="Undelivered Mail Returned to Sender",
        Auto_Submitted="auto-replied",
    )


def _cases() -> list[Case]:
    c: list[Case] = []

    def add(name: str, raw: bytes, note: str) -> None:
        c.append(Case(name, raw, note))

    # -- structure --------------------------------------------------------------------
    add("plain_utf8", simple("Hello, my BTC withdrawal is pending.\n"), "the simplest case")
    add(
        "alternative",
        multipart_message(
            "alternative",
            [_text("Plain version.\n"), _text("<p>HTML <b>version</b>.</p>", "html")],
        ),
        "multipart/alternative: text/plain wins, html_present",
    )
    add(
        "html_only",
        multipart_message(
            "alternative", [_text("<div>Only <i>HTML</i> here</div><p>Second</p>", "html")]
        ),
        "no text/plain: the HTML is converted",
    )
    add("email_package_mixed", _email_message(), "built by EmailMessage: related + attachment")
    add(
        "attachments",
        multipart_message(
            "mixed",
            [
                _text("See attached.\n"),
                _part(
                    "application/pdf",
                    b"%PDF-1.4 statement",
                    'Content-Disposition: attachment; filename="statement.pdf"',
                ),
                _part(
                    "text/csv; name=trades.csv",
                    b"a,b\n1,2\n",
                    "Content-Disposition: attachment",
                ),
                _part("application/octet-stream", b"\x00\x01", "Content-Disposition: attachment"),
            ],
        ),
        "three attachments, one without any filename",
    )
    add(
        "inline_image_cid",
        multipart_message(
            "related",
            [
                _text('<p>Screenshot:</p><img src="cid:shot@x">', "html"),
                _part("image/png", PNG, "Content-ID: <shot@x>", "Content-Disposition: inline"),
            ],
            params='; type="text/html"',
        ),
        "inline image with Content-ID inside multipart/related",
    )
    add(
        "attachment_path_filename",
        multipart_message(
            "mixed",
            [
                _text("file\n"),
                _part(
                    "application/pdf",
                    b"%PDF",
                    'Content-Disposition: attachment; filename="..\\\\..\\\\windows/sys\x01tem32/'
                    + "a" * 300
                    + '.pdf"',
                ),
            ],
        ),
        "filename with path parts, a control character and 300+ characters",
    )
    add(
        "exe_as_png",
        multipart_message(
            "mixed",
            [
                _text("Please see my invoice.\n"),
                _part("image/png", EXE, 'Content-Disposition: attachment; filename="invoice.png"'),
            ],
        ),
        "a PE executable named invoice.png: the parser keeps the declared type; the "
        "attachment rules elsewhere reject it by content (magic bytes)",
    )
    add(
        "rfc2231_filename",
        multipart_message(
            "mixed",
            [
                _text("中文附件\n"),
                _part(
                    "application/pdf",
                    b"%PDF",
                    "Content-Disposition: attachment;"
                    " filename*=UTF-8''%E5%AF%B9%E8%B4%A6%E5%8D%95.pdf",
                ),
                _part(
                    'application/pdf; name="=?GB2312?B?zsTKxA==?=.pdf"',
                    b"%PDF",
                    "Content-Disposition: attachment",
                ),
            ],
        ),
        "RFC 2231 UTF-8 filename and an RFC 2047 GB2312 name (Outlook/Foxmail style)",
    )

    # -- charsets -----------------------------------------------------------------------
    cn = "您好，我的USDT提现三天了还没有到账，请帮忙查询。\n"
    gbk_only = "您好，提现未到账。镕\n"  # 镕 is in GBK but not in GB2312
    add("gb2312_base64", simple(cn.encode("gbk"), charset="gb2312", cte="base64"), "GB2312 base64")
    add(
        "gb2312_with_gbk_chars",
        simple(gbk_only.encode("gbk"), charset="gb2312", cte="quoted-printable"),
        "declared gb2312, contains a GBK-only character: decoded as GB18030",
    )
    add("gbk_qp", simple(cn.encode("gbk"), charset="GBK", cte="quoted-printable"), "GBK QP")
    add(
        "gb18030_base64",
        simple("提现𠮷\n".encode("gb18030"), charset="gb18030", cte="base64"),
        "GB18030 with a four-byte character",
    )
    add(
        "big5_base64",
        simple("您好，請問我的提款何時到帳？\n".encode("big5"), charset="big5", cte="base64"),
        "traditional Chinese in Big5",
    )
    add(
        "big5_hkscs",
        simple("香港用戶：嘅\n".encode("big5hkscs"), charset="big5", cte="base64"),
        "declared big5 but uses an HKSCS character: big5hkscs fallback",
    )
    add("utf8_qp", simple(cn, cte="quoted-printable"), "UTF-8 quoted-printable")
    add(
        "wrong_charset",
        simple(cn.encode("gbk"), charset="utf-8", cte="base64"),
        "declared utf-8, really GBK: recorded in charset_problems",
    )
    add(
        "missing_charset",
        simple(cn.encode("gbk"), charset=None, cte="8bit"),
        "no charset parameter, 8-bit GBK body",
    )
    add(
        "unknown_charset",
        simple(cn, charset="x-no-such-charset", cte="base64"),
        "an unknown charset name",
    )
    add(
        "latin1_declared_utf8_body",
        simple("Grüße aus München\n", charset="iso-8859-1", cte="quoted-printable"),
        "declared ISO-8859-1 but the body is UTF-8",
    )
    add(
        "rfc2047_subject_and_name",
        simple(
            "body\n",
            From="=?GB2312?B?1cXI/Q==?= <zhangsan@qq.example>",
            Subject="=?UTF-8?B?5o+Q546w?= =?UTF-8?B?6Zeu6aKY?= (=?gbk?Q?=D6=D0=CE=C4?=)",
        ),
        "encoded words: adjacent ones joined, GB2312 name, GBK in Q encoding",
    )
    add(
        "rfc2047_split_multibyte",
        simple(
            "body\n",
            # "提现" in UTF-8, split in the middle of the first character across two words
            Subject="=?utf-8?Q?=E6=8F?= =?utf-8?Q?=90=E7=8E=B0?=",
        ),
        "a UTF-8 character split across two adjacent encoded words",
    )
    add(
        "rfc2047_wrong_charset",
        simple(
            "body\n", Subject="=?us-ascii?B?" + base64.b64encode("提现".encode()).decode() + "?="
        ),
        "an encoded word declaring us-ascii that holds UTF-8",
    )
    add(
        "raw_8bit_subject",
        raw_message(
            [("From", "a@b.example"), ("Content-Type", "text/plain; charset=gbk")], b"x\r\n"
        ).replace(b"From:", "Subject: 提现问题".encode("gbk") + b"\r\nFrom:", 1),
        "an unencoded GBK subject (raw 8-bit header bytes)",
    )

    # -- header injection and address tricks ---------------------------------------------
    add(
        "subject_injection_encoded",
        simple("hi\n", Subject="=?utf-8?Q?hello=0D=0ABcc:_victim@evil.example?="),
        "encoded CR/LF in the subject must not survive",
    )
    add(
        "subject_injection_raw_bcc",
        raw_message(_headers(), b"hi\r\n").replace(
            b"Subject: Withdrawal stuck",
            b"Subject: hello\r\nBcc: victim@evil.example\r\nX-Injected: 1",
        ),
        "a raw CRLF + Bcc line: it is just another header, never a recipient we report",
    )
    add(
        "subject_control_chars",
        simple(
            "hi\n",
            Subject="=?utf-8?B?"
            + base64.b64encode(b"a\x00b\x1b[31mc\xe2\x80\xaed").decode()
            + "?=",
        ),
        "NUL, ESC and an RTL override in the subject",
    )
    add(
        "forged_display_name",
        simple("please send funds\n", From='"support@exchange.example" <evil@bad.example>'),
        "display name pretends to be support; the address is evil@bad.example",
    )
    add(
        "several_from",
        simple("hi\n", From="First <first@a.example>, second@b.example"),
        "From with two addresses: the first one only",
    )
    add("no_from", raw_message([("Subject", "no sender"), ("To", SUPPORT)], b"hi\r\n"), "no From")
    add(
        "no_message_id",
        raw_message([("From", "a@b.example"), ("Subject", "no id")], b"hi\r\n"),
        "no Message-ID header",
    )
    add(
        "threading_headers",
        simple(
            "follow-up\n",
            In_Reply_To="<t1@exchange.example>",
            References=" ".join(f"<r{i}@x.example>" for i in range(80)) + " <" + "x" * 300 + "@y>",
        ),
        "80 references plus one over-long id",
    )

    # -- broken MIME --------------------------------------------------------------------
    add(
        "missing_boundary",
        raw_message(
            _headers(**{"Content-Type": "multipart/mixed"}), b"Just text, no boundary.\r\n"
        ),
        "multipart without a boundary parameter",
    )
    add(
        "unterminated_multipart",
        raw_message(
            _headers(**{"Content-Type": 'multipart/mixed; boundary="u"'}),
            b"--u\r\nContent-Type: text/plain\r\n\r\nStill readable.\r\n--u\r\n"
            b"Content-Type: application/pdf\r\n\r\n%PDF-trunc",
        ),
        "no closing boundary",
    )
    add(
        "garbage_headers",
        b"From: x@y.example\r\nThis is not a header\r\n\x01\x02: \xff\xfe\r\n"
        b"Subject: =?utf-8?B?!!!notbase64?=\r\nContent-Type: text/plain; charset=\r\n"
        b"Date: yesterday-ish\r\n\r\nbody survives\r\n",
        "garbage header lines, a broken encoded word, an empty charset, a bad date",
    )
    add(
        "nul_bytes",
        simple(b"before\x00after\r\nsecond\x00line\r\n", charset="utf-8", Subject="nul\x00here"),
        "NUL bytes in body and headers",
    )
    add(
        "bad_base64",
        simple(b"", cte="base64").replace(b"\r\n\r\n", b"\r\n\r\n5L2g5aW9!!!\r\n@@@\r\n5L2g5a", 1),
        "base64 with junk characters and missing padding",
    )
    add(
        "malformed_content_type_params",
        raw_message(
            _headers(
                **{
                    "Content-Type": "text/plain; charset*0*=utf-8''%E4; charset*1=\"x; name=\"a",
                    "Content-Disposition": "attachment; filename*=bogus''%%%",
                }
            ),
            b"odd params\r\n",
        ),
        "broken RFC 2231 continuations in Content-Type and Content-Disposition",
    )
    add("ten_thousand_parts", _ten_thousand_parts(), "must raise too_many_parts in < 1 s")
    add("deep_nesting", _deep(40), "40 nested multiparts: too_deep")
    add(
        "oversized",
        raw_message(_headers(), b"x" * (25 * 1024 * 1024 + 1)),
        "one byte over the 25 MiB default limit: too_large",
    )
    add(
        "long_lines",
        simple(("word " * 40_000) + "\n", Subject="s" * 5000),
        "a 200 kB line and a 5000-character subject",
    )
    add(
        "bare_lf",
        b"From: lf@unix.example\nSubject: bare LF\nContent-Type: text/plain\n\n"
        b"line one\nline two\n",
        "LF line endings",
    )

    # -- HTML -----------------------------------------------------------------------------
    add(
        "hostile_html",
        multipart_message(
            "alternative",
            [
                _text(
                    "<html><head><style>body{background:url(http://tracker.example/bg)}</style>"
                    "<title>T</title></head><body>"
                    "<p onclick=\"steal()\">Hello <script>alert('x')</script>agent</p>"
                    '<img src="http://tracker.example/pixel.gif?u=1" width=1 height=1>'
                    '<img src=x onerror="alert(2)">'
                    '<a href="javascript:alert(3)">click me</a> '
                    '<a href="https://evil.example/login">https://exchange.example/login</a> '
                    '<a href="https://exchange.example/faq">https://exchange.example/faq</a>'
                    '<div style="color:red">styled</div><iframe src="https://evil.example"></iframe>'
                    "</body></html>",
                    "html",
                    cte="quoted-printable",
                ),
            ],
        ),
        "scripts, handlers, javascript: links, tracking pixels, CSS, a misleading link",
    )

    # -- automatic mail -----------------------------------------------------------------
    add("auto_submitted", simple("I am away.\n", Auto_Submitted="auto-replied"), "RFC 3834")
    add("x_autoreply", simple("Away.\n", X_Autoreply="yes"), "X-Autoreply header")
    add(
        "auto_reply_chinese",
        simple("我正在休假。\n", Subject="自动回复: 提现问题", Auto_Submitted="auto-replied"),
        "Chinese auto-reply subject with Auto-Submitted",
    )
    add(
        "ooo_subject_with_suppress",
        simple("Away\n", Subject="Automatic reply: Withdrawal", X_Auto_Response_Suppress="All"),
        "Outlook auto-reply: subject plus X-Auto-Response-Suppress",
    )
    add(
        "ooo_subject_only",
        simple("I was out of office, now back. My deposit is missing!\n", Subject="Out of office"),
        "a human who wrote 'Out of office' as a subject: the subject alone is not enough",
    )
    add("dsn_bounce", _dsn(), "multipart/report; report-type=delivery-status")
    add(
        "bulk_newsletter",
        simple(
            "Our weekly news\n",
            Precedence="bulk",
            List_Unsubscribe="<mailto:unsub@news.example>",
            List_Id="<news.example>",
        ),
        "Precedence: bulk and List-Unsubscribe",
    )

    # -- authentication -----------------------------------------------------------------
    add(
        "auth_first_wins",
        raw_message(
            [
                (
                    "Authentication-Results",
                    "mx.exchange.example; spf=pass smtp.mailfrom=bad.example;"
                    " dkim=none; dmarc=fail (p=reject) header.from=exchange.example",
                ),
                ("Authentication-Results", "mx.exchange.example; spf=pass; dkim=pass; dmarc=pass"),
                *_headers(From="Exchange <support@exchange.example>"),
            ],
            b"Please verify your wallet.\r\n",
        ),
        "dmarc=fail from our MTA on top; a spoofed 'pass' header below it",
    )
    add(
        "auth_foreign_authserv",
        raw_message(
            [
                ("Authentication-Results", "evil.example; spf=pass; dkim=pass; dmarc=pass"),
                (
                    "Authentication-Results",
                    "mx.exchange.example 1; spf=softfail (x; y)"
                    " smtp.mailfrom=a; dkim=permerror; dmarc=temperror",
                ),
                *_headers(),
            ],
            b"hi\r\n",
        ),
        "first header from a foreign authserv-id; ours is second",
    )

    # -- quoted replies -----------------------------------------------------------------
    add(
        "reply_gmail_en",
        simple(f"Thanks, it arrived.\n\n{GMAIL_QUOTE}\n\n> Your withdrawal was sent.\n> Regards\n"),
        "Gmail English attribution",
    )
    add(
        "reply_gmail_wrapped",
        simple(
            "Still nothing.\n\nOn Mon, Jan 1, 2024 at 10:00 AM Exchange Support <\n"
            "support@exchange.example> wrote:\n\n> Please wait.\n"
        ),
        "Gmail attribution wrapped onto two lines",
    )
    add(
        "reply_gmail_zh",
        simple(
            "好的，谢谢。\n\n"
            "Exchange Support <support@exchange.example> 于2024年1月1日周一 10:00写道：\n\n"
            "> 您的提现已发出。\n"
        ),
        "Gmail Chinese attribution (于…写道：)",
    )
    add(
        "reply_apple_zh",
        simple(
            "收到。\n\n"
            "在 2024年1月1日，10:00，Exchange Support <support@exchange.example> 写道：\n\n"
            "> 请稍候。\n"
        ),
        "Apple Mail Chinese attribution (在…写道：)",
    )
    add(
        "reply_apple_en",
        simple(
            "Got it.\n\nSent from my iPhone\n\n"
            "> On Jan 1, 2024, at 10:00, Exchange Support <support@exchange.example> wrote:\n"
            "> \n> Done.\n"
        ),
        "Apple Mail iOS: mobile signature then a quoted attribution",
    )
    add(
        "reply_outlook_en",
        multipart_message(
            "alternative",
            [
                _text(
                    "Which address?\n\n________________________________\n"
                    "From: Exchange Support <support@exchange.example>\n"
                    "Sent: Monday, January 1, 2024 10:00 AM\nTo: Alice\n"
                    "Subject: RE: Withdrawal\n\nPlease send the address.\n",
                    cte="quoted-printable",
                ),
                _text("<p>Which address?</p>", "html"),
            ],
        ),
        "Outlook English header block after an underscore rule",
    )
    add(
        "reply_outlook_zh",
        simple(
            "地址是 0xabc\n\n-----原始邮件-----\n"
            "发件人: Exchange Support <support@exchange.example>\n"
            "发送时间: 2024年1月1日 10:00\n收件人: 张三\n主题: 回复: 提现\n\n请提供地址。\n",
        ),
        "Outlook Chinese: -----原始邮件----- and 发件人:",
    )
    add(
        "reply_qq_mail",
        simple(
            "已经重新提交了。\n\n\n------------------ 原始邮件 ------------------\n"
            '发件人: "Exchange Support"<support@exchange.example>;\n'
            "发送时间: 2024年1月1日(星期一) 上午10:00\n"
            '收件人: "张三"<zhangsan@qq.example>;\n主题: 回复: 提现\n\n请重新提交。\n'
        ),
        "QQ Mail style separator",
    )
    add(
        "reply_foxmail",
        simple(
            "好的\n\n \n发件人： Exchange Support\n发送时间： 2024-01-01 10:00\n"
            "收件人： zhangsan\n主题： Re: 提现\n\n请稍等\n"
        ),
        "Foxmail style block with full-width colons",
    )
    add(
        "reply_gmail_html",
        multipart_message(
            "alternative",
            [
                _text(
                    '<div dir="ltr">New answer from HTML.</div><br>'
                    '<div class="gmail_quote"><div class="gmail_attr">'
                    + GMAIL_QUOTE.replace("<", "&lt;").replace(">", "&gt;")
                    + "<br></div>"
                    '<blockquote class="gmail_quote">Old message text</blockquote></div>',
                    "html",
                )
            ],
        ),
        "HTML-only Gmail reply: blockquote becomes '> ' lines and is split off",
    )
    add(
        "signature",
        simple("My account is locked.\n\n-- \nAlice Customer\nCEO, Example Ltd\n"),
        "a standard '-- ' signature",
    )
    add(
        "only_quote",
        simple("> just a quote\n> nothing else\n"),
        "splitting would leave nothing: everything stays in text",
    )
    return c


CORPUS: list[Case] = _cases()


def by_name(name: str) -> Case:
    for case in CORPUS:
        if case.name == name:
            return case
    raise KeyError(name)
