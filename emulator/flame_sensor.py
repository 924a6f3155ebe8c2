"""An emulated MIoT flame sensor reading the stove model.

It stands for an isolated thermocouple-tap ADC (or any flame detector) on
its own Wi-Fi module, so it has its own address, token and faults: the
integration must cope with the sensor failing independently of the relay.
"""

from __future__ import annotations

from typing import Any

from .burner import EmulatedBurner
from .device import MiioDevice
from .miot import Getter, MiotProperties, MiotProperty
from .net import MIIO_PORT
from .stove import StoveModel

PIID_MILLIVOLTS = 1
PIID_FLAME = 2
SENSOR_MODEL = "emulator.sensor.flame"


def burner_siid(index: int) -> int:
    """MIoT service of burner i (1-based): siid 2, 3, ..."""
    return 1 + index


class EmulatedFlameSensor(MiioDevice):
    """Read-only MIoT: siid 1+i piid 1 = millivolts (float), piid 2 = flame."""

    def __init__(
        self,
        host: str,
        stove: StoveModel,
        *,
        model: str = SENSOR_MODEL,
        token: str | None = None,
        did: int | None = None,
        seed: int | None = None,
        port: int = MIIO_PORT,
    ) -> None:
        super().__init__(host, token=token, did=did, model=model, seed=seed, port=port)
        self.stove = stove
        self.properties = MiotProperties()
        self.properties.add_device_information(self)
        # Burners added to the stove later are not seen: build the stove first.
        for index, burner in enumerate(stove.burners, start=1):
            siid = burner_siid(index)
            self.properties.add(
                MiotProperty(siid, PIID_MILLIVOLTS, "millivolts", _millivolts(burner))
            )
            self.properties.add(MiotProperty(siid, PIID_FLAME, "flame", _flame(burner)))
        self.register("get_properties", self.properties.get_properties)
        self.register("set_properties", self.properties.set_properties)

    def describe(self) -> dict[str, Any]:
        data = super().describe()
        data["burners"] = [
            {
                "name": burner.name,
                "siid": burner_siid(index),
                "millivolts_piid": PIID_MILLIVOLTS,
                "flame_piid": PIID_FLAME,
            }
            for index, burner in enumerate(self.stove.burners, start=1)
        ]
        return data


def _millivolts(burner: EmulatedBurner) -> Getter:
    # A factory binds the burner now; a loop-variable lambda would bind late.
    return lambda: burner.thermocouple_mv


def _flame(burner: EmulatedBurner) -> Getter:
    return lambda: burner.flame
