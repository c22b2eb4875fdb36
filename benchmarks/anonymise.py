"""How completely the case library's anonymiser removes personal data.

Generates conversations in English and Chinese with known personal data planted (e-mails,
phone numbers, UIDs, wallet addresses, TxIDs, order ids, the customer's name) among
things that must stay (amounts, dates, times, networks, fees, article names), runs each
through the anonymiser as one case, and prints one JSON object:

    {"conversations": 1000, "recall": ..., "precision": ..., "by_kind": {...}}

recall: share of planted values that no longer appear in the case. precision: share of
replacements that replaced a planted value (the rest took out something harmless).

    python benchmarks/anonymise.py --conversations 1000 --seed 7
"""

from __future__ import annotations

import argparse
import json
import os
import random
import string
import sys
from pathlib import Path

import base58

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exdesk.settings")
os.environ.setdefault("EXDESK_DEMO", "1")

from exdesk.academy.anonymise import KINDS, Anonymiser, names_of
from exdesk.exchange import addresses

EN_NAMES = ["Daniel Okafor", "Maria Lopez", "James Carter", "Aisha Khan", "Tom Becker"]
ZH_NAMES = ["王磊", "李娜", "张伟", "刘洋", "陈静"]
DOMAINS = ["gmail.com", "qq.com", "163.com", "outlook.com", "proton.me", "example.co.uk"]


def email(rng: random.Random) -> str:
    local = "".join(rng.choices(string.ascii_lowercase + string.digits, k=rng.randint(4, 12)))
    return f"{local}{rng.choice(['', '.', '_'])}{rng.randint(1, 99)}@{rng.choice(DOMAINS)}"


def phone(rng: random.Random) -> str:
    digits = lambda n: "".join(rng.choices(string.digits, k=n))  # noqa: E731
    return rng.choice(
        [
            f"+86 1{rng.choice('3589')}{digits(1)} {digits(4)} {digits(4)}",
            f"1{rng.choice('3589')}{digits(9)}",
            f"+44 20 {digits(4)} {digits(4)}",
            f"+1 415-555-{digits(4)}",
            f"+65 {digits(4)} {digits(4)}",
        ]
    )


def uid(rng: random.Random) -> str:
    return str(rng.randint(10_000_000, 9_999_999_999))


def address(rng: random.Random) -> str:
    kind = rng.choice(["evm", "tron", "btc"])
    payload = bytes(rng.getrandbits(8) for _ in range(20))
    if kind == "evm":
        return "0x" + addresses.eip55(payload.hex()).removeprefix("0x")
    if kind == "tron":
        return base58.b58encode_check(b"\x41" + payload).decode()
    return addresses.segwit_encode("bc", 0, payload)


def txid(rng: random.Random) -> str:
    value = "".join(rng.choices("0123456789abcdef", k=64))
    return rng.choice(["0x" + value, value])


def order(rng: random.Random) -> str:
    return rng.choice(["", "SP-", "F"]) + str(rng.randint(10**9, 10**12))


# Each turn is drawn from several phrasings; the harmless numbers around the planted data
# (amounts, block heights, dates, times, prices, confirmations) must survive.
EN = [
    [
        "Hi, I'm {name}. My UID is {uid} and my e-mail is {email}.",
        "hello, {name} here (uid: {uid}), you can reach me at {email}",
        "UID {uid} / {email} / {name}. Withdrawal stuck since block 18234567!",
    ],
    [
        "Thank you, {first}. Could you send the TxID of the deposit?",
        "Hi {first}, please share the transaction hash so I can check it.",
    ],
    [
        "Sure: {txid}. I sent 150 USDT on TRC20 at 09:40 to {address}.",
        "hash {txid}\nto {address}\namount 0.00012345 BTC",
        "I withdrew 2,500 USDT to {address} - TxID is {txid}",
    ],
    [
        "It has 12 of 20 confirmations; the fee was 1 USDT. See 'How to deposit'.",
        "Block 18234570 confirms it; 98% of deposits arrive within 30 minutes.",
    ],
    [
        "Also my spot order {order_text} did not fill. Call me on {phone} if needed.",
        "{order_text} is still open, my phone is {phone}",
        "phone {phone}. and the order: {order_text}",
    ],
    [
        "Order {order} is still open at 0.35 USDT. I will update you by 2026-12-01.",
        "I see order {order} at 64,250.5 USDT; I'll reply before 18:00 UTC+8.",
    ],
]
ZH = [
    [
        "你好，我是{name}，用户ID：{uid}，邮箱 {email}。",
        "{name}，UID是{uid}，邮箱{email}，区块高度 18234567 了还没到",
        "我的账号{uid}，联系邮箱：{email}（{name}）",
    ],
    ["{name}您好，请提供这笔充值的交易哈希。", "好的{name}，麻烦发一下TxID。"],
    [
        "交易哈希是 {txid}，我在 09:40 用 TRC20 转了 150 USDT 到 {address}。",
        "哈希：{txid}\n地址：{address}\n数量 0.00012345 BTC",
        "提币 2,500 USDT 到 {address}，交易哈希 {txid}",
    ],
    ["目前有 12/20 个确认，手续费 1 USDT，可参考《如何充值》。", "98% 的充值在 30 分钟内到账。"],
    [
        "另外我的现货{order_text}没有成交，手机号 {phone}。",
        "{order_text}一直挂着，电话{phone}",
        "联系方式：{phone}；{order_text}",
    ],
    [
        "订单 {order} 仍在挂单，价格 0.35 USDT，我会在 2026-12-01 前回复您。",
        "订单号{order}价格 64,250.5 USDT，18:00 前回复。",
    ],
]


def conversation(rng: random.Random, chinese: bool):
    name = rng.choice(ZH_NAMES if chinese else EN_NAMES)
    values = {
        "name": name,
        "first": name.split()[0] if not chinese else name,
        "uid": uid(rng),
        "email": email(rng),
        "txid": txid(rng),
        "address": address(rng),
        "order": order(rng),
        "phone": phone(rng),
    }
    values["order_text"] = ("订单号 " if chinese else "order #") + values["order"]
    planted = {
        kind: {values[kind]} for kind in ("uid", "email", "txid", "address", "order", "phone")
    }
    planted["name"] = {name} | ({values["first"]} if not chinese else set())
    turns = [rng.choice(choices).format(**values) for choices in (ZH if chinese else EN)]
    return name, values["uid"], turns, planted


def run(count: int, seed: int) -> dict:
    rng = random.Random(seed)
    planted_total = dict.fromkeys(KINDS, 0)
    removed = dict.fromkeys(KINDS, 0)
    replaced = dict.fromkeys(KINDS, 0)
    replaced_right = dict.fromkeys(KINDS, 0)
    for n in range(count):
        name, _uid, turns, planted = conversation(rng, chinese=n % 2 == 1)
        case = Anonymiser(names=names_of(name))  # the records give the customer's name only
        outputs = []
        for turn in turns:
            text, made = case.text(turn)
            outputs.append(text)
            for r in made:
                replaced[r.kind] += 1
                if any(
                    r.original in values or any(v in r.original for v in values)
                    for values in planted.values()
                ):
                    replaced_right[r.kind] += 1
        joined = "\n".join(outputs)
        for kind, values in planted.items():
            for value in values:
                planted_total[kind] += 1
                removed[kind] += value not in joined
    by_kind = {
        kind: {
            "planted": planted_total[kind],
            "recall": round(removed[kind] / planted_total[kind], 4)
            if planted_total[kind]
            else None,
            "precision": round(replaced_right[kind] / replaced[kind], 4)
            if replaced[kind]
            else None,
        }
        for kind in KINDS
    }
    total_planted = sum(planted_total.values())
    return {
        "conversations": count,
        "recall": round(sum(removed.values()) / total_planted, 4),
        "precision": round(sum(replaced_right.values()) / max(1, sum(replaced.values())), 4),
        "by_kind": by_kind,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    import django

    django.setup()
    print(json.dumps(run(args.conversations, args.seed)))


if __name__ == "__main__":
    main()
