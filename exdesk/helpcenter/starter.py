"""The starter knowledge base that ships with exdesk: categories, sections, articles in
English and Simplified Chinese, the glossary and search synonyms.

Loading is idempotent and never overwrites: an article, term or section that already
exists (by its address or key) is left as the exchange edited it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from . import services
from .models import Article, Category, GlossaryTerm, Section, SynonymGroup

STARTER_DIR = Path(__file__).resolve().parent / "starter"
FILE_LANGUAGES = {"en": "en", "zh-Hans": "zh-hans"}

# (slug, English, Chinese, internal, [(section slug, English, Chinese, restricted)])
STRUCTURE = [
    ("account", "Account & security", "账户与安全", False, [
        ("registration-kyc", "Registration & verification", "注册与身份认证", False),
        ("security", "Security settings", "安全设置", False),
        ("recovery", "Account recovery", "账户找回与冻结", False),
    ]),
    ("deposits-withdrawals", "Deposits & withdrawals", "充值与提币", False, [
        ("deposits", "Deposits", "充值", False),
        ("withdrawals", "Withdrawals", "提币", False),
    ]),
    ("trading", "Trading", "交易", False, [
        ("spot", "Spot trading", "现货交易", False),
        ("futures", "Futures & margin", "合约与杠杆", False),
    ]),
    ("p2p", "P2P trading", "P2P 交易", False, [
        ("p2p", "P2P basics and safety", "P2P 入门与安全", False),
    ]),
    ("safety", "Safety & risk", "安全与风险", False, [
        ("safety", "Scams, keys and risk", "防骗、密钥与风险", False),
    ]),
    ("help", "Getting help", "获取帮助", False, [
        ("help", "Contacting support", "联系客服", False),
    ]),
    ("procedures", "Agent procedures", "客服操作规程", True, [
        ("procedures", "Security and compliance procedures", "安全与合规规程", True),
    ]),
]  # fmt: skip

# Words searched as one. Exchanges edit these in the console (Settings → search synonyms).
SYNONYMS = [
    "提币, 提现, 出金, withdraw, withdrawal",
    "充值, 充币, 入金, 存币, deposit",
    "到账, 入账, credited, arrive",
    "冻结, 封号, 锁定, frozen, freeze, locked",
    "2fa, 二次验证, 双重验证, 谷歌验证, 身份验证器, authenticator",
    "kyc, 实名认证, 身份认证, 实名, verification",
    "强平, 爆仓, 强制平仓, liquidation, liquidated",
    "合约, 永续, 期货, futures, perpetual",
    "手续费, 费用, 费率, fee, fees",
    "网络, 链, 主网, network, chain",
    "备注, 标签, memo, tag",
    "助记词, 种子短语, 恢复短语, seed phrase, mnemonic",
    "被盗, 盗号, 被黑, hacked, stolen, compromised",
    "骗子, 诈骗, 骗局, scam, scammer, fraud",
    "p2p, c2c, otc",
    "申诉, 纠纷, appeal, dispute",
    "密码, password",
    "滑点, slippage",
    "验证码, code, otp",
]


@dataclass
class ArticleFile:
    key: str
    language: str
    section: str
    title: str
    description: str
    related: list[str]
    visibility: str
    body: str


def front_matter(path: Path) -> tuple[dict[str, str], str]:
    """The ``name: value`` lines between the leading ``---`` lines, and the text after."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise ValueError(f"{path}: no front matter")
    header, body = text[4:].split("\n---\n", 1)
    meta = {}
    for line in header.splitlines():
        name, _, value = line.partition(":")
        meta[name.strip()] = value.strip()
    return meta, body


def parse_article(path: Path, language: str) -> ArticleFile:
    meta, body = front_matter(path)
    return ArticleFile(
        key=meta["key"],
        language=language,
        section=meta["section"],
        title=meta["title"],
        description=meta.get("description", ""),
        related=[k.strip() for k in meta.get("related", "").split(",") if k.strip()],
        visibility=meta.get("visibility", "public"),
        body=body.strip() + "\n",
    )


def article_files() -> list[ArticleFile]:
    files = []
    for folder, language in FILE_LANGUAGES.items():
        for path in sorted((STARTER_DIR / folder).glob("*.md")):
            files.append(parse_article(path, language))
    return files


def glossary_entries() -> list[dict]:
    with (STARTER_DIR / "glossary.toml").open("rb") as handle:
        return tomllib.load(handle)["term"]


@transaction.atomic
def load() -> dict[str, int]:
    """Create what is missing; returns how many of each were added."""
    added = {"sections": 0, "articles": 0, "terms": 0, "synonyms": 0}
    sections = {}
    for position, (slug, name_en, name_zh, internal, children) in enumerate(STRUCTURE):
        category, _ = Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name_en": name_en,
                "name_zh_hans": name_zh,
                "internal": internal,
                "position": position,
            },
        )
        for sub_position, (section_slug, sec_en, sec_zh, restricted) in enumerate(children):
            section, created = Section.objects.get_or_create(
                slug=section_slug,
                defaults={
                    "category": category,
                    "name_en": sec_en,
                    "name_zh_hans": sec_zh,
                    "restricted": restricted,
                    "position": sub_position,
                },
            )
            sections[section_slug] = section
            added["sections"] += created

    for entry in glossary_entries():
        _, created = GlossaryTerm.objects.get_or_create(
            key=entry["key"],
            defaults={
                "term_en": entry["en"],
                "term_zh_hans": entry["zh"],
                "aliases_en": entry.get("en_aliases", []),
                "aliases_zh_hans": entry.get("zh_aliases", []),
                "definition_en": entry["en_definition"],
                "definition_zh_hans": entry["zh_definition"],
                "article_slug": entry.get("article", ""),
            },
        )
        added["terms"] += created
    if not SynonymGroup.objects.exists():
        SynonymGroup.objects.bulk_create([SynonymGroup(words=w) for w in SYNONYMS])
        added["synonyms"] = len(SYNONYMS)

    files = article_files()
    created_articles: dict[tuple[str, str], Article] = {}
    # Originals (English) first, so translations can point at them.
    for item in sorted(files, key=lambda f: f.language != "en"):
        if Article.objects.filter(language=item.language, slug=item.key).exists():
            continue
        source = created_articles.get(("en", item.key)) if item.language != "en" else None
        article = services.create_article(
            None,
            section=sections[item.section],
            language=item.language,
            slug=item.key,
            title=item.title,
            description=item.description,
            body=item.body,
            visibility=item.visibility,
            source=source,
        )
        created_articles[(item.language, item.key)] = article
        added["articles"] += 1
    for item in files:
        article = created_articles.get((item.language, item.key))
        if article is None:
            continue
        related = Article.objects.filter(language=item.language, slug__in=item.related)
        article.related.set(related)
        services.approve(None, article)
    return added
