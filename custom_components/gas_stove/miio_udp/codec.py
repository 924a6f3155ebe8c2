"""miIO packets: a 32-byte header, then the AES-encrypted JSON payload.

    0x2131 | length:u16 | unknown:u32 | device id:u32 | stamp:u32 | checksum:16 | payload

The checksum is MD5 over header, token and encrypted payload; a hello (and
its reply) is the bare header with the checksum field filled with 0xff (or,
in the reply of unprovisioned firmware, with the token: never logged).
Encryption, key derivation and MD5 are python-miio's.
"""

from __future__ import annotations

from dataclasses import dataclass
import json
import struct
from typing import Any

from miio.protocol import Utils

from .errors import MiioBadReply, MiioWrongToken

MAGIC = 0x2131
HEADER = struct.Struct(">HHIII")  # magic, length, unknown, device id, stamp
HEADER_SIZE = 32
HELLO = bytes.fromhex("21310020" + "ff" * 28)


@dataclass(frozen=True, slots=True)
class Packet:
    """A decoded datagram: a hello reply has no payload."""

    device_id: int
    stamp: int
    payload: dict[str, Any] | None


def encode(payload: dict[str, Any], token: bytes, device_id: int, stamp: int) -> bytes:
    """One request packet."""
    body = Utils.encrypt(json.dumps(payload, separators=(",", ":")).encode() + b"\x00", token)
    header = HEADER.pack(MAGIC, HEADER_SIZE + len(body), 0, device_id, stamp & 0xFFFFFFFF)
    return header + Utils.md5(header + token + body) + body


def decode(data: bytes, token: bytes) -> Packet:
    """A reply (or a hello reply); raises MiioBadReply or MiioWrongToken."""
    if len(data) < HEADER_SIZE:
        raise MiioBadReply(f"{len(data)} bytes is no miIO packet")
    magic, length, _unknown, device_id, stamp = HEADER.unpack_from(data)
    if magic != MAGIC or length != len(data):
        raise MiioBadReply("not a miIO packet")
    if length == HEADER_SIZE:
        return Packet(device_id, stamp, None)
    body = data[HEADER_SIZE:]
    if Utils.md5(data[:16] + token + body) != data[16:HEADER_SIZE]:
        raise MiioWrongToken("reply checksum does not match the token")
    try:
        plain = Utils.decrypt(body, token)
    except ValueError as err:
        raise MiioBadReply("payload does not decrypt") from err
    # Firmware terminates the JSON with NUL bytes (sometimes several).
    text = plain.split(b"\x00", 1)[0]
    try:
        payload = json.loads(text)
    except (UnicodeDecodeError, ValueError) as err:
        raise MiioBadReply("payload is not JSON") from err
    if not isinstance(payload, dict):
        raise MiioBadReply("payload is not a JSON object")
    return Packet(device_id, stamp, payload)
