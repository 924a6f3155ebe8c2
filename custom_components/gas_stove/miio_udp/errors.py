"""What can go wrong talking to a miIO device."""

from __future__ import annotations


class MiioError(Exception):
    """Base of this package's errors."""


class MiioTimeout(MiioError):
    """No reply within the caller's deadline."""


class MiioWrongToken(MiioError):
    """A reply whose checksum does not match our token (or a device that changed it)."""


class MiioBadReply(MiioError):
    """A datagram that is not a miIO packet, or a payload that is not a JSON object."""


class MiioDeviceError(MiioError):
    """The device answered with an error object."""

    def __init__(self, code: int | None, message: str) -> None:
        """Keep the device's code and message."""
        super().__init__(f"device error {code}: {message}")
        self.code = code
        self.message = message
