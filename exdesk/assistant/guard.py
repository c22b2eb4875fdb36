"""The sensitive-data guard: finds secrets in a message before anything stores it.

Customers paste seed phrases, private keys, 2FA codes, passwords, card and ID numbers
into support chats, usually because a scammer told them to. ``scan`` finds them and
``mask`` replaces each with a label, so the original is never written anywhere.
``agent_asks_for_secret`` stops an agent (or an impostor with an agent's account) from
asking for them.

Everything here is plain Python over precomputed tables: it runs on every message of
every channel, so it has to cost well under a millisecond (benchmarks/guard.py).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import base58

SEED_PHRASE = "seed_phrase"
PRIVATE_KEY = "private_key"
TWO_FACTOR_CODE = "two_factor_code"
PASSWORD = "password"
CARD_NUMBER = "card_number"
ID_NUMBER = "id_number"
KINDS = (SEED_PHRASE, PRIVATE_KEY, TWO_FACTOR_CODE, PASSWORD, CARD_NUMBER, ID_NUMBER)
# Kinds that put the customer's funds at risk at once: they open a P0 security case.
FUND_SECRETS = {SEED_PHRASE, PRIVATE_KEY, TWO_FACTOR_CODE, PASSWORD}

MNEMONIC_LENGTHS = (24, 21, 18, 15, 12)
# The ten word lists of the BIP39 specification (the package ships a few more).
OFFICIAL_WORDLISTS = (
    "chinese_simplified",
    "chinese_traditional",
    "czech",
    "english",
    "french",
    "italian",
    "japanese",
    "korean",
    "portuguese",
    "spanish",
)


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


# ---------------------------------------------------------------- BIP39 word lists


def _wordlist_dir() -> Path:
    import mnemonic

    return Path(mnemonic.__file__).parent / "wordlist"


def _fold(word: str) -> str:
    """Lower case without accents: people type "abaco" for "ábaco"."""
    # Turkish dotless ı and İ: "AÇIKGÖZ".lower() must meet "açıkgöz".
    decomposed = unicodedata.normalize("NFKD", word.lower().replace("ı", "i"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class _Wordlists:
    languages: tuple[str, ...]
    # folded word -> bit mask of the languages that have it
    masks: dict[str, int]
    # (language index, folded word) -> its index 0..2047
    index: dict[tuple[int, str], int]
    # languages whose words are single CJK characters (written with separators)
    single_character: int


@cache
def wordlists() -> _Wordlists:
    """The official BIP39 word lists (from the ``mnemonic`` package), folded for
    matching."""
    languages = OFFICIAL_WORDLISTS
    masks: dict[str, int] = {}
    index: dict[tuple[int, str], int] = {}
    single = 0
    for number, language in enumerate(languages):
        words = (_wordlist_dir() / f"{language}.txt").read_text("utf-8").split()
        if len(words) != 2048:
            raise ValueError(f"BIP39 list {language} has {len(words)} words")
        if all(len(w) == 1 for w in words):
            single |= 1 << number
        for position, word in enumerate(words):
            folded = _fold(word)
            masks[folded] = masks.get(folded, 0) | 1 << number
            index.setdefault((number, folded), position)
    return _Wordlists(languages, masks, index, single)


def mnemonic_checksum_ok(indexes: list[int]) -> bool:
    """BIP39: the last ``len/3`` bits of the 11-bit indexes are the first bits of the
    SHA-256 of the entropy."""
    n = len(indexes)
    if n not in MNEMONIC_LENGTHS:
        return False
    bits = 0
    for i in indexes:
        bits = bits << 11 | i
    checksum_bits = n // 3
    entropy_bits = n * 11 - checksum_bits
    entropy = (bits >> checksum_bits).to_bytes(entropy_bits // 8, "big")
    expected = hashlib.sha256(entropy).digest()[0] >> (8 - checksum_bits)
    return bits & ((1 << checksum_bits) - 1) == expected


# A word, a CJK character or a digit run; everything else separates.
_TOKEN = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f\u3099\u309a])+|\d+")
_HAN = re.compile(r"[\u3400-\u9fff]")
_SEED_CONTEXT = re.compile(
    r"seed|mnemonic|recovery|phrase|backup words|secret words|wallet words|"
    r"助记词|种子|恢复短语|私钥|钱包|密语|助記詞|注记词",
    re.IGNORECASE,
)


def _tokens(text: str):
    """(start, end, folded token) for words; Han runs split into single characters
    when they are one character long (a list written with separators)."""
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token.isdigit():
            yield match.start(), match.end(), None  # numbering: "1. abandon 2. ability"
            continue
        if _HAN.match(token) and len(token) > 1:
            # Chinese characters run together. A seed written without separators is
            # one Han run of exactly 12..24 characters; handled by _han_run_seeds.
            yield match.start(), match.end(), ""
            continue
        yield match.start(), match.end(), _fold(token)


def _seed_phrases(text: str) -> list[Finding]:
    lists = wordlists()
    findings: list[Finding] = []
    run: list[tuple[int, int, str]] = []
    run_mask = 0

    def close_run() -> None:
        if len(run) >= 12:
            finding = _judge_run(text, run, run_mask)
            if finding:
                findings.append(finding)

    for start, end, word in _tokens(text):
        if word is None:  # numbering does not break a run
            continue
        mask = lists.masks.get(word, 0) if word else 0
        if mask and run_mask & mask:
            run.append((start, end, word))
            run_mask &= mask
            continue
        close_run()
        run, run_mask = ([(start, end, word)], mask) if mask else ([], 0)
    close_run()
    findings.extend(_han_run_seeds(text))
    return findings


def _judge_run(text: str, run: list[tuple[int, int, str]], run_mask: int) -> Finding | None:
    """A run of 12+ list words. A valid checksum is proof. Without one, it is still a
    seed when the words are nearly the whole message, numbered, or talked about as
    one; ordinary prose that happens to use list words is not."""
    lists = wordlists()
    languages = [n for n in range(len(lists.languages)) if run_mask >> n & 1]
    for length in MNEMONIC_LENGTHS:
        for offset in range(len(run) - length + 1):
            window = run[offset : offset + length]
            for language in languages:
                indexes = [lists.index[(language, w)] for _, _, w in window]
                if mnemonic_checksum_ok(indexes):
                    return Finding(SEED_PHRASE, run[0][0], run[-1][1])
    span = text[run[0][0] : run[-1][1]]
    words_in_text = sum(1 for _ in _TOKEN.finditer(text))
    numbered = bool(re.search(r"\d", span))
    if (
        numbered
        or len(run) >= 0.6 * words_in_text
        or _SEED_CONTEXT.search(text)
        or (run_mask & lists.single_character)
    ):
        return Finding(SEED_PHRASE, run[0][0], run[-1][1])
    return None


def _han_run_seeds(text: str) -> list[Finding]:
    """Chinese mnemonics pasted without separators, in a message that talks about
    seeds: 12..24 list characters with a valid checksum that run from right after the
    word for seed ("助记词是……") to the end of the Chinese text. Ordinary Chinese is
    mostly list characters, so a window anywhere else is not looked at: with one in
    sixteen passing the checksum by chance, that would find seeds everywhere."""
    context = list(_SEED_CONTEXT.finditer(text))
    if not context:
        return []
    lists = wordlists()
    chinese = [n for n in range(len(lists.languages)) if lists.single_character >> n & 1]
    findings = []
    for run in re.finditer(r"[\u3400-\u9fff]{12,}", text):
        starts = {
            m.end() + (1 if text[m.end() : m.end() + 1] in ("是", "为", "為") else 0)
            for m in context
            if run.start() <= m.end() < run.end()
        }
        windows = {(s, s + n) for s in starts for n in MNEMONIC_LENGTHS if s + n == run.end()}
        for start, end in sorted(windows, key=lambda w: w[0] - w[1]):
            chars = text[start:end]
            if any(_seed_window_ok(language, chars) for language in chinese):
                findings.append(Finding(SEED_PHRASE, start, end))
                break
    return findings


def _seed_window_ok(language: int, chars: str) -> bool:
    index = wordlists().index
    indexes = [index.get((language, c)) for c in chars]
    return None not in indexes and mnemonic_checksum_ok(indexes)  # type: ignore[arg-type]


# ---------------------------------------------------------------- private keys

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_WIF = re.compile(rf"(?<![{_B58}])[5KL9c][{_B58}]{{50,51}}(?![{_B58}])")
_EXTENDED = re.compile(rf"(?<![{_B58}])[xyzuvtYZUV]prv[{_B58}]{{100,108}}(?![{_B58}])")
_HEX_KEY = re.compile(r"(?<![0-9a-fA-Fx])(?:0x)?[0-9a-fA-F]{64}(?![0-9a-fA-F])")
_KEY_CONTEXT = re.compile(
    r"priv(?:ate)?[\s_-]*key|privkey|secret[\s_-]*key|\bpk\b|私钥|秘钥|密钥|私鑰", re.IGNORECASE
)
_HASH_CONTEXT = re.compile(
    r"tx|hash|transaction|交易|哈希|block|区块|explorer|浏览器", re.IGNORECASE
)


def _base58check(value: str) -> bool:
    try:
        base58.b58decode_check(value)
    except ValueError:
        return False
    return True


def _private_keys(text: str) -> list[Finding]:
    findings = [
        Finding(PRIVATE_KEY, m.start(), m.end())
        for pattern in (_WIF, _EXTENDED)
        for m in pattern.finditer(text)
        if _base58check(m.group()) or pattern is _EXTENDED
    ]
    for m in _HEX_KEY.finditer(text):
        # 64 hex characters are also every EVM and Bitcoin transaction id: a key only
        # when the words just before it call it one.
        before = text[max(0, m.start() - 40) : m.start()]
        key_words = list(_KEY_CONTEXT.finditer(before))
        if key_words and not _HASH_CONTEXT.search(before[key_words[-1].end() :]):
            findings.append(Finding(PRIVATE_KEY, m.start(), m.end()))
    return findings


# ---------------------------------------------------------------- codes and passwords

_CODE_WORDS = (
    r"2fa|two[\s-]*factor|otp|authenticator|google\s*auth\w*|verification\s*code|"
    r"sms\s*code|email\s*code|e-mail\s*code|security\s*code|auth\s*code|\bcode\b|"
    r"验证码|谷歌验证|动态码|安全码|校验码|驗證碼"
)
_CODE_AFTER = re.compile(
    rf"(?<![0-9A-Za-z])(?:{_CODE_WORDS})[^\d\n]{{0,24}}?(?<![0-9A-Za-z])"
    rf"(\d{{3}}[ -]?\d{{3}}|\d{{8}})(?![0-9A-Za-z])",
    re.IGNORECASE,
)
_CODE_BEFORE = re.compile(
    rf"(?<![0-9A-Za-z])(\d{{6}}|\d{{8}})(?![0-9A-Za-z])[^\d\n]{{0,12}}?(?:is|是|为|was)?\s*(?:my|the|我的)?\s*(?:{_CODE_WORDS})",
    re.IGNORECASE,
)
# Numbers that are named as something else are not codes.
_NOT_A_CODE = re.compile(
    r"order|ticket|uid|user\s*id|id\b|订单|工单|单号|用户|编号|amount|金额|block|区块|"
    r"phone|手机|price|价格|\$|usdt|btc|eth",
    re.IGNORECASE,
)
_PASSWORD = re.compile(
    r"(?:password|passwd|passcode|pass\s*word|\bpwd\b|\bpw\b|密码|密碼)"
    r"(?:\s*(?:is|was|are|=|:|：|是|为|為|就是)\s*|\s+)"
    r"[\"'“‘「]?([^\s\"'”’」，。,]{4,64})",
    re.IGNORECASE,
)
# Words that follow "my password is" when the customer describes it, not gives it.
_PASSWORD_NOT_VALUES = frozenset(
    [
        "wrong",
        "correct",
        "incorrect",
        "invalid",
        "not",
        "still",
        "being",
        "changed",
        "expired",
        "reset",
        "locked",
        "working",
        "rejected",
        "blocked",
        "forgotten",
        "forgot",
        "lost",
        "fine",
        "strong",
        "weak",
        "the",
        "this",
        "that",
        "too",
        "very",
        "already",
        "also",
        "same",
        "different",
        "required",
        "correctly",
        "definitely",
        "right",
        "for",
        "reset,",
        "change",
    ]
)


def _codes(text: str) -> list[Finding]:
    findings = []
    for pattern in (_CODE_AFTER, _CODE_BEFORE):
        for m in pattern.finditer(text):
            between = text[max(0, m.start() - 12) : m.end()]
            digits = re.sub(r"\D", "", m.group(1))
            if _NOT_A_CODE.search(between) or len(set(digits)) == 1:
                continue
            findings.append(Finding(TWO_FACTOR_CODE, m.start(1), m.end(1)))
    return findings


def _passwords(text: str) -> list[Finding]:
    findings = []
    for m in _PASSWORD.finditer(text):
        # Sentence punctuation after a word is not part of a password.
        value = m.group(1).rstrip(".!?;)")
        if value.lower() in _PASSWORD_NOT_VALUES or _HAN.search(value) or len(value) < 4:
            continue
        # A description reads as words; a password mixes letters with digits or
        # symbols, or follows an explicit ":" / "=".
        explicit = bool(re.search(r"[:=：]", m.group()))
        if explicit or not value.isalpha():
            findings.append(Finding(PASSWORD, m.start(1), m.start(1) + len(value)))
    return findings


# ---------------------------------------------------------------- cards and IDs

_CARD = re.compile(r"(?<![\w-])(?:\d[ -]?){12,18}\d(?![\w-])")
_CARD_PREFIX = re.compile(r"4|5[1-5]|2[2-7]|3[47]|6011|65|62|35|36|30")


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        d = ord(char) - 48
        if position % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _cards(text: str) -> list[Finding]:
    findings = []
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 13 <= len(digits) <= 19 and _CARD_PREFIX.match(digits) and luhn_ok(digits):
            findings.append(Finding(CARD_NUMBER, m.start(), m.end()))
    return findings


_CN_ID = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?![0-9A-Za-z])"
)
_CN_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CONTEXT = re.compile(
    r"(?:passport(?:\s*(?:number|no\.?|#))?|(?:id\s*card|national\s*id|\bid)\s*(?:number|no\.?|#)|"
    r"\bssn|"
    r"身份证号?码?|护照号?码?|证件号码?)"
    r"\s*(?:is|:|：|是|为)?\s*([A-Za-z0-9]{6,20})",
    re.IGNORECASE,
)


def _cn_id_ok(value: str) -> bool:
    total = sum(int(c) * w for c, w in zip(value[:17], _CN_ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == value[17].upper()


def _ids(text: str) -> list[Finding]:
    findings = [
        Finding(ID_NUMBER, m.start(), m.end())
        for m in _CN_ID.finditer(text)
        if _cn_id_ok(m.group())
    ]
    for m in _ID_CONTEXT.finditer(text):
        if any(c.isdigit() for c in m.group(1)):
            findings.append(Finding(ID_NUMBER, m.start(1), m.end(1)))
    return findings


# ---------------------------------------------------------------- the guard


def scan(text: str) -> list[Finding]:
    """Every secret in ``text``, without overlaps, in order."""
    if not text:
        return []
    found = [
        *_seed_phrases(text),
        *_private_keys(text),
        *_codes(text),
        *_passwords(text),
        *_cards(text),
        *_ids(text),
    ]
    found.sort(key=lambda f: (f.start, -f.end))
    merged: list[Finding] = []
    for finding in found:
        if merged and finding.start < merged[-1].end:
            continue  # inside a secret already found (a seed phrase wins over a code)
        merged.append(finding)
    return merged


@dataclass(frozen=True)
class Masked:
    text: str
    kinds: tuple[str, ...]

    @property
    def found(self) -> bool:
        return bool(self.kinds)

    @property
    def funds_at_risk(self) -> bool:
        return bool(FUND_SECRETS.intersection(self.kinds))


def mask(text: str, labels: dict[str, str] | None = None) -> Masked:
    """``text`` with every secret replaced by ``[label]``. Card numbers keep their last
    four digits, as a receipt does."""
    findings = scan(text)
    if not findings:
        return Masked(text, ())
    labels = labels or {}
    parts: list[str] = []
    last = 0
    for finding in findings:
        parts.append(text[last : finding.start])
        label = labels.get(finding.kind, finding.kind.replace("_", " "))
        if finding.kind == CARD_NUMBER:
            digits = re.sub(r"\D", "", text[finding.start : finding.end])
            label = f"{label} …{digits[-4:]}"
        parts.append(f"[{label}]")
        last = finding.end
    parts.append(text[last:])
    kinds = tuple(dict.fromkeys(f.kind for f in findings))
    return Masked("".join(parts), kinds)


# ---------------------------------------------------------------- agent replies

_SECRET_NOUNS = re.compile(
    r"password|passcode|pass\s*word|2fa|two[\s-]*factor|otp|one[\s-]*time\s*code|"
    r"authenticator\s*code|google\s*auth\w*\s*code|verification\s*code|sms\s*code|"
    r"e-?mail\s*code|security\s*code|confirmation\s*code|\d[\s-]*digit\s*code|"
    r"seed|mnemonic|recovery\s*(?:phrase|words)|"
    r"secret\s*(?:phrase|words)|private\s*key|"
    r"密码|密碼|验证码|驗證碼|谷歌验证|动态码|助记词|助記詞|私钥|私鑰|恢复短语",
    re.IGNORECASE,
)
_REQUEST_CUES = re.compile(
    r"\bsend\b|\bgive\b|\bprovide\b|\bshare\b|\btell\b|\bconfirm\b|\bverify\b|\bneed\b|"
    r"\breply\s+with\b|\btype\b|\bpaste\b|\bforward\b|\bread\s+(?:out|me)\b|"
    r"what\s*(?:'s|is|are)\s+your|let\s+me\s+know|"
    r"提供|发给|发我|发送|发一下|发过来|告诉|告知|报一下|说一下|给我|给一下|输入到|贴出|是多少|是什么",
    re.IGNORECASE,
)
_NEGATIONS = re.compile(
    r"\bnever\b|\bnot\b|\bdon'?t\b|\bdo\s+not\b|\bno\s+one\b|\bnobody\b|\bwon'?t\b|"
    r"\bwill\s+not\b|\bno\b|\bavoid\b|\bwithout\b|"
    r"不要|不会|绝不|从不|切勿|请勿|勿|别|不得|无需|不需要|不用|永远不",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？\n]*")
# Codes and passwords are typed by the customer into the exchange's own app or site
# ("enter the 2FA code in the app to confirm"): that is no request to hand them over.
# Seed phrases and private keys belong nowhere but the customer's wallet: never excused.
_SELF_SERVICE = re.compile(
    r"\b(?:enter|type|input)\b[^.!?]*\b(?:in|on|into)\s+(?:the\s+)?(?:official\s+)?"
    r"(?:app|website|web\s*site|site|login\s+page|withdrawal\s+page|security\s+page)\b|"
    r"\bon\s+(?:that|this|the)\s+(?:same\s+)?(?:page|screen)\b|"
    r"\byourself\b|在(?:官方)?(?:App|APP|app|客户端|网页|页面|官网)(?:上|中|里)?(?:自行)?输入|自行输入",
    re.IGNORECASE,
)
_WALLET_SECRETS = re.compile(
    r"seed|mnemonic|recovery\s*(?:phrase|words)|secret\s*(?:phrase|words)|private\s*key|"
    r"助记词|助記詞|私钥|私鑰|恢复短语",
    re.IGNORECASE,
)


def agent_asks_for_secret(text: str) -> str | None:
    """The sentence in which an agent asks the customer for a password, 2FA code, seed
    phrase or private key, or None. A sentence that warns ("we will never ask for your
    seed phrase") is not a request."""
    for m in _SENTENCE.finditer(text):
        sentence = m.group()
        if (
            _SECRET_NOUNS.search(sentence)
            and _REQUEST_CUES.search(sentence)
            and not _NEGATIONS.search(sentence)
            and not (_SELF_SERVICE.search(sentence) and not _WALLET_SECRETS.search(sentence))
        ):
            return sentence.strip()
    return None
