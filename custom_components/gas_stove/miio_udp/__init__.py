"""An asyncio client for the miIO protocol (Xiaomi's local UDP protocol).

No Home Assistant imports and no threads: one `asyncio.DatagramProtocol` per
device, the message codec built on python-miio's encryption helpers. Made
for writes that must land on a lossy network (a shut-off in a kitchen):

- explicit values can be *hedged*: sent again with a fresh message id every
  fraction of the measured round trip until a reply arrives;
- the device's stamp is kept from its last reply and extrapolated, so a
  handshake is sent only at first contact, after a long silence or after a
  request went unanswered;
- never more than a set number of datagrams per second to one device.
"""

from .client import MiioClient, RoundTrip
from .codec import Packet, decode, encode
from .errors import (
    MiioBadReply,
    MiioDeviceError,
    MiioError,
    MiioTimeout,
    MiioWrongToken,
)

__all__ = [
    "MiioBadReply",
    "MiioClient",
    "MiioDeviceError",
    "MiioError",
    "MiioTimeout",
    "MiioWrongToken",
    "Packet",
    "RoundTrip",
    "decode",
    "encode",
]
