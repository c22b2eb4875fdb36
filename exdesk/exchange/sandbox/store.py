"""The sandbox exchange's own database: schema, demo data and the queries the API answers.

Plain ``sqlite3`` on purpose: the sandbox stands for an exchange's back office, a separate
system that shares nothing with exdesk but the protocol. Rows come back as the protocol's
JSON shapes (docs/exchange-connector.md).

Demo EVM deposits can be made real transactions on the demo chain (``chain.DemoChain``):
``demo_evm_transfers()`` lists what the chain should send, ``attach_chain_transfers()``
stores the resulting txids. The keys are:

- ``eth-credited``: 0.5 ETH to Li Wei (10000001), credited;
- ``usdt-eth-credited``: 250 USDT (the demo token) to Li Wei, credited;
- ``eth-pending``: 0.2 ETH to Li Wei, waiting for confirmations;
- ``usdt-eth-pending``: 500 USDT to Maria Santos (10000002), waiting for confirmations;
- ``usdt-to-contract``: 300 USDT sent to the token contract itself, the classic mistake.
  The exchange never sees it, so it is no deposit: its txid is kept for the demo only
  (``chain_txids()``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import base58
from eth_utils import to_checksum_address

# eth-tester's chain id: the demo chain is an eth-tester chain.
DEMO_EVM_CHAIN_ID = 131277322940537
# Where DemoToken lands when eth-tester's first account deploys it first (nonce 0); replaced
# by the chain's own answer when a chain is attached (``set_evm_chain``).
DEMO_TOKEN_ADDRESS = "0xF2E246BB76DF876Cef8b38ae84130F4F55De395b"
# Nonces are remembered as long as a request's timestamp is accepted (signing.MAX_AGE_SECONDS).
NONCE_SECONDS = 300
PENDING_CHAIN_KEYS = frozenset({"eth-pending", "usdt-eth-pending"})

SCHEMA = """
CREATE TABLE IF NOT EXISTS customers (
    uid TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    display_name TEXT NOT NULL,
    language TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    vip_tier INTEGER NOT NULL,
    kyc_level INTEGER NOT NULL,
    kyc_status TEXT NOT NULL,
    kyc_rejection_reason TEXT,
    anti_phishing_code TEXT,
    twofa_enabled INTEGER NOT NULL,
    twofa_methods TEXT NOT NULL,  -- a JSON list
    account_state TEXT NOT NULL,
    account_reason TEXT,
    account_since TEXT
);
CREATE TABLE IF NOT EXISTS deposit_addresses (
    uid TEXT NOT NULL REFERENCES customers(uid),
    coin TEXT NOT NULL,
    network TEXT NOT NULL,
    address TEXT NOT NULL,
    memo TEXT,
    position INTEGER NOT NULL,
    PRIMARY KEY (uid, coin, network)
);
CREATE TABLE IF NOT EXISTS deposits (
    id TEXT PRIMARY KEY,
    uid TEXT NOT NULL REFERENCES customers(uid),
    coin TEXT NOT NULL,
    network TEXT NOT NULL,
    amount TEXT NOT NULL,
    address TEXT NOT NULL,
    memo TEXT,
    txid TEXT,
    status TEXT NOT NULL,
    confirmations INTEGER NOT NULL,
    required_confirmations INTEGER NOT NULL,
    problem TEXT,
    created_at TEXT NOT NULL,
    credited_at TEXT,
    chain_key TEXT UNIQUE  -- set for the deposits the demo chain can make real
);
CREATE TABLE IF NOT EXISTS withdrawals (
    id TEXT PRIMARY KEY,
    uid TEXT NOT NULL REFERENCES customers(uid),
    coin TEXT NOT NULL,
    network TEXT NOT NULL,
    amount TEXT NOT NULL,
    fee TEXT NOT NULL,
    address TEXT NOT NULL,
    memo TEXT,
    txid TEXT,
    status TEXT NOT NULL,
    failure_reason TEXT,
    created_at TEXT NOT NULL,
    completed_at TEXT
);
CREATE TABLE IF NOT EXISTS orders (
    id TEXT PRIMARY KEY,
    uid TEXT NOT NULL REFERENCES customers(uid),
    market TEXT NOT NULL,
    product TEXT NOT NULL,
    side TEXT NOT NULL,
    type TEXT NOT NULL,
    price TEXT,
    quantity TEXT NOT NULL,
    filled TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS trades (
    id TEXT PRIMARY KEY,
    uid TEXT NOT NULL REFERENCES customers(uid),
    order_id TEXT NOT NULL REFERENCES orders(id),
    market TEXT NOT NULL,
    side TEXT NOT NULL,
    price TEXT NOT NULL,
    quantity TEXT NOT NULL,
    fee TEXT NOT NULL,
    fee_coin TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS assets (
    coin TEXT NOT NULL,
    network TEXT NOT NULL,
    family TEXT NOT NULL,
    chain_id INTEGER,
    contract TEXT,
    decimals INTEGER NOT NULL,
    required_confirmations INTEGER NOT NULL,
    min_deposit TEXT NOT NULL,
    memo_required INTEGER NOT NULL,
    deposit_enabled INTEGER NOT NULL,
    withdraw_enabled INTEGER NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (coin, network)
);
CREATE TABLE IF NOT EXISTS nonces (
    nonce TEXT PRIMARY KEY,
    seen_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY,
    uid TEXT NOT NULL,
    action TEXT NOT NULL,
    fingerprint TEXT NOT NULL,  -- SHA-256 of the request body: a reused key must match
    status INTEGER NOT NULL,
    response TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS account_actions (
    reference TEXT PRIMARY KEY,  -- FRZ-…, UFR-…, EMV-…
    uid TEXT NOT NULL REFERENCES customers(uid),
    action TEXT NOT NULL,
    reason TEXT,
    requested_by TEXT NOT NULL,
    approved_by TEXT,
    exdesk_reference TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chain_txids (
    key TEXT PRIMARY KEY,
    txid TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


# ---------------------------------------------------------------- connections


def connect(path: str | Path) -> sqlite3.Connection:
    """A connection in autocommit mode: writes that belong together use ``transaction``."""
    db = sqlite3.connect(str(path), isolation_level=None, timeout=10, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA foreign_keys = ON")
    return db


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    # IMMEDIATE takes the write lock at once, so check-then-write sequences cannot interleave.
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def open_store(path: str | Path, *, now: datetime | None = None) -> sqlite3.Connection:
    """Connect, create the schema and seed the demo data the first time."""
    db = connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.executescript(SCHEMA)
    with transaction(db):
        seeded = db.execute("SELECT 1 FROM meta WHERE name = 'seeded_at'").fetchone()
        if not seeded:
            _seed(db, now or datetime.now(UTC))
    return db


def _now() -> str:
    return _iso(datetime.now(UTC))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


# ---------------------------------------------------------------- reads


def customer(db: sqlite3.Connection, uid: str) -> dict[str, Any] | None:
    row = db.execute("SELECT * FROM customers WHERE uid = ?", (uid,)).fetchone()
    if row is None:
        return None
    return {
        "uid": row["uid"],
        "email": row["email"],
        "display_name": row["display_name"],
        "language": row["language"],
        "registered_at": row["registered_at"],
        "vip_tier": row["vip_tier"],
        "kyc": {
            "level": row["kyc_level"],
            "status": row["kyc_status"],
            "last_rejection_reason": row["kyc_rejection_reason"],
        },
        "anti_phishing_code": row["anti_phishing_code"],
        "two_factor": {
            "enabled": bool(row["twofa_enabled"]),
            "methods": json.loads(row["twofa_methods"]),
        },
        "account": _account(row),
    }


def _account(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "state": row["account_state"],
        "reason": row["account_reason"],
        "since": row["account_since"],
    }


def exists(db: sqlite3.Connection, uid: str) -> bool:
    return account_state(db, uid) is not None


def account_state(db: sqlite3.Connection, uid: str) -> str | None:
    row = db.execute("SELECT account_state FROM customers WHERE uid = ?", (uid,)).fetchone()
    return None if row is None else row[0]


ConfirmationsOf = Callable[[str], "int | None"]


def deposits(
    db: sqlite3.Connection,
    uid: str,
    limit: int,
    confirmations_of: ConfirmationsOf | None = None,
) -> list[dict[str, Any]]:
    """Newest first. With ``confirmations_of`` (a chain's view of a txid), deposits made on
    the demo chain show the chain's confirmations, and a pending one is credited once it
    has enough: the exchange's crediting, done when someone looks."""
    rows = db.execute(
        "SELECT * FROM deposits WHERE uid = ? ORDER BY created_at DESC, id DESC LIMIT ?",
        (uid, limit),
    ).fetchall()
    items = []
    for row in rows:
        item = {
            "id": row["id"],
            "coin": row["coin"],
            "network": row["network"],
            "amount": row["amount"],
            "address": row["address"],
            "memo": row["memo"],
            "txid": row["txid"],
            "status": row["status"],
            "confirmations": row["confirmations"],
            "required_confirmations": row["required_confirmations"],
            "problem": row["problem"],
            "created_at": row["created_at"],
            "credited_at": row["credited_at"],
        }
        if confirmations_of is not None and row["chain_key"] and row["txid"]:
            _follow_chain(db, item, confirmations_of(row["txid"]))
        items.append(item)
    return items


def _follow_chain(db: sqlite3.Connection, item: dict[str, Any], seen: int | None) -> None:
    if seen is None:  # not (yet) on this chain: keep what the exchange knows
        return
    item["confirmations"] = seen
    if item["status"] == "pending" and seen >= item["required_confirmations"]:
        item["status"] = "credited"
        item["credited_at"] = _now()
    db.execute(
        "UPDATE deposits SET confirmations = ?, status = ?, credited_at = ? WHERE id = ?",
        (seen, item["status"], item["credited_at"], item["id"]),
    )


def withdrawals(db: sqlite3.Connection, uid: str, limit: int) -> list[dict[str, Any]]:
    return _rows(
        db,
        "SELECT id, coin, network, amount, fee, address, memo, txid, status, failure_reason,"
        " created_at, completed_at FROM withdrawals WHERE uid = ?"
        " ORDER BY created_at DESC, id DESC LIMIT ?",
        (uid, limit),
    )


def orders(db: sqlite3.Connection, uid: str, limit: int) -> list[dict[str, Any]]:
    return _rows(
        db,
        "SELECT id, market, product, side, type, price, quantity, filled, status, created_at"
        " FROM orders WHERE uid = ? ORDER BY created_at DESC, id DESC LIMIT ?",
        (uid, limit),
    )


def trades(db: sqlite3.Connection, uid: str, limit: int) -> list[dict[str, Any]]:
    return _rows(
        db,
        "SELECT id, order_id, market, side, price, quantity, fee, fee_coin, created_at"
        " FROM trades WHERE uid = ? ORDER BY created_at DESC, id DESC LIMIT ?",
        (uid, limit),
    )


def deposit_addresses(db: sqlite3.Connection, uid: str, limit: int) -> list[dict[str, Any]]:
    return _rows(
        db,
        "SELECT coin, network, address, memo FROM deposit_addresses WHERE uid = ?"
        " ORDER BY position LIMIT ?",
        (uid, limit),
    )


def assets(db: sqlite3.Connection, limit: int) -> list[dict[str, Any]]:
    items = _rows(
        db,
        "SELECT coin, network, family, chain_id, contract, decimals, required_confirmations,"
        " min_deposit, memo_required, deposit_enabled, withdraw_enabled"
        " FROM assets ORDER BY position LIMIT ?",
        (limit,),
    )
    for item in items:
        for flag in ("memo_required", "deposit_enabled", "withdraw_enabled"):
            item[flag] = bool(item[flag])
    return items


def _rows(db: sqlite3.Connection, sql: str, parameters: tuple) -> list[dict[str, Any]]:
    return [dict(row) for row in db.execute(sql, parameters)]


# ---------------------------------------------------------------- replay protection


def remember_nonce(db: sqlite3.Connection, nonce: str, timestamp: int, now: float) -> bool:
    """False when the nonce was already used. A nonce is kept until its request's timestamp
    is too old to be accepted, so a request dated in the future cannot be replayed either."""
    with transaction(db):
        db.execute("DELETE FROM nonces WHERE seen_at < ?", (now - NONCE_SECONDS,))
        inserted = db.execute(
            "INSERT INTO nonces (nonce, seen_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (nonce, max(now, float(timestamp))),
        ).rowcount
    return inserted == 1


# ---------------------------------------------------------------- actions


class IdempotencyConflict(Exception):
    """The key was used before for another account, action or body."""


def idempotent(
    db: sqlite3.Connection,
    *,
    key: str,
    uid: str,
    action: str,
    body: bytes,
    perform: Callable[[], tuple[int, dict[str, Any]]],
) -> tuple[int, str]:
    """The stored answer when ``key`` was seen, else ``perform()``'s, stored in the same
    transaction as its effect: a retry never acts twice."""
    fingerprint = hashlib.sha256(body).hexdigest()
    with transaction(db):
        row = db.execute("SELECT * FROM idempotency WHERE key = ?", (key,)).fetchone()
        if row is not None:
            if (row["uid"], row["action"], row["fingerprint"]) != (uid, action, fingerprint):
                raise IdempotencyConflict(key)
            return row["status"], row["response"]
        status, answer = perform()
        text = json.dumps(answer, ensure_ascii=False, separators=(",", ":"))
        db.execute(
            "INSERT INTO idempotency (key, uid, action, fingerprint, status, response,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (key, uid, action, fingerprint, status, text, _now()),
        )
    return status, text


def freeze(
    db: sqlite3.Connection,
    uid: str,
    *,
    reason: str,
    requested_by: str,
    approved_by: str | None,
    exdesk_reference: str,
    reference: str,
) -> dict[str, Any]:
    """Freeze the account (call inside ``idempotent``). An account frozen already keeps
    its original reason and date: support's freeze adds nothing to the risk team's."""
    row = db.execute("SELECT * FROM customers WHERE uid = ?", (uid,)).fetchone()
    if row["account_state"] != "frozen":
        db.execute(
            "UPDATE customers SET account_state = 'frozen', account_reason = ?,"
            " account_since = ? WHERE uid = ?",
            (reason, _now(), uid),
        )
    _log_action(db, reference, uid, "freeze", reason, requested_by, approved_by, exdesk_reference)
    row = db.execute("SELECT * FROM customers WHERE uid = ?", (uid,)).fetchone()
    return {"account": _account(row), "reference": reference}


def request_unfreeze(
    db: sqlite3.Connection,
    uid: str,
    *,
    reason: str,
    requested_by: str,
    exdesk_reference: str,
    request_id: str,
) -> dict[str, Any]:
    """Queue the request for the exchange's risk team, who decide."""
    _log_action(
        db, request_id, uid, "unfreeze_request", reason, requested_by, None, exdesk_reference
    )
    return {"request_id": request_id, "status": "submitted"}


def send_email_verification(
    db: sqlite3.Connection, uid: str, *, requested_by: str, exdesk_reference: str, reference: str
) -> dict[str, Any]:
    email = db.execute("SELECT email FROM customers WHERE uid = ?", (uid,)).fetchone()["email"]
    _log_action(
        db, reference, uid, "email_verification", None, requested_by, None, exdesk_reference
    )
    return {"sent_to": mask_email(email)}


def _log_action(
    db: sqlite3.Connection,
    reference: str,
    uid: str,
    action: str,
    reason: str | None,
    requested_by: str,
    approved_by: str | None,
    exdesk_reference: str,
) -> None:
    db.execute(
        "INSERT INTO account_actions (reference, uid, action, reason, requested_by, approved_by,"
        " exdesk_reference, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (reference, uid, action, reason, requested_by, approved_by, exdesk_reference, _now()),
    )


def mask_email(email: str) -> str:
    """``li.wei@example.com`` → ``l***@example.com``: enough for the trader to recognise."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


# ---------------------------------------------------------------- the demo chain


def demo_evm_transfers() -> list[dict[str, Any]]:
    """What the demo chain should send so the demo EVM deposits are real transactions:
    credited ones first, so the chain can mine enough blocks before the pending ones."""
    transfers = [
        {
            "key": key,
            "to": evm_deposit_address(spec["uid"]),
            "amount": spec["amount"],
            "token": spec["coin"] == "USDT",
            "to_token_contract": False,
        }
        for key, spec in _CHAIN_DEPOSITS.items()
    ]
    transfers.append(
        {
            "key": "usdt-to-contract",
            "to": DEMO_TOKEN_ADDRESS,  # ignored: the chain sends to its token's address
            "amount": "300",
            "token": True,
            "to_token_contract": True,
        }
    )
    return sorted(transfers, key=lambda transfer: transfer["key"] in PENDING_CHAIN_KEYS)


def attach_chain_transfers(db: sqlite3.Connection, txids: dict[str, str]) -> None:
    """Give the demo EVM deposits the chain's txids (keys: see the module's docstring). A
    pending deposit starts over, pending, since its transaction is a new one."""
    with transaction(db):
        for key, txid in txids.items():
            db.execute(
                "INSERT INTO chain_txids (key, txid) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET txid = excluded.txid",
                (key, txid),
            )
            if key in PENDING_CHAIN_KEYS:
                db.execute(
                    "UPDATE deposits SET txid = ?, status = 'pending', credited_at = NULL,"
                    " confirmations = 0 WHERE chain_key = ?",
                    (txid, key),
                )
            else:
                db.execute("UPDATE deposits SET txid = ? WHERE chain_key = ?", (txid, key))


def set_evm_chain(db: sqlite3.Connection, chain_id: int, token_address: str) -> None:
    """The demo chain's id and token contract, for the assets on the ETH network."""
    with transaction(db):
        db.execute("UPDATE assets SET chain_id = ? WHERE network = 'ETH'", (chain_id,))
        db.execute(
            "UPDATE assets SET contract = ? WHERE network = 'ETH' AND coin = 'USDT'",
            (token_address,),
        )


def chain_txids(db: sqlite3.Connection) -> dict[str, str]:
    return {row["key"]: row["txid"] for row in db.execute("SELECT key, txid FROM chain_txids")}


# ---------------------------------------------------------------- demo addresses
# Derived from fixed labels, so every run (and ``demo_evm_transfers``) gets the same ones,
# each a valid address of its network with a correct checksum.


def _raw(label: str, size: int) -> bytes:
    return hashlib.sha256(f"exdesk-sandbox:{label}".encode()).digest()[:size]


def _digest_hex(label: str) -> str:
    return hashlib.sha256(f"exdesk-sandbox-tx:{label}".encode()).hexdigest()


def evm_address(label: str) -> str:
    return to_checksum_address(_raw(label, 20))


def bitcoin_address(label: str) -> str:
    return _bech32("bc", [0, *_five_bit_groups(_raw(label, 20))])  # P2WPKH


def tron_address(label: str) -> str:
    return base58.b58encode_check(b"\x41" + _raw(label, 20)).decode()


def xrp_address(label: str) -> str:
    alphabet = b"rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz"
    return base58.b58encode_check(b"\x00" + _raw(label, 20), alphabet=alphabet).decode()


def stellar_address(label: str) -> str:
    payload = bytes([6 << 3]) + _raw(label, 32)  # version byte of an account id ("G…")
    return base64.b32encode(payload + _crc16(payload).to_bytes(2, "little")).decode()


def ton_address(label: str) -> str:
    payload = bytes([0x11, 0x00]) + _raw(label, 32)  # bounceable, workchain 0 ("EQ…")
    checksum = _crc16(payload).to_bytes(2, "big")
    return base64.urlsafe_b64encode(payload + checksum).decode()


def cosmos_address(label: str) -> str:
    return _bech32("cosmos", _five_bit_groups(_raw(label, 20)))


def solana_address(label: str) -> str:
    return base58.b58encode(_raw(label, 32)).decode()


def _crc16(data: bytes) -> int:
    return binascii.crc_hqx(data, 0)  # CRC-16/XMODEM, as Stellar and TON use


# Bech32 (BIP 173), written out rather than imported: the sandbox shares no code with
# exdesk but the signing module, as an exchange's own system would.
_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _bech32_polymod(values: list[int]) -> int:
    generator = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            check ^= generator[i] if (top >> i) & 1 else 0
    return check


def _bech32(hrp: str, data: list[int]) -> str:
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    polymod = _bech32_polymod([*expanded, *data, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32_CHARSET[d] for d in data + checksum)


def _five_bit_groups(raw: bytes) -> list[int]:
    bits = len(raw) * 8
    number = int.from_bytes(raw, "big") << (-bits % 5)  # pad to a whole group
    return [(number >> shift) & 31 for shift in range((bits + 4) // 5 * 5 - 5, -1, -5)]


ADDRESS_MAKERS: dict[str, Callable[[str], str]] = {
    "BTC": bitcoin_address,
    "ETH": evm_address,
    "BSC": evm_address,
    "TRX": tron_address,
    "XRP": xrp_address,
    "XLM": stellar_address,
    "TON": ton_address,
    "ATOM": cosmos_address,
    "SOL": solana_address,
}
# Memo networks: one shared exchange address, the memo tells whose deposit it is.
MEMO_NETWORKS = ("XRP", "XLM", "TON", "ATOM")
# (coin, network) a customer can deposit; ETH and USDT on ETH share one address.
DEPOSIT_ASSETS = [
    ("BTC", "BTC"),
    ("ETH", "ETH"),
    ("USDT", "ETH"),
    ("USDT", "TRX"),
    ("USDT", "BSC"),
    ("XRP", "XRP"),
    ("XLM", "XLM"),
    ("TON", "TON"),
    ("ATOM", "ATOM"),
    ("SOL", "SOL"),
]


def deposit_address(uid: str, network: str) -> tuple[str, str | None]:
    """A customer's (address, memo) on ``network``."""
    if network in MEMO_NETWORKS:
        memo = str(100_000_000 + int(_digest_hex(f"memo:{uid}:{network}")[:8], 16) % 900_000_000)
        return ADDRESS_MAKERS[network](f"exchange-wallet:{network}"), memo
    return ADDRESS_MAKERS[network](f"customer:{uid}:{network}"), None


def evm_deposit_address(uid: str) -> str:
    return deposit_address(uid, "ETH")[0]


def _txid(network: str, label: str) -> str:
    digest = _digest_hex(label)
    if network in ("ETH", "BSC"):
        return "0x" + digest
    if network == "SOL":  # a signature: 64 bytes in base58
        return base58.b58encode(bytes.fromhex(digest + _digest_hex(label + "/2"))).decode()
    if network in ("XRP", "ATOM"):
        return digest.upper()
    return digest


# ---------------------------------------------------------------- demo data

_CUSTOMERS = [
    # uid, email, display name, language, registered, VIP tier, KYC level, KYC status,
    # rejection reason, anti-phishing code, 2FA methods, account state, reason, since (days ago)
    ("10000001", "li.wei@example.com", "Li Wei", "zh-hans", "2024-03-02T08:00:00+00:00",
     2, 2, "approved", None, "BLUEFOX42",
     ["totp"], "active", None, None),
    ("10000002", "maria.santos@example.com", "Maria Santos", "en", "2024-06-18T14:25:00+00:00",
     0, 1, "rejected", "document photo blurred; the name does not match", "SUNNY-DAY7",
     ["sms"], "active", None, None),
    ("10000003", "chen.jing@example.com", "陈静", "zh-hans", "2023-11-09T02:40:00+00:00",
     3, 3, "approved", None, "JADE-RIVER",
     ["totp", "security_key"], "active", None, None),
    ("10000004", "wang.fang@example.com", "王芳", "zh-hans", "2025-01-20T11:05:00+00:00",
     0, 1, "pending", None, "PLUMTREE8",
     ["totp"], "active", None, None),
    ("10000005", "james.okafor@example.com", "James Okafor", "en", "2024-09-30T19:12:00+00:00",
     1, 2, "approved", None, "ORCA-77",
     ["totp"], "frozen",
     "risk review: new device and a changed withdrawal address within an hour", 3),
    ("10000006", "sofia.petrova@example.com", "Sofia Petrova", "en", "2025-02-03T07:30:00+00:00",
     0, 1, "approved", None, None,
     [], "active", None, None),
    ("10000007", "zhang.ming@example.com", "张明", "zh-hans", "2024-07-14T05:50:00+00:00",
     1, 2, "approved", None, "MOONGATE3",
     ["totp"], "withdrawals_locked",
     "withdrawals paused for 24 hours after the two-factor reset", 1),
    ("10000008", "ahmed.hassan@example.com", "Ahmed Hassan", "en", "2025-03-01T16:45:00+00:00",
     0, 0, "none", None, None,
     [], "active", None, None),
]  # fmt: skip

# The deposits the demo chain can make real (keys: the module docstring).
_CHAIN_DEPOSITS: dict[str, dict[str, Any]] = {
    "eth-credited": {"id": "D2403", "uid": "10000001", "coin": "ETH", "amount": "0.5"},
    "usdt-eth-credited": {"id": "D2405", "uid": "10000001", "coin": "USDT", "amount": "250"},
    "eth-pending": {"id": "D2411", "uid": "10000001", "coin": "ETH", "amount": "0.2"},
    "usdt-eth-pending": {"id": "D2412", "uid": "10000002", "coin": "USDT", "amount": "500"},
}

_ASSETS = [
    # coin, network, family, chain id, contract, decimals, confirmations, minimum, memo
    ("BTC", "BTC", "bitcoin", None, None, 8, 2, "0.0001", False),
    ("ETH", "ETH", "evm", DEMO_EVM_CHAIN_ID, None, 18, 12, "0.005", False),
    ("USDT", "ETH", "evm", DEMO_EVM_CHAIN_ID, DEMO_TOKEN_ADDRESS, 6, 12, "10", False),
    ("USDT", "TRX", "tron", None, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", 6, 20, "1", False),
    ("USDT", "BSC", "evm", 56, "0x55d398326f99059fF775485246999027B3197955", 18, 15, "1", False),
    ("XRP", "XRP", "xrp", None, None, 6, 1, "0.1", True),
    ("XLM", "XLM", "stellar", None, None, 7, 1, "1", True),
    ("TON", "TON", "ton", None, None, 9, 1, "0.1", True),
    ("ATOM", "ATOM", "cosmos", None, None, 6, 1, "0.05", True),
    ("SOL", "SOL", "solana", None, None, 9, 32, "0.01", False),
]
_REQUIRED = {(row[0], row[1]): row[6] for row in _ASSETS}


def _seed(db: sqlite3.Connection, now: datetime) -> None:
    def ago(days: float = 0, hours: float = 0, minutes: float = 0) -> str:
        return _iso(now - timedelta(days=days, hours=hours, minutes=minutes))

    for position, row in enumerate(_ASSETS):
        coin, network, family, chain_id, contract, decimals, confirmations, minimum, memo = row
        db.execute(
            "INSERT INTO assets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?)",
            (coin, network, family, chain_id, contract, decimals, confirmations, minimum, memo,
             position),
        )  # fmt: skip

    for (uid, email, name, language, registered, vip, level, status, rejection, phishing,
         methods, state, reason, since_days) in _CUSTOMERS:  # fmt: skip
        db.execute(
            "INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (uid, email, name, language, registered, vip, level, status, rejection, phishing,
             int(bool(methods)), json.dumps(methods), state, reason,
             None if since_days is None else ago(days=since_days)),
        )  # fmt: skip
        _insert_deposit_addresses(db, uid)

    for deposit in _demo_deposits(ago):
        _insert_deposit(db, deposit)
    for withdrawal in _demo_withdrawals(ago):
        db.execute(
            "INSERT INTO withdrawals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", withdrawal
        )
    for order in _demo_orders(ago):
        db.execute("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", order)
    for trade in _demo_trades(ago):
        db.execute("INSERT INTO trades VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", trade)
    _seed_desk_traders(db, ago)
    db.execute("INSERT INTO meta VALUES ('seeded_at', ?)", (_iso(now),))


def _insert_deposit_addresses(db: sqlite3.Connection, uid: str) -> None:
    for position, (coin, network) in enumerate(DEPOSIT_ASSETS):
        address, memo = deposit_address(uid, network)
        db.execute(
            "INSERT INTO deposit_addresses VALUES (?, ?, ?, ?, ?, ?)",
            (uid, coin, network, address, memo, position),
        )


def _insert_deposit(db: sqlite3.Connection, deposit: dict[str, Any]) -> None:
    db.execute(
        "INSERT INTO deposits (id, uid, coin, network, amount, address, memo, txid, status,"
        " confirmations, required_confirmations, problem, created_at, credited_at,"
        " chain_key) VALUES (:id, :uid, :coin, :network, :amount, :address, :memo, :txid,"
        " :status, :confirmations, :required, :problem, :created_at, :credited_at,"
        " :chain_key)",
        deposit,
    )


def _seed_desk_traders(db: sqlite3.Connection, ago: Callable[..., str]) -> None:
    """The traders of exdesk's own demo conversations (exdesk/demo/content.py) have accounts
    here too, so every demo conversation shows one: a credited deposit, a completed
    withdrawal, a filled spot order. Plain data: the demo module imports nothing."""
    from exdesk.demo.content import CUSTOMERS

    for n, person in enumerate(CUSTOMERS):
        uid = person["uid"]
        if exists(db, uid):
            continue
        level = int(person.get("kyc_level", 0))
        code = None if n % 4 == 3 else f"DESK{int(uid) % 9973:04d}"
        methods = [] if n % 5 == 4 else ["totp"]
        db.execute(
            "INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (uid, person["email"], person["name"], person["language"], ago(days=400 + n * 17),
             int(person.get("vip_tier", 0)), level, "approved" if level else "none", None, code,
             int(bool(methods)), json.dumps(methods), "active", None, None),
        )  # fmt: skip
        _insert_deposit_addresses(db, uid)
        deposit = _deposit(f"D{uid}", uid, "USDT", "TRX", str(100 + n * 25), "credited",
                           ago(days=3 + n), credited_at=ago(days=3 + n, minutes=-3))  # fmt: skip
        _insert_deposit(db, deposit)
        db.execute(
            "INSERT INTO withdrawals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _withdrawal(f"W{uid}", uid, "BTC", "BTC", "0.002", "0.0002", "completed",
                        ago(days=2 + n), completed_at=ago(days=2 + n, minutes=-40)),
        )  # fmt: skip
        db.execute(
            "INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (f"O{uid}", uid, "BTC/USDT", "spot", "buy", "limit", "60100.00", "0.001", "0.001",
             "filled", ago(days=1 + n)),
        )  # fmt: skip
        db.execute(
            "INSERT INTO trades VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (f"T{uid}", uid, f"O{uid}", "BTC/USDT", "buy", "60100.00", "0.001", "0.000001",
             "BTC", ago(days=1 + n)),
        )  # fmt: skip


def _deposit(
    id: str,
    uid: str,
    coin: str,
    network: str,
    amount: str,
    status: str,
    created_at: str,
    *,
    confirmations: int | None = None,
    credited_at: str | None = None,
    problem: str | None = None,
    address_network: str | None = None,
    memo: str | bool | None = True,
    chain_key: str | None = None,
) -> dict[str, Any]:
    """One deposit row. ``address_network``: whose deposit address the coins went to, when
    not the deposit's own network (a wrong-network deposit); ``memo=True``: the customer's."""
    address, own_memo = deposit_address(uid, address_network or network)
    required = _REQUIRED.get((coin, network), _REQUIRED.get(("ETH", network), 12))
    if confirmations is None:
        confirmations = required if status != "pending" else 1
    return {
        "id": id,
        "uid": uid,
        "coin": coin,
        "network": network,
        "amount": amount,
        "address": address,
        "memo": own_memo if memo is True else memo or None,
        "txid": _txid(network, id),
        "status": status,
        "confirmations": confirmations,
        "required": required,
        "problem": problem,
        "created_at": created_at,
        "credited_at": credited_at,
        "chain_key": chain_key,
    }


def _demo_deposits(ago: Callable[..., str]) -> list[dict[str, Any]]:
    c = _CHAIN_DEPOSITS
    return [
        # Li Wei: a normal history, then the cases support sees every day.
        _deposit("D2401", "10000001", "BTC", "BTC", "0.015", "credited", ago(days=40),
                 credited_at=ago(days=40, minutes=-25)),
        _deposit(c["eth-credited"]["id"], "10000001", "ETH", "ETH", "0.5", "credited",
                 ago(days=12), credited_at=ago(days=12, minutes=-4), chain_key="eth-credited"),
        _deposit("D2404", "10000001", "USDT", "TRX", "0.5", "failed", ago(days=9),
                 confirmations=20, problem="below_minimum"),
        _deposit(c["usdt-eth-credited"]["id"], "10000001", "USDT", "ETH", "250", "credited",
                 ago(days=6), credited_at=ago(days=6, minutes=-3),
                 chain_key="usdt-eth-credited"),
        _deposit("D2406", "10000001", "USDT", "BSC", "120", "needs_action", ago(days=4),
                 problem="wrong_network", address_network="ETH"),
        _deposit("D2407", "10000001", "XRP", "XRP", "150", "needs_action", ago(days=2),
                 problem="missing_memo", memo=None),
        _deposit("D2408", "10000001", "FROGE", "ETH", "1250000", "needs_action",
                 ago(days=1, hours=3), problem="unsupported_token"),
        _deposit(c["eth-pending"]["id"], "10000001", "ETH", "ETH", "0.2", "pending",
                 ago(minutes=6), confirmations=3, chain_key="eth-pending"),
        # Maria Santos: one stuck on a missing memo, one waiting for confirmations.
        _deposit("D2409", "10000002", "SOL", "SOL", "12.5", "credited", ago(days=20),
                 credited_at=ago(days=20, minutes=-1)),
        _deposit("D2410", "10000002", "XLM", "XLM", "800", "needs_action", ago(days=3),
                 problem="missing_memo", memo=None),
        _deposit(c["usdt-eth-pending"]["id"], "10000002", "USDT", "ETH", "500", "pending",
                 ago(minutes=4), confirmations=2, chain_key="usdt-eth-pending"),
        _deposit("D2413", "10000002", "BTC", "BTC", "0.0042", "pending", ago(minutes=18),
                 confirmations=1),
        # The others: ordinary credited deposits.
        _deposit("D2414", "10000003", "BTC", "BTC", "2.35", "credited", ago(days=30),
                 credited_at=ago(days=30, minutes=-22)),
        _deposit("D2415", "10000003", "USDT", "TRX", "48000", "credited", ago(days=8),
                 credited_at=ago(days=8, minutes=-1)),
        _deposit("D2416", "10000003", "TON", "TON", "1500", "credited", ago(days=5),
                 credited_at=ago(days=5)),
        _deposit("D2417", "10000004", "USDT", "TRX", "300", "credited", ago(days=2),
                 credited_at=ago(days=2, minutes=-1)),
        _deposit("D2418", "10000005", "ATOM", "ATOM", "75", "credited", ago(days=15),
                 credited_at=ago(days=15)),
        _deposit("D2419", "10000005", "USDT", "BSC", "6200", "credited", ago(days=4),
                 credited_at=ago(days=4, minutes=-1)),
        _deposit("D2420", "10000006", "SOL", "SOL", "3", "credited", ago(days=11),
                 credited_at=ago(days=11)),
        _deposit("D2421", "10000007", "ETH", "ETH", "1.8", "credited", ago(days=25),
                 credited_at=ago(days=25, minutes=-3)),
    ]  # fmt: skip


def _withdrawal(
    id: str,
    uid: str,
    coin: str,
    network: str,
    amount: str,
    fee: str,
    status: str,
    created_at: str,
    *,
    completed_at: str | None = None,
    failure_reason: str | None = None,
    memo: str | None = None,
) -> tuple:
    # Withdrawals go to outside wallets: addresses that are no customer's.
    address = ADDRESS_MAKERS[network](f"external:{uid}:{network}")
    broadcast = status in ("processing", "completed")
    txid = _txid(network, id) if broadcast else None
    return (id, uid, coin, network, amount, fee, address, memo, txid, status, failure_reason,
            created_at, completed_at)  # fmt: skip


def _demo_withdrawals(ago: Callable[..., str]) -> list[tuple]:
    return [
        _withdrawal("W3101", "10000001", "BTC", "BTC", "0.01", "0.0002", "completed",
                    ago(days=30), completed_at=ago(days=30, minutes=-35)),
        _withdrawal("W3102", "10000001", "USDT", "ETH", "100", "4.5", "cancelled", ago(days=10)),
        _withdrawal("W3103", "10000001", "XRP", "XRP", "200", "0.2", "failed", ago(days=5),
                    failure_reason="the destination requires a destination tag (memo); "
                    "the amount is back in your balance", memo=None),
        _withdrawal("W3104", "10000001", "ETH", "ETH", "0.35", "0.0016", "processing",
                    ago(minutes=35)),
        _withdrawal("W3105", "10000001", "USDT", "TRX", "5000", "1", "pending_review",
                    ago(hours=2)),
        _withdrawal("W3106", "10000002", "USDT", "TRX", "150", "1", "completed", ago(days=14),
                    completed_at=ago(days=14, minutes=-6)),
        _withdrawal("W3107", "10000002", "SOL", "SOL", "4", "0.01", "failed", ago(days=1),
                    failure_reason="network congestion: the transaction expired before "
                    "confirmation; please try again"),
        _withdrawal("W3108", "10000003", "BTC", "BTC", "1.2", "0.0002", "completed",
                    ago(days=3), completed_at=ago(days=3, minutes=-50)),
        _withdrawal("W3109", "10000003", "XLM", "XLM", "2500", "0.01", "completed",
                    ago(days=2), completed_at=ago(days=2, minutes=-2), memo="885201"),
        _withdrawal("W3110", "10000005", "USDT", "BSC", "6000", "0.8", "pending_review",
                    ago(days=3, minutes=10)),
        _withdrawal("W3111", "10000007", "ETH", "ETH", "1.5", "0.0016", "cancelled",
                    ago(days=1, hours=2)),
    ]  # fmt: skip


def _demo_orders(ago: Callable[..., str]) -> list[tuple]:
    # id, uid, market, product, side, type, price, quantity, filled, status, created_at
    return [
        ("O5001", "10000001", "BTC/USDT", "spot", "buy", "limit", "61250.00", "0.01", "0.01",
         "filled", ago(days=35)),
        ("O5002", "10000001", "ETH/USDT", "spot", "buy", "market", None, "0.4", "0.4",
         "filled", ago(days=11)),
        ("O5003", "10000001", "ETH/USDT", "margin", "buy", "limit", "3120.50", "2", "0.75",
         "partially_filled", ago(days=7)),
        ("O5004", "10000001", "BTC/USDT", "futures", "buy", "limit", "67800.0", "0.5", "0.5",
         "filled", ago(days=3, hours=6)),
        ("O5005", "10000001", "BTC/USDT", "futures", "sell", "market", None, "0.5", "0.5",
         "liquidated", ago(days=2, hours=20)),
        ("O5006", "10000001", "SOL/USDT", "margin", "sell", "stop_limit", "142.00", "20", "0",
         "cancelled", ago(days=2)),
        ("O5007", "10000001", "ETH/USDT", "spot", "sell", "limit", "3650.00", "0.3", "0",
         "open", ago(hours=5)),
        ("O5008", "10000002", "SOL/USDT", "spot", "buy", "limit", "148.20", "10", "10",
         "filled", ago(days=19)),
        ("O5009", "10000002", "BTC/USDT", "spot", "buy", "limit", "60000.00", "0.005", "0",
         "open", ago(days=1)),
        ("O5010", "10000003", "ETH/USDT", "futures", "sell", "stop_limit", "3300.00", "15",
         "0", "open", ago(days=1, hours=4)),
        ("O5011", "10000003", "BTC/USDT", "spot", "sell", "limit", "69100.00", "1", "1",
         "filled", ago(days=4)),
        ("O5012", "10000005", "BTC/USDT", "spot", "buy", "market", None, "0.09", "0.09",
         "filled", ago(days=4, hours=1)),
    ]  # fmt: skip


def _demo_trades(ago: Callable[..., str]) -> list[tuple]:
    # id, uid, order id, market, side, price, quantity, fee, fee coin, created_at
    return [
        ("T8001", "10000001", "O5001", "BTC/USDT", "buy", "61250.00", "0.01", "0.00001",
         "BTC", ago(days=35, minutes=-2)),
        ("T8002", "10000001", "O5002", "ETH/USDT", "buy", "3098.40", "0.4", "0.0004", "ETH",
         ago(days=11)),
        ("T8003", "10000001", "O5003", "ETH/USDT", "buy", "3120.50", "0.75", "0.00075", "ETH",
         ago(days=7, minutes=-12)),
        ("T8004", "10000001", "O5004", "BTC/USDT", "buy", "67800.0", "0.3", "6.102", "USDT",
         ago(days=3, hours=6, minutes=-1)),
        ("T8005", "10000001", "O5004", "BTC/USDT", "buy", "67800.0", "0.2", "4.068", "USDT",
         ago(days=3, hours=6, minutes=-3)),
        ("T8006", "10000001", "O5005", "BTC/USDT", "sell", "64150.5", "0.5", "16.0376",
         "USDT", ago(days=2, hours=20)),
        ("T8007", "10000002", "O5008", "SOL/USDT", "buy", "148.20", "10", "0.01", "SOL",
         ago(days=19, minutes=-8)),
        ("T8008", "10000003", "O5011", "BTC/USDT", "sell", "69100.00", "1", "55.28", "USDT",
         ago(days=4, minutes=-1)),
        ("T8009", "10000005", "O5012", "BTC/USDT", "buy", "68020.10", "0.09", "0.00009",
         "BTC", ago(days=4, hours=1)),
    ]  # fmt: skip
