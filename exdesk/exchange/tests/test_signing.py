"""The connector's signatures on plain values: what both sides must compute alike."""

from hypothesis import given
from hypothesis import strategies as st

from exdesk.exchange import signing

SECRETS = {"exdesk": "s3cret"}
NOW = 1_800_000_000.0


def signed(method="GET", path="/exdesk/v1/customers/1", body=b"", now=NOW, secret="s3cret"):
    return signing.sign_request("exdesk", secret, method, path, body, now=now)


def check(headers, method="GET", path="/exdesk/v1/customers/1", body=b"", now=NOW):
    return signing.check_request(SECRETS, headers, method, path, body, now=now)


def test_a_good_request_passes():
    assert check(signed()) is None


def test_header_names_are_case_insensitive():
    assert check({k.lower(): v for k, v in signed().items()}) is None


def test_refusals_have_their_codes():
    headers = signed()
    assert check({}).code == "missing_signature"
    assert check({**headers, signing.KEY_HEADER: "other"}).code == "unknown_key"
    assert check(signed(now=NOW - 301)).code == "stale_timestamp"
    assert check(signed(now=NOW + 301)).code == "stale_timestamp"
    assert check(signed(secret="wrong")).code == "bad_signature"
    assert check({**headers, signing.TIMESTAMP_HEADER: "12ab"}).code == "bad_signature"


@given(
    method=st.sampled_from(["GET", "POST"]),
    path=st.text(alphabet="abc/?=&0123456789-", min_size=1, max_size=40),
    body=st.binary(max_size=200),
    change=st.sampled_from(["method", "path", "body", "nonce", "timestamp"]),
)
def test_any_change_to_a_signed_part_breaks_the_signature(method, path, body, change):
    headers = signed(method, path, body)
    assert check(headers, method, path, body) is None
    if change == "method":
        method = "DELETE"
    elif change == "path":
        path += "x"
    elif change == "body":
        body += b"x"
    elif change == "nonce":
        headers = {**headers, signing.NONCE_HEADER: headers[signing.NONCE_HEADER][::-1] + "0"}
    else:
        headers = {**headers, signing.TIMESTAMP_HEADER: str(int(NOW) + 1)}
    assert check(headers, method, path, body) is not None


def test_nonces_differ():
    assert len({signed()[signing.NONCE_HEADER] for _ in range(50)}) == 50


def test_response_signatures_bind_the_request_nonce_status_and_body():
    headers = signing.sign_response("s3cret", "n1", 200, b"{}", now=NOW)
    assert signing.check_response("s3cret", "n1", 200, headers, b"{}", now=NOW)
    assert not signing.check_response("s3cret", "n2", 200, headers, b"{}", now=NOW)
    assert not signing.check_response("s3cret", "n1", 404, headers, b"{}", now=NOW)
    assert not signing.check_response("s3cret", "n1", 200, headers, b"{ }", now=NOW)
    assert not signing.check_response("other", "n1", 200, headers, b"{}", now=NOW)
    assert not signing.check_response("s3cret", "n1", 200, headers, b"{}", now=NOW + 400)
    assert not signing.check_response("s3cret", "n1", 200, {}, b"{}", now=NOW)
