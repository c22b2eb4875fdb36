"""Address recognition: generated valid addresses are found, one changed character is not."""

import base64

import base58
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from exdesk.assistant import addresses
from exdesk.assistant.addresses import bech32_encode, convert_bits, crc16_xmodem, eip55, identify

twenty = st.binary(min_size=20, max_size=20)
thirty_two = st.binary(min_size=32, max_size=32)


def change_one(value: str, position: int, alphabet: str) -> str:
    i = 2 + position % (len(value) - 2)
    replacement = next(c for c in alphabet if c != value[i])
    return value[:i] + replacement + value[i + 1 :]


@settings(max_examples=200, deadline=None)
@given(raw=twenty)
def test_evm_addresses_and_their_checksum(raw):
    address = "0x" + eip55(raw.hex())
    body = address[2:]
    assume(body not in (body.lower(), body.upper()))  # a checksum shows only in mixed case
    assert identify(address) == addresses.Address(address, addresses.EVM, True)
    assert identify(address.lower()).network == addresses.EVM  # no checksum to check
    letters = [i for i, c in enumerate(address) if i > 1 and c.isalpha()]
    assume(letters)
    i = letters[0]
    flipped = address[:i] + address[i].swapcase() + address[i + 1 :]
    if flipped[2:] not in (flipped[2:].lower(), flipped[2:].upper()):  # still claims a checksum
        assert identify(flipped) is None


@settings(max_examples=200, deadline=None)
@given(program=st.one_of(twenty, thirty_two), position=st.integers(0, 100))
def test_bitcoin_segwit_v0(program, position):
    address = bech32_encode("bc", [0, *convert_bits(list(program), 8, 5, True)], 1)
    assert identify(address).network == addresses.BITCOIN
    assert identify(change_one(address, position + 2, "qpzry9x8gf2tvdw0s3jn54khce6mua7l")) is None


@settings(max_examples=100, deadline=None)
@given(program=thirty_two)
def test_bitcoin_taproot_needs_bech32m(program):
    data = [1, *convert_bits(list(program), 8, 5, True)]
    assert identify(bech32_encode("bc", data, 0x2BC830A3)).network == addresses.BITCOIN
    assert identify(bech32_encode("bc", data, 1)) is None  # v1 with the old checksum


@settings(max_examples=200, deadline=None)
@given(raw=twenty, version=st.sampled_from([0x00, 0x05]), position=st.integers(0, 100))
def test_bitcoin_base58(raw, version, position):
    address = base58.b58encode_check(bytes([version]) + raw).decode()
    assert identify(address).network == addresses.BITCOIN
    assert identify(change_one(address, position, "123456789ABCDEFGH")) is None


@settings(max_examples=200, deadline=None)
@given(raw=twenty, position=st.integers(0, 100))
def test_tron(raw, position):
    address = base58.b58encode_check(b"\x41" + raw).decode()
    assert address.startswith("T")
    assert identify(address).network == addresses.TRON
    assert identify(change_one(address, position, "123456789ABCDEFGH")) is None


@settings(max_examples=100, deadline=None)
@given(raw=twenty)
def test_xrp(raw):
    alphabet = b"rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz"
    address = base58.b58encode_check(b"\x00" + raw, alphabet=alphabet).decode()
    assert identify(address).network == addresses.XRP


@settings(max_examples=100, deadline=None)
@given(key=thirty_two)
def test_stellar_and_ton(key):
    payload = bytes([6 << 3]) + key
    stellar = base64.b32encode(payload + crc16_xmodem(payload).to_bytes(2, "little")).decode()
    assert identify(stellar).network == addresses.STELLAR
    raw = bytes([0x11, 0]) + key
    ton = base64.urlsafe_b64encode(raw + crc16_xmodem(raw).to_bytes(2, "big")).decode()
    assert identify(ton).network == addresses.TON
    assert identify(stellar[:-1] + ("A" if stellar[-1] != "A" else "B")) is None


@settings(max_examples=100, deadline=None)
@given(key=thirty_two)
def test_solana_is_32_bytes_of_base58(key):
    address = base58.b58encode(key).decode()
    assume(32 <= len(address) <= 44 and not address.startswith(("T", "r", "1", "3")))
    assert identify(address).network == addresses.SOLANA


@pytest.mark.parametrize(
    "value",
    ["hello", "0x123", "bc1qqqqq", "T" + "1" * 33, "not an address at all", ""],
)
def test_garbage_is_no_address(value):
    assert identify(value) is None
