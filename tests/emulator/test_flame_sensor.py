"""The flame sensor reads the stove model over its own miIO endpoint."""

from __future__ import annotations

from miio.exceptions import DeviceException
import pytest

from .conftest import MiioClient, Rig

QUERY = [
    {"did": "left_mv", "siid": 2, "piid": 1},
    {"did": "left_flame", "siid": 2, "piid": 2},
    {"did": "right_mv", "siid": 3, "piid": 1},
    {"did": "right_flame", "siid": 3, "piid": 2},
]


async def test_reads_millivolts_and_flame(rig: Rig) -> None:
    assert await rig.left.light()
    result = await MiioClient(rig.sensor).send("get_properties", QUERY)
    values = {item["did"]: item["value"] for item in result}
    assert all(item["code"] == 0 for item in result)
    assert values["left_flame"] is True and values["right_flame"] is False
    assert values["left_mv"] == pytest.approx(rig.left.params.loaded_mv, abs=0.5)
    assert values["right_mv"] == 0.0
    assert isinstance(values["left_mv"], float)


async def test_properties_are_read_only(rig: Rig) -> None:
    result = await MiioClient(rig.sensor).send(
        "set_properties", [{"did": "x", "siid": 2, "piid": 2, "value": True}]
    )
    assert result[0]["code"] == -4002


async def test_sensor_fails_independently_of_relay(rig: Rig) -> None:
    # Handshake first: python-miio waits a fixed 5 s for an unanswered hello.
    sensor = MiioClient(rig.sensor, lazy_discover=True)
    await sensor.send("get_properties", QUERY)
    rig.sensor.faults.offline = True
    with pytest.raises(DeviceException):
        await sensor.send("get_properties", QUERY)
    relay_reply = await MiioClient(rig.relay).send(
        "get_properties", [{"did": "x", "siid": 2, "piid": 1}]
    )
    assert relay_reply[0]["code"] == 0
