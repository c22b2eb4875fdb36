"""The sensitive-data guard: recall on generated secrets, false positives on ordinary
support messages, and messages per second on one core. Prints one JSON object.

    python benchmarks/guard.py [--per-case 20] [--seed 7]

Positives: valid BIP39 mnemonics of every official word list and every length, written
with assorted separators, numbering and case, inside realistic sentences; WIF and
xprv/yprv/zprv keys; hex keys called a private key. Negatives: every starter help-center
paragraph (both languages), every Banking77 question in ../shared/data (if present), and
benchmarks/data/guard_chatter.jsonl with its placeholders filled by valid addresses,
transaction ids, amounts and ids.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import base58  # noqa: E402
from mnemonic import Mnemonic  # noqa: E402

from exdesk.assistant import guard  # noqa: E402
from exdesk.exchange.addresses import bech32_encode, convert_bits, eip55  # noqa: E402

B77 = ROOT.parent / "shared" / "data" / "banking77" / "train.csv"
WRAPPERS = [
    "{s}",
    "hi support, my wallet words are {s} please check",
    "the agent on telegram asked me for this: {s}",
    "我的助记词是 {s} 帮我找回",
    "{s}\nthanks",
    "请看：{s}。谢谢",
]
SEPARATORS = [" ", ", ", "\n", "  ", " - ", "\u3000"]


def positives(rng: random.Random, per_case: int) -> list[str]:
    texts = []
    for language in guard.OFFICIAL_WORDLISTS:
        m = Mnemonic(language)
        for strength in (128, 160, 192, 224, 256):
            for _ in range(per_case):
                words = m.to_mnemonic(rng.randbytes(strength // 8)).replace("\u3000", " ").split()
                style = rng.randrange(3)
                if style == 0:
                    phrase = rng.choice(SEPARATORS).join(words)
                elif style == 1:
                    phrase = "\n".join(f"{i + 1}. {w}" for i, w in enumerate(words))
                else:
                    phrase = " ".join(w.upper() for w in words)
                texts.append(rng.choice(WRAPPERS).format(s=phrase))
    for _ in range(per_case * 10):
        secret = rng.randbytes(32)
        wif = base58.b58encode_check(b"\x80" + secret + rng.choice([b"", b"\x01"])).decode()
        prefix = rng.choice([b"\x04\x88\xad\xe4", b"\x04\x9d\x78\x78", b"\x04\xb2\x43\x0c"])
        xprv = base58.b58encode_check(prefix + rng.randbytes(74)).decode()
        texts += [
            f"here is my key {wif} can you recover it",
            f"exported from the wallet: {xprv}",
            f"my private key: {secret.hex()}",
            f"私钥 0x{secret.hex()} 帮我看看",
        ]
    return texts


def _fill(text: str, rng: random.Random) -> str:
    evm = "0x" + eip55(rng.randbytes(20).hex())
    btc = bech32_encode("bc", [0, *convert_bits(list(rng.randbytes(20)), 8, 5, True)], 1)
    values = {
        "btc_address": btc,
        "evm_address": evm,
        "tron_address": base58.b58encode_check(b"\x41" + rng.randbytes(20)).decode(),
        "xrp_address": base58.b58encode_check(
            b"\x00" + rng.randbytes(20),
            alphabet=b"rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz",
        ).decode(),
        "sol_address": base58.b58encode(rng.randbytes(32)).decode(),
        "evm_txid": "0x" + rng.randbytes(32).hex(),
        "btc_txid": rng.randbytes(32).hex(),
        "amount": f"{rng.uniform(0.001, 50000):.{rng.choice([0, 2, 4])}f}",
        "uid": str(rng.randrange(10_000_000, 999_999_999)),
        "order_id": str(rng.randrange(10**9, 10**12)),
        "memo": str(rng.randrange(10**5, 10**9)),
        "date": f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
        "time": f"{rng.randrange(24):02d}:{rng.randrange(60):02d}",
        "phone_last4": f"{rng.randrange(10000):04d}",
    }
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def negatives(rng: random.Random) -> list[str]:
    texts = []
    for path in sorted((ROOT / "exdesk" / "helpcenter" / "starter").glob("*/*.md")):
        texts += [p.strip() for p in path.read_text("utf-8").split("\n\n") if p.strip()]
    if B77.exists():
        with B77.open(encoding="utf-8") as handle:
            texts += [row["text"] for row in csv.DictReader(handle)]
    chatter = ROOT / "benchmarks" / "data" / "guard_chatter.jsonl"
    for line in chatter.read_text("utf-8").splitlines():
        for _ in range(4):  # each template with different filled values
            texts.append(_fill(json.loads(line)["text"], rng))
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-case", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", action="store_true", help="print misses and false alarms")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    rng = random.Random(args.seed)
    pos, neg = positives(rng, args.per_case), negatives(rng)
    guard.wordlists()  # built once per process, not part of the per-message cost
    started = time.perf_counter()
    found = [bool(guard.scan(t)) for t in pos]
    false_alarms = [t for t in neg if guard.scan(t)]
    seconds = time.perf_counter() - started
    if args.show:
        for text, hit in zip(pos, found, strict=True):
            if not hit:
                print("MISS", text[:200], file=sys.stderr)
        for text in false_alarms:
            print("FALSE", text[:200], guard.scan(text), file=sys.stderr)
    print(
        json.dumps(
            {
                "recall": round(sum(found) / len(pos), 5),
                "false_positive_rate": round(len(false_alarms) / len(neg), 5),
                "msgs_per_s": round((len(pos) + len(neg)) / seconds),
                "positives": len(pos),
                "negatives": len(neg),
                "false_positives": len(false_alarms),
            }
        )
    )


if __name__ == "__main__":
    main()
