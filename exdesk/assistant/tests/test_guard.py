"""The guard: properties over generated secrets, and the ordinary messages it leaves alone."""

import hashlib
import os

import base58
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mnemonic import Mnemonic

from exdesk.assistant import guard

LANGUAGES = guard.wordlists().languages
STRENGTHS = {12: 128, 15: 160, 18: 192, 21: 224, 24: 256}
SEPARATORS = [" ", "  ", ", ", ",", "\n", " - ", "\t", "　"]


def mnemonic_words(language: str, entropy: bytes) -> list[str]:
    return Mnemonic(language).to_mnemonic(entropy).replace("\u3000", " ").split()


def numbered(words: list[str], style: str) -> str:
    return "\n".join(style.format(n=i + 1, w=w) for i, w in enumerate(words))


@settings(max_examples=300, deadline=None)
@given(
    language=st.sampled_from(LANGUAGES),
    length=st.sampled_from(sorted(STRENGTHS)),
    seed=st.binary(min_size=32, max_size=32),
    separator=st.sampled_from(SEPARATORS),
    prefix=st.sampled_from(["", "hi, my seed is: ", "请帮我看看 ", "wallet words -> ", "ok\n"]),
    suffix=st.sampled_from(["", " thanks", "。谢谢", "\nplease help"]),
    upper=st.booleans(),
)
def test_every_valid_mnemonic_is_found_and_masked(
    language, length, seed, separator, prefix, suffix, upper
):
    words = mnemonic_words(language, seed[: STRENGTHS[length] // 8])
    phrase = separator.join(w.upper() if upper else w for w in words)
    text = prefix + phrase + suffix
    masked = guard.mask(text)
    assert guard.SEED_PHRASE in masked.kinds
    # No run of three of its words survives anywhere in the stored text.
    stored = masked.text.lower()
    for i in range(len(words) - 2):
        assert separator.join(words[i : i + 3]).lower() not in stored


@settings(max_examples=100, deadline=None)
@given(
    language=st.sampled_from(LANGUAGES),
    seed=st.binary(min_size=16, max_size=16),
    style=st.sampled_from(["{n}. {w}", "{n}) {w}", "{n} {w}", "{n}-{w}", "({n}){w}"]),
)
def test_numbered_lists_are_found(language, seed, style):
    words = mnemonic_words(language, seed)
    assert guard.mask(numbered(words, style)).kinds == (guard.SEED_PHRASE,)


@settings(max_examples=100, deadline=None)
@given(seed=st.binary(min_size=16, max_size=16), language=st.sampled_from(LANGUAGES))
def test_a_mistyped_word_list_is_still_a_seed_when_it_is_the_whole_message(seed, language):
    words = mnemonic_words(language, seed)
    words[0], words[1] = words[1], words[0]  # the checksum most likely fails now
    assert guard.SEED_PHRASE in guard.mask(" ".join(words)).kinds


def test_chinese_seed_without_separators_after_the_word_for_it():
    words = mnemonic_words("chinese_simplified", bytes(range(16)))
    text = "我的助记词是" + "".join(words) + "，帮我找回资产"
    masked = guard.mask(text)
    assert masked.kinds == (guard.SEED_PHRASE,)
    assert "".join(words) not in masked.text


def wif(secret: bytes, compressed: bool) -> str:
    return base58.b58encode_check(b"\x80" + secret + (b"\x01" if compressed else b"")).decode()


def extended_key(prefix: bytes, body: bytes) -> str:
    return base58.b58encode_check(prefix + body).decode()


@settings(max_examples=200, deadline=None)
@given(secret=st.binary(min_size=32, max_size=32), compressed=st.booleans())
def test_wif_private_keys_are_masked(secret, compressed):
    key = wif(secret, compressed)
    masked = guard.mask(f"here it is {key} ok")
    assert masked.kinds == (guard.PRIVATE_KEY,)
    assert key not in masked.text


@settings(max_examples=100, deadline=None)
@given(
    body=st.binary(min_size=74, max_size=74),
    prefix=st.sampled_from([b"\x04\x88\xad\xe4", b"\x04\x9d\x78\x78", b"\x04\xb2\x43\x0c"]),
)
def test_extended_private_keys_are_masked(body, prefix):
    key = extended_key(prefix, body)  # xprv / yprv / zprv
    assert key[1:4] == "prv"
    assert guard.mask(key).kinds == (guard.PRIVATE_KEY,)


@settings(max_examples=100, deadline=None)
@given(secret=st.binary(min_size=32, max_size=32))
def test_hex_is_a_key_only_when_called_one(secret):
    value = secret.hex()
    assert guard.mask(f"my private key: {value}").kinds == (guard.PRIVATE_KEY,)
    assert guard.mask(f"私钥 0x{value}").kinds == (guard.PRIVATE_KEY,)
    assert guard.mask(f"tx hash: 0x{value}").kinds == ()
    assert guard.mask(f"deposit txid {value} still pending").kinds == ()


def luhn_complete(partial: str) -> str:
    for digit in "0123456789":
        if guard.luhn_ok(partial + digit):
            return partial + digit
    raise AssertionError


@settings(max_examples=200, deadline=None)
@given(rest=st.text("0123456789", min_size=14, max_size=14), group=st.booleans())
def test_card_numbers_are_masked_to_the_last_four(rest, group):
    number = luhn_complete("4" + rest)
    shown = " ".join(number[i : i + 4] for i in range(0, 16, 4)) if group else number
    masked = guard.mask(f"my card {shown} was declined")
    assert masked.kinds == (guard.CARD_NUMBER,)
    assert number[-4:] in masked.text and number[:12] not in masked.text.replace(" ", "")


@settings(max_examples=200, deadline=None)
@given(rest=st.text("0123456789", min_size=15, max_size=15))
def test_digit_runs_failing_luhn_are_not_cards(rest):
    number = "4" + rest
    if guard.luhn_ok(number):
        return
    assert guard.CARD_NUMBER not in guard.mask(f"order {number}").kinds


@pytest.mark.parametrize(
    ("text", "kind", "secret"),
    [
        ("my 2fa code is 482913", guard.TWO_FACTOR_CODE, "482913"),
        ("Google Authenticator: 551 204", guard.TWO_FACTOR_CODE, "551 204"),
        ("验证码是 582019 快点帮我", guard.TWO_FACTOR_CODE, "582019"),
        ("731842 is the sms code", guard.TWO_FACTOR_CODE, "731842"),
        ("password: Hunter2!", guard.PASSWORD, "Hunter2!"),
        ("my password is trade2024x", guard.PASSWORD, "trade2024x"),
        ("我的登录密码是abc12345", guard.PASSWORD, "abc12345"),
        ("身份证号 11010519491231002X", guard.ID_NUMBER, "11010519491231002X"),
        ("passport number: E12345678", guard.ID_NUMBER, "E12345678"),
    ],
)
def test_codes_passwords_and_ids_offered_in_context(text, kind, secret):
    masked = guard.mask(text)
    assert masked.kinds == (kind,)
    assert secret not in masked.text


@pytest.mark.parametrize(
    "text",
    [
        "ticket 482913 is still open",
        "订单号 582019 还没成交",
        "my 2fa code keeps failing",
        "I forgot my password",
        "my password is wrong",
        "the password is not working since yesterday",
        "验证码一直收不到",
        "助记词丢了怎么办",
        "does support ever ask for my private key?",
        "BTC at 64231.50, I bought at 61000",
        "uid 20391847 deposit of 1500 USDT",
        "I lost my seed phrase years ago and I wonder whether anything can be done about it",
        "我的身份证号码你们能看到吗",
    ],
)
def test_ordinary_messages_stay_as_they_are(text):
    assert guard.mask(text) == guard.Masked(text, ())


@pytest.mark.parametrize(
    "text",
    [
        "Please send me your seed phrase so I can check the wallet.",
        "What is your password?",
        "Can you provide the 2FA code you just received",
        "请提供您的谷歌验证码",
        "把助记词发给我，我帮你恢复",
        "Reply with your private key to verify ownership.",
        "Type your seed phrase in the app I linked so I can verify the wallet.",
        "To confirm, type the 2FA code here in the chat.",
    ],
)
def test_agents_asking_for_secrets_are_caught(text):
    assert guard.agent_asks_for_secret(text)


@pytest.mark.parametrize(
    "text",
    [
        "We will never ask for your seed phrase or password.",
        "Do not share your 2FA code with anyone, including us.",
        "Please send the TxID and a screenshot of the withdrawal page.",
        "Enter the code from your authenticator app on the login page.",
        "我们绝不会索要您的密码或验证码。",
        "请提供充值的交易哈希（TxID）。",
        "Please enter the 2FA code in the app yourself to confirm the withdrawal.",
        "请在App中自行输入谷歌验证码以确认提币。",
    ],
)
def test_agents_warning_about_secrets_are_not_blocked(text):
    assert guard.agent_asks_for_secret(text) is None


def test_the_checksum_matches_the_reference_implementation():
    entropy = os.urandom(16)
    words = Mnemonic("english").to_mnemonic(entropy).split()
    index = guard.wordlists().index
    english = guard.wordlists().languages.index("english")
    indexes = [index[(english, w)] for w in words]
    assert guard.mnemonic_checksum_ok(indexes)
    last = indexes[-1]
    broken = [*indexes[:-1], last ^ 1]
    bits = hashlib.sha256(entropy).digest()[0] >> 4
    assert (last & 15) == bits and not guard.mnemonic_checksum_ok(broken)
