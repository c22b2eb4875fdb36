"""Address recognition: generated valid addresses are found, one changed character is not.

Valid addresses are built from random bytes with the encoders of kept libraries (eth_utils,
base58, the standard library's base32/base64) or, for bech32, with the BIP reference code
that is itself checked against the BIPs' test vectors here.
"""

import base64

import base58
import pytest
from django.utils import translation
from eth_utils import to_checksum_address
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from exdesk.exchange import addresses
from exdesk.exchange.addresses import (
    BECH32_CONST,
    BECH32M_CONST,
    Address,
    bech32_encode,
    convert_bits,
    crc16_xmodem,
    eip55,
    identify,
    memo_name,
    memo_required,
    segwit_decode,
    segwit_encode,
)

FEW = settings(max_examples=60, deadline=None)

twenty = st.binary(min_size=20, max_size=20)
thirty_two = st.binary(min_size=32, max_size=32)
position = st.integers(0, 1000)

BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
BITCOIN_ALPHABET = base58.BITCOIN_ALPHABET.decode()
RIPPLE_ALPHABET = addresses.RIPPLE_ALPHABET.decode()
BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
BASE64URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def change_one(value: str, where: int, alphabet: str, replacement: int = 0) -> str:
    """`value` with the character at `where` (modulo its length) replaced from `alphabet`."""
    i = where % len(value)
    others = [c for c in alphabet if c != value[i]]
    return value[:i] + others[replacement % len(others)] + value[i + 1 :]


def assert_one_change_caught(address: str, where: int, alphabet: str, replacement: int):
    """One changed character never yields a valid address of the same network."""
    original = identify(address)
    assert original is not None and original.checksummed
    changed = change_one(address, where, alphabet, replacement)
    found = identify(changed)
    assert found is None or found.network != original.network, (address, changed)


# ---------------------------------------------------------------- EVM (EIP-55)

EIP55_VECTORS = [  # from EIP-55 itself
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]


@pytest.mark.parametrize("address", EIP55_VECTORS)
def test_eip55_vectors(address):
    assert "0x" + eip55(address[2:].lower()) == address
    assert identify(address) == Address(address, addresses.EVM, True)
    assert identify(address.lower()) == Address(address.lower(), addresses.EVM, False)
    assert identify("0x" + address[2:].upper()).checksummed is False


@FEW
@given(raw=twenty, which=st.integers(0, 40))
def test_evm_checksum_and_one_case_flip(raw, which):
    address = to_checksum_address(raw)
    body = address[2:]
    assume(body not in (body.lower(), body.upper()))  # a checksum shows only in mixed case
    assert eip55(raw.hex()) == body
    assert identify(address) == Address(address, addresses.EVM, True)
    assert identify(address.lower()) == Address(address.lower(), addresses.EVM, False)
    letters = [i for i, c in enumerate(address) if i > 1 and c.isalpha()]
    i = letters[which % len(letters)]
    flipped = address[:i] + address[i].swapcase() + address[i + 1 :]
    if flipped[2:] in (flipped[2:].lower(), flipped[2:].upper()):
        # the flip made it all one case: no checksum left, the same account
        assert identify(flipped) == Address(flipped, addresses.EVM, False)
    else:
        assert identify(flipped) is None  # the case pattern is the checksum


# A value change (not a case flip) of an EIP-55 address is caught only with a probability
# of 1 - 2^-(its letters), so it is no property to test; a case flip always is.


# ---------------------------------------------------------------- bech32 / bech32m

BIP_VALID = {  # BIP173 and BIP350 valid segwit addresses: (witness version, network)
    "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4": (0, addresses.BITCOIN),
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7": (0, "Bitcoin testnet"),
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y": (
        1,
        addresses.BITCOIN,
    ),
    "BC1SW50QGDZ25J": (16, addresses.BITCOIN),
    "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs": (2, addresses.BITCOIN),
    "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy": (0, "Bitcoin testnet"),
    "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c": (1, "Bitcoin testnet"),
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0": (1, addresses.BITCOIN),
}

BIP_INVALID = [  # BIP350's invalid segwit addresses
    "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",  # unknown hrp
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",  # v1 with bech32
    "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",  # v2 with bech32
    "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",  # v16 with bech32
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",  # v0 with bech32m
    "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",  # v0 with bech32m
    "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",  # "o" is no character
    "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",  # version 17
    "bc1pw5dgrnzv",  # a 1-byte program
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",  # 41 bytes
    "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",  # v0 with 16 bytes
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",  # mixed case
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",  # padding > 4 bits
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",  # non-zero padding
    "bc1gmk9yu",  # empty data
]


@pytest.mark.parametrize(("address", "expected"), BIP_VALID.items())
def test_bip_valid_vectors(address, expected):
    version, network = expected
    assert identify(address) == Address(address, network, True)
    assert segwit_decode(address, address[:2].lower())[0] == version


@pytest.mark.parametrize("address", BIP_INVALID)
def test_bip_invalid_vectors(address):
    assert identify(address) is None


witness = st.one_of(
    st.tuples(st.just(0), st.one_of(twenty, thirty_two)),
    st.tuples(st.just(1), thirty_two),  # taproot
    st.tuples(st.integers(1, 16), st.binary(min_size=2, max_size=40)),
)
segwit_hrp = st.sampled_from(
    [
        ("bc", addresses.BITCOIN),
        ("tb", addresses.BITCOIN_TESTNET),
        ("bcrt", addresses.BITCOIN_TESTNET),
        ("ltc", addresses.LITECOIN),
    ]
)


@FEW
@given(program=witness, hrp=segwit_hrp, where=position, replacement=position)
def test_segwit_addresses(program, hrp, where, replacement):
    (version, data), (prefix, network) = program, hrp
    address = segwit_encode(prefix, version, data)
    assert identify(address) == Address(address, network, True)
    assert identify(address.upper()).network == network  # bech32 may be all upper case
    assert segwit_decode(address, prefix) == (version, data)
    assert_one_change_caught(address, where, BECH32_CHARSET, replacement)
    # the other checksum constant: v0 must be bech32, v1 and later bech32m
    wrong = BECH32M_CONST if version == 0 else BECH32_CONST
    five_bit = [version, *convert_bits(list(data), 8, 5, True)]
    assert identify(bech32_encode(prefix, five_bit, wrong)) is None


@FEW
@given(key=st.one_of(twenty, thirty_two), where=position, replacement=position)
def test_cosmos(key, where, replacement):
    data = convert_bits(list(key), 8, 5, True)
    address = bech32_encode("cosmos", data, BECH32_CONST)
    assert identify(address) == Address(address, addresses.COSMOS, True)
    assert identify(bech32_encode("cosmos", data, BECH32M_CONST)) is None
    assert_one_change_caught(address, where, BECH32_CHARSET, replacement)


# ---------------------------------------------------------------- base58check

BASE58_VERSIONS = [
    (0x00, addresses.BITCOIN),
    (0x05, addresses.BITCOIN),
    (0x6F, addresses.BITCOIN_TESTNET),
    (0xC4, addresses.BITCOIN_TESTNET),
    (0x30, addresses.LITECOIN),
    (0x32, addresses.LITECOIN),
    (0x1E, addresses.DOGECOIN),
    (0x16, addresses.DOGECOIN),
    (0x41, addresses.TRON),
]


@FEW
@given(raw=twenty, version=st.sampled_from(BASE58_VERSIONS), where=position, replacement=position)
def test_base58check_families(raw, version, where, replacement):
    byte, network = version
    address = base58.b58encode_check(bytes([byte]) + raw).decode()
    assert identify(address) == Address(address, network, True)
    assert identify(address).testnet == (network == addresses.BITCOIN_TESTNET)
    assert_one_change_caught(address, where, BITCOIN_ALPHABET, replacement)


@FEW
@given(raw=twenty, where=position, replacement=position)
def test_xrp(raw, where, replacement):
    address = base58.b58encode_check(b"\x00" + raw, alphabet=addresses.RIPPLE_ALPHABET).decode()
    assert address.startswith("r")
    assert identify(address) == Address(address, addresses.XRP, True)
    assert_one_change_caught(address, where, RIPPLE_ALPHABET, replacement)


# ---------------------------------------------------------------- CRC-16: Stellar and TON


def test_crc16_is_xmodem():
    assert crc16_xmodem(b"123456789") == 0x31C3  # the catalogue's check value


@FEW
@given(key=thirty_two, where=position, replacement=position)
def test_stellar(key, where, replacement):
    payload = bytes([6 << 3]) + key
    address = base64.b32encode(payload + crc16_xmodem(payload).to_bytes(2, "little")).decode()
    assert address.startswith("G")
    assert identify(address) == Address(address, addresses.STELLAR, True)
    assert_one_change_caught(address, where, BASE32_ALPHABET, replacement)


ton_flags = st.sampled_from(
    [(0x11, addresses.TON), (0x51, addresses.TON), (0x91, "TON testnet"), (0xD1, "TON testnet")]
)


@FEW
@given(
    account=thirty_two,
    flags=ton_flags,
    workchain=st.sampled_from([0, -1]),
    url_safe=st.booleans(),
    where=position,
    replacement=position,
)
def test_ton(account, flags, workchain, url_safe, where, replacement):
    tag, network = flags
    raw = bytes([tag, workchain & 0xFF]) + account
    encode = base64.urlsafe_b64encode if url_safe else base64.b64encode
    address = encode(raw + crc16_xmodem(raw).to_bytes(2, "big")).decode()
    assert identify(address) == Address(address, network, True)
    assert identify(address).testnet == (network == addresses.TON_TESTNET)
    raw_form = f"{workchain}:{account.hex()}"
    assert identify(raw_form) == Address(raw_form, addresses.TON, False)
    alphabet = BASE64URL_ALPHABET if url_safe else BASE64URL_ALPHABET[:-2] + "+/"
    assert_one_change_caught(address, where, alphabet, replacement)


def ton_address(tag: int, workchain: int, account: bytes) -> str:
    raw = bytes([tag, workchain & 0xFF]) + account
    return base64.urlsafe_b64encode(raw + crc16_xmodem(raw).to_bytes(2, "big")).decode()


def test_ton_rejects_two_alphabets_and_other_workchains():
    address = ton_address(0x11, 0, b"\xff" * 32)
    assert address.count("_") > 1 and identify(address).network == addresses.TON
    standard = address.replace("_", "/")
    assert identify(standard) == Address(standard, addresses.TON, True)
    assert identify(address.replace("_", "/", 1)) is None  # base64url and base64 at once
    assert identify(ton_address(0x11, 1, bytes(32))) is None  # no such workchain
    assert identify(ton_address(0x12, 0, bytes(32))) is None  # no such flags
    assert identify("1:" + "ab" * 32) is None


# ---------------------------------------------------------------- Solana, known addresses, junk


@FEW
@given(key=thirty_two)
@example(key=bytes.fromhex("97664217") + bytes(28))  # "BC111122kk…": not bech32
def test_solana_is_32_bytes_of_base58(key):
    address = base58.b58encode(key).decode()
    assume(32 <= len(address) <= 44)
    found = identify(address)
    # the checksummed formats come first; a random key passes one only by a 2^-32 chance
    assert found == Address(address, addresses.SOLANA, False)


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", addresses.BITCOIN),  # the genesis block's
        ("mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r", addresses.BITCOIN_TESTNET),
        ("2NByiBUaEXrhmqAsg7BbLpcQSAQs1EDwt5w", addresses.BITCOIN_TESTNET),
        ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", addresses.TRON),  # USDT's contract
        ("rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", addresses.XRP),  # the genesis account
        ("GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZ", addresses.STELLAR),  # SEP-23
        ("Ef8zMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM0vF", addresses.TON),  # the elector
        ("-1:" + "33" * 32, addresses.TON),
        ("So11111111111111111111111111111111111111112", addresses.SOLANA),  # wrapped SOL
    ],
)
def test_known_addresses(address, network):
    assert identify(address).network == network


@pytest.mark.parametrize(
    "value",
    [
        "hello",
        "0x123",
        "0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "bc1qqqqq",
        "T" + "1" * 33,
        "not an address at all",
        "",
        "cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq",
        "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGA",
        "Ef8zMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM0vG",
    ],
)
def test_garbage_is_no_address(value):
    assert identify(value) is None


# ---------------------------------------------------------------- memos


def test_memo_networks():
    networks = {addresses.XRP, addresses.STELLAR, addresses.TON, addresses.COSMOS}
    assert networks <= addresses.MEMO_NETWORKS
    for network in (addresses.BITCOIN, addresses.EVM, addresses.TRON, addresses.SOLANA):
        assert not memo_required(network) and memo_name(network) is None
    assert memo_required(addresses.XRP)
    with translation.override("en"):
        assert memo_name(addresses.XRP) == "Destination tag"
        assert memo_name(addresses.STELLAR) == "Memo"
        assert memo_name(addresses.TON) == "Comment"
        assert memo_name(addresses.COSMOS) == "Memo"
