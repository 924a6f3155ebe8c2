"""The CLI, the in-process demo and the web API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import signal
import sys
from typing import Any

import aiohttp
import pytest

from emulator import Demo, DemoConfig, parse_burners, run_demo
from emulator.__main__ import main

from .conftest import FAST, RELAY_TOKEN, MiioClient, next_host, wait_for

REPO = __file__.rsplit("/tests/", 1)[0]


async def read_until(stream: asyncio.StreamReader, prefix: str, timeout: float = 10.0) -> str:
    """Return the first stdout line starting with ``prefix``."""
    async with asyncio.timeout(timeout):
        while True:
            line = (await stream.readline()).decode()
            if not line:
                raise AssertionError("emulator exited early")
            if line.startswith(prefix):
                return line


async def test_cli_serves_api_state(socket_enabled: None) -> None:
    relay_host, sensor_host = next_host(), next_host()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "emulator",
        "--relay-host", relay_host, "--sensor-host", sensor_host,
        "--token", RELAY_TOKEN, "--web", "127.0.0.1:0", "--seed", "1",
        "--burners", "Left burner:series_nc,Right burner:series_no",
        cwd=REPO, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        token_line = await read_until(process.stdout, "  token:")
        assert RELAY_TOKEN in token_line
        url = (await read_until(process.stdout, "Web page:")).split()[-1]
        async with aiohttp.ClientSession() as session, session.get(f"{url}api/state") as resp:
            state = await resp.json()
        assert [b["name"] for b in state["burners"]] == ["Left burner", "Right burner"]
        assert [b["wiring"] for b in state["burners"]] == ["series_nc", "series_no"]
        assert state["devices"]["relay"]["host"] == relay_host
        assert state["devices"]["sensor"]["host"] == sensor_host
    finally:
        process.send_signal(signal.SIGINT)
        async with asyncio.timeout(10):
            assert await process.wait() == 0


def test_cli_refuses_non_loopback(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--relay-host", "192.0.2.5"])
    assert exc.value.code == 2
    assert "loopback" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--web", "0.0.0.0:8300"])
    with pytest.raises(SystemExit):
        main(["--burners", "Left:parallel"])


def test_parse_burners() -> None:
    specs = parse_burners("Left burner:series_nc, Wok:series_no,Back")
    assert [(s.name, s.wiring) for s in specs] == [
        ("Left burner", "series_nc"),
        ("Wok", "series_no"),
        ("Back", "series_nc"),
    ]
    with pytest.raises(ValueError):
        parse_burners("a,b,c,d,e")


@pytest.fixture
async def demo(socket_enabled: None) -> AsyncIterator[Demo]:
    config = DemoConfig(
        relay_host=next_host(),
        sensor_host=next_host(),
        token=RELAY_TOKEN,
        web_port=0,
        seed=3,
        params=FAST,
    )
    async with Demo(config) as running:
        yield running


async def test_web_api_drives_the_stove(demo: Demo) -> None:
    assert demo.web is not None and demo.stove is not None and demo.relay is not None
    url = demo.web.url
    left = demo.stove.burner(1)

    async def post(path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        async with session.post(f"{url}api/{path}", json=body) as resp:
            assert resp.status == 200, await resp.text()
            data: dict[str, Any] = await resp.json()
            return data

    async with aiohttp.ClientSession() as session:
        async with session.get(url) as resp:
            assert "gas_stove emulator" in await resp.text()
        await post("burners/1/light")
        await wait_for(lambda: left.flame and not left.knob_pushed)
        state = await post("burners/1/knob_held_fault")
        assert state["burners"][0]["knob_held_fault"] is True
        await post("burners/1/knob_held_fault", {"on": False})
        state = await post("devices/relay/channels/1", {"on": True})
        assert state["burners"][0]["relay_channel_on"] is True
        await wait_for(lambda: not left.valve_open)
        await post("devices/relay/faults", {"drop_requests": 0.25, "offline": True})
        assert demo.relay.faults.offline and demo.relay.faults.drop_requests == 0.25
        async with session.post(f"{url}api/devices/relay/faults", json={"drop_requests": 2}) as r:
            assert r.status == 400
        await post("devices/relay/reboot")
        assert demo.relay.states == [False, False]
        await post("burners/2/push")
        await post("burners/2/blow_out")
        state = await post("burners/2/off")
        assert state["burners"][1]["knob_on"] is False
        async with session.post(f"{url}api/burners/9/push") as r:
            assert r.status == 404


async def test_web_light_task_cancelled_on_stop(socket_enabled: None) -> None:
    config = DemoConfig(relay_host=next_host(), sensor_host=None, web_port=0)
    demo = Demo(config)
    await demo.start()
    assert demo.web is not None and demo.stove is not None
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{demo.web.url}api/burners/1/light") as resp,
    ):
        assert resp.status == 200
    assert demo.stove.burner(1).knob_pushed  # default 3 s hold still running
    await demo.stop()
    assert not demo.stove.burner(1).knob_pushed


async def test_run_demo_prints_banner_and_serves_miio(socket_enabled: None) -> None:
    lines: list[str] = []
    stop = asyncio.Event()
    config = DemoConfig(
        relay_host=next_host(), sensor_host=next_host(), web_host=None, protocol="legacy"
    )
    task = asyncio.create_task(run_demo(config, stop=stop, out=lines.append))
    await wait_for(lambda: bool(lines))
    banner = lines[0]
    assert config.relay_host in banner and "chuangmi.plug.m1" in banner
    assert 'get_prop ["power2"]' in banner and "flame = siid 3 piid 2" in banner
    token = banner.split("token:")[1].split()[0]
    client = MiioClient(config.relay_host, token=token, model="chuangmi.plug.m1")
    assert await client.send("get_prop", ["power"]) == ["off"]
    stop.set()
    await task
