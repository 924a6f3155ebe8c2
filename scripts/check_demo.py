"""Prove a running dev Home Assistant serves the seeded Demo stove.

Used by ``scripts/develop --check``. Standard library only; talks to
Home Assistant's REST API on the loopback address with the long-lived token
that scripts/seed_demo.py wrote. Exit status 0 when:

* http://127.0.0.1:8123/api/ answers (within --timeout seconds),
* the gas_stove config entry titled "Demo stove" is loaded,
* the expected entity exists and has the expected state,
* the list of actions (what the web UI loads first) answers and names gas_stove.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
import sys
import time
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
import urllib.request


class Checker:
    """Polls the API until every expectation holds or time runs out."""

    def __init__(self, url: str, token: str, deadline: float, pid: int | None) -> None:
        """Remember where to look and until when."""
        host = urlsplit(url).hostname or ""
        if not host.startswith("127.") and host != "localhost":
            raise SystemExit(f"check: refusing a non-loopback URL {url}")
        self.url = url.rstrip("/")
        self.token = token
        self.deadline = deadline
        self.pid = pid
        self.start = time.monotonic()

    def elapsed(self) -> str:
        """Seconds since the checker started."""
        return f"{time.monotonic() - self.start:5.1f}s"

    def alive(self) -> bool:
        """Tell whether the Home Assistant process still runs."""
        if self.pid is None:
            return True
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        # A zombie still "exists"; its exit shows in /proc.
        stat = Path(f"/proc/{self.pid}/stat")
        return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))

    def get(self, path: str) -> tuple[int, Any]:
        """(status, JSON body or None); status 0 when nothing answers."""
        request = urllib.request.Request(self.url + path)
        request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                body = response.read()
                status = int(response.status)
        except HTTPError as err:
            return err.code, None
        except (URLError, ConnectionError, TimeoutError, OSError):
            return 0, None
        try:
            return status, json.loads(body)
        except ValueError:
            return status, None

    def wait(self, what: str, probe: Any) -> Any:
        """Call probe() every half second until it returns something truthy."""
        last: Any = None
        while time.monotonic() < self.deadline:
            if not self.alive():
                print(f"check: FAIL Home Assistant exited while waiting for {what}")
                return None
            ok, last = probe()
            if ok:
                return last if last is not None else True
            time.sleep(0.5)
        print(f"check: FAIL timed out waiting for {what} (last seen: {last!r})")
        return None

    def run(self, title: str, entity_id: str, state: str) -> bool:
        """Every check in order; prints one line per step."""

        def api_answers() -> tuple[bool, Any]:
            # With the token: an unauthenticated probe would log a warning.
            status, _ = self.get("/api/")
            return status != 0, status

        if self.wait(f"{self.url}/api/ to answer", api_answers) is None:
            return False
        print(f"check: [{self.elapsed()}] {self.url}/api/ answers")

        status, body = self.get("/api/")
        if status != 200:
            print(f"check: FAIL the seeded token was refused (HTTP {status})")
            return False
        print(f"check: [{self.elapsed()}] token accepted: {body.get('message')}")

        def entry_loaded() -> tuple[bool, Any]:
            status, entries = self.get("/api/config/config_entries/entry?domain=gas_stove")
            if status != 200 or not isinstance(entries, list):
                return False, f"HTTP {status}"
            found = [e for e in entries if e.get("title") == title]
            if not found:
                return False, [e.get("title") for e in entries]
            return found[0].get("state") == "loaded", found[0].get("state")

        if self.wait(f"config entry {title!r} to load", entry_loaded) is None:
            return False
        print(f"check: [{self.elapsed()}] config entry {title!r} is loaded")

        def entity_state() -> tuple[bool, Any]:
            status, body = self.get(f"/api/states/{entity_id}")
            if status != 200 or not isinstance(body, dict):
                return False, f"HTTP {status}"
            return body.get("state") == state, body.get("state")

        if self.wait(f"{entity_id} to be {state}", entity_state) is None:
            return False
        print(f"check: [{self.elapsed()}] {entity_id} is {state}")

        # The emulated flame sensor feeds the Flame entity: out, not unknown.
        flame_id = entity_id.replace("switch.", "binary_sensor.") + "_flame"

        def flame_state() -> tuple[bool, Any]:
            status, body = self.get(f"/api/states/{flame_id}")
            if status != 200 or not isinstance(body, dict):
                return False, f"HTTP {status}"
            return body.get("state") == "off", body.get("state")

        if self.wait(f"{flame_id} to be off", flame_state) is None:
            return False
        print(f"check: [{self.elapsed()}] {flame_id} is off (flame sensor answers)")

        # What the web UI asks for first: the list of actions. On 2026.x it
        # makes Home Assistant import built-in integrations (camera, tts,
        # assist_pipeline); a package missing for them left the UI on
        # "Loading…" while everything above still passed.
        status, services = self.get("/api/services")
        domains = {s.get("domain") for s in services} if isinstance(services, list) else set()
        if status != 200 or "gas_stove" not in domains:
            print(f"check: FAIL the list of actions (what the web UI loads first): HTTP {status}")
            return False
        print(f"check: [{self.elapsed()}] the list of actions answers ({len(domains)} domains)")
        listeners = self.get("/api/events")[0]
        if listeners != 200:
            print(f"check: FAIL /api/events: HTTP {listeners}")
            return False

        status, states = self.get("/api/states")
        if status == 200 and isinstance(states, list):
            ours = sorted(
                f"{s['entity_id']}={s['state']}"
                for s in states
                if any(
                    part in s["entity_id"]
                    for part in ("_burner", "hood_linkage", "zuo_zao", "you_zao")
                )
            )
            print(f"check: entities of the stove: {', '.join(ours)}")
        return True


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8123")
    parser.add_argument("--token-file", type=Path, required=True)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--pid", type=int, help="Home Assistant's pid (stop waiting if it dies)")
    parser.add_argument("--title", default="Demo stove")
    parser.add_argument("--entity", default="switch.left_burner")
    parser.add_argument("--state", default="on")
    args = parser.parse_args(argv)
    token = args.token_file.read_text().strip()
    checker = Checker(args.url, token, time.monotonic() + args.timeout, args.pid)
    return 0 if checker.run(args.title, args.entity, args.state) else 1


if __name__ == "__main__":
    sys.exit(main())
