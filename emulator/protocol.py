"""Device side of the miIO wire format.

Packet layout (all big endian), as python-miio 0.5.12 builds and parses it:

    0x2131 | length:u16 | unknown:u32 | device_id:u32 | stamp:u32 | checksum:16 | payload

* hello (client -> device): 32 bytes, everything after the length is 0xFF.
* hello reply: 32 bytes, no payload. python-miio parses it WITHOUT a token and
  does not check the checksum field, so we send 0xFF * 16 like a provisioned
  device (unprovisioned firmware puts its token there).
* command / reply: payload = AES-128-CBC(JSON + NUL, key=md5(token),
  iv=md5(key + token)) with PKCS7 padding; checksum = md5(first 16 header bytes
  + token + payload).
"""

from __future__ import annotations

from dataclasses import dataclass
import hashlib
import hmac
import json
import struct
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

MAGIC = 0x2131
HEADER = struct.Struct(">HHIII")  # magic, length, unknown, device id, stamp
HEADER_SIZE = 32  # HEADER (16 bytes) + checksum (16 bytes)
HELLO_LENGTH = 32
_PROVISIONED_CHECKSUM = b"\xff" * 16


class PacketError(ValueError):
    """The datagram is not a well-formed miIO packet."""


class ChecksumMismatch(PacketError):
    """The checksum does not match our token: the sender uses a wrong token."""


@dataclass(frozen=True, slots=True)
class Header:
    """The fixed 16 bytes in front of the checksum."""

    length: int
    unknown: int
    device_id: int
    stamp: int

    @property
    def is_hello(self) -> bool:
        """A hello is recognised by its length alone, as real firmware does."""
        return self.length == HELLO_LENGTH


def parse_token(token: str) -> bytes:
    """Convert a 32-hex-digit token into its 16 bytes."""
    raw = bytes.fromhex(token)
    if len(raw) != 16:
        raise ValueError("a miIO token is 32 hex digits")
    return raw


def _md5(data: bytes) -> bytes:
    # md5 is what the protocol prescribes; it is not used for security here.
    return hashlib.md5(data, usedforsecurity=False).digest()


def _cipher(token: bytes) -> Cipher[modes.CBC]:
    key = _md5(token)
    iv = _md5(key + token)
    return Cipher(algorithms.AES(key), modes.CBC(iv))


def encrypt(plaintext: bytes, token: bytes) -> bytes:
    """AES-128-CBC + PKCS7 with the token-derived key and IV."""
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = _cipher(token).encryptor()
    return encryptor.update(padded) + encryptor.finalize()


def decrypt(ciphertext: bytes, token: bytes) -> bytes:
    """Inverse of :func:`encrypt`; raises PacketError on bad padding or size."""
    try:
        decryptor = _cipher(token).decryptor()
        padded = decryptor.update(ciphertext) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError as err:
        raise PacketError("payload does not decrypt") from err


def parse_header(data: bytes) -> Header:
    """Read the header without needing the token (enough to spot a hello)."""
    if len(data) < HEADER_SIZE:
        raise PacketError(f"packet too short ({len(data)} bytes)")
    magic, length, unknown, device_id, stamp = HEADER.unpack_from(data)
    if magic != MAGIC:
        raise PacketError(f"bad magic 0x{magic:04x}")
    if length != len(data):
        raise PacketError(f"length field {length} != datagram size {len(data)}")
    return Header(length, unknown, device_id, stamp)


def decode_request(data: bytes, token: bytes) -> dict[str, Any]:
    """Verify the checksum and return the decrypted JSON request object."""
    parse_header(data)
    expected = _md5(data[:16] + token + data[HEADER_SIZE:])
    if not hmac.compare_digest(expected, data[16:HEADER_SIZE]):
        raise ChecksumMismatch("checksum does not match the device token")
    plaintext = decrypt(data[HEADER_SIZE:], token)
    # Clients terminate the JSON with NUL bytes; python-miio sends exactly one.
    try:
        request = json.loads(plaintext.rstrip(b"\x00").decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise PacketError("payload is not JSON") from err
    if not isinstance(request, dict):
        raise PacketError("payload is not a JSON object")
    return request


def build_hello_reply(device_id: int, stamp: int) -> bytes:
    """32-byte handshake answer carrying our device id and uptime stamp."""
    header = HEADER.pack(MAGIC, HELLO_LENGTH, 0, device_id, stamp)
    return header + _PROVISIONED_CHECKSUM


def build_reply(payload: dict[str, Any], token: bytes, device_id: int, stamp: int) -> bytes:
    """Encrypt ``payload`` into a complete reply packet."""
    body = encrypt(json.dumps(payload).encode("utf-8") + b"\x00", token)
    header = HEADER.pack(MAGIC, HEADER_SIZE + len(body), 0, device_id, stamp)
    checksum = _md5(header + token + body)
    return header + checksum + body


def build_request(payload: dict[str, Any], token: bytes, device_id: int, stamp: int) -> bytes:
    """Client-side packet, same layout as a reply (used by the emulator's tests)."""
    return build_reply(payload, token, device_id, stamp)
