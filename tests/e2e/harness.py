"""The browser test's surroundings: the network, the dev instance and its APIs.

Standard library plus websocket-client; nothing here knows the web UI (that is
ui.py). Every address is on loopback, and the instance gets its own ports,
device addresses and config folder, so a developer's ``scripts/develop``
(8123, 8300, 127.0.0.2/3, config/) can keep running next to it.

Nothing may leave 127.0.0.0/8. Chromium gets a dead proxy and no name
resolution, but Home Assistant 2026.x itself fetches the brand images the UI
shows (its brands integration proxies brands.home-assistant.io), so as root
the whole run goes into a network namespace of its own that has nothing but
loopback: Home Assistant, the emulator, Chromium and the test.
"""

from __future__ import annotations

from collections.abc import Callable
import contextlib
from dataclasses import dataclass
import itertools
import json
import os
from pathlib import Path
import re
import signal
import subprocess
import time
from typing import Any
from urllib.error import HTTPError, URLError
import urllib.request

import websocket

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "e2e-artifacts"
KEEP_ENV = "GAS_STOVE_E2E_KEEP"

# The instance under test (scripts/develop options).
HA_PORT = 8133
WEB_PORT = 8310
RELAY_HOST = "127.0.0.12"
SENSOR_HOST = "127.0.0.13"
HA_URL = f"http://127.0.0.1:{HA_PORT}"
EMULATOR_URL = f"http://127.0.0.1:{WEB_PORT}"
LOGIN = ("dev", "dev")
# What scripts/develop gives the emulated relay and flame sensor.
DEMO_TOKEN = "00112233445566778899aabbccddeeff"
# A third relay channel that the seeded Demo stove (channels 1 and 2) does not
# use: the stove this test adds through the UI gets it. Burner n of the
# emulator is relay channel n (siid n+1) and flame-sensor siid n+1.
BURNERS = "Left burner:series_nc,Right burner:series_nc,Wok burner:series_nc"
NEW_BURNER_INDEX = 3
NEW_SIID = NEW_BURNER_INDEX + 1


def prepare_instance() -> None:
    """Install what the dev instance needs (the frontend, from PyPI) while the network is there."""
    subprocess.run([str(ROOT / "scripts" / "develop"), "--prepare"], cwd=ROOT, check=True)


def isolate_network() -> str | None:
    """Move this process, and what it starts from now on, into a loopback-only network.

    Returns None when done, or why it could not be (not root): then only
    Chromium is held to loopback.
    """
    try:
        os.unshare(os.CLONE_NEWNET)
    except (AttributeError, OSError) as err:
        return f"no network namespace ({err})"
    # A new namespace has a loopback device that is down. Home Assistant's
    # HTTP client needs zeroconf, which needs a multicast-capable interface:
    # lo gets multicast and the multicast route, so mDNS stays on it too.
    subprocess.run(["ip", "link", "set", "lo", "up", "multicast", "on"], check=True)
    subprocess.run(["ip", "route", "add", "224.0.0.0/4", "dev", "lo"], check=True)
    return None


class Timeout(AssertionError):
    """A condition did not come true in time (an assertion failure of the test)."""


def wait_for[T](what: str, probe: Callable[[], T], timeout: float, interval: float = 0.25) -> T:
    """Call probe until it returns something truthy; its last value goes into the error."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        try:
            last = probe()
        except (OSError, ValueError, KeyError, websocket.WebSocketException) as err:
            last = err
        else:
            if last:
                return last
        if time.monotonic() > deadline:
            raise Timeout(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")
        time.sleep(interval)


# Loopback is never proxied, whatever the environment says.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _request(url: str, method: str = "GET", body: Any = None, token: str | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    with _DIRECT.open(request, timeout=10) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def answers(url: str) -> bool:
    """Something answers HTTP at url (any status)."""
    try:
        _DIRECT.open(url, timeout=2).close()
    except HTTPError:
        return True
    except (URLError, OSError):
        return False
    return True


class Emulator:
    """The emulator's JSON API (emulator/web.py)."""

    def state(self) -> dict[str, Any]:
        """GET /api/state."""
        result: dict[str, Any] = _request(f"{EMULATOR_URL}/api/state")
        return result

    def burner(self, index: int) -> dict[str, Any]:
        """One burner's snapshot (1-based, as on the control page)."""
        burner: dict[str, Any] = self.state()["burners"][index - 1]
        return burner

    def light(self, index: int) -> None:
        """Push the knob, hold it while the thermocouple heats, release (takes ~3 s)."""
        _request(f"{EMULATOR_URL}/api/burners/{index}/light", "POST", {})

    def wait_lit(self, index: int, timeout: float = 15) -> dict[str, Any]:
        """Until the flame burns with the knob released (the valve held by the loop)."""
        return wait_for(
            f"emulated burner {index} to burn with the knob released",
            lambda: (b := self.burner(index))["flame"] and not b["knob_pushed"] and b,
            timeout,
        )


class HomeAssistantApi:
    """REST and websocket API of the instance, with the seeded long-lived token."""

    def __init__(self, token: str) -> None:
        """Remember the token."""
        self.token = token
        self._ids = itertools.count(1)

    def get(self, path: str) -> Any:
        """GET a REST path."""
        return _request(HA_URL + path, token=self.token)

    def get_bytes(self, path: str) -> bytes:
        """GET a path that answers with something other than JSON (an image)."""
        request = urllib.request.Request(HA_URL + path)
        request.add_header("Authorization", f"Bearer {self.token}")
        with _DIRECT.open(request, timeout=15) as response:
            body: bytes = response.read()
        return body

    def post(self, path: str, body: Any) -> Any:
        """POST a REST path."""
        return _request(HA_URL + path, "POST", body, token=self.token)

    def state(self, entity_id: str) -> dict[str, Any] | None:
        """The state object, None when the entity has none."""
        try:
            result: dict[str, Any] = self.get(f"/api/states/{entity_id}")
        except HTTPError as err:
            if err.code == 404:
                return None
            raise
        return result

    def wait_state(
        self, entity_id: str, accept: Callable[[dict[str, Any]], bool], what: str, timeout: float
    ) -> dict[str, Any]:
        """Until the entity's state object satisfies accept."""
        return wait_for(
            f"{entity_id}: {what}",
            lambda: (s := self.state(entity_id)) is not None and accept(s) and s,
            timeout,
        )

    def ws(self, message: dict[str, Any]) -> Any:
        """One websocket command; its result (raises on an error answer)."""
        conn = websocket.create_connection(
            HA_URL.replace("http", "ws", 1) + "/api/websocket", timeout=10
        )
        try:
            assert json.loads(conn.recv())["type"] == "auth_required"
            conn.send(json.dumps({"type": "auth", "access_token": self.token}))
            auth = json.loads(conn.recv())
            assert auth["type"] == "auth_ok", auth
            msg_id = next(self._ids)
            conn.send(json.dumps({"id": msg_id, **message}))
            while True:
                answer = json.loads(conn.recv())
                if answer.get("id") == msg_id and answer.get("type") == "result":
                    break
        finally:
            conn.close()
        if not answer["success"]:
            raise AssertionError(f"websocket {message['type']}: {answer['error']}")
        return answer["result"]

    def entries(self) -> list[dict[str, Any]]:
        """The gas_stove config entries."""
        result: list[dict[str, Any]] = self.get("/api/config/config_entries/entry?domain=gas_stove")
        return result

    def entry(self, title: str) -> dict[str, Any] | None:
        """The gas_stove config entry with this title."""
        return next((e for e in self.entries() if e["title"] == title), None)

    def entity_id(self, entry_id: str, translation_key: str) -> str:
        """The entity of a config entry with this translation key (the only one)."""
        found = [
            e["entity_id"]
            for e in self.ws({"type": "config/entity_registry/list"})
            if e["config_entry_id"] == entry_id and e["translation_key"] == translation_key
        ]
        assert len(found) == 1, (translation_key, found)
        return found[0]

    def device_id(self, entity_id: str) -> str:
        """The device an entity belongs to."""
        entry = self.ws({"type": "config/entity_registry/get", "entity_id": entity_id})
        assert entry["device_id"], entity_id
        return str(entry["device_id"])

    def user_language(self) -> str | None:
        """The logged-in user's UI language, as the frontend stores it."""
        data = self.ws({"type": "frontend/get_user_data", "key": "language"})
        value = data.get("value") or {}
        return value.get("language") if isinstance(value, dict) else None


@dataclass
class DevInstance:
    """``scripts/develop`` running this test's Home Assistant and emulator."""

    process: subprocess.Popen[bytes]
    config: Path
    log: Path

    @classmethod
    def start(cls, artifacts: Path) -> DevInstance:
        """Start it and wait until the seeded Demo stove is loaded."""
        for url in (HA_URL + "/api/", EMULATOR_URL + "/"):
            if answers(url):
                raise RuntimeError(
                    f"something already answers at {url}: another browser test? stop it first"
                )
        config = artifacts / "ha-config"
        log = artifacts / "develop.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [
                    str(ROOT / "scripts" / "develop"),
                    "--config",
                    str(config),
                    "--port",
                    str(HA_PORT),
                    "--web-port",
                    str(WEB_PORT),
                    "--relay-host",
                    RELAY_HOST,
                    "--sensor-host",
                    SENSOR_HOST,
                    "--burners",
                    BURNERS,
                ],
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                # Its own process group: stop() signals Home Assistant and
                # develop together, as Ctrl-C in a terminal would.
                start_new_session=True,
            )
        instance = cls(process, config, log)
        try:
            instance.wait_ready()
        except BaseException:
            instance.stop()
            raise
        return instance

    def _alive(self) -> bool:
        if self.process.poll() is not None:
            tail = self.log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"scripts/develop exited ({self.process.returncode}):\n{tail}")
        return True

    def token(self) -> str:
        """The long-lived token scripts/seed_demo.py wrote."""
        return (self.config / ".dev_token").read_text().strip()

    def wait_ready(self, timeout: float = 240) -> None:
        """Until the API answers with the token and Demo stove is loaded.

        Generous: the first run in a clean clone also pip-installs the
        frontend (scripts/develop); a warm start takes ~15 s.
        """

        def ready() -> bool:
            self._alive()
            if not (self.config / ".dev_token").exists():
                return False
            api = HomeAssistantApi(self.token())
            demo = api.entry("Demo stove")
            return demo is not None and demo["state"] == "loaded"

        wait_for("Home Assistant to load the seeded Demo stove", ready, timeout, interval=0.5)

    def stop(self, timeout: float = 90) -> None:
        """SIGTERM to the group; develop then stops the emulator. SIGKILL if stuck."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)

    def log_errors(self) -> list[str]:
        """ERROR/CRITICAL lines of Home Assistant's log."""
        path = self.config / "home-assistant.log"
        if not path.exists():
            return []
        pattern = re.compile(r"^\S+ \S+ (ERROR|CRITICAL) ")
        return [
            line for line in path.read_text(errors="replace").splitlines() if pattern.match(line)
        ]
