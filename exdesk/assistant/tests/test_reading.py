"""Language, mood and case facts read from single messages."""

import base58
import pytest

from exdesk.assistant import reading
from exdesk.exchange.addresses import eip55

TRON = base58.b58encode_check(b"\x41" + bytes(range(20))).decode()
EVM = "0x" + eip55("52908400098527886e0f7030069857d2e4169ee7")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("USDT充值没到账", "zh-hans"),
        ("我的 BTC withdrawal 还在 pending", "zh-hans"),
        ("where is my deposit, it has been two hours", "en"),
        ("où est mon dépôt, cela fait deux heures", "fr"),
        ("ok", "en"),
        ("12345", "en"),
        (f"deposit to {EVM} please", "en"),
    ],
)
def test_language(text, language):
    assert reading.detect_language(text, default="en") == language


def test_a_short_line_keeps_the_customers_language():
    assert reading.detect_language("ok", default="zh-hans") == "zh-hans"


@pytest.mark.parametrize(
    ("text", "mood"),
    [
        ("WHERE IS MY MONEY YOU SCAMMERS", "angry"),
        ("这是什么垃圾平台，我要投诉", "angry"),
        ("urgent!! all my funds are gone", "panicking"),
        ("救命 我的币全没了", "panicking"),
        ("how long does a withdrawal take?", "neutral"),
    ],
)
def test_mood(text, mood):
    assert reading.sentiment(text) == mood


def test_facts_of_a_deposit_question():
    txid = "0x" + "ab" * 32
    facts = reading.facts(
        f"sent 1,200 USDT on BEP20 to {EVM} txid {txid} uid: 20391847 and 0.5 btc; "
        f"also {TRON} and memo 123456 and a typo 0x52908400098527886E0F7030069857D2E4169Ee7"
    )
    assert facts.addresses == [
        {"address": EVM, "network": "EVM"},
        {"address": TRON, "network": "TRON"},
    ]
    assert facts.invalid_addresses == ["0x52908400098527886E0F7030069857D2E4169Ee7"]
    assert facts.txids == [txid]
    assert facts.networks == ["BEP20"]
    assert facts.uids == ["20391847"] and facts.memos == ["123456"]
    assert {"value": "1200", "coin": "USDT"} in facts.amounts
    assert {"value": "0.5", "coin": "BTC"} in facts.amounts
    assert facts.coins[:2] == ["USDT", "BTC"]


def test_chinese_amounts_and_networks():
    facts = reading.facts("我充了500U到波场，还有2万个TRX")
    assert {"value": "500", "coin": "USDT"} in facts.amounts
    assert facts.networks == ["TRC20"]


def test_no_facts_in_small_talk():
    assert reading.facts("hello, anyone there?").as_dict() == {}
