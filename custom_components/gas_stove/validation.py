"""Input checks shared by the flows."""

from __future__ import annotations

import ipaddress
import math
import re
from typing import Any, ClassVar

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


def range_error(minimum: float, maximum: float) -> str:
    """The translation key of "enter a number from `minimum` to `maximum`".

    The web UI looks a field's error message up among the flow's translated
    errors and shows it as it is when it is not there: Home Assistant's own
    "Value 20.0 is too large" stays English in every language.
    """
    return f"range_{_key_number(minimum)}_{_key_number(maximum)}"


def format_number(value: float) -> str:
    """A bound as a person reads it: 10, not 10.0."""
    return f"{value:g}"


def _key_number(value: float) -> str:
    return format_number(value).replace(".", "p")


class FiniteNumber(NumberSelector):
    """A number box whose errors are the flow's own, translated ones.

    It also refuses NaN and infinity: Home Assistant's own range check
    compares, and NaN fails no comparison, so a NaN pulse or threshold
    would be accepted and stored.
    """

    # Every (min, max) a flow field uses, so a test can prove each has its
    # error text in every language.
    ranges: ClassVar[set[tuple[float, float]]] = set()

    def __init__(self, config: NumberSelectorConfig) -> None:
        """Keep the range; every field of ours has both bounds."""
        super().__init__(config)
        self.minimum: float = config["min"]
        self.maximum: float = config["max"]
        FiniteNumber.ranges.add((self.minimum, self.maximum))

    def __call__(self, data: Any) -> float:
        """A finite number within the field's range, or a translated error."""
        try:
            value = float(data)
        except (TypeError, ValueError) as err:
            raise vol.Invalid("not_a_number") from err
        if not math.isfinite(value):
            raise vol.Invalid("not_a_number")
        if not self.minimum <= value <= self.maximum:
            raise vol.Invalid(range_error(self.minimum, self.maximum))
        return value


class MiotId(FiniteNumber):
    """A MIoT siid/piid: a whole number in a box that shows it (not a bare slider)."""

    def __call__(self, data: Any) -> int:
        """Validate as a finite number in range, then keep it whole."""
        value = super().__call__(data)
        if value != int(value):
            raise vol.Invalid("not_whole_number")
        return int(value)


def miot_id(minimum: int = 1) -> MiotId:
    """A MIoT siid/piid field from `minimum` to 99."""
    return MiotId(NumberSelectorConfig(min=minimum, max=99, step=1, mode=NumberSelectorMode.BOX))
