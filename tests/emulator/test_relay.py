"""Relay channels over MIoT and legacy miIO, with real python-miio."""

from __future__ import annotations

from collections.abc import AsyncIterator

from miio.chuangmi_plug import ChuangmiPlug
from miio.exceptions import DeviceError
import pytest

from emulator import EmulatedRelay

from .conftest import RELAY_TOKEN, MiioClient, Rig, next_host, wait_for


def prop(siid: int, piid: int, value: object = None, *, did: str = "x") -> dict[str, object]:
    item: dict[str, object] = {"did": did, "siid": siid, "piid": piid}
    if value is not None:
        item["value"] = value
    return item


async def test_get_properties_per_item_codes(rig: Rig) -> None:
    rig.relay.set_channel(2, True)
    result = await MiioClient(rig.relay).send(
        "get_properties", [prop(2, 1, did="a"), prop(3, 1, did="b"), prop(9, 1, did="c")]
    )
    assert result == [
        {"did": "a", "siid": 2, "piid": 1, "code": 0, "value": False},
        {"did": "b", "siid": 3, "piid": 1, "code": 0, "value": True},
        {"did": "c", "siid": 9, "piid": 1, "code": -4004},
    ]


async def test_device_information_service(rig: Rig) -> None:
    result = await MiioClient(rig.relay).send("get_properties", [prop(1, 2), prop(1, 3)])
    assert [item["value"] for item in result] == [rig.relay.model, str(rig.relay.did)]


async def test_set_properties_codes_and_listener(rig: Rig) -> None:
    changes: list[tuple[int, bool]] = []
    rig.relay.add_listener(lambda channel, on: changes.append((channel, on)))
    result = await MiioClient(rig.relay).send(
        "set_properties",
        [prop(2, 1, True), prop(3, 1, 1), prop(7, 1, True), prop(1, 1, "x"), prop(2, 1, True)],
    )
    assert [item["code"] for item in result] == [0, -4005, -4004, -4002, 0]
    assert rig.relay.states == [True, False]
    # The second identical write is not a change.
    assert changes == [(1, True)]


async def test_remove_listener(rig: Rig) -> None:
    changes: list[tuple[int, bool]] = []
    remove = rig.relay.add_listener(lambda channel, on: changes.append((channel, on)))
    remove()
    rig.relay.set_channel(1, True)
    assert changes == []


async def test_countdown_turns_channel_off(rig: Rig) -> None:
    relay = rig.relay  # countdown_unit is 0.05 s in the fixture
    client = MiioClient(relay)
    result = await client.send("set_properties", [prop(2, 1, True), prop(2, 2, 4)])
    assert [item["code"] for item in result] == [0, 0]
    remaining = await client.send("get_properties", [prop(2, 2)])
    assert 1 <= remaining[0]["value"] <= 4
    await wait_for(lambda: not relay.channel_state(1), timeout=1.0)
    assert relay.countdown_remaining(1) == 0


async def test_countdown_cancelled_by_zero(rig: Rig) -> None:
    relay = rig.relay
    relay.set_channel(1, True)
    client = MiioClient(relay)
    await client.send("set_properties", [prop(2, 2, 3)])
    await client.send("set_properties", [prop(2, 2, 0)])
    assert relay.countdown_remaining(1) == 0
    assert len(relay.timers) == 0
    assert relay.channel_state(1) is True


@pytest.mark.parametrize("value", [True, 1.5, -1, 86_401, "5"])
async def test_countdown_rejects_bad_values(rig: Rig, value: object) -> None:
    result = await MiioClient(rig.relay).send("set_properties", [prop(2, 2, value)])
    assert result[0]["code"] == -4005


async def test_set_properties_without_list_is_a_request_error(rig: Rig) -> None:
    with pytest.raises(DeviceError) as err:
        await MiioClient(rig.relay).send("set_properties", {"siid": 2})
    assert err.value.code == -32602


async def test_power_on_state_restored_on_reboot(socket_enabled: None) -> None:
    async with EmulatedRelay(
        next_host(), channels=2, power_on_state=[True, False], token=RELAY_TOKEN
    ) as relay:
        assert relay.states == [True, False]
        relay.set_channel(1, False)
        relay.set_channel(2, True)
        relay.reboot()
        assert relay.states == [True, False]


@pytest.fixture
async def legacy(socket_enabled: None) -> AsyncIterator[EmulatedRelay]:
    async with EmulatedRelay(
        next_host(), channels=2, protocol="legacy", token=RELAY_TOKEN
    ) as relay:
        yield relay


async def test_legacy_get_prop_and_set_power(legacy: EmulatedRelay) -> None:
    client = MiioClient(legacy)
    assert await client.send("set_power", ["on"]) == ["ok"]
    assert await client.send("set_power", ["on", 2]) == ["ok"]
    assert await client.send("set_power", ["off"]) == ["ok"]
    values = await client.send("get_prop", ["power", "power2", "temperature", "bogus"])
    assert values == ["off", "on", 35, None]


async def test_legacy_rejects_bad_args_and_miot(legacy: EmulatedRelay) -> None:
    client = MiioClient(legacy)
    with pytest.raises(DeviceError) as err:
        await client.send("set_power", ["maybe"])
    assert err.value.code == -5001
    with pytest.raises(DeviceError) as err:
        await client.send("get_properties", [prop(2, 1)])
    assert err.value.code == -32601


async def test_legacy_works_with_python_miio_chuangmi_plug(legacy: EmulatedRelay) -> None:
    client = MiioClient(legacy, cls=ChuangmiPlug)
    await client.call(client.device.on)
    assert legacy.channel_state(1) is True
    status = await client.call(client.device.status)
    assert status.is_on is True


def test_constructor_validation() -> None:
    with pytest.raises(ValueError):
        EmulatedRelay("127.0.0.5", channels=5)
    with pytest.raises(ValueError):
        EmulatedRelay("127.0.0.5", channels=2, power_on_state=[True])
    relay = EmulatedRelay("127.0.0.5", channels=1)
    with pytest.raises(ValueError):
        relay.channel_state(2)
