"""Loopback-only web page and JSON API to play with the emulated stove.

GET  /                                   the page (polls /api/state every 500 ms)
GET  /api/state                          burners + devices
POST /api/burners/{n}/{action}           push | release | off | blow_out | light
                                         | knob_held_fault (body {"on": bool},
                                         toggles without a body)
POST /api/devices/{name}/faults          body: any Faults fields
POST /api/devices/{name}/reboot
POST /api/devices/{name}/channels/{n}    body {"on": bool}: a local switch
                                         (like the Mi Home app), relays only
Every POST answers with the new state.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from aiohttp import web

from .device import MiioDevice
from .net import require_loopback
from .relay import EmulatedRelay
from .stove import StoveModel

PAGE = Path(__file__).with_name("page.html")


class WebServer:
    """aiohttp site serving the page and API on a loopback address."""

    def __init__(
        self, stove: StoveModel, devices: dict[str, MiioDevice], host: str, port: int
    ) -> None:
        self.stove = stove
        self.devices = devices
        self.host = require_loopback(host)
        self.port = port
        self._runner: web.AppRunner | None = None
        # light() runs for seconds; keep the tasks so stop() can cancel them.
        self._tasks: set[asyncio.Task[bool]] = set()

    @property
    def url(self) -> str:
        """Base URL, with the real port once started (port 0 picks one)."""
        return f"http://{self.host}:{self.port}/"

    async def start(self) -> None:
        """Bind and serve."""
        app = web.Application()
        app.router.add_get("/", self._page)
        app.router.add_get("/api/state", self._state)
        app.router.add_post("/api/burners/{index}/{action}", self._burner_action)
        app.router.add_post("/api/devices/{name}/faults", self._faults)
        app.router.add_post("/api/devices/{name}/reboot", self._reboot)
        app.router.add_post("/api/devices/{name}/channels/{channel}", self._channel)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        self._runner = runner
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self.port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Cancel running light() tasks and shut the server down."""
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def state(self) -> dict[str, Any]:
        """Everything the page shows."""
        snapshot = self.stove.snapshot()
        return {
            "time": snapshot["time"],
            "burners": snapshot["burners"],
            "devices": {name: dev.describe() for name, dev in self.devices.items()},
        }

    # ------------------------------------------------------------ handlers

    async def _page(self, _request: web.Request) -> web.Response:
        return web.Response(text=PAGE.read_text(encoding="utf-8"), content_type="text/html")

    async def _state(self, _request: web.Request) -> web.Response:
        return web.json_response(self.state())

    async def _burner_action(self, request: web.Request) -> web.Response:
        try:
            burner = self.stove.burner(int(request.match_info["index"]))
        except (KeyError, ValueError) as err:
            raise web.HTTPNotFound(text="no such burner") from err
        body = await _json_body(request)
        action = request.match_info["action"]
        if action == "push":
            burner.push_knob()
        elif action == "release":
            burner.release_knob()
        elif action == "off":
            burner.turn_knob_off()
        elif action == "blow_out":
            burner.blow_out()
        elif action == "knob_held_fault":
            burner.knob_held_fault = bool(body.get("on", not burner.knob_held_fault))
        elif action == "light":
            hold_for = body.get("hold_for")
            task = asyncio.create_task(burner.light(None if hold_for is None else float(hold_for)))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            raise web.HTTPNotFound(text=f"unknown action {action!r}")
        return web.json_response(self.state())

    async def _faults(self, request: web.Request) -> web.Response:
        device = self._device(request)
        try:
            device.faults.update(**await _json_body(request))
        except (TypeError, ValueError) as err:
            raise web.HTTPBadRequest(text=str(err)) from err
        return web.json_response(self.state())

    async def _reboot(self, request: web.Request) -> web.Response:
        self._device(request).reboot()
        return web.json_response(self.state())

    async def _channel(self, request: web.Request) -> web.Response:
        device = self._device(request)
        if not isinstance(device, EmulatedRelay):
            raise web.HTTPNotFound(text="not a relay")
        body = await _json_body(request)
        try:
            channel = int(request.match_info["channel"])
            device.set_channel(channel, bool(body["on"]))
        except (KeyError, ValueError) as err:
            raise web.HTTPBadRequest(text="need a valid channel and {'on': bool}") from err
        return web.json_response(self.state())

    def _device(self, request: web.Request) -> MiioDevice:
        device = self.devices.get(request.match_info["name"])
        if device is None:
            raise web.HTTPNotFound(text="no such device")
        return device


async def _json_body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except json.JSONDecodeError as err:
        raise web.HTTPBadRequest(text="body is not JSON") from err
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="body must be a JSON object")
    return body
