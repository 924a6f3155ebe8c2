"""Seed a development config dir so Home Assistant starts ready to use.

Run by scripts/develop with the venv's Python BEFORE Home Assistant starts
(never while it runs: Home Assistant would overwrite what this writes).
Every step is idempotent:

* an owner user (default dev / dev) for the login page, created through Home
  Assistant's own auth manager and its "homeassistant" auth provider;
* onboarding marked done, so the first visit shows the login page;
* a "Demo stove" config entry pointing at the emulated relay, added to
  .storage/core.config_entries only when there is no gas_stove entry yet;
* a long-lived access token of that user in <config>/.dev_token (kept when
  it is still valid), which ``scripts/develop --check`` uses for the REST API;
* empty automations.yaml / scripts.yaml for the UI editors.

Nothing here talks to the network.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta
import json
import logging
import os
from pathlib import Path
import re
import sys
import time
from types import MappingProxyType
from typing import Any

from homeassistant import runner
from homeassistant.auth import auth_manager_from_config
from homeassistant.auth.const import GROUP_ID_ADMIN
from homeassistant.auth.models import TOKEN_TYPE_LONG_LIVED_ACCESS_TOKEN
from homeassistant.auth.providers import homeassistant as hass_auth
from homeassistant.components.onboarding import (
    STORAGE_KEY as ONBOARDING_KEY,
    STORAGE_VERSION as ONBOARDING_VERSION,
)
from homeassistant.components.onboarding.const import STEPS as ONBOARDING_STEPS
from homeassistant.config_entries import (
    SOURCE_USER,
    STORAGE_KEY as ENTRIES_KEY,
    STORAGE_VERSION as ENTRIES_VERSION,
    STORAGE_VERSION_MINOR as ENTRIES_MINOR,
    ConfigEntry,
)
from homeassistant.const import __version__ as HA_VERSION
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

DOMAIN = "gas_stove"
TOKEN_CLIENT_NAME = "scripts/develop"
TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")


def demo_entry(
    host: str, token: str, title: str, sensor_host: str, names: tuple[str, str]
) -> ConfigEntry:
    """Build the config entry the config flow would create for the emulated stove."""

    def burner(burner_id: str, siid: int) -> dict[str, Any]:
        return {
            "burner_id": burner_id,
            "backend": "miio",
            "host": host,
            "token": token,
            "protocol": "miot",
            "siid": siid,
            "piid": 1,
            "model": "emulator.relay.c2",
        }

    settings = {"wiring": "series_nc", "pulse": 2.0}

    def flame(siid: int) -> dict[str, Any]:
        # The emulated flame sensor: burner i's thermocouple millivolts.
        return {
            "flame_source": "miot",
            "flame_host": sensor_host,
            "flame_token": token,
            "flame_siid": siid,
            "flame_piid": 1,
            "flame_kind": "millivolts",
        }

    return ConfigEntry(
        domain=DOMAIN,
        title=title,
        version=1,
        minor_version=1,
        source=SOURCE_USER,
        # What the config flow sets: the channel key of the first burner.
        unique_id=f"miio:{host}:2:1",
        data={"name": title, "burners": [burner("left", 2), burner("right", 3)]},
        options={
            "burners": {
                "left": {"name": names[0], **settings, **flame(2)},
                "right": {"name": names[1], **settings, **flame(3)},
            }
        },
        discovery_keys=MappingProxyType({}),
        subentries_data=None,
    )


async def seed_config_entry(
    hass: HomeAssistant,
    host: str,
    token: str,
    title: str,
    sensor_host: str,
    names: tuple[str, str],
) -> str:
    """Add the demo entry unless a gas_stove entry exists already.

    An existing demo entry is pointed at this run's emulator (--relay-host,
    --sensor-host): another instance's emulator may be on the old addresses.
    """
    store: Store[dict[str, Any]] = Store(
        hass, ENTRIES_VERSION, ENTRIES_KEY, minor_version=ENTRIES_MINOR
    )
    data = await store.async_load() or {"entries": []}
    for entry in data["entries"]:
        if entry.get("domain") == DOMAIN:
            moved = entry.get("title") == title and _point_at(entry, host, sensor_host)
            if moved:
                await store.async_save(data)
            return (
                f"config entry: kept existing {entry.get('title')!r} ({entry.get('entry_id')})"
                + (f", now at relay {host} / sensor {sensor_host}" if moved else "")
            )
    entry = demo_entry(host, token, title, sensor_host, names)
    data["entries"].append(entry.as_dict())
    await store.async_save(data)
    return f"config entry: added {title!r} ({entry.entry_id}) -> relay {host}"


def _point_at(entry: dict[str, Any], host: str, sensor_host: str) -> bool:
    """Move the demo entry's relay and flame sensor to these addresses; whether anything moved."""
    moved = False
    for burner in entry.get("data", {}).get("burners", []):
        if burner.get("backend") == "miio" and burner.get("host") != host:
            burner["host"] = host
            # Another emulator is another device: learnt again at the next start.
            burner.pop("device_id", None)
            moved = True
    for options in entry.get("options", {}).get("burners", {}).values():
        if options.get("flame_host") not in (None, sensor_host):
            options["flame_host"] = sensor_host
            moved = True
    return moved


async def seed_onboarding(hass: HomeAssistant) -> str:
    """Mark every onboarding step done."""
    store: Store[dict[str, Any]] = Store(hass, ONBOARDING_VERSION, ONBOARDING_KEY, private=True)
    data = await store.async_load() or {"done": []}
    missing = [step for step in ONBOARDING_STEPS if step not in data["done"]]
    if not missing:
        return "onboarding: already done"
    data["done"] = [*data["done"], *missing]
    await store.async_save(data)
    return f"onboarding: marked done ({', '.join(missing)})"


async def seed_user(
    hass: HomeAssistant, provider: hass_auth.HassAuthProvider, username: str, password: str
) -> tuple[str, Any]:
    """Create the login user (owner when it is the first) unless it exists."""
    assert provider.data is not None
    for credentials in await provider.async_credentials():
        if credentials.data.get("username") == username:
            user = await hass.auth.async_get_user_by_credentials(credentials)
            if user is not None:
                return f"user: kept existing {username!r}", user
    user = await hass.auth.async_create_user(username, group_ids=[GROUP_ID_ADMIN])
    await provider.async_add_auth(username, password)
    credentials = await provider.async_get_or_create_credentials({"username": username})
    await hass.auth.async_link_user(user, credentials)
    role = "owner" if user.is_owner else "administrator"
    return f"user: created {username!r} / {password!r} ({role})", user


async def seed_user_language(hass: HomeAssistant, user: Any, language: str) -> str:
    """The user's profile language, as the profile page stores it."""
    store: Store[dict[str, Any]] = Store(hass, 1, f"frontend.user_data_{user.id}")
    data = await store.async_load() or {}
    data["language"] = {
        "language": language,
        "number_format": "language",
        "time_format": "language",
        "date_format": "language",
        "time_zone": "local",
        "first_weekday": "language",
    }
    await store.async_save(data)
    return f"user language: {language}"


async def seed_token(hass: HomeAssistant, user: Any, token_file: Path) -> str:
    """Keep a valid long-lived token in token_file, or make a new one."""
    if token_file.exists():
        current = hass.auth.async_validate_access_token(token_file.read_text().strip())
        if current is not None and current.user.id == user.id:
            return f"token: kept {token_file}"
    # Drop earlier tokens of ours so they do not pile up in the profile page.
    for old in list(user.refresh_tokens.values()):
        if old.client_name == TOKEN_CLIENT_NAME:
            hass.auth.async_remove_refresh_token(old)
    refresh = await hass.auth.async_create_refresh_token(
        user,
        client_name=TOKEN_CLIENT_NAME,
        token_type=TOKEN_TYPE_LONG_LIVED_ACCESS_TOKEN,
        access_token_expiration=timedelta(days=3650),
    )
    access = hass.auth.async_create_access_token(refresh)
    token_file.write_text(access + "\n")
    token_file.chmod(0o600)
    return f"token: wrote a new long-lived access token to {token_file}"


def seed_http(config_dir: Path, host: str, port: int) -> str:
    """Make Home Assistant listen on loopback only, in the way the running release reads.

    2026.x keeps the HTTP settings in storage: YAML is migrated once as a
    "pending" config that a person must confirm in the UI within 5 minutes,
    or Home Assistant restarts on its stored config (listening on every
    interface) and raises repairs; an `http:` key left in YAML raises one too.
    So it gets a confirmed stored config and no `http:` in YAML; older
    releases get the YAML, as the package packages/http.yaml.
    """
    packages = config_dir / "packages"
    packages.mkdir(exist_ok=True)
    package = packages / "http.yaml"
    # The include of earlier versions of this script.
    (config_dir / "http.yaml").unlink(missing_ok=True)
    try:
        from homeassistant.components.http import config as http_config
    except ImportError:  # before the HTTP settings moved to storage
        package.write_text(f"http:\n  server_host: {host}\n  server_port: {port}\n")
        return f"http: {host}:{port} (YAML, packages/http.yaml)"
    package.unlink(missing_ok=True)
    stable = dict(http_config.HTTP_STORAGE_SCHEMA({"server_host": [host], "server_port": port}))
    stable.update(created_at=dt_util.utcnow().isoformat(), error=None, error_message=None)
    store = {
        "version": http_config.STORAGE_VERSION,
        "minor_version": http_config.STORAGE_MINOR_VERSION,
        "key": http_config.STORAGE_KEY,
        "data": {"stable": stable, "pending": None, "yaml_migration_done": True},
    }
    (config_dir / ".storage" / http_config.STORAGE_KEY).write_text(json.dumps(store, indent=2))
    return f"http: {host}:{port} (stored, confirmed)"


# Repairs Home Assistant raises about how this instance runs, not about the
# integration: Core in a virtual environment is a method 2025.6+ deprecates.
# Dismissed for this version (a newer release shows them again), so the
# Repairs page shows what the integration raises.
DISMISSED_REPAIRS = (("homeassistant", "deprecated_method"),)


def seed_dismissed_repairs(config_dir: Path) -> str:
    """Mark DISMISSED_REPAIRS as dismissed in the issue registry's storage."""
    path = config_dir / ".storage" / "repairs.issue_registry"
    store: dict[str, Any] = {
        "version": 1,
        "minor_version": 2,
        "key": "repairs.issue_registry",
        "data": {"issues": []},
    }
    if path.exists():
        store = json.loads(path.read_text())
    issues: list[dict[str, Any]] = store["data"]["issues"]
    for domain, issue_id in DISMISSED_REPAIRS:
        issue = next(
            (i for i in issues if (i["domain"], i["issue_id"]) == (domain, issue_id)), None
        )
        if issue is None:
            issue = {
                "created": dt_util.utcnow().isoformat(),
                "domain": domain,
                "is_persistent": False,
                "issue_id": issue_id,
            }
            issues.append(issue)
        issue["dismissed_version"] = HA_VERSION
    path.write_text(json.dumps(store, indent=2))
    return "repairs: dismissed " + ", ".join(f"{d}.{i}" for d, i in DISMISSED_REPAIRS)


# The brand cache is kept 30 days by Home Assistant; re-touched well before.
BRAND_CACHE_FRESH = 20 * 24 * 3600


def _placeholder_png(size: int) -> bytes:
    """A neutral grey tile drawn here, in place of the CDN's placeholder."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    inset = size // 8
    ImageDraw.Draw(image).rounded_rectangle(
        (inset, inset, size - inset, size - inset),
        radius=size // 6,
        outline=(150, 156, 164, 255),
        width=max(2, size // 32),
    )
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _integration_domains() -> set[str]:
    """Every integration and brand the web UI can show an image for."""
    from homeassistant import components, generated

    listed = json.loads((Path(generated.__file__).parent / "integrations.json").read_text())
    domains: set[str] = set()

    def collect(tree: dict[str, Any]) -> None:
        for domain, entry in tree.items():
            domains.add(domain)
            collect(entry.get("integrations") or {})

    collect(listed["integration"])
    collect(listed["helper"])
    domains.update(
        path.name for path in Path(components.__file__).parent.iterdir() if path.is_dir()
    )
    domains.discard("__pycache__")
    return domains


def seed_brand_cache(config_dir: Path) -> str:
    """Answer the web UI's brand images from Home Assistant's own disk cache.

    2026.3+ serves them at /api/brands/… and fetches what its cache lacks from
    brands.home-assistant.io: the dev instance must talk to nothing beyond
    127.0.0.0/8. Every integration's images are cached as "not found" (an
    empty file, as Home Assistant caches a 404), so it shows the placeholder,
    and the placeholder is one drawn here. Our own integration's images come
    from its brand/ folder before the cache is asked.
    """
    try:
        from homeassistant.components.brands import const as brands
    except ImportError:  # before 2026.3 the browser asks the CDN itself
        return "brands: none cached (this release's web UI loads them from the CDN)"
    root = config_dir / ".cache" / brands.DOMAIN / "integrations"
    now = time.time()
    written = 0
    for domain in sorted(_integration_domains() | {brands.PLACEHOLDER}):
        folder = root / domain
        folder.mkdir(parents=True, exist_ok=True)
        for image in sorted(brands.ALLOWED_IMAGES):
            path = folder / image
            if path.exists() and now - path.stat().st_mtime < BRAND_CACHE_FRESH:
                continue
            if domain == brands.PLACEHOLDER:
                path.write_bytes(_placeholder_png(512 if "@2x" in image else 256))
            else:
                path.write_bytes(b"")
            written += 1
    return f"brands: {written} cache files written (placeholder for all, nothing fetched)"


def seed_yaml_includes(config_dir: Path) -> list[str]:
    """Create the files configuration.yaml includes for the UI editors."""
    done = []
    for name, empty in (("automations.yaml", "[]\n"), ("scripts.yaml", "{}\n")):
        path = config_dir / name
        if not path.exists():
            path.write_text(empty)
            done.append(f"created {name}")
    return done


async def seed(args: argparse.Namespace) -> None:
    """Run every step inside a minimal Home Assistant core (no integrations)."""
    config_dir = Path(args.config).resolve()
    (config_dir / ".storage").mkdir(parents=True, exist_ok=True)
    hass = HomeAssistant(str(config_dir))
    # A running core, so that async_stop() below does the "final write" that
    # flushes the auth store's delayed save.
    await hass.async_start()
    # 2026.x creates the registries in a step of their own before loading them.
    for registry in (dr, er):
        if hasattr(registry, "async_setup"):
            registry.async_setup(hass)
    await asyncio.gather(dr.async_load(hass), er.async_load(hass))
    hass.auth = await auth_manager_from_config(hass, [{"type": "homeassistant"}], [])
    provider = hass.auth.auth_providers[0]
    assert isinstance(provider, hass_auth.HassAuthProvider)
    await provider.async_initialize()

    lines = [
        await seed_config_entry(
            hass,
            args.relay_host,
            args.relay_token,
            args.title,
            args.sensor_host,
            tuple(args.burner_names.split(",", 1)),  # type: ignore[arg-type]
        )
    ]
    lines.append(await seed_onboarding(hass))
    text, user = await seed_user(hass, provider, args.username, args.password)
    lines.append(text)
    if args.user_language:
        lines.append(await seed_user_language(hass, user, args.user_language))
    lines.append(await seed_token(hass, user, config_dir / ".dev_token"))
    lines += seed_yaml_includes(config_dir)
    lines.append(seed_http(config_dir, "127.0.0.1", args.http_port))
    lines.append(seed_dismissed_repairs(config_dir))
    lines.append(seed_brand_cache(config_dir))

    # The auth store saves with a delay: stopping flushes it ("final write").
    logging.getLogger("homeassistant.core").setLevel(logging.WARNING)
    await hass.async_stop()
    for line in lines:
        print(f"seed: {line}", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", required=True, help="Home Assistant config dir")
    parser.add_argument("--relay-host", default="127.0.0.2")
    parser.add_argument("--sensor-host", default="127.0.0.3")
    parser.add_argument("--relay-token", required=True, help="32 hex digits")
    parser.add_argument("--title", default="Demo stove")
    parser.add_argument(
        "--burner-names", default="Left burner,Right burner", help="the two burners' names"
    )
    parser.add_argument("--user-language", default="", help="the user's profile language")
    parser.add_argument("--username", default="dev")
    parser.add_argument("--password", default="dev")
    parser.add_argument("--http-port", type=int, default=8123, help="Home Assistant's port")
    args = parser.parse_args(argv)
    args.relay_token = args.relay_token.lower()
    if not TOKEN_RE.match(args.relay_token):
        parser.error("--relay-token must be 32 hex digits")
    os.umask(0o077)
    logging.basicConfig(level=logging.WARNING)
    # Home Assistant's own loop; 2026.x makes it with create_event_loop, older
    # releases through an event-loop policy (deprecated by Python 3.14).
    create = getattr(runner, "create_event_loop", None)
    if create is None:
        asyncio.set_event_loop_policy(runner.HassEventLoopPolicy(False))
        asyncio.run(seed(args))
    else:
        with asyncio.Runner(loop_factory=lambda: create(False)) as loop_runner:
            loop_runner.run(seed(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
