"""Loopback-only address checks.

The emulator must never talk to a real network: every bind address goes
through here, so a typo cannot expose an unauthenticated fake device.
"""

from __future__ import annotations

import ipaddress

MIIO_PORT = 54321


def require_loopback(host: str) -> str:
    """Return ``host`` if it is a loopback IP literal, else raise ValueError."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError as err:
        # Host names are refused too: resolving them could yield a real address.
        raise ValueError(f"{host!r} is not an IP address; use 127.x.y.z") from err
    if not address.is_loopback:
        raise ValueError(f"{host} is not a loopback address; use 127.x.y.z")
    return host


def parse_host_port(value: str) -> tuple[str, int]:
    """Parse ``127.0.0.1:8300`` into a validated (host, port) pair."""
    host, sep, port_text = value.rpartition(":")
    if not sep or not port_text.isdigit():
        raise ValueError(f"{value!r} is not HOST:PORT")
    port = int(port_text)
    if port > 65535:
        raise ValueError(f"port {port} is out of range")
    return require_loopback(host), port
