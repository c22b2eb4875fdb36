"""What can be read from one customer message without a model: its language, its mood,
and the case facts in it (addresses, transaction ids, coins, amounts, networks, UIDs)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache

from exdesk.exchange import addresses

# ---------------------------------------------------------------- language

_HAN = re.compile(r"[\u3400-\u9fff]")
_LETTER = re.compile(r"[^\W\d_]")
# Languages the detector chooses among: the product's two and those traders write most.
_DETECTED = (
    "ENGLISH",
    "CHINESE",
    "JAPANESE",
    "KOREAN",
    "RUSSIAN",
    "SPANISH",
    "FRENCH",
    "GERMAN",
    "PORTUGUESE",
    "TURKISH",
    "VIETNAMESE",
    "INDONESIAN",
    "ARABIC",
)


@cache
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in _DETECTED]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect_language(text: str, default: str = "en") -> str:
    """An ISO code ("zh-hans" for Chinese). Chinese mixed with English words ("USDT
    充值没到账") is Chinese: two Han characters or a fifth of the letters decide it,
    which a statistical detector gets wrong on short lines."""
    letters = _LETTER.findall(text)
    if not letters:
        return default
    han = sum(1 for c in letters if _HAN.match(c))
    if han >= 2 or han / len(letters) >= 0.2:
        return "zh-hans"
    # Addresses, hashes and tickers say nothing about the language.
    words = [w for w in re.findall(r"[^\W\d_]{2,}", text) if len(w) <= 20 and not w.isupper()]
    if len(words) < 2:
        return default
    language = _detector().detect_language_of(" ".join(words))
    if language is None:
        return default
    code = language.iso_code_639_1.name.lower()
    return "zh-hans" if code == "zh" else code


# ---------------------------------------------------------------- mood

_ANGRY = re.compile(
    r"\bscam(?:mers?)?\b|\bfraud\b|\bthie(?:f|ves)\b|\bwtf\b|\bf+u+c+k|\bshit\b|\bridiculous\b|"
    r"\bworst\b|\bunacceptable\b|\bangry\b|\bfurious\b|\bdisgusting\b|\bincompetent\b|"
    r"\bsue\b|\blawyer\b|\bregulator\b|\buseless\b|"
    r"骗子|垃圾|坑人|黑平台|报警|投诉|起诉|太差|气死|恶心|无语|什么破|忽悠|跑路",
    re.IGNORECASE,
)
_PANIC = re.compile(
    r"\burgent\b|\burgently\b|\basap\b|\bemergency\b|\bhelp\s*!|\bplease\s+help\b|"
    r"\ball my (?:money|funds|savings|crypto)\b|\blost everything\b|\bpanic|\bhacked\b|"
    r"\bdrained\b|\bstolen\b|\bdisappeared\b|"
    r"急|救命|怎么办|全没了|全部没了|血本无归|被盗|被黑|不见了|清空|慌",
    re.IGNORECASE,
)


def sentiment(text: str) -> str:
    """ "angry", "panicking" or "neutral", from words and shouting."""
    words = re.findall(r"[A-Za-z]{3,}", text)
    shouting = len(words) >= 3 and sum(w.isupper() for w in words) >= 0.6 * len(words)
    if _PANIC.search(text) or (text.count("!") + text.count("！") >= 3 and not _ANGRY.search(text)):
        return "panicking"
    if _ANGRY.search(text) or shouting:
        return "angry"
    return "neutral"


# ---------------------------------------------------------------- case facts

COINS = {
    "BTC": ("btc", "bitcoin", "比特币", "大饼"),
    "ETH": ("eth", "ether", "ethereum", "以太坊", "以太币", "二饼"),
    "USDT": ("usdt", "tether", "泰达币"),
    "USDC": ("usdc",),
    "BNB": ("bnb",),
    "SOL": ("sol", "solana"),
    "XRP": ("xrp", "ripple", "瑞波币"),
    "TRX": ("trx", "tron", "波场币"),
    "DOGE": ("doge", "dogecoin", "狗狗币"),
    "LTC": ("ltc", "litecoin", "莱特币"),
    "TON": ("ton", "toncoin"),
    "XLM": ("xlm", "stellar", "恒星币"),
    "ATOM": ("atom", "cosmos"),
    "ADA": ("ada", "cardano"),
    "MATIC": ("matic", "pol"),
    "ARB": ("arb",),
    "OP": ("op",),
    "AVAX": ("avax",),
    "DOT": ("dot", "polkadot"),
    "SHIB": ("shib",),
    "PEPE": ("pepe",),
}
NETWORKS = {
    "ERC20": ("erc20", "erc-20", "ethereum network", "以太坊网络", "eth链", "以太坊链"),
    "TRC20": ("trc20", "trc-20", "tron network", "波场", "波场链", "trx链"),
    "BEP20": ("bep20", "bep-20", "bsc", "bnb smart chain", "币安智能链", "bnb chain", "bsc链"),
    "Arbitrum One": ("arbitrum", "arb one", "arb链"),
    "Optimism": ("optimism",),
    "Polygon": ("polygon", "matic network", "polygon链"),
    "Solana": ("solana", "spl", "sol链", "索拉纳"),
    "Bitcoin": ("bitcoin network", "btc network", "segwit", "比特币网络", "btc链"),
    "Lightning": ("lightning", "闪电网络"),
    "TON": ("ton network", "ton链"),
    "Base": ("base network", "base chain", "base链"),
    "Avalanche C-Chain": ("avalanche", "avax c-chain", "c-chain"),
    "XRP Ledger": ("xrp ledger", "xrpl"),
}
# What an address says about its network when the customer names none.
ADDRESS_NETWORK = {
    addresses.BITCOIN: "Bitcoin",
    addresses.EVM: "EVM",
    addresses.TRON: "TRC20",
    addresses.SOLANA: "Solana",
    addresses.XRP: "XRP Ledger",
    addresses.TON: "TON",
    addresses.STELLAR: "Stellar",
    addresses.LITECOIN: "Litecoin",
    addresses.DOGECOIN: "Dogecoin",
    addresses.COSMOS: "Cosmos",
}


def _alias_pattern(table: dict[str, tuple[str, ...]]) -> tuple[re.Pattern, dict[str, str]]:
    lookup = {alias: key for key, aliases in table.items() for alias in aliases}
    alternatives = sorted(lookup, key=len, reverse=True)
    # Latin aliases are whole words; Chinese ones match anywhere.
    pattern = "|".join(
        re.escape(a) if _HAN.search(a) else rf"(?<![A-Za-z0-9]){re.escape(a)}(?![A-Za-z0-9])"
        for a in alternatives
    )
    return re.compile(pattern, re.IGNORECASE), lookup


_COIN_RE, _COIN_OF = _alias_pattern(COINS)
_NETWORK_RE, _NETWORK_OF = _alias_pattern(NETWORKS)
_CANDIDATE = re.compile(r"(?<![A-Za-z0-9])(0x[0-9a-fA-F]{40}|[A-Za-z0-9]{25,90})(?![A-Za-z0-9])")
_TXID = re.compile(r"(?<![0-9a-fA-Fx])((?:0x)?[0-9a-fA-F]{64})(?![0-9a-fA-F])")
_UID = re.compile(
    r"(?:\buid|user\s*id|用户\s*id|用户编号|账户\s*id)\s*[:：#是为]?\s*(\d{5,12})", re.IGNORECASE
)
_MEMO = re.compile(
    r"(?:memo|tag|destination\s*tag|comment|备注|标签)\s*[:：#是为]?\s*([0-9A-Za-z]{1,30})",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"(?<![\dA-Za-z.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(k|w|万|千)?\s*"
    r"([A-Za-z]{2,6}|U|个)?(?![A-Za-z])"
)


@dataclass
class Facts:
    addresses: list[dict] = field(default_factory=list)
    invalid_addresses: list[str] = field(default_factory=list)
    txids: list[str] = field(default_factory=list)
    coins: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    amounts: list[dict] = field(default_factory=list)
    uids: list[str] = field(default_factory=list)
    memos: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}


def _looks_like_address(value: str) -> bool:
    return value.startswith(("0x", "bc1", "ltc1", "cosmos1", "T", "r", "1", "3", "G", "EQ", "UQ"))


def facts(text: str) -> Facts:
    found = Facts()
    txids = {m.group(1) for m in _TXID.finditer(text)}
    found.txids = sorted(txids)
    for m in _CANDIDATE.finditer(text):
        value = m.group(1)
        if value in txids or value.isdigit() or value.isalpha():
            continue
        address = addresses.identify(value)
        if address is not None:
            found.addresses.append({"address": value, "network": address.network})
        elif _looks_like_address(value) and len(value) >= 26:
            found.invalid_addresses.append(value)
    found.coins = list(dict.fromkeys(_COIN_OF[m.group().lower()] for m in _COIN_RE.finditer(text)))
    found.networks = list(
        dict.fromkeys(_NETWORK_OF[m.group().lower()] for m in _NETWORK_RE.finditer(text))
    )
    found.uids = list(dict.fromkeys(m.group(1) for m in _UID.finditer(text)))
    found.memos = list(
        dict.fromkeys(
            m.group(1) for m in _MEMO.finditer(text) if any(c.isdigit() for c in m.group(1))
        )
    )
    not_amounts = {*found.uids, *found.memos}
    for m in _AMOUNT.finditer(text):
        if m.group(1) in not_amounts:
            continue
        unit = (m.group(3) or "").upper()
        coin = "USDT" if unit == "U" else _COIN_OF.get(unit.lower())
        if coin is None:
            continue
        try:
            value = Decimal(m.group(1).replace(",", ""))
        except InvalidOperation:
            continue
        value *= {"K": 1000, "千": 1000, "W": 10000, "万": 10000}.get((m.group(2) or "").upper(), 1)
        found.amounts.append({"value": str(value), "coin": coin})
        if coin not in found.coins:
            found.coins.append(coin)
    return found
