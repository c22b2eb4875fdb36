"""The case library's anonymiser: no e-mail, phone, UID, wallet address or TxID of the
source survives, in English or Chinese text (property-based), and the same value gets the
same placeholder throughout a case."""

import base58
from hypothesis import given, settings
from hypothesis import strategies as st

from exdesk.academy.anonymise import Anonymiser, names_of
from exdesk.exchange import addresses

LOCAL = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=2, max_size=12)
DOMAIN = st.sampled_from(["gmail.com", "qq.com", "163.com", "mail.example.co.uk", "proton.me"])
emails = st.builds(
    lambda a, sep, b, d: f"{a}{sep}{b}@{d}",
    LOCAL,
    st.sampled_from(["", ".", "_", "+"]),
    LOCAL,
    DOMAIN,
)
digits = lambda n: st.text("0123456789", min_size=n, max_size=n)  # noqa: E731
phones = st.one_of(
    st.builds(
        lambda a, b, c: f"+86 1{a} {b} {c}",
        st.sampled_from(["38", "59", "86", "37"]),
        digits(4),
        digits(4),
    ),
    st.builds(lambda a, b: f"1{a}{b}", st.sampled_from(["38", "59", "86", "37"]), digits(8)),
    st.builds(lambda a, b: f"+44 20 {a} {b}", digits(4), digits(4)),
    st.builds(lambda a: f"+1 415-555-{a}", digits(4)),
)
uids = st.integers(min_value=100_000, max_value=999_999_999_999).map(str)
payloads = st.binary(min_size=20, max_size=20)
wallet_addresses = st.one_of(
    payloads.map(lambda p: "0x" + addresses.eip55(p.hex())),
    payloads.map(lambda p: base58.b58encode_check(b"\x41" + p).decode()),
    payloads.map(lambda p: addresses.segwit_encode("bc", 0, p)),
)
txids = st.builds(
    lambda prefix, h: prefix + h,
    st.sampled_from(["", "0x"]),
    st.text("0123456789abcdef", min_size=64, max_size=64),
)
FILLER_EN = st.sampled_from(
    ["Hello.", "It has not arrived yet.", "I sent 150 USDT on TRC20.", "Please help!", ""]
)
FILLER_ZH = st.sampled_from(
    ["你好。", "还没到账。", "我用 TRC20 转了 150 USDT。", "麻烦尽快处理！", ""]
)

TEMPLATES = {
    # Chinese runs straight into the value, without a space, as people write it.
    "email": ["My e-mail is {v}.", "邮箱{v}，谢谢", "write to {v} please"],
    "phone": ["Call me on {v}.", "电话{v}一直没人接", "my phone: {v}"],
    "uid": ["My UID is {v}.", "账号{v}登不上", "uid {v}"],
    "address": ["I sent it to {v}.", "转到了{v}。", "address {v}"],
    "txid": ["TxID {v}", "交易哈希是{v}。", "hash: {v}"],
}


def survives(kind: str, value: str, template: int, before: str, after: str) -> bool:
    text = f"{before} {TEMPLATES[kind][template].format(v=value)} {after}"
    out, _made = Anonymiser().text(text)
    return value in out or value.removeprefix("0x") in out


TEMPLATE = st.integers(min_value=0, max_value=2)
FILLER = st.one_of(FILLER_EN, FILLER_ZH)


@settings(max_examples=150, deadline=None)
@given(emails, TEMPLATE, FILLER, FILLER)
def test_no_email_survives(value, template, before, after):
    assert not survives("email", value, template, before, after)


@settings(max_examples=150, deadline=None)
@given(phones, TEMPLATE, FILLER, FILLER)
def test_no_phone_number_survives(value, template, before, after):
    assert not survives("phone", value, template, before, after)


@settings(max_examples=150, deadline=None)
@given(uids, TEMPLATE, FILLER, FILLER)
def test_no_uid_survives(value, template, before, after):
    assert not survives("uid", value, template, before, after)


@settings(max_examples=150, deadline=None)
@given(wallet_addresses, TEMPLATE, FILLER, FILLER)
def test_no_wallet_address_survives(value, template, before, after):
    assert not survives("address", value, template, before, after)


@settings(max_examples=150, deadline=None)
@given(txids, TEMPLATE, FILLER, FILLER)
def test_no_txid_survives(value, template, before, after):
    assert not survives("txid", value, template, before, after)


def test_the_same_value_has_the_same_placeholder_throughout_a_case():
    case = Anonymiser(names=names_of("Daniel Okafor"), known_uids=["40718265"])
    first, _ = case.text("Hi, I'm Daniel Okafor, UID 40718265, daniel@example.com.")
    second, _ = case.text("Daniel, is 40718265 your account? Write to DANIEL@example.com.")
    assert first == "Hi, I'm [NAME-1], UID [UID-1], [EMAIL-1]."
    assert second == "[NAME-2], is [UID-1] your account? Write to [EMAIL-1]."


def test_what_identifies_nobody_stays():
    text = (
        "I sent 150 USDT on TRC20 at 09:40 on 2026-12-01; the fee was 1 USDT (12/20 confirmations)."
    )
    out, made = Anonymiser().text(text)
    assert out == text and made == []


def test_masked_secrets_stay_masked():
    text = "My seed phrase is [seed phrase removed] and my UID is 12345678."
    out, _ = Anonymiser().text(text)
    assert out == "My seed phrase is [seed phrase removed] and my UID is [UID-1]."
