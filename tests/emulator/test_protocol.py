"""The device-side codec against python-miio's own Message struct (no sockets)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from miio.protocol import Message
import pytest

from emulator.protocol import (
    ChecksumMismatch,
    PacketError,
    build_hello_reply,
    build_reply,
    decode_request,
    parse_header,
    parse_token,
)

TOKEN = parse_token("00112233445566778899aabbccddeeff")
HELLO = bytes.fromhex("21310020" + "ff" * 28)


def client_packet(payload: dict[str, Any], token: bytes = TOKEN) -> bytes:
    """Build a request exactly as python-miio does."""
    header = {
        "length": 0,
        "unknown": 0,
        "device_id": (1234).to_bytes(4, "big"),
        "ts": datetime.fromtimestamp(100, UTC).replace(tzinfo=None),
    }
    msg = {"data": {"value": payload}, "header": {"value": header}, "checksum": 0}
    packet: bytes = Message.build(msg, token=token)
    return packet


def test_hello_is_recognised() -> None:
    assert parse_header(HELLO).is_hello


def test_python_miio_request_decodes() -> None:
    request = {"id": 7, "method": "get_properties", "params": [{"siid": 2, "piid": 1}]}
    assert decode_request(client_packet(request), TOKEN) == request


def test_wrong_token_is_a_checksum_mismatch() -> None:
    packet = client_packet({"id": 1, "method": "miIO.info", "params": []}, parse_token("f" * 32))
    with pytest.raises(ChecksumMismatch):
        decode_request(packet, TOKEN)


@pytest.mark.parametrize(
    "packet",
    [b"", b"\x21\x31" + b"\x00" * 10, b"\x12\x34" + b"\x00" * 30, HELLO + b"x"],
)
def test_malformed_packets_are_rejected(packet: bytes) -> None:
    with pytest.raises(PacketError):
        parse_header(packet)


def test_hello_reply_parses_without_token() -> None:
    parsed: Any = Message.parse(build_hello_reply(0x01020304, 42))
    header = parsed.header.value
    assert header.length == 32
    assert header.device_id == bytes.fromhex("01020304")
    assert header.ts == datetime.fromtimestamp(42, UTC).replace(tzinfo=None)


def test_reply_parses_with_token_and_checksum() -> None:
    payload = {"id": 9, "result": [{"did": "x", "siid": 2, "piid": 1, "code": 0, "value": True}]}
    parsed: Any = Message.parse(build_reply(payload, TOKEN, 77, 5), token=TOKEN)
    assert parsed.data.value == payload
    assert parsed.header.value.device_id == (77).to_bytes(4, "big")


def test_token_must_be_16_bytes() -> None:
    with pytest.raises(ValueError, match="32 hex"):
        parse_token("abcd")
