"""The demo forum: categories, and a few questions in each language with members'
answers, one official answer from the support team and a screened post."""

from __future__ import annotations

from django.utils import timezone

from . import services
from .models import ForumCategory, Member, Topic

# slug, English name, Chinese name, English description, Chinese description
CATEGORIES = [
    ("deposits-withdrawals", "Deposits & withdrawals", "充值与提现",
     "Networks, confirmations, memos and tags.", "网络、确认数、备注与标签。"),
    ("security", "Account security", "账户安全",
     "2FA, phishing, devices and recovery.", "二次验证、钓鱼、设备与找回。"),
    ("trading", "Spot & futures trading", "现货与合约交易",
     "Orders, margin, funding and liquidation.", "订单、保证金、资金费率与强平。"),
    ("p2p", "P2P trading", "P2P 交易",
     "Buying and selling with other traders.", "与其他用户买卖。"),
]  # fmt: skip

# language, category, asker, title, question, [(answerer, answer)], index of the official
# answer among the answers (None: none yet), tags
TOPICS = [
    ("en", "deposits-withdrawals", "Harbour Lights",
     "USDT sent on TRC-20 but the address was ERC-20?",
     "I sent 200 USDT from another platform using TRC-20 to the ERC-20 address I copied. "
     "The explorer says it arrived. Is it lost?",
     [("Night Owl", "On this exchange the same address usually works on both networks, but "
       "check the deposit history first. If it is not there, open a request with the TxID."),
      (None, "Send us the TxID through a support request and we will check it. Deposits on a "
       "network the address supports are credited automatically; others can often be "
       "recovered manually. Never send anyone your keys to 'speed it up'.")],
     1, "usdt, networks"),
    ("en", "security", "Night Owl",
     "Someone on Telegram says they are support and want my 2FA code",
     "They have the exchange logo and know my e-mail. They say my account will be frozen.",
     [("Harbour Lights", "Classic scam. Support never asks for 2FA codes. Check the handle on "
       "the official-channel page and block them."),
      (None, "That is not us. Support will never ask for your password, 2FA codes or seed "
       "phrase, and never contacts you first on Telegram. Report the account and change "
       "your password if you clicked anything.")],
     1, "phishing, 2fa"),
    ("en", "trading", "Quiet Quant",
     "Why was I charged funding when I only held the position for an hour?",
     "I opened a long at 07:30 and closed at 08:30 and paid a funding fee. Is that normal?",
     [("Night Owl", "Funding is paid by whoever holds the position at the funding time "
       "(every 8 hours here: 00:00, 08:00, 16:00 UTC). You held through 08:00.")],
     None, "futures, funding"),
    ("zh-hans", "deposits-withdrawals", "海港灯塔", "提币一直显示审核中，正常吗？",
     "第一次提币 500 USDT，已经两个小时了，状态一直是审核中。",
     [("夜猫子", "新设备或大额提币有时会进入人工审核，一般几小时内处理完。"),
      (None, "首次提币或更换设备后，提币可能需要人工安全审核，"
       "通常在 24 小时内完成，完成后会有邮件通知。"
       "请勿相信任何声称可以“加急审核”并索要验证码的人。")],
     1, "提币, 审核"),
    ("zh-hans", "p2p", "安静的交易员", "P2P 卖家让我备注“USDT”，可以吗？",
     "买币时卖家要求转账备注写上 USDT，这样做有风险吗？",
     [("海港灯塔", "不要在银行转账备注里写任何与加密货币相关的字眼，按平台提示操作即可。")],
     None, "p2p, 备注"),
]  # fmt: skip


def _member(name: str, language: str) -> Member:
    member, _created = Member.objects.get_or_create(
        display_name=name,
        defaults={"language": language, "trusted_at": timezone.now(), "email": None},
    )
    return member


def seed_demo_forum(staff_user) -> int:
    """Load the demo forum once; returns how many topics were added."""
    categories = {}
    for position, (slug, name_en, name_zh, text_en, text_zh) in enumerate(CATEGORIES):
        categories[slug] = ForumCategory.objects.update_or_create(
            slug=slug,
            defaults={
                "name_en": name_en,
                "name_zh_hans": name_zh,
                "description_en": text_en,
                "description_zh_hans": text_zh,
                "position": position,
            },
        )[0]
    if Topic.objects.exists():
        return 0
    added = 0
    for language, category, asker, title, question, answers, official, tags in TOPICS:
        topic = services.ask(
            _member(asker, language),
            category=categories[category],
            language=language,
            title=title,
            body=question,
            tags=tags,
        ).post.topic
        for n, (author, text) in enumerate(answers):
            if author is None:
                services.staff_reply(staff_user, topic, text, official=n == official)
            else:
                post = services.reply(_member(author, language), topic, text).post
                if n == official:
                    services.mark_official(staff_user, post)
        added += 1
    return added
