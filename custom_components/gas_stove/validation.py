"""Input checks shared by the flows."""

from __future__ import annotations

import ipaddress
import re

TOKEN_RE = re.compile(r"^[0-9a-fA-F]{32}$")
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOSTNAME_RE = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*$")


def valid_host(host: str) -> bool:
    """Accept an IPv4 address or a DNS host name (not a bad dotted quad)."""
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return bool(HOSTNAME_RE.match(host)) and not host.replace(".", "").isdigit()
    return True
