"""Which blockchain an address belongs to, with its checksum checked.

Support staff lose most time on deposits sent to the wrong network. Knowing from the
address alone that "0x…" is an EVM address and "T…" a TRON one, that a typed address
fails its checksum, or that it is a testnet address, settles many of those chats in one
message; and knowing which networks need a memo (tag, comment) settles most of the rest.

The checks lean on kept libraries: EIP-55 on ``eth_utils``, base58check (Bitcoin's and
the XRP Ledger's alphabets) on ``base58``, the CRC-16 of Stellar and TON on the standard
library's ``binascii.crc_hqx``. Bech32/bech32m is the one piece kept here; see below why.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

import base58
from django.utils.translation import gettext, gettext_noop
from eth_utils import is_checksum_address, to_checksum_address

BITCOIN = "Bitcoin"
BITCOIN_TESTNET = "Bitcoin testnet"  # testnet3/testnet4, signet and regtest
LITECOIN = "Litecoin"
DOGECOIN = "Dogecoin"
EVM = "EVM"  # Ethereum and every chain that shares its addresses (BSC, Arbitrum, …)
TRON = "TRON"
XRP = "XRP Ledger"
SOLANA = "Solana"
TON = "TON"
TON_TESTNET = "TON testnet"  # the user-friendly form's testnet flag was set
STELLAR = "Stellar"
COSMOS = "Cosmos"

TESTNETS = frozenset({BITCOIN_TESTNET, TON_TESTNET})


@dataclass(frozen=True)
class Address:
    value: str
    network: str
    checksummed: bool  # False: the format has no checksum (Solana, TON raw) or none was used

    @property
    def testnet(self) -> bool:
        return self.network in TESTNETS


# ---------------------------------------------------------------- memos

# Networks where an exchange's deposit address is commonly shared by all its users, so
# the deposit is credited by the memo alone: a deposit without one is stuck until support
# finds it by hand. The label is what the network's wallets call the field.
_MEMO_NAMES = {
    XRP: gettext_noop("Destination tag"),
    STELLAR: gettext_noop("Memo"),
    TON: gettext_noop("Comment"),
    TON_TESTNET: gettext_noop("Comment"),
    COSMOS: gettext_noop("Memo"),
}
MEMO_NETWORKS = frozenset(_MEMO_NAMES)


def memo_required(network: str) -> bool:
    """Whether a deposit on this network needs a memo where the address is shared."""
    return network in MEMO_NETWORKS


def memo_name(network: str) -> str | None:
    """The memo field's name on this network, in the active language, or None."""
    label = _MEMO_NAMES.get(network)
    return gettext(label) if label is not None else None


# ---------------------------------------------------------------- bech32 / bech32m (BIP173, BIP350)
#
# Kept here rather than taken from PyPI: the `bech32` package (1.2.0, 2020, a repackaging of
# the BIP 173 reference code) predates BIP 350, so it has no bech32m and rejects every
# taproot (segwit v1) address; `bech32m` (1.0.0, a single 2023 release by one author)
# imports the deprecated `collections.abc.ByteString`; `bip_utils` has both but pulls in
# several compiled crypto packages. What follows is the BIP 350 reference algorithm
# (github.com/sipa/bech32, ref/python), checked against the BIPs' test vectors in
# tests/test_addresses.py.

_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
BECH32_CONST, BECH32M_CONST = 1, 0x2BC830A3


def _polymod(values: list[int]) -> int:
    generator = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            check ^= generator[i] if (top >> i) & 1 else 0
    return check


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def bech32_decode(value: str) -> tuple[str, list[int], int] | None:
    """(human-readable part, data without checksum, constant) or None."""
    if value.lower() != value and value.upper() != value:
        return None
    if any(not 33 <= ord(c) <= 126 for c in value):
        return None
    value = value.lower()
    separator = value.rfind("1")
    if separator < 1 or separator + 7 > len(value) or len(value) > 90:
        return None
    hrp, rest = value[:separator], value[separator + 1 :]
    if any(c not in _BECH32_CHARSET for c in rest):
        return None
    data = [_BECH32_CHARSET.index(c) for c in rest]
    constant = _polymod(_hrp_expand(hrp) + data)
    if constant not in (BECH32_CONST, BECH32M_CONST):
        return None
    return hrp, data[:-6], constant


def bech32_encode(hrp: str, data: list[int], constant: int) -> str:
    values = _hrp_expand(hrp) + data
    polymod = _polymod([*values, 0, 0, 0, 0, 0, 0]) ^ constant
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32_CHARSET[d] for d in data + checksum)


def convert_bits(data: list[int], from_bits: int, to_bits: int, pad: bool) -> list[int] | None:
    accumulator = bits = 0
    result = []
    maximum = (1 << to_bits) - 1
    for value in data:
        if value < 0 or value >> from_bits:
            return None
        accumulator = accumulator << from_bits | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            result.append(accumulator >> bits & maximum)
    if pad and bits:
        result.append(accumulator << (to_bits - bits) & maximum)
    elif not pad and (bits >= from_bits or accumulator << (to_bits - bits) & maximum):
        return None
    return result


def segwit_encode(hrp: str, version: int, program: bytes) -> str:
    """A segwit address: bech32 for version 0, bech32m for 1 to 16 (BIP350)."""
    data = [version, *(convert_bits(list(program), 8, 5, True) or [])]
    return bech32_encode(hrp, data, BECH32_CONST if version == 0 else BECH32M_CONST)


def segwit_decode(value: str, hrp_wanted: str) -> tuple[int, bytes] | None:
    """(witness version, witness program) of a valid segwit address, or None."""
    decoded = bech32_decode(value)
    if decoded is None or decoded[0] != hrp_wanted or not decoded[1]:
        return None
    _, data, constant = decoded
    version, program = data[0], convert_bits(data[1:], 5, 8, False)
    if program is None or version > 16 or not 2 <= len(program) <= 40:
        return None
    if version == 0 and len(program) not in (20, 32):
        return None
    if constant != (BECH32_CONST if version == 0 else BECH32M_CONST):
        return None  # v0 must use bech32, v1+ (taproot) bech32m
    return version, bytes(program)


def _segwit(value: str, hrp_wanted: str) -> bool:
    return segwit_decode(value, hrp_wanted) is not None


def _bech32_shaped(value: str) -> bool:
    """One case throughout and only bech32 characters after the last "1"."""
    if value not in (value.lower(), value.upper()) or "1" not in value:
        return False
    return all(c in _BECH32_CHARSET for c in value.lower().rpartition("1")[2])


_SEGWIT_HRPS = {"bc": BITCOIN, "tb": BITCOIN_TESTNET, "bcrt": BITCOIN_TESTNET, "ltc": LITECOIN}


def _cosmos(value: str) -> bool:
    decoded = bech32_decode(value)
    if decoded is None or decoded[0] != "cosmos" or decoded[2] != BECH32_CONST:
        return False
    payload = convert_bits(decoded[1], 5, 8, False)
    return payload is not None and len(payload) in (20, 32)  # accounts; modules and ICAs


# ---------------------------------------------------------------- base58 families

RIPPLE_ALPHABET = b"rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz"


def _b58check(value: str, alphabet: bytes = base58.BITCOIN_ALPHABET) -> bytes | None:
    try:
        return base58.b58decode_check(value, alphabet=alphabet)
    except ValueError:  # a character outside the alphabet, or a failed checksum
        return None


# version byte → network, for base58check payloads of 21 bytes (version + hash160)
_BASE58_VERSIONS = {
    0x00: BITCOIN,  # P2PKH, "1…"
    0x05: BITCOIN,  # P2SH, "3…" (Litecoin's old P2SH too)
    0x6F: BITCOIN_TESTNET,  # P2PKH, "m…"/"n…"
    0xC4: BITCOIN_TESTNET,  # P2SH, "2…"
    0x30: LITECOIN,  # "L…"
    0x32: LITECOIN,  # "M…"
    0x1E: DOGECOIN,  # "D…"
    0x16: DOGECOIN,  # "9…"/"A…"
}
_TRON_VERSION = 0x41  # "T…"


# ---------------------------------------------------------------- EVM (EIP-55)

_EVM_RE = re.compile(r"0x[0-9a-fA-F]{40}")


def eip55(address_hex: str) -> str:
    """The mixed-case checksum form of a 40-hex-digit address (without 0x)."""
    if address_hex.startswith(("0x", "0X")):
        address_hex = address_hex[2:]
    return to_checksum_address("0x" + address_hex)[2:]


def _evm(value: str) -> Address | None:
    if not _EVM_RE.fullmatch(value):
        return None
    body = value[2:]
    if body in (body.lower(), body.upper()):
        return Address(value, EVM, checksummed=False)  # no checksum to check
    return Address(value, EVM, checksummed=True) if is_checksum_address(value) else None


# ---------------------------------------------------------------- CRC16 formats (TON, Stellar)


def crc16_xmodem(data: bytes) -> int:
    """CRC-16/XMODEM (polynomial 0x1021, initial 0), the checksum of TON and Stellar."""
    return binascii.crc_hqx(data, 0)


_TON_FLAGS = {0x11: TON, 0x51: TON, 0x91: TON_TESTNET, 0xD1: TON_TESTNET}  # (non-)bounceable
_TON_RAW_RE = re.compile(r"(0|-1):[0-9a-fA-F]{64}")


def _ton(value: str) -> str | None:
    """The network of a user-friendly TON address (36 bytes in base64), or None."""
    if not re.fullmatch(r"[A-Za-z0-9_\-]{48}|[A-Za-z0-9+/]{48}", value):
        return None  # one alphabet per address: base64url or standard base64
    raw = base64.b64decode(value, altchars=b"-_" if re.search("[-_]", value) else None)
    if raw[1] not in (0x00, 0xFF) or crc16_xmodem(raw[:34]) != int.from_bytes(raw[34:], "big"):
        return None  # workchain 0 (basechain) or -1 (masterchain); a failed checksum
    return _TON_FLAGS.get(raw[0])


def _stellar(value: str) -> bool:
    if not re.fullmatch(r"G[A-Z2-7]{55}", value):
        return False
    raw = base64.b32decode(value)
    return raw[0] == 6 << 3 and crc16_xmodem(raw[:-2]) == int.from_bytes(raw[-2:], "little")


# ---------------------------------------------------------------- one entry point


def identify(value: str) -> Address | None:
    """The network of a valid address, or None (unknown format or a failed checksum)."""
    if value.startswith(("0x", "0X")):
        return _evm(value)
    if _TON_RAW_RE.fullmatch(value):
        return Address(value, TON, checksummed=False)  # workchain:account, no checksum
    if _bech32_shaped(value):  # then a failed check means a typo, not another format
        lower = value.lower()
        for hrp, network in _SEGWIT_HRPS.items():
            if lower.startswith(hrp + "1"):
                return Address(value, network, True) if _segwit(value, hrp) else None
        if lower.startswith("cosmos1"):
            return Address(value, COSMOS, True) if _cosmos(value) else None
    if value.startswith("r") and 25 <= len(value) <= 35:
        payload = _b58check(value, RIPPLE_ALPHABET)
        if payload is not None and len(payload) == 21 and payload[0] == 0:
            return Address(value, XRP, True)
    if value.startswith("T") and len(value) == 34:
        payload = _b58check(value)
        if payload is not None and len(payload) == 21 and payload[0] == _TRON_VERSION:
            return Address(value, TRON, True)
    if len(value) == 56 and value.startswith("G"):
        return Address(value, STELLAR, True) if _stellar(value) else None
    if len(value) == 48:
        ton = _ton(value)
        return Address(value, ton, True) if ton else None
    if 25 <= len(value) <= 35:
        payload = _b58check(value)
        if payload is not None and len(payload) == 21 and payload[0] in _BASE58_VERSIONS:
            return Address(value, _BASE58_VERSIONS[payload[0]], True)
    if 32 <= len(value) <= 44:
        try:
            raw = base58.b58decode(value)
        except ValueError:
            return None
        if len(raw) == 32:
            return Address(value, SOLANA, checksummed=False)  # a public key, no checksum
    return None
