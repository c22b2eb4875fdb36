"""Which blockchain an address belongs to, with its checksum checked.

Support staff lose most time on deposits sent to the wrong network. Knowing from the
address alone that "0x…" is an EVM address and "T…" a TRON one, and that a typed
address fails its checksum, settles many of those chats in one message.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

import base58
from Crypto.Hash import keccak

BITCOIN = "Bitcoin"
LITECOIN = "Litecoin"
DOGECOIN = "Dogecoin"
EVM = "EVM"  # Ethereum and every chain that shares its addresses (BSC, Arbitrum, …)
TRON = "TRON"
XRP = "XRP Ledger"
SOLANA = "Solana"
TON = "TON"
STELLAR = "Stellar"
COSMOS = "Cosmos"


@dataclass(frozen=True)
class Address:
    value: str
    network: str
    checksummed: bool  # False: the format has no checksum (Solana) or none was used


# ---------------------------------------------------------------- bech32 / bech32m (BIP173, BIP350)

_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_CONST, _BECH32M_CONST = 1, 0x2BC830A3


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
    value = value.lower()
    separator = value.rfind("1")
    if separator < 1 or separator + 7 > len(value) or len(value) > 90:
        return None
    hrp, rest = value[:separator], value[separator + 1 :]
    if any(c not in _BECH32_CHARSET for c in rest):
        return None
    data = [_BECH32_CHARSET.index(c) for c in rest]
    constant = _polymod(_hrp_expand(hrp) + data)
    if constant not in (_BECH32_CONST, _BECH32M_CONST):
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
        if value >> from_bits:
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


def _segwit(value: str, hrp_wanted: str) -> bool:
    decoded = bech32_decode(value)
    if decoded is None or decoded[0] != hrp_wanted or not decoded[1]:
        return False
    _, data, constant = decoded
    version, program = data[0], convert_bits(data[1:], 5, 8, False)
    if program is None or version > 16 or not 2 <= len(program) <= 40:
        return False
    if version == 0:
        return constant == _BECH32_CONST and len(program) in (20, 32)
    return constant == _BECH32M_CONST


# ---------------------------------------------------------------- base58 families

_RIPPLE_ALPHABET = b"rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz"


def _b58check(value: str, alphabet: bytes = base58.BITCOIN_ALPHABET) -> bytes | None:
    try:
        return base58.b58decode_check(value, alphabet=alphabet)
    except ValueError:
        return None


_BASE58_VERSIONS = {
    0x00: BITCOIN,
    0x05: BITCOIN,
    0x30: LITECOIN,
    0x32: LITECOIN,
    0x1E: DOGECOIN,
    0x16: DOGECOIN,
}


# ---------------------------------------------------------------- EVM (EIP-55)


def eip55(address_hex: str) -> str:
    """The mixed-case checksum form of a 40-hex-digit address (without 0x)."""
    lower = address_hex.lower()
    digest = keccak.new(digest_bits=256, data=lower.encode()).hexdigest()
    return "".join(
        c.upper() if int(d, 16) >= 8 else c for c, d in zip(lower, digest[:40], strict=True)
    )


def _evm(value: str) -> Address | None:
    if not re.fullmatch(r"0x[0-9a-fA-F]{40}", value):
        return None
    body = value[2:]
    if body in (body.lower(), body.upper()):
        return Address(value, EVM, checksummed=False)  # no checksum to check
    return Address(value, EVM, checksummed=True) if eip55(body) == body else None


# ---------------------------------------------------------------- CRC16 formats (TON, Stellar)


def crc16_xmodem(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = (crc << 1 ^ 0x1021 if crc & 0x8000 else crc << 1) & 0xFFFF
    return crc


def _ton(value: str) -> bool:
    if not re.fullmatch(r"[A-Za-z0-9_\-+/]{48}", value):
        return False
    try:
        raw = base64.urlsafe_b64decode(value.replace("+", "-").replace("/", "_"))
    except ValueError:
        return False
    return (
        len(raw) == 36
        and raw[0] & 0x3F == 0x11
        and crc16_xmodem(raw[:34]) == int.from_bytes(raw[34:], "big")
    )


def _stellar(value: str) -> bool:
    if not re.fullmatch(r"G[A-Z2-7]{55}", value):
        return False
    try:
        raw = base64.b32decode(value)
    except ValueError:
        return False
    return raw[0] == 6 << 3 and crc16_xmodem(raw[:-2]) == int.from_bytes(raw[-2:], "little")


# ---------------------------------------------------------------- one entry point


def identify(value: str) -> Address | None:
    """The network of a valid address, or None (unknown format or a failed checksum)."""
    if value.startswith(("0x", "0X")):
        return _evm(value)
    lower = value.lower()
    for prefix, network in (("bc1", BITCOIN), ("ltc1", LITECOIN)):
        if lower.startswith(prefix):
            hrp = prefix[:-1]
            return Address(value, network, True) if _segwit(value, hrp) else None
    if lower.startswith("cosmos1"):
        decoded = bech32_decode(value)
        ok = decoded is not None and decoded[0] == "cosmos" and decoded[2] == _BECH32_CONST
        return Address(value, COSMOS, True) if ok else None
    if value.startswith("r") and 25 <= len(value) <= 35:
        payload = _b58check(value, _RIPPLE_ALPHABET)
        if payload is not None and len(payload) == 21 and payload[0] == 0:
            return Address(value, XRP, True)
    if value.startswith("T") and len(value) == 34:
        payload = _b58check(value)
        if payload is not None and len(payload) == 21 and payload[0] == 0x41:
            return Address(value, TRON, True)
    if len(value) == 56 and value.startswith("G"):
        return Address(value, STELLAR, True) if _stellar(value) else None
    if len(value) == 48 and value[:2] in ("EQ", "UQ", "kQ", "0Q", "Ef", "Uf"):
        return Address(value, TON, True) if _ton(value) else None
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
            return Address(value, SOLANA, checksummed=False)
    return None
