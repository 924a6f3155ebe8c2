"""The packet codec against the emulator's own, independent one."""

from __future__ import annotations

import json

import pytest

from custom_components.gas_stove.miio_udp import (
    MiioBadReply,
    MiioWrongToken,
    Packet,
    decode,
    encode,
)
from custom_components.gas_stove.miio_udp.codec import HELLO
from emulator.protocol import (
    build_hello_reply,
    build_reply,
    decode_request,
    encrypt,
    parse_header,
)

TOKEN = bytes.fromhex("0123456789abcdef0123456789abcdef")
OTHER = bytes.fromhex("fedcba9876543210fedcba9876543210")


def test_a_request_is_what_the_emulator_reads() -> None:
    payload = {"id": 7, "method": "get_properties", "params": [{"siid": 2, "piid": 1}]}
    datagram = encode(payload, TOKEN, 0x1234ABCD, 1000)
    assert decode_request(datagram, TOKEN) == payload
    header = parse_header(datagram)
    assert (header.device_id, header.stamp) == (0x1234ABCD, 1000)


def test_stamps_wrap_at_32_bits() -> None:
    datagram = encode({"id": 1, "method": "x", "params": []}, TOKEN, 1, 2**32 + 5)
    assert parse_header(datagram).stamp == 5


def test_a_reply_and_a_hello_reply_decode() -> None:
    reply = build_reply({"id": 7, "result": [0]}, TOKEN, 42, 99)
    assert decode(reply, TOKEN) == Packet(42, 99, {"id": 7, "result": [0]})
    assert decode(build_hello_reply(42, 100), TOKEN) == Packet(42, 100, None)
    assert len(HELLO) == 32


@pytest.mark.parametrize("result", [0, ["ok"], [{"code": 1}], None, "ok"])
def test_every_acknowledgement_shape_comes_through(result: object) -> None:
    """Bare `0` (python-miio's simulator), `['ok']` (some firmware), code 1, …"""
    reply = build_reply({"id": 3, "result": result}, TOKEN, 1, 1)
    packet = decode(reply, TOKEN)
    assert packet.payload == {"id": 3, "result": result}


def test_an_error_reply_comes_through() -> None:
    error = {"id": 4, "error": {"code": -9999, "message": "user ack timeout"}}
    assert decode(build_reply(error, TOKEN, 1, 1), TOKEN).payload == error


def test_a_reply_under_another_token_is_refused() -> None:
    with pytest.raises(MiioWrongToken):
        decode(build_reply({"id": 1, "result": 0}, OTHER, 1, 1), TOKEN)


def _raw(body: bytes, token: bytes = TOKEN) -> bytes:
    """A packet around any plaintext, checksum right."""
    from miio.protocol import Utils

    from custom_components.gas_stove.miio_udp.codec import HEADER, MAGIC

    cipher = encrypt(body, token)
    header = HEADER.pack(MAGIC, 32 + len(cipher), 0, 1, 1)
    return header + Utils.md5(header + token + cipher) + cipher


@pytest.mark.parametrize(
    ("datagram", "why"),
    [
        (b"\x21\x31", "too short"),
        (b"\x00" * 32, "bad magic"),
        (HELLO + b"x", "length field disagrees"),
        (_raw(b"not json\x00"), "not JSON"),
        (_raw(b"[1, 2]\x00"), "not an object"),
        (_raw(b"\xff\xfe\x00"), "not UTF-8"),
    ],
)
def test_malformed_datagrams_are_refused(datagram: bytes, why: str) -> None:
    with pytest.raises(MiioBadReply):
        decode(datagram, TOKEN)


def test_padding_after_the_json_is_ignored() -> None:
    """Firmware pads with several NUL bytes, sometimes with junk after them."""
    body = json.dumps({"id": 9, "result": 1}).encode() + b"\x00\x00\x00junk"
    assert decode(_raw(body), TOKEN).payload == {"id": 9, "result": 1}


def test_a_payload_that_does_not_decrypt_is_refused() -> None:
    from miio.protocol import Utils

    from custom_components.gas_stove.miio_udp.codec import HEADER, MAGIC

    cipher = b"\x01" * 16  # padding that PKCS7 rejects
    header = HEADER.pack(MAGIC, 48, 0, 1, 1)
    datagram = header + Utils.md5(header + TOKEN + cipher) + cipher
    with pytest.raises(MiioBadReply):
        decode(datagram, TOKEN)
