"""Input checks shared by the flows."""

from __future__ import annotations

import ipaddress
import math
import re
from typing import Any

from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
)

from .compat import vol

TOKEN_RE = re.compile(r"^[0-9a-fA-F]{32}$")
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOSTNAME_RE = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*$")


NAME_MAX = 64


def name_error(name: str, taken: set[str] | None = None) -> str | None:
    """Why a (stripped) stove or burner name cannot be used, if it cannot.

    Names become entity names and are spoken by voice assistants: one line
    of printable text, not a page.
    """
    if not name:
        return "name_required"
    if len(name) > NAME_MAX or not name.isprintable():
        return "name_invalid"
    # Voice matching ignores case: "left BURNER" would hit both burners.
    if taken is not None and name.casefold() in {other.casefold() for other in taken}:
        return "name_duplicate"
    return None


def valid_host(host: str) -> bool:
    """Accept an IPv4 address or a DNS host name (not a bad dotted quad)."""
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return bool(HOSTNAME_RE.match(host)) and not host.replace(".", "").isdigit()
    return True


class FiniteNumber(NumberSelector):
    """A number selector that also refuses NaN and infinity.

    Home Assistant's own range check compares, and NaN fails no comparison:
    a NaN pulse or threshold would be accepted and stored.
    """

    def __call__(self, data: Any) -> float:
        """Validate like the number selector, then insist on a finite value."""
        value = super().__call__(data)
        if not math.isfinite(value):
            raise vol.Invalid(f"{data!r} is not a number")
        return value


class MiotId(FiniteNumber):
    """A MIoT siid/piid: a whole number in a box that shows it (not a bare slider)."""

    def __call__(self, data: Any) -> int:
        """Validate as a finite number in range, then keep it whole."""
        value = super().__call__(data)
        if value != int(value):
            raise vol.Invalid(f"{data!r} is not a whole number")
        return int(value)


def miot_id(minimum: int = 1) -> MiotId:
    """A MIoT siid/piid field from `minimum` to 99."""
    return MiotId(NumberSelectorConfig(min=minimum, max=99, step=1, mode=NumberSelectorMode.BOX))
