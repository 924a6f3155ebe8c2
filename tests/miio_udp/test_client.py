"""The asyncio client against the emulated relay, over real UDP on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import time

import pytest

from custom_components.gas_stove.miio_udp import (
    MiioClient,
    MiioDeviceError,
    MiioTimeout,
    RoundTrip,
    client as client_module,
)
from emulator import EmulatedRelay
from tests.emulator.conftest import RELAY_TOKEN, WRONG_TOKEN, next_host

CHANNEL = [{"did": "2-1", "siid": 2, "piid": 1}]


def _set(on: bool) -> list[dict[str, object]]:
    return [{**CHANNEL[0], "value": on}]


@pytest.fixture
async def relay(socket_enabled: None) -> AsyncIterator[EmulatedRelay]:
    device = EmulatedRelay(next_host(), channels=2, token=RELAY_TOKEN, seed=3)
    await device.start()
    try:
        yield device
    finally:
        await device.stop()


@pytest.fixture
async def client(relay: EmulatedRelay) -> AsyncIterator[MiioClient]:
    miio = MiioClient(relay.host, RELAY_TOKEN)
    try:
        yield miio
    finally:
        await miio.close()


async def test_calls_get_their_results(relay: EmulatedRelay, client: MiioClient) -> None:
    info = await client.call("miIO.info", deadline=2)
    assert info["model"] == relay.model
    assert client.device_id == relay.did
    assert await client.call("set_properties", _set(True), deadline=2) == [
        {"did": "2-1", "siid": 2, "piid": 1, "code": 0}
    ]
    reply = await client.call("get_properties", CHANNEL, deadline=2)
    assert reply[0]["value"] is True
    assert relay.channel_state(1) is True


async def test_one_handshake_serves_many_calls(relay: EmulatedRelay, client: MiioClient) -> None:
    for _ in range(10):
        await client.call("get_properties", CHANNEL, deadline=2)
    assert relay.stats.hellos == 1
    assert client.sent == 11


async def test_a_long_silence_brings_a_new_handshake(
    relay: EmulatedRelay, client: MiioClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await client.call("get_properties", CHANNEL, deadline=2)
    monkeypatch.setattr(client_module, "STALE_AFTER", 0.05)
    await asyncio.sleep(0.1)
    await client.call("get_properties", CHANNEL, deadline=2)
    assert relay.stats.hellos == 2


async def test_unanswered_requests_bring_a_new_handshake(
    relay: EmulatedRelay, client: MiioClient
) -> None:
    await client.call("get_properties", CHANNEL, deadline=2)
    relay.faults.drop_next_requests = client_module.MISSES_BEFORE_HELLO
    await client.call("get_properties", CHANNEL, deadline=5)
    assert relay.stats.hellos == 2


async def test_an_error_reply_raises_with_its_code(
    relay: EmulatedRelay, client: MiioClient
) -> None:
    relay.faults.request_error = -5001
    with pytest.raises(MiioDeviceError) as err:
        await client.call("get_properties", CHANNEL, deadline=2)
    assert err.value.code == -5001


async def test_a_busy_device_is_asked_again(relay: EmulatedRelay, client: MiioClient) -> None:
    relay.faults.request_error = -9999  # "user ack timeout"
    calling = asyncio.create_task(client.call("get_properties", CHANNEL, deadline=3))
    await asyncio.sleep(0.3)
    relay.faults.request_error = None
    reply = await calling
    assert reply[0]["code"] == 0


async def test_bare_acknowledgements_are_returned_as_they_are(
    relay: EmulatedRelay, client: MiioClient
) -> None:
    for ack in (0, ["ok"]):
        relay.faults.bare_set_ack = ack
        assert await client.call("set_properties", _set(True), deadline=2) == ack


async def test_a_silent_device_times_out_at_the_deadline(
    relay: EmulatedRelay, client: MiioClient
) -> None:
    relay.faults.offline = True
    started = time.monotonic()
    with pytest.raises(MiioTimeout):
        await client.call("get_properties", CHANNEL, deadline=0.5)
    assert 0.45 < time.monotonic() - started < 0.8
    assert not await client.hello(deadline=0.2)


async def test_a_wrong_token_looks_like_silence(relay: EmulatedRelay) -> None:
    client = MiioClient(relay.host, WRONG_TOKEN)
    try:
        assert await client.hello(deadline=1)  # the handshake is not encrypted
        with pytest.raises(MiioTimeout):
            await client.call("get_properties", CHANNEL, deadline=0.5)
        client.use_token(RELAY_TOKEN)
        await client.call("get_properties", CHANNEL, deadline=2)
    finally:
        await client.close()


async def test_hedged_calls_beat_loss(relay: EmulatedRelay, client: MiioClient) -> None:
    """Half the requests and a fifth of the replies lost, repeated ids ignored."""
    await client.call("get_properties", CHANNEL, deadline=2)
    relay.faults.drop_requests = 0.5
    relay.faults.drop_replies = 0.2
    took = []
    for index in range(20):
        started = time.monotonic()
        await client.call("set_properties", _set(index % 2 == 0), deadline=3, hedge=True)
        took.append(time.monotonic() - started)
        await asyncio.sleep(0.2)  # one shut-off at a time, as a kitchen has them
    print(sorted(took))
    assert max(took) < 1.0, took


async def test_ids_wrap_and_are_never_repeated_within_a_call(relay: EmulatedRelay) -> None:
    client = MiioClient(relay.host, RELAY_TOKEN, start_id=client_module.MAX_ID - 1)
    try:
        for _ in range(4):
            await client.call("get_properties", CHANNEL, deadline=2)
        assert relay.stats.duplicate_ids == 0
        assert client._next_id == 3
    finally:
        await client.close()


async def test_never_more_than_the_packet_budget(relay: EmulatedRelay) -> None:
    client = MiioClient(relay.host, RELAY_TOKEN, packets_per_second=20, window=1.2)
    relay.faults.offline = True
    try:
        await asyncio.gather(
            *(client.call("get_properties", CHANNEL, deadline=2.5, hedge=True) for _ in range(3)),
            return_exceptions=True,
        )
    finally:
        await client.close()
    assert relay.stats.received >= 30
    assert relay.stats.busiest_second() <= 20


async def test_calls_run_side_by_side(relay: EmulatedRelay, client: MiioClient) -> None:
    """A slow reply does not hold the next call up (no lock between calls)."""
    await client.call("get_properties", CHANNEL, deadline=2)
    relay.faults.delay = 0.3
    slow = asyncio.create_task(client.call("get_properties", CHANNEL, deadline=2))
    await asyncio.sleep(0.05)
    relay.faults.delay = 0.0
    started = time.monotonic()
    await client.call("set_properties", _set(True), deadline=2)
    assert time.monotonic() - started < 0.2
    await slow


def test_round_trip_estimate_without_back_off() -> None:
    rtt = RoundTrip(initial=0.5, floor=0.05, ceiling=1.5)
    assert rtt.timeout == 0.5
    assert rtt.hedge_interval == 0.1
    for _ in range(20):
        rtt.sample(0.002)
    assert rtt.timeout == 0.1  # floored: a LAN answers in ms, a busy relay in tens
    assert rtt.hedge_interval == 0.05
    for _ in range(50):
        rtt.sample(2.0)
    assert rtt.timeout == 1.5
    assert rtt.hedge_interval == 0.5
