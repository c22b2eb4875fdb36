"""The sandbox exchange over real HTTP: the protocol's shapes, its refusals and signatures,
idempotent actions and the demo data (docs/exchange-connector.md). No Django database."""

import json
import sqlite3
import time
from pathlib import Path

import httpx
import pytest

from exdesk.exchange import addresses, signing
from exdesk.exchange.sandbox import store
from exdesk.exchange.sandbox.server import running_sandbox

KEY, SECRET = "exdesk", "sandbox-test-secret"
BASE = "/exdesk/v1"
OPENAPI = Path(__file__).resolve().parents[3] / "docs" / "exchange-connector.openapi.json"

PROFILE_KEYS = {
    "uid",
    "email",
    "display_name",
    "language",
    "registered_at",
    "vip_tier",
    "kyc",
    "anti_phishing_code",
    "two_factor",
    "account",
}
ITEM_KEYS = {
    "deposits": {
        "id",
        "coin",
        "network",
        "amount",
        "address",
        "memo",
        "txid",
        "status",
        "confirmations",
        "required_confirmations",
        "problem",
        "created_at",
        "credited_at",
    },
    "withdrawals": {
        "id",
        "coin",
        "network",
        "amount",
        "fee",
        "address",
        "memo",
        "txid",
        "status",
        "failure_reason",
        "created_at",
        "completed_at",
    },
    "orders": {
        "id",
        "market",
        "product",
        "side",
        "type",
        "price",
        "quantity",
        "filled",
        "status",
        "created_at",
    },
    "trades": {
        "id",
        "order_id",
        "market",
        "side",
        "price",
        "quantity",
        "fee",
        "fee_coin",
        "created_at",
    },
    "deposit-addresses": {"coin", "network", "address", "memo"},
}
ASSET_KEYS = {
    "coin",
    "network",
    "family",
    "chain_id",
    "contract",
    "decimals",
    "required_confirmations",
    "min_deposit",
    "memo_required",
    "deposit_enabled",
    "withdraw_enabled",
}
EXPECTED_NETWORK = {
    "BTC": addresses.BITCOIN,
    "ETH": addresses.EVM,
    "BSC": addresses.EVM,
    "TRX": addresses.TRON,
    "XRP": addresses.XRP,
    "XLM": addresses.STELLAR,
    "TON": addresses.TON,
    "ATOM": addresses.COSMOS,
    "SOL": addresses.SOLANA,
}
DEMO_UIDS = [f"1000000{n}" for n in range(1, 9)]


class Exchange:
    """Signed calls to a running sandbox; paths are relative to /exdesk/v1."""

    def __init__(self, base_url: str, db_path: Path):
        self.origin = base_url.removesuffix(BASE)
        self.db_path = db_path
        self.http = httpx.Client(timeout=10)

    def call(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        *,
        headers: dict | None = None,
        key: str = KEY,
        secret: str = SECRET,
        now: float | None = None,
        signed_path: str | None = None,
    ) -> tuple[httpx.Response, str]:
        full = BASE + path
        signed = signing.sign_request(key, secret, method, signed_path or full, body, now=now)
        response = self.http.request(
            method, self.origin + full, content=body, headers={**signed, **(headers or {})}
        )
        return response, signed[signing.NONCE_HEADER]

    def get(self, path: str) -> httpx.Response:
        response, nonce = self.call("GET", path)
        assert verified(response, nonce), path
        return response

    def post(self, path: str, payload: dict, key: str | None = "k-1") -> httpx.Response:
        headers = {"Idempotency-Key": key} if key else {}
        body = json.dumps(payload).encode()
        response, nonce = self.call("POST", path, body, headers=headers)
        assert verified(response, nonce), path
        return response

    def items(self, path: str) -> list[dict]:
        response = self.get(path)
        assert response.status_code == 200, response.text
        assert set(response.json()) == {"items"}
        return response.json()["items"]

    def rows(self, sql: str, *parameters) -> list[tuple]:
        with sqlite3.connect(self.db_path) as db:
            return db.execute(sql, parameters).fetchall()


def verified(response: httpx.Response, nonce: str) -> bool:
    return signing.check_response(
        SECRET, nonce, response.status_code, response.headers, response.content
    )


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("sandbox") / "exchange.sqlite3"
    with running_sandbox(db_path, {KEY: SECRET, "old-key": "rotated-secret"}) as base_url:
        client = Exchange(base_url, db_path)
        yield client
        client.http.close()


def identified(value: str) -> list[addresses.Address]:
    # identify() answers one Address or None; a list when several networks match.
    found = addresses.identify(value)
    if found is None:
        return []
    return list(found) if isinstance(found, list | tuple) else [found]


# ---------------------------------------------------------------- shapes


def test_health_is_unsigned(exchange):
    response = exchange.http.get(exchange.origin + "/health")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert signing.RESPONSE_SIGNATURE_HEADER not in response.headers


def test_the_main_demo_trader_matches_the_documented_example(exchange):
    response = exchange.get("/customers/10000001")
    assert response.status_code == 200
    profile = response.json()
    assert set(profile) == PROFILE_KEYS
    assert profile == {
        "uid": "10000001",
        "email": "li.wei@example.com",
        "display_name": "Li Wei",
        "language": "zh-hans",
        "registered_at": "2024-03-02T08:00:00+00:00",
        "vip_tier": 2,
        "kyc": {"level": 2, "status": "approved", "last_rejection_reason": None},
        "anti_phishing_code": "BLUEFOX42",
        "two_factor": {"enabled": True, "methods": ["totp"]},
        "account": {"state": "active", "reason": None, "since": None},
    }


def test_the_demo_accounts_cover_the_everyday_cases(exchange):
    profiles = [exchange.get(f"/customers/{uid}").json() for uid in DEMO_UIDS]
    for profile in profiles:
        assert set(profile) == PROFILE_KEYS
        assert 0 <= profile["kyc"]["level"] <= 3
        assert profile["kyc"]["status"] in {"none", "pending", "approved", "rejected"}
        assert profile["account"]["state"] in {"active", "frozen", "withdrawals_locked", "closed"}
    maria = profiles[1]
    assert (maria["display_name"], maria["language"]) == ("Maria Santos", "en")
    assert any(p["display_name"].isascii() for p in profiles)
    assert any(not p["display_name"].isascii() for p in profiles)  # Chinese names too
    assert any(
        p["vip_tier"] == 3 and p["kyc"] == {"level": 3, "status": "approved",
                                           "last_rejection_reason": None}
        and p["two_factor"]["enabled"]
        for p in profiles
    )  # fmt: skip
    rejected = [p for p in profiles if p["kyc"]["status"] == "rejected"]
    assert rejected[0]["kyc"]["last_rejection_reason"] == (
        "document photo blurred; the name does not match"
    )
    assert any(p["kyc"]["status"] == "pending" for p in profiles)
    frozen = [p for p in profiles if p["account"]["state"] == "frozen"]
    assert frozen and frozen[0]["account"]["reason"] and frozen[0]["account"]["since"]
    assert any(p["account"]["state"] == "withdrawals_locked" for p in profiles)
    assert any(
        p["anti_phishing_code"] is None and p["two_factor"] == {"enabled": False, "methods": []}
        for p in profiles
    )


@pytest.mark.parametrize("what", sorted(ITEM_KEYS))
def test_every_list_has_its_documented_shape_newest_first(exchange, what):
    for uid in DEMO_UIDS:
        items = exchange.items(f"/customers/{uid}/{what}")
        for item in items:
            assert set(item) == ITEM_KEYS[what]
        if "created_at" in ITEM_KEYS[what]:
            moments = [item["created_at"] for item in items]
            assert moments == sorted(moments, reverse=True)
            assert all(m.endswith("+00:00") for m in moments)  # ISO 8601 with a zone
    assert exchange.items(f"/customers/10000001/{what}")


def test_amounts_are_decimal_strings(exchange):
    for item in exchange.items("/customers/10000001/deposits"):
        assert isinstance(item["amount"], str)
        assert isinstance(item["confirmations"], int)
    for item in exchange.items("/customers/10000001/trades"):
        assert all(isinstance(item[k], str) for k in ("price", "quantity", "fee"))


def test_deposits_cover_the_cases_support_sees(exchange):
    deposits = [d for uid in DEMO_UIDS for d in exchange.items(f"/customers/{uid}/deposits")]
    by_problem = {d["problem"]: d for d in deposits}
    assert set(by_problem) >= {
        None,
        "wrong_network",
        "missing_memo",
        "below_minimum",
        "unsupported_token",
    }
    missing_memo = by_problem["missing_memo"]
    assert missing_memo["network"] in {"XRP", "XLM"} and missing_memo["memo"] is None
    pending = [d for d in deposits if d["status"] == "pending"]
    assert pending
    assert all(d["confirmations"] < d["required_confirmations"] for d in pending)
    credited = [d for d in deposits if d["status"] == "credited"]
    assert credited and all(d["credited_at"] for d in credited)
    assert all(d["status"] in {"pending", "credited", "failed", "needs_action"} for d in deposits)


def test_withdrawals_and_orders_cover_every_status(exchange):
    withdrawals = [w for u in DEMO_UIDS for w in exchange.items(f"/customers/{u}/withdrawals")]
    assert {w["status"] for w in withdrawals} == {
        "pending_review",
        "processing",
        "failed",
        "completed",
        "cancelled",
    }
    assert all(w["failure_reason"] for w in withdrawals if w["status"] == "failed")
    assert all(w["completed_at"] for w in withdrawals if w["status"] == "completed")
    orders = [o for u in DEMO_UIDS for o in exchange.items(f"/customers/{u}/orders")]
    assert {o["product"] for o in orders} == {"spot", "margin", "futures"}
    assert {o["type"] for o in orders} == {"limit", "market", "stop_limit"}
    assert any(o["product"] == "futures" and o["status"] == "liquidated" for o in orders)
    order_ids = {o["id"] for o in orders}
    trades = [t for u in DEMO_UIDS for t in exchange.items(f"/customers/{u}/trades")]
    assert trades and all(t["order_id"] in order_ids for t in trades)


def test_assets(exchange):
    assets = {(a["coin"], a["network"]): a for a in exchange.items("/assets")}
    for asset in assets.values():
        assert set(asset) == ASSET_KEYS
        assert (asset["chain_id"] is None) == (asset["family"] != "evm")
    assert {
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
    } <= set(assets)
    assert assets["BTC", "BTC"]["family"] == "bitcoin"
    assert assets["BTC", "BTC"]["required_confirmations"] == 2
    eth, usdt = assets["ETH", "ETH"], assets["USDT", "ETH"]
    assert (eth["family"], eth["chain_id"], eth["contract"]) == (
        "evm",
        store.DEMO_EVM_CHAIN_ID,
        None,
    )
    assert eth["required_confirmations"] == 12
    assert (usdt["contract"], usdt["decimals"], usdt["chain_id"]) == (
        store.DEMO_TOKEN_ADDRESS,
        6,
        eth["chain_id"],
    )
    assert assets["USDT", "TRX"]["family"] == "tron"
    assert assets["USDT", "BSC"]["chain_id"] == 56
    for memo_coin in ("XRP", "XLM", "TON", "ATOM"):
        assert assets[memo_coin, memo_coin]["memo_required"] is True
    assert assets["SOL", "SOL"]["memo_required"] is False


def test_every_seeded_address_is_valid_for_its_network(exchange):
    seen = []
    for uid in DEMO_UIDS:
        for item in exchange.items(f"/customers/{uid}/deposit-addresses"):
            seen.append((item["network"], item["address"]))
            assert (item["memo"] is not None) == (item["network"] in store.MEMO_NETWORKS)
        for item in exchange.items(f"/customers/{uid}/deposits"):
            seen.append((item["network"], item["address"]))
        for item in exchange.items(f"/customers/{uid}/withdrawals"):
            seen.append((item["network"], item["address"]))
    for asset in exchange.items("/assets"):
        if asset["contract"]:
            seen.append((asset["network"], asset["contract"]))
    assert len(seen) > 100
    for network, address in seen:
        found = identified(address)
        assert any(a.network == EXPECTED_NETWORK[network] for a in found), (network, address)
        if network != "SOL":  # Solana addresses carry no checksum
            assert all(a.checksummed for a in found), address


def test_a_customer_has_one_address_per_network_and_the_memo_networks_share_one(exchange):
    li = {
        (a["coin"], a["network"]): a
        for a in exchange.items("/customers/10000001/deposit-addresses")
    }
    maria = {
        (a["coin"], a["network"]): a
        for a in exchange.items("/customers/10000002/deposit-addresses")
    }
    assert li["ETH", "ETH"]["address"] == li["USDT", "ETH"]["address"]
    assert li["ETH", "ETH"]["address"] != maria["ETH", "ETH"]["address"]
    assert li["XRP", "XRP"]["address"] == maria["XRP", "XRP"]["address"]
    assert li["XRP", "XRP"]["memo"] != maria["XRP", "XRP"]["memo"]


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "header",
    [
        signing.KEY_HEADER,
        signing.TIMESTAMP_HEADER,
        signing.NONCE_HEADER,
        signing.SIGNATURE_HEADER,
    ],
)
def test_a_missing_header_is_refused(exchange, header):
    path = BASE + "/customers/10000001"
    headers = signing.sign_request(KEY, SECRET, "GET", path, b"")
    nonce = headers[signing.NONCE_HEADER] if header != signing.NONCE_HEADER else ""
    del headers[header]
    response = exchange.http.get(exchange.origin + path, headers=headers)
    assert (response.status_code, response.json()) == (401, {"error": "missing_signature"})
    assert verified(response, nonce)  # no nonce: signed with an empty one


def test_an_unsigned_request_is_refused_and_the_answer_signed_without_nonce(exchange):
    response = exchange.http.get(exchange.origin + BASE + "/assets")
    assert (response.status_code, response.json()) == (401, {"error": "missing_signature"})
    assert verified(response, "")


def test_an_unknown_key_is_refused(exchange):
    response, nonce = exchange.call("GET", "/assets", key="somebody")
    assert (response.status_code, response.json()) == (401, {"error": "unknown_key"})
    assert verified(response, nonce)


def test_a_rotated_key_is_accepted_and_answered_with_its_own_secret(exchange):
    response, nonce = exchange.call("GET", "/assets", key="old-key", secret="rotated-secret")
    assert response.status_code == 200
    assert signing.check_response("rotated-secret", nonce, 200, response.headers, response.content)


@pytest.mark.parametrize("offset", [-400, 400])
def test_a_stale_timestamp_is_refused(exchange, offset):
    response, nonce = exchange.call("GET", "/assets", now=time.time() + offset)
    assert (response.status_code, response.json()) == (401, {"error": "stale_timestamp"})
    assert verified(response, nonce)


def test_a_wrong_signature_is_refused(exchange):
    cases = [
        exchange.call("GET", "/customers/10000001", secret="not-the-secret"),
        # signed for another path, or for another query string
        exchange.call("GET", "/customers/10000002", signed_path=BASE + "/customers/10000001"),
        exchange.call("GET", "/assets?limit=5", signed_path=BASE + "/assets?limit=50"),
    ]
    for response, nonce in cases:
        assert (response.status_code, response.json()) == (401, {"error": "bad_signature"})
        assert verified(response, nonce)


def test_a_tampered_body_is_refused(exchange):
    path = BASE + "/customers/10000006/email-verification"
    body = json.dumps({"requested_by": "agent", "reference": "C-1"}).encode()
    headers = signing.sign_request(KEY, SECRET, "POST", path, body)
    response = exchange.http.post(
        exchange.origin + path,
        content=body.replace(b"agent", b"mallory"),
        headers={**headers, "Idempotency-Key": "tampered"},
    )
    assert (response.status_code, response.json()) == (401, {"error": "bad_signature"})


def test_a_replayed_request_is_refused(exchange):
    path = BASE + "/customers/10000001"
    headers = signing.sign_request(KEY, SECRET, "GET", path, b"")
    first = exchange.http.get(exchange.origin + path, headers=headers)
    again = exchange.http.get(exchange.origin + path, headers=headers)
    assert first.status_code == 200
    assert (again.status_code, again.json()) == (401, {"error": "replayed"})
    assert verified(again, headers[signing.NONCE_HEADER])


def test_old_nonces_are_forgotten(tmp_path):
    db = store.open_store(tmp_path / "exchange.sqlite3")
    now = time.time()
    assert store.remember_nonce(db, "a" * 32, int(now), now)
    assert not store.remember_nonce(db, "a" * 32, int(now), now + 10)
    assert store.remember_nonce(db, "b" * 32, int(now), now + 301)  # prunes the first
    assert [row[0] for row in db.execute("SELECT nonce FROM nonces")] == ["b" * 32]
    db.close()


def test_answer_signatures_verify_and_a_tampered_answer_does_not(exchange):
    response, nonce = exchange.call("GET", "/customers/10000001")
    assert verified(response, nonce)
    tampered = response.content.replace(b'"active"', b'"frozen"')
    assert tampered != response.content
    assert not signing.check_response(SECRET, nonce, 200, response.headers, tampered)
    assert not signing.check_response(SECRET, "0" * 32, 200, response.headers, response.content)
    assert not signing.check_response(SECRET, nonce, 404, response.headers, response.content)


# ---------------------------------------------------------------- not found, methods, limits


@pytest.mark.parametrize(
    "path",
    [
        "/customers/99999999",
        "/customers/99999999/deposits",
        "/customers/99999999/withdrawals",
        "/customers/99999999/orders",
        "/customers/99999999/trades",
        "/customers/99999999/deposit-addresses",
        "/customers/10000001/balances",
        "/customers/10000001/deposits/D2401",
        "/customers",
        "/customers/",
        "/nothing",
        "",
    ],
)
def test_unknown_accounts_and_paths_answer_not_found(exchange, path):
    response = exchange.get(path)
    assert (response.status_code, response.json()) == (404, {"error": "not_found"})


def test_an_action_on_an_unknown_account_answers_not_found(exchange):
    response = exchange.post("/customers/99999999/freeze", _freeze_body(), key="nf-1")
    assert (response.status_code, response.json()) == (404, {"error": "not_found"})


def test_a_path_outside_the_protocol_answers_not_found(exchange):
    response = exchange.http.get(exchange.origin + "/admin")
    assert response.status_code == 404
    assert verified(response, "")


def test_the_chain_endpoint_is_absent_without_a_chain(exchange):
    response = exchange.http.post(exchange.origin + "/chain/evm", content=b"{}")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("POST", "/customers/10000001", "GET"),
        ("DELETE", "/customers/10000001/deposits", "GET"),
        ("POST", "/assets", "GET"),
        ("GET", "/customers/10000001/freeze", "POST"),
        ("PUT", "/customers/10000001/unfreeze-requests", "POST"),
    ],
)
def test_a_wrong_method_is_refused(exchange, method, path, allowed):
    response, nonce = exchange.call(method, path)
    assert response.status_code == 405
    assert response.json() == {"error": "method_not_allowed"}
    assert response.headers["allow"] == allowed
    assert verified(response, nonce)


def test_limit(exchange):
    assert len(exchange.items("/customers/10000001/deposits?limit=2")) == 2
    assert len(exchange.items("/customers/10000001/deposits?limit=100")) > 2
    everything = exchange.items("/customers/10000001/deposits")
    assert exchange.items("/customers/10000001/deposits?limit=3") == everything[:3]
    assert len(exchange.items("/assets?limit=1")) == 1
    for bad in ("0", "101", "-1", "abc", "1.5", "", "2&limit=3"):
        response = exchange.get(f"/customers/10000001/orders?limit={bad}")
        assert response.status_code == 400, bad
        assert response.json()["error"] == "invalid_request"
        assert "limit" in response.json()["detail"]


def test_limit_defaults_to_twenty(tmp_path):
    db = store.open_store(tmp_path / "exchange.sqlite3")
    for n in range(30):
        db.execute(
            "INSERT INTO trades VALUES (?, '10000006', 'O5001', 'BTC/USDT', 'buy', '1', '1',"
            " '0', 'USDT', ?)",
            (f"X{n}", f"2025-01-01T00:00:{n:02d}+00:00"),
        )
    db.close()
    with running_sandbox(tmp_path / "exchange.sqlite3", {KEY: SECRET}) as base_url:
        exchange = Exchange(base_url, tmp_path / "exchange.sqlite3")
        items = exchange.items("/customers/10000006/trades")
        assert len(items) == 20
        assert items[0]["id"] == "X29"


# ---------------------------------------------------------------- actions


def _freeze_body(**changes) -> dict:
    return {
        "reason": "trader reports a stolen phone",
        "requested_by": "agent.kim",
        "approved_by": None,
        "reference": "C-2041",
        **changes,
    }


def test_freeze_is_idempotent(exchange):
    first = exchange.post("/customers/10000006/freeze", _freeze_body(), key="freeze-6-a")
    assert first.status_code == 200, first.text
    answer = first.json()
    assert set(answer) == {"account", "reference"}
    assert answer["account"]["state"] == "frozen"
    assert answer["account"]["reason"] == "trader reports a stolen phone"
    assert answer["account"]["since"]
    assert answer["reference"].startswith("FRZ-")
    again = exchange.post("/customers/10000006/freeze", _freeze_body(), key="freeze-6-a")
    assert (again.status_code, again.content) == (200, first.content)
    assert exchange.rows(
        "SELECT count(*) FROM account_actions WHERE uid = '10000006' AND action = 'freeze'"
    ) == [(1,)]
    profile = exchange.get("/customers/10000006").json()
    assert profile["account"] == answer["account"]


def test_freezing_a_frozen_account_keeps_its_reason(exchange):
    before = exchange.get("/customers/10000005").json()["account"]
    response = exchange.post("/customers/10000005/freeze", _freeze_body(), key="freeze-5")
    assert response.status_code == 200
    assert response.json()["account"] == before


def test_freeze_needs_an_idempotency_key_and_a_proper_body(exchange):
    response = exchange.post("/customers/10000007/freeze", _freeze_body(), key=None)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert "Idempotency-Key" in response.json()["detail"]
    for body in (_freeze_body(reason=""), _freeze_body(requested_by=None), {"reason": 5}):
        response = exchange.post("/customers/10000007/freeze", body, key="freeze-7-bad")
        assert response.status_code == 400, body
        assert response.json()["error"] == "invalid_request"
    path = "/customers/10000007/freeze"
    for raw in (b"{not json", b"[1, 2]", b"\xff"):
        response, nonce = exchange.call("POST", path, raw, headers={"Idempotency-Key": "raw"})
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_request"
        assert verified(response, nonce)
    assert exchange.get("/customers/10000007").json()["account"]["state"] == "withdrawals_locked"


def test_a_reused_idempotency_key_with_another_body_is_refused(exchange):
    assert exchange.post("/customers/10000004/freeze", _freeze_body(), key="k-r").status_code == 200
    other = exchange.post("/customers/10000004/freeze", _freeze_body(reason="x"), key="k-r")
    assert other.status_code == 400
    other = exchange.post("/customers/10000003/freeze", _freeze_body(), key="k-r")
    assert other.status_code == 400
    assert exchange.get("/customers/10000003").json()["account"]["state"] == "active"


def test_unfreeze_request(exchange):
    body = {"reason": "identity confirmed by video call", "requested_by": "agent.kim",
            "reference": "C-2042"}  # fmt: skip
    response = exchange.post("/customers/10000005/unfreeze-requests", body, key="ufr-1")
    assert response.status_code == 202
    answer = response.json()
    assert set(answer) == {"request_id", "status"}
    assert answer["status"] == "submitted" and answer["request_id"]
    again = exchange.post("/customers/10000005/unfreeze-requests", body, key="ufr-1")
    assert (again.status_code, again.json()) == (202, answer)
    # Support only asks: the account stays frozen until the risk team decides.
    assert exchange.get("/customers/10000005").json()["account"]["state"] == "frozen"


def test_email_verification(exchange):
    body = {"requested_by": "agent.kim", "reference": "C-2043"}
    response = exchange.post("/customers/10000001/email-verification", body, key="emv-1")
    assert (response.status_code, response.json()) == (202, {"sent_to": "l***@example.com"})


def test_a_body_too_large_is_refused(exchange):
    body = b"{" + b" " * 70_000 + b"}"
    response, nonce = exchange.call(
        "POST", "/customers/10000001/freeze", body, headers={"Idempotency-Key": "big"}
    )
    assert response.status_code == 400
    assert verified(response, nonce)


# ---------------------------------------------------------------- the store and the chain


def test_seeding_happens_once(tmp_path):
    path = tmp_path / "exchange.sqlite3"
    store.open_store(path).close()
    db = store.open_store(path)
    from exdesk.demo.content import CUSTOMERS

    # Its own eight accounts and one for each trader of exdesk's demo conversations.
    expected = len(DEMO_UIDS) + len(CUSTOMERS)
    assert db.execute("SELECT count(*) FROM customers").fetchone()[0] == expected
    assert store.exists(db, CUSTOMERS[0]["uid"])
    first = db.execute("SELECT count(*) FROM deposits").fetchone()[0]
    db.close()
    db = store.open_store(path)
    assert db.execute("SELECT count(*) FROM deposits").fetchone()[0] == first
    db.close()


def test_demo_transfers_go_to_the_seeded_deposit_addresses(tmp_path):
    db = store.open_store(tmp_path / "exchange.sqlite3")
    transfers = store.demo_evm_transfers()
    keys = [t["key"] for t in transfers]
    assert set(keys) == {
        "eth-credited",
        "usdt-eth-credited",
        "eth-pending",
        "usdt-eth-pending",
        "usdt-to-contract",
    }
    # settled ones first, so the chain can bury them under enough blocks
    assert keys.index("eth-pending") > keys.index("eth-credited")
    for transfer in transfers:
        assert set(transfer) == {"key", "to", "amount", "token", "to_token_contract"}
        assert isinstance(transfer["amount"], str)
        if transfer["to_token_contract"]:
            continue
        (address,) = db.execute(
            "SELECT address FROM deposits WHERE chain_key = ?", (transfer["key"],)
        ).fetchone()
        assert address == transfer["to"]
    txids = {key: "0x" + f"{n:064x}" for n, key in enumerate(keys, 1)}
    store.attach_chain_transfers(db, txids)
    assert store.chain_txids(db) == txids
    (txid,) = db.execute("SELECT txid FROM deposits WHERE chain_key = 'eth-pending'").fetchone()
    assert txid == txids["eth-pending"]
    db.close()


def test_deposits_follow_the_chain(tmp_path):
    chain_module = pytest.importorskip("exdesk.exchange.sandbox.chain")
    chain = chain_module.DemoChain()
    path = tmp_path / "exchange.sqlite3"
    with running_sandbox(path, {KEY: SECRET}, chain=chain) as base_url:
        exchange = Exchange(base_url, path)
        usdt = next(
            a for a in exchange.items("/assets") if (a["coin"], a["network"]) == ("USDT", "ETH")
        )
        assert usdt["contract"] == chain.token_address
        deposits = {d["id"]: d for d in exchange.items("/customers/10000001/deposits")}
        txids = dict(exchange.rows("SELECT key, txid FROM chain_txids"))
        credited, pending = deposits["D2403"], deposits["D2411"]
        assert credited["txid"] == txids["eth-credited"]
        assert credited["confirmations"] >= 12 and credited["status"] == "credited"
        assert pending["txid"] == txids["eth-pending"]
        assert pending["status"] == "pending"
        assert 1 <= pending["confirmations"] < 12
        chain.mine(12 - pending["confirmations"])
        now = {d["id"]: d for d in exchange.items("/customers/10000001/deposits")}["D2411"]
        assert (now["status"], now["confirmations"]) == ("credited", 12)
        assert now["credited_at"]
        rpc = exchange.http.post(
            exchange.origin + "/chain/evm",
            content=json.dumps({"jsonrpc": "2.0", "id": 7, "method": "eth_blockNumber"}),
        )
        assert rpc.status_code == 200
        assert int(rpc.json()["result"], 16) == chain.head()


# ---------------------------------------------------------------- the OpenAPI description


def test_the_openapi_description_lists_every_call():
    spec = json.loads(OPENAPI.read_text(encoding="utf-8"))
    assert spec["openapi"].startswith("3.1")
    assert spec["servers"][0]["url"].endswith(BASE)
    assert set(spec["paths"]) == {
        "/customers/{uid}",
        "/customers/{uid}/deposits",
        "/customers/{uid}/withdrawals",
        "/customers/{uid}/orders",
        "/customers/{uid}/trades",
        "/customers/{uid}/deposit-addresses",
        "/assets",
        "/customers/{uid}/freeze",
        "/customers/{uid}/unfreeze-requests",
        "/customers/{uid}/email-verification",
    }
    schemas = spec["components"]["schemas"]
    assert set(schemas["Deposit"]["properties"]) == ITEM_KEYS["deposits"]
    assert set(schemas["Withdrawal"]["properties"]) == ITEM_KEYS["withdrawals"]
    assert set(schemas["Order"]["properties"]) == ITEM_KEYS["orders"]
    assert set(schemas["Trade"]["properties"]) == ITEM_KEYS["trades"]
    assert set(schemas["DepositAddress"]["properties"]) == ITEM_KEYS["deposit-addresses"]
    assert set(schemas["Asset"]["properties"]) == ASSET_KEYS
    assert set(schemas["Customer"]["properties"]) == PROFILE_KEYS
    assert set(spec["components"]["securitySchemes"]) == {
        "key",
        "timestamp",
        "nonce",
        "signature",
    }
