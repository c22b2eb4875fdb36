"""Text to search terms, the same way at index and query time.

Chinese is segmented by jieba in search mode (a long word also yields its parts:
谷歌验证器 → 谷歌, 验证, 验证器, 谷歌验证器), with the trade's words added to its dictionary
so 充币, 资金费率 or 强平 stay whole. Latin words are lower-cased and stemmed (withdrawals
→ withdraw), and stop words in both languages are dropped. See
docs/decisions/0004-help-center-search.md.
"""

from __future__ import annotations

import logging
import re
import threading
import tomllib
import unicodedata
from functools import lru_cache
from pathlib import Path

import jieba
import snowballstemmer

# Words jieba's general dictionary splits or does not know, as traders write them.
TRADE_WORDS = """
充币 充值 提币 提现 到账 未到账 没到账 入金 出金 划转 充提 主网 链上 公链
转账 区块确认 确认数 助记词 私钥 公钥 冷钱包 热钱包 钱包地址 充值地址
提币地址 地址簿 白名单 标签 备注 上链 谷歌验证 谷歌验证器 验证器 身份验证器
二次验证 双重验证 安全验证 防钓鱼码 实名认证 身份认证 人脸识别 活体检测
高级认证 初级认证 冻结 解冻 风控 盗号 被盗 钓鱼 钓鱼网站 诈骗 骗子 客服
现货 合约 永续合约 交割合约 杠杆 保证金 维持保证金 初始保证金 逐仓 全仓 强平
爆仓 强平价格 资金费率 标记价格 最新价格 限价单 市价单 止盈 止损 止盈止损
计划委托 挂单 吃单 滑点 深度 手续费 交易手续费 提币手续费 网络手续费 矿工费
燃料费 最小提币 最低充值 限额 单日限额 币币 币币交易 法币 买币 卖币 放币
申诉 承兑商 广告方 收款方式 付款方式 银行卡 信用卡 空投 质押 理财 上币 下架
维护 插针 暴跌 暴涨 行情 自动减仓 风险保障基金 追加保证金 防钓鱼 授权 撤单
部分成交 未成交 成交 委托单 交易对 稳定币 跨链 跨链桥 波场 以太坊 比特币
走错 充错 转错 错链 提错 链名
""".split()  # noqa: SIM905 - a word list reads best as text

CHINESE_STOP_WORDS = set(
    """
    需要 几个 还能 能否 是否 还是 然后 因为 所以 但是 如果 现在 刚才 自己 之后 之前 时间
    一下 一个 一直 上 下 不 不是 与 个 中 为 为什么 为何 么 之 也 了 于
    什么 从 他 他们 以 会 你 你们 几 到 前 又 及 可不可以 可以 后 向 吗
    吧 呀 呢 咋 和 哈 哦 哪 哪个 哪里 啊 啥 嘛 在 多 多少 太 她 好 如何
    它 对 就 已经 应该 很 怎么 怎么办 怎样 您 想 我 我们 或 把 时 时候 是
    有 没 没有 的 给 能 能不能 被 要 让 该 请 请问 谢谢 还 这 这个 这些
    那 那个 那些 都 里
    """.split()  # noqa: SIM905
)

ENGLISH_STOP_WORDS = set(
    """
    a about above after again all also am an and any are as at be because been before
    being below between both but by can cant could did didnt do does doesnt doing dont
    down during each few for from further get got had has have having he hello help her
    here hers hi him his how i if im in into is isnt it its itself ive just me more
    most my myself no nor not now of off on once only or other our ours out over own
    please same she should so some still such than thanks that the their theirs them
    then there these they this those through to too under until up very was we were
    what when where which while who whom why will with wont would yet you your yours
    yourself
    """.split()  # noqa: SIM905
)

_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+(?:'[a-z]+)?")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[a-z]")
MAX_TERM_LENGTH = 40

_ready = threading.Lock()
_initialised = False
_stemmer_local = threading.local()


def _segmenter() -> jieba.Tokenizer:
    global _initialised
    if not _initialised:
        with _ready:
            if not _initialised:
                jieba.setLogLevel(logging.WARNING)
                for word in [*TRADE_WORDS, *_glossary_words()]:
                    if CJK.search(word):
                        jieba.add_word(word, freq=20000)
                _initialised = True
    return jieba.dt


def _glossary_words() -> list[str]:
    """The starter glossary's Chinese terms, so they are indexed whole. (Read from the
    shipped file, not the database: index and query must segment alike at all times.)"""
    path = Path(__file__).resolve().parent / "starter" / "glossary.toml"
    if not path.exists():
        return []
    with path.open("rb") as handle:
        terms = tomllib.load(handle).get("term", [])
    return [w for t in terms for w in [t.get("zh", ""), *t.get("zh_aliases", [])] if w]


def _stem(word: str) -> str:
    # snowballstemmer objects are not thread-safe: one per thread.
    stemmer = getattr(_stemmer_local, "stemmer", None)
    if stemmer is None:
        stemmer = _stemmer_local.stemmer = snowballstemmer.stemmer("english")
    return _stem_cached(stemmer, word)


@lru_cache(maxsize=100_000)
def _stem_cached(stemmer, word: str) -> str:
    return stemmer.stemWord(word)


def normalise(text: str) -> str:
    # Full-width letters and digits (ＵＳＤＴ, ２ＦＡ) become their ASCII forms.
    return unicodedata.normalize("NFKC", text).lower()


def terms(text: str, *, keep_stop_words: bool = False) -> list[str]:
    """Search terms in text order (duplicates kept: frequency matters for ranking)."""
    out: list[str] = []
    segmenter = None
    for match in _TOKEN.finditer(normalise(text)):
        token = match.group(0)
        if CJK.match(token):
            segmenter = segmenter or _segmenter()
            for word in segmenter.cut_for_search(token, HMM=False):
                if keep_stop_words or word not in CHINESE_STOP_WORDS:
                    out.append(word[:MAX_TERM_LENGTH])
            continue
        token = token.replace("'", "")
        if not keep_stop_words and token in ENGLISH_STOP_WORDS:
            continue
        if _LATIN.search(token) and not any(c.isdigit() for c in token):
            token = _stem(token)
        out.append(token[:MAX_TERM_LENGTH])
    return out


@lru_cache(maxsize=200_000)
def latin_term(word: str) -> str:
    """One lower-case Latin word as the index stores it."""
    if _LATIN.search(word) and not any(c.isdigit() for c in word):
        return _stem(word)
    return word


def whole_terms(text: str) -> list[str]:
    """Terms of a word or short phrase without search-mode sub-words (身份验证器 alone, not
    also 身份 and 验证): how a synonym is matched."""
    out: list[str] = []
    for match in _TOKEN.finditer(normalise(text)):
        token = match.group(0)
        if CJK.match(token):
            out += list(_segmenter().cut(token, HMM=False))
        else:
            token = token.replace("'", "")
            if _LATIN.search(token) and not any(c.isdigit() for c in token):
                token = _stem(token)
            out.append(token[:MAX_TERM_LENGTH])
    return out


def index_text(text: str) -> str:
    return " ".join(terms(text))
