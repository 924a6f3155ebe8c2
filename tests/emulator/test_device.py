"""Generic miIO behaviour of an emulated device, driven by real python-miio."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from miio.exceptions import DeviceError, DeviceException
import pytest

from emulator import AppliedCommand, EmulatedRelay, Faults, MiioDevice, require_loopback
from emulator.protocol import build_request, parse_header, parse_token

from .conftest import RELAY_TOKEN, WRONG_TOKEN, MiioClient, Rig, next_host

HELLO = bytes.fromhex("21310020" + "ff" * 28)
ON_LEFT = [{"did": "left", "siid": 2, "piid": 1, "value": True}]


class RawClient(asyncio.DatagramProtocol):
    """Bare UDP client for things python-miio cannot do (same id twice, no retry)."""

    def __init__(self) -> None:
        self.replies: asyncio.Queue[bytes] = asyncio.Queue()
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.DatagramTransport)
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        self.replies.put_nowait(data)

    async def exchange(self, host: str, packet: bytes, timeout: float = 0.2) -> bytes | None:
        # sendto, not a connected socket: the HA harness only lets 127.0.0.1 connect().
        assert self.transport is not None
        self.transport.sendto(packet, (host, 54321))
        try:
            return await asyncio.wait_for(self.replies.get(), timeout)
        except TimeoutError:
            return None


@pytest.fixture
async def raw(socket_enabled: None) -> Any:
    loop = asyncio.get_running_loop()
    transport, client = await loop.create_datagram_endpoint(RawClient, local_addr=("127.0.0.1", 0))
    yield client
    transport.close()


def request(device: MiioDevice, request_id: int, method: str = "miIO.info") -> bytes:
    payload = {"id": request_id, "method": method, "params": []}
    return build_request(payload, parse_token(device.token), device.did, 1)


async def test_handshake_and_info(rig: Rig) -> None:
    relay = rig.relay
    client = MiioClient(relay)
    info = await client.call(client.device.info)
    assert info.model == relay.model
    assert info.mac_address == relay.mac
    assert info.network_interface["localIp"] == relay.host
    assert info.firmware_version == relay.fw_ver
    # python-miio sends three hellos per handshake and we answer each one.
    assert relay.stats.hellos == 3
    assert [c.method for c in relay.stats.applied] == ["miIO.info"]
    assert isinstance(relay.stats.applied[0], AppliedCommand)


async def test_device_id_comes_from_hello(rig: Rig) -> None:
    client = MiioClient(rig.relay)
    assert await client.call(lambda: client.device.device_id) == rig.relay.did


async def test_wrong_token_gets_no_reply(rig: Rig) -> None:
    client = MiioClient(rig.relay, token=WRONG_TOKEN)
    with pytest.raises(DeviceException):
        await client.send("get_properties", ON_LEFT)
    assert rig.relay.stats.bad_checksum == 1
    assert rig.relay.stats.applied == []


async def test_unknown_method_is_an_error_reply(rig: Rig) -> None:
    with pytest.raises(DeviceError) as err:
        await MiioClient(rig.relay).send("no_such_method", [])
    assert err.value.code == -32601


async def test_duplicate_id_is_dropped_silently(rig: Rig) -> None:
    first = MiioClient(rig.relay, start_id=4000)
    await first.send("miIO.info")
    second = MiioClient(rig.relay, start_id=4000)  # will reuse id 4001
    with pytest.raises(DeviceException):
        await second.send("miIO.info")
    assert rig.relay.stats.duplicate_ids == 1
    # python-miio's retry bumps the id by 100, so a retry gets through.
    await second.send("miIO.info", retries=1)
    assert len(rig.relay.stats.methods("miIO.info")) == 2


async def test_id_memory_holds_64_ids(rig: Rig, raw: RawClient) -> None:
    relay = rig.relay
    for request_id in range(1, 66):
        assert await raw.exchange(relay.host, request(relay, request_id)) is not None
    assert await raw.exchange(relay.host, request(relay, 65)) is None
    # id 1 was pushed out by ids 2..65.
    assert await raw.exchange(relay.host, request(relay, 1)) is not None


async def test_drop_next_request_is_retried(rig: Rig) -> None:
    rig.relay.faults.drop_next_requests = 1
    result = await MiioClient(rig.relay).send("set_properties", ON_LEFT, retries=1)
    assert result[0]["code"] == 0
    assert rig.relay.stats.dropped_requests == 1
    assert len(rig.relay.stats.methods("set_properties")) == 1
    assert rig.relay.faults.drop_next_requests == 0


async def test_lost_reply_makes_python_miio_apply_twice(rig: Rig) -> None:
    rig.relay.faults.drop_next_replies = 1
    await MiioClient(rig.relay).send("set_properties", ON_LEFT, retries=1)
    assert rig.relay.stats.dropped_replies == 1
    # The command ran twice: why clients must write explicit values, never toggle.
    assert len(rig.relay.stats.methods("set_properties")) == 2
    assert rig.relay.channel_state(1) is True


async def test_probabilistic_drops_are_seeded(socket_enabled: None, raw: RawClient) -> None:
    async def lost(seed: int) -> list[bool]:
        async with EmulatedRelay(next_host(), token=RELAY_TOKEN, seed=seed) as relay:
            relay.faults.drop_requests = 0.5
            return [
                await raw.exchange(relay.host, request(relay, i), 0.05) is None
                for i in range(1, 11)
            ]

    first = await lost(3)
    assert first == await lost(3)
    assert any(first) and not all(first)


async def test_hello_can_be_dropped(rig: Rig, raw: RawClient) -> None:
    rig.relay.faults.drop_requests = 1.0
    assert await raw.exchange(rig.relay.host, HELLO) is None
    rig.relay.faults.drop_requests = 0.0
    reply = await raw.exchange(rig.relay.host, HELLO)
    assert reply is not None
    assert parse_header(reply).device_id == rig.relay.did


async def test_delay_within_timeout(rig: Rig) -> None:
    rig.relay.faults.delay = 0.1
    start = time.monotonic()
    await MiioClient(rig.relay, timeout=0.5).send("miIO.info")
    assert time.monotonic() - start >= 0.2  # hello and reply both delayed


async def test_delay_beyond_timeout_still_applies(rig: Rig) -> None:
    rig.relay.faults.delay = 0.4
    with pytest.raises(DeviceException):
        await MiioClient(rig.relay, timeout=0.2).send("set_properties", ON_LEFT)
    assert rig.relay.channel_state(1) is True
    # The late reply is a pending timer; stop() (in the fixture) cancels it.
    assert len(rig.relay.timers) == 1


async def test_offline_answers_nothing(rig: Rig) -> None:
    client = MiioClient(rig.relay, lazy_discover=True)
    await client.send("miIO.info")
    rig.relay.faults.offline = True
    with pytest.raises(DeviceException):
        await client.send("miIO.info")
    assert rig.relay.stats.offline_ignored == 1
    rig.relay.faults.offline = False
    await client.send("miIO.info")


async def test_request_error(rig: Rig) -> None:
    rig.relay.faults.request_error = -5001
    with pytest.raises(DeviceError) as err:
        await MiioClient(rig.relay).send("set_properties", ON_LEFT)
    assert err.value.code == -5001
    assert rig.relay.channel_state(1) is False
    assert rig.relay.stats.applied == []


async def test_error_code_fails_every_item_not_the_request(rig: Rig) -> None:
    rig.relay.faults.error_code = -4004
    client = MiioClient(rig.relay)
    result = await client.send("set_properties", ON_LEFT)
    assert result == [{"did": "left", "siid": 2, "piid": 1, "code": -4004}]
    assert rig.relay.channel_state(1) is False
    got = await client.send("get_properties", [{"did": "x", "siid": 2, "piid": 1}])
    assert got[0]["code"] == -4004
    assert "value" not in got[0]


async def test_reboot_resets_stamp_ids_and_channels(rig: Rig, raw: RawClient) -> None:
    relay = rig.relay
    relay.set_channel(1, True)
    assert await raw.exchange(relay.host, request(relay, 77)) is not None
    relay.set_countdown(2, 100)
    relay._boot_time -= 10  # pretend ten seconds of uptime
    assert relay.stamp == 10
    relay.reboot()
    assert relay.stamp == 0
    assert relay.states == [False, False]
    assert relay.countdown_remaining(2) == 0
    # The id memory is gone, so the same id is answered again.
    reply = await raw.exchange(relay.host, request(relay, 77))
    assert reply is not None
    assert parse_header(reply).stamp == 0


def test_bind_address_must_be_loopback() -> None:
    for host in ("198.51.100.10", "0.0.0.0", "localhost", "::2"):
        with pytest.raises(ValueError):
            MiioDevice(host)
    assert require_loopback("127.1.2.3") == "127.1.2.3"


def test_faults_validate() -> None:
    with pytest.raises(ValueError):
        Faults(drop_requests=1.5)
    faults = Faults()
    with pytest.raises(ValueError):
        faults.update(drop_replies=-0.1)
    assert faults.drop_replies == 0.0
    with pytest.raises(ValueError):
        faults.update(nonsense=True)


async def test_stop_is_idempotent_and_frees_the_address(socket_enabled: None) -> None:
    host = next_host()
    for _ in range(2):
        relay = EmulatedRelay(host, token=RELAY_TOKEN)
        await relay.start()
        await relay.stop()
        await relay.stop()
