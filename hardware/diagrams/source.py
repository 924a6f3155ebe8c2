# ruff: noqa: RUF001  (typographic dashes, signs and arrows on the diagrams are intentional)
"""Python source of the wiring diagrams in ``hardware/diagrams/*.svg``.

Every diagram is drawn with schemdraw's pure-SVG backend (no matplotlib) and
text kept as SVG ``<text>`` (not font outlines), so the output is the same
bytes on every run and on every machine with the same schemdraw version.
Figures printed on the diagrams come from :mod:`hardware.ffd_loop`, so the
pictures cannot drift from the calculator.

Regenerate with ``python -m hardware.diagrams``; check with
``python -m hardware.diagrams --check``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
import itertools
import re
from typing import Final, Literal

import schemdraw
from schemdraw import default_canvas, elements as elm
from schemdraw.segments import Segment, SegmentCircle

from hardware.ffd_loop import FfdLoop

__all__ = ["DIAGRAMS", "render", "render_all"]

Point = tuple[float, float]
HAlign = Literal["left", "center", "right"]
VAlign = Literal["top", "center", "bottom"]
LineStyle = Literal["-", ":", "--", "-."]

#: The planning loop every figure on the diagrams is computed from.
LOOP: Final = FfdLoop()

INK: Final = "#000000"
NOTE: Final = "#333333"
RELAY: Final = "#1f5fa8"
GOOD: Final = "#1b7a36"
BAD: Final = "#b00020"
#: A CSS font list (schemdraw would write the non-standard "sans" for "sans-serif").
FONT: Final = "Arial, Helvetica, sans-serif"
SIZE: Final = 11.0


class Thermocouple(elm.Element2Term):  # type: ignore[no-untyped-call]
    """Thermocouple symbol: two dissimilar legs meeting at a hot junction."""

    def __init__(self) -> None:
        super().__init__()
        # The first segment must run from (0, 0) to (1, 0): schemdraw extends
        # the element's leads from its ends.
        self.segments.append(Segment([(0, 0), (0.5, 0.55), (1, 0)]))
        self.segments.append(Segment([(0.5, 0.55), (1, 0)], lw=4.5))
        self.segments.append(SegmentCircle((0.5, 0.55), 0.09, fill=True))


def _resistor() -> elm.Element2Term:
    """A resistor symbol (schemdraw's constructor is not annotated)."""
    resistor: elm.Element2Term = elm.Resistor()  # type: ignore[no-untyped-call]
    return resistor


class Sheet:
    """A thin absolute-coordinate layer over ``schemdraw.Drawing``."""

    def __init__(self) -> None:
        self.d = schemdraw.Drawing(canvas="svg", show=False)
        self.d.config(fontsize=SIZE, font=FONT, lw=1.6, margin=0.8)

    def add(self, element: elm.Element) -> None:
        self.d.add(element)

    def wire(self, *points: Point, color: str = INK, ls: LineStyle = "-") -> None:
        for a, b in itertools.pairwise(points):
            self.add(elm.Line(color=color, ls=ls).at(a).to(b))

    def part(self, element: elm.Element2Term, a: Point, b: Point) -> None:
        self.add(element.endpoints(a, b))

    def dot(self, at: Point, color: str = INK) -> None:
        self.add(elm.Dot(color=color).at(at))

    def terminal(self, at: Point, color: str = INK) -> None:
        self.add(elm.Dot(open=True, color=color).at(at))

    def text(
        self,
        at: Point,
        text: str,
        *,
        halign: HAlign = "left",
        valign: VAlign = "center",
        size: float = SIZE,
        color: str = NOTE,
    ) -> None:
        # SVG collapses runs of spaces: keep indentation with no-break spaces.
        lines = [ln.lstrip(" ") for ln in text.split("\n")]
        indents = [len(ln) - len(ln.lstrip(" ")) for ln in text.split("\n")]
        text = "\n".join("\u00a0" * n + ln for n, ln in zip(indents, lines, strict=True))
        label = elm.Label().at(at)
        label.label(text, halign=halign, valign=valign, fontsize=size, color=color)
        self.add(label)

    def box(self, a: Point, b: Point, *, color: str = NOTE, ls: LineStyle = "--") -> None:
        self.add(elm.Rect(corner1=a, corner2=b, ls=ls, color=color, lw=1.0).at((0, 0)).theta(0))

    def svg(self) -> bytes:
        return _normalise(self.d.get_imagedata("svg"))


_NUMBER: Final = re.compile(r"-?\d+\.\d+")
_TAG: Final = re.compile(r"<[^>]+>")


def _round(match: re.Match[str]) -> str:
    text = f"{float(match.group(0)):.3f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _normalise(data: bytes) -> bytes:
    """Make the SVG stable across platforms and readable in a diff.

    Coordinates go through sin/cos, whose last bit may differ between C
    libraries, so every decimal number inside a tag is rounded to 0.001 pt
    (text between tags, i.e. the labels, is left alone). Each element then
    goes on its own line.
    """
    svg = _TAG.sub(lambda tag: _NUMBER.sub(_round, tag.group(0)), data.decode("utf-8"))
    svg = re.sub(r"(/>|</text>)(?=<)", r"\1\n", svg)
    svg = re.sub(r"^(<svg[^>]*>)", r"\1\n", svg)
    return (svg.rstrip("\n") + "\n").encode("utf-8")


@contextmanager
def _svg_backend() -> Iterator[None]:
    """Select schemdraw's SVG backend with text as <text>, then restore."""
    previous_canvas = default_canvas.default_canvas
    previous_text = schemdraw.svgconfig.text
    schemdraw.use("svg")
    schemdraw.svgconfig.text = "text"
    try:
        yield
    finally:
        schemdraw.svgconfig.text = previous_text
        default_canvas.default_canvas = previous_canvas


# --------------------------------------------------------------------------
# Building blocks shared by several diagrams.

TOP: Final = 5.2
BOTTOM: Final = -1.2


def _thermocouple(s: Sheet, x: float, *, title: str = "Thermocouple") -> None:
    """Thermocouple (EMF) + its own resistance, vertical from y=0 (return) to y=4."""
    s.part(Thermocouple(), (x, 0.0), (x, 1.8))
    s.part(_resistor(), (x, 1.8), (x, 4.0))
    s.box((x - 2.6, -0.3), (x + 0.9, 4.3))
    s.text((x - 2.5, 4.55), title, valign="bottom", color=INK)
    s.text((x - 2.45, 0.95), "E: tip in\nthe flame", size=10)
    s.text((x - 0.45, 2.9), "R_tc", halign="right", size=10)


def _coil(s: Sheet, x: float, *, title: str = "Gas tap magnet unit") -> None:
    """Valve magnet coil, vertical from y=4 (thermocouple lead) to y=0 (return)."""
    s.part(elm.Inductor2(loops=4), (x, 4.0), (x, 0.0))
    s.box((x - 0.9, -0.3), (x + 2.7, 4.3))
    s.text((x + 2.6, 4.55), title, halign="right", valign="bottom", color=INK)
    s.text((x + 0.6, 2.0), "magnet coil\nR_coil", size=10)


def _loop_wires(s: Sheet, x_tc: float, x_coil: float) -> None:
    """Return lead along the bottom (unchanged by every supported wiring)."""
    s.wire((x_tc, 0.0), (x_tc, BOTTOM), (x_coil, BOTTOM), (x_coil, 0.0))


def _changeover(
    s: Sheet, com: Point, *, unused: Literal["NC", "NO"], title: str
) -> tuple[Point, Point]:
    """A dry changeover contact (COM/NC/NO), drawn de-energised.

    COM is at ``com``; NC 1.6 to the right on the same line (an unpowered
    relay rests on NC), NO 0.9 above NC. Returns the NC and NO points.
    """
    cx, cy = com
    nc = (cx + 1.6, cy)
    no = (cx + 1.6, cy + 0.9)
    for p in (com, nc, no):
        s.terminal(p, RELAY)
    s.wire((cx + 0.1, cy + 0.03), (nc[0] + 0.05, nc[1] + 0.14), color=RELAY)  # blade on NC
    s.text((cx, cy - 0.3), "COM", halign="center", valign="top", size=9, color=RELAY)
    if unused == "NC":
        s.text((nc[0] + 0.2, nc[1] - 0.3), "NC (not connected)", valign="top", size=9, color=RELAY)
        s.text((no[0] + 0.25, no[1]), "NO", size=9, color=RELAY)
    else:
        s.text((nc[0], nc[1] - 0.3), "NC", halign="center", valign="top", size=9, color=RELAY)
        s.text((no[0] + 0.25, no[1]), "NO (not connected)", size=9, color=RELAY)
    s.add(
        elm.Rect(corner1=(cx + 0.3, cy + 2.0), corner2=(cx + 1.3, cy + 2.5), color=RELAY, lw=1.4)
        .at((0, 0))
        .theta(0)
    )
    s.wire((cx + 0.8, cy + 2.0), (cx + 0.8, cy + 0.35), color=RELAY, ls=":")
    s.text(
        (cx + 1.5, cy + 2.25),
        "relay coil (the module's\nown isolated supply)",
        size=8.5,
        color=RELAY,
    )
    s.box((cx - 0.7, cy - 0.85), (cx + 4.4, cy + 3.1), color=RELAY)
    s.text((cx - 0.6, cy + 3.35), title, valign="bottom", size=10, color=RELAY)
    return nc, no


# --------------------------------------------------------------------------
# The diagrams.


def stock_ffd_loop() -> bytes:
    """The unmodified flame-failure loop."""
    s = Sheet()
    _thermocouple(s, 0.0)
    _coil(s, 10.0)
    s.wire((0, 4.0), (0, TOP), (8.2, TOP))
    s.terminal((8.2, TOP))
    s.wire((8.45, TOP), (10, TOP), (10, 4.0))
    s.wire((0, 0), (0, BOTTOM), (8.2, BOTTOM))
    s.terminal((8.2, BOTTOM))
    s.wire((8.45, BOTTOM), (10, BOTTOM), (10, 0))
    s.text(
        (4.1, TOP + 0.3),
        "thermocouple lead (a series relay would go into this lead)",
        halign="center",
        valign="bottom",
        size=10,
    )
    s.text(
        (4.1, BOTTOM - 0.3),
        "return (on many thermocouples: the outer sheath / valve body)",
        halign="center",
        valign="top",
        size=10,
    )
    s.text((8.2, TOP - 0.35), "plug /\nconnector", halign="center", valign="top", size=9)
    b = LOOP.series(0)
    s.text(
        (1.6, 2.0),
        "Hot tip: 25–30 mV open circuit.\n"
        "Loaded by the coil: about 10–15 mV.\n"
        "Loop: tens of mΩ, about 0.2–0.6 A.\n"
        "The magnet HOLDS the valve open but cannot\n"
        "pull it open: you push the knob for 3–5 s.\n"
        "Below about 1–2 mV at the coil a spring shuts\n"
        "the valve; it stays shut until the knob is\n"
        "pushed again.\n"
        f"Model (25 mV, 40 + 40 mΩ): {b.current_a:.2f} A and\n"
        f"{b.coil_mv:.1f} mV at the coil.",
        size=10,
    )
    return s.svg()


def _series_loop(wiring: Literal["series_nc", "series_no"]) -> bytes:
    s = Sheet()
    x_coil = 12.5
    _thermocouple(s, 0.0)
    _coil(s, x_coil)
    com = (3.0, TOP)
    if wiring == "series_nc":
        nc, _ = _changeover(s, com, unused="NO", title="Dry-contact relay module: COM + NC used")
        s.wire(nc, (x_coil, TOP), (x_coil, 4.0))
    else:
        _, no = _changeover(s, com, unused="NC", title="Dry-contact relay module: COM + NO used")
        s.wire(no, (8.0, no[1]), (8.0, TOP), (x_coil, TOP), (x_coil, 4.0))
    s.wire((0, 4.0), (0, TOP), com)
    s.text((1.3, TOP + 0.2), "cut lead", halign="center", valign="bottom", size=9)
    _loop_wires(s, 0.0, x_coil)
    s.text(
        (x_coil / 2, BOTTOM - 0.3), "return lead unchanged", halign="center", valign="top", size=10
    )
    if wiring == "series_nc":
        state = (
            "series_nc (recommended). Drawn unpowered.\n"
            "Rest (cooking): relay OFF, COM–NC closed.\n"
            "Cut: relay ON for the pulse (default 2 s):\n"
            "   loop open → 0 A → valve drops out.\n"
            "Relay unpowered, Wi-Fi or HA down:\n"
            "   COM–NC closed → stove works as stock."
        )
        colour = GOOD
    else:
        state = (
            "series_no (fail-closed). Drawn unpowered.\n"
            "Rest (cooking): relay ON, COM–NO closed.\n"
            "Cut: relay OFF for the pulse (default 2 s):\n"
            "   loop open → 0 A → valve drops out.\n"
            "Relay unpowered, Wi-Fi or HA down:\n"
            "   COM–NO open → stove cannot stay lit."
        )
        colour = BAD
    s.text((1.6, 2.95), state, size=10, color=colour)
    r = LOOP.series(15)
    s.text(
        (1.6, 1.15),
        "Closed contact + extra lead: keep the added\n"
        "resistance at or below about 10–20 mΩ.\n"
        f"Model: +15 mΩ keeps {100 * r.fraction_of_baseline:.0f} % of the stock current.",
        valign="top",
        size=10,
    )
    return s.svg()


def series_nc() -> bytes:
    """Recommended wiring: normally-closed contact in series."""
    return _series_loop("series_nc")


def series_no() -> bytes:
    """Fail-closed wiring: normally-open contact in series, relay held on."""
    return _series_loop("series_no")


def why_not_parallel() -> bytes:
    """Series break (works) next to a parallel short (fails silently)."""
    s = Sheet()
    # Left panel: series break, contact open.
    _thermocouple(s, 0.0)
    s.wire((0, 4.0), (0, TOP), (2.6, TOP))
    s.terminal((2.6, TOP))
    s.terminal((4.0, TOP))
    s.wire((2.7, TOP + 0.08), (3.8, TOP + 0.6))  # open blade
    s.wire((4.0, TOP), (6.5, TOP), (6.5, 4.0))
    s.part(elm.Inductor2(loops=4), (6.5, 4.0), (6.5, 0.0))
    _loop_wires(s, 0.0, 6.5)
    s.text((3.3, TOP + 0.75), "contact open", halign="center", valign="bottom", size=10)
    s.text((7.2, 2.0), "coil", size=10)
    s.text((-2.6, 6.6), "SERIES BREAK (supported)", valign="bottom", size=12, color=GOOD)
    s.text(
        (-2.6, -1.7),
        "Contact open: no path, 0 A.\n"
        "The valve always drops out.\n"
        "Cost: the closed contact adds resistance\n"
        "(budget about 10–20 mΩ).",
        valign="top",
        size=10,
        color=GOOD,
    )
    # Right panel: parallel short across the coil, contact closed.
    ox = 13.0
    cx = ox + 6.5
    px = ox + 9.0
    _thermocouple(s, ox)
    s.wire((ox, 4.0), (ox, TOP), (px, TOP), (px, 4.6))
    s.wire((cx, TOP), (cx, 4.0))
    s.part(elm.Inductor2(loops=4), (cx, 4.0), (cx, 0.0))
    s.wire((ox, 0), (ox, BOTTOM), (px, BOTTOM), (px, 0.2))
    s.wire((cx, 0.0), (cx, BOTTOM))
    s.dot((cx, TOP))
    s.dot((cx, BOTTOM))
    s.terminal((px, 4.6))
    s.terminal((px, 3.4))
    s.wire((px, 4.5), (px, 3.5))  # closed blade
    s.wire((px, 3.3), (px, 2.6))
    s.part(_resistor(), (px, 2.6), (px, 0.2))
    s.text((cx + 0.7, 2.0), "coil", size=10)
    s.text((px + 0.45, 4.0), "relay contact, closed", size=10)
    s.text((px + 0.55, 1.4), "its resistance:\nup to 100 mΩ on\na datasheet", size=10)
    s.text((ox - 2.6, 6.6), "PARALLEL SHORT (not supported)", valign="bottom", size=12, color=BAD)
    p = LOOP.parallel_short(100)
    s.text(
        (ox - 2.6, -1.7),
        f"A 100 mΩ short leaves {p.coil_mv:.1f} mV at the coil, {p.margin:.1f} × the\n"
        f"{LOOP.dropout_mv} mV drop-out: the valve stays open and nothing\n"
        "tells you the cut failed. To work, the short would\n"
        f"need less than {LOOP.short_needed_mohm():.1f} mΩ, contacts and leads included.",
        valign="top",
        size=10,
        color=BAD,
    )
    s.text(
        (-2.6, -3.6),
        "Model: 25 mV thermocouple, 40 mΩ thermocouple + 40 mΩ coil, 1.5 mV drop-out"
        " (python -m hardware.ffd_loop). Measure your own stove.",
        valign="top",
        size=9,
    )
    return s.svg()


def millivolt_tap() -> bytes:
    """Isolated millivolt tap on the thermocouple for flame sensing."""
    s = Sheet()
    x_coil = 10.0
    _thermocouple(s, 0.0)
    _coil(s, x_coil)
    s.wire((0, 4.0), (0, TOP), (x_coil, TOP), (x_coil, 4.0))
    _loop_wires(s, 0.0, x_coil)
    s.text(
        (5.0, TOP + 0.3),
        "thermocouple lead (a series relay, if fitted, goes in here)",
        halign="center",
        valign="bottom",
        size=9,
    )
    a, b = (1.5, TOP), (1.5, BOTTOM)
    s.dot(a)
    s.dot(b)
    x_adc = 5.0
    s.wire(a, (1.5, 3.8))
    s.part(_resistor(), (1.5, 3.8), (1.5, 2.0))
    s.wire((1.5, 2.0), (1.5, 1.8), (x_adc, 1.8))
    s.wire(b, (2.6, BOTTOM), (2.6, -0.6))
    s.part(_resistor(), (2.6, -0.6), (2.6, 0.9))
    s.wire((2.6, 0.9), (x_adc, 0.9))
    s.text((1.95, 2.9), "≥ 1 kΩ", size=9)
    s.text((3.05, 0.15), "≥ 1 kΩ", size=9)
    s.add(
        elm.Rect(corner1=(x_adc, -0.2), corner2=(x_adc + 2.8, 3.2), color=RELAY, lw=1.4)
        .at((0, 0))
        .theta(0)
    )
    s.text((x_adc + 0.15, 1.8), "IN+", size=9, color=RELAY)
    s.text((x_adc + 0.15, 0.9), "IN−", size=9, color=RELAY)
    s.text(
        (x_adc + 1.4, 2.95), "differential\nADC", halign="center", valign="top", size=9, color=RELAY
    )
    s.text(
        (x_adc + 1.4, -0.35),
        "on an isolated supply",
        halign="center",
        valign="top",
        size=9,
        color=RELAY,
    )
    t = LOOP.tap_fault(5.0, 1000.0)
    s.text(
        (-2.6, -1.9),
        "Reading across the thermocouple:\n"
        "  lit: about 10–15 mV (loaded by the coil)\n"
        "  out and cold: below about 2 mV\n"
        "  during a series cut: 25–30 mV open circuit\n"
        "  while the tip is still hot\n"
        "It follows the tip's temperature: a flame that\n"
        "just went out still reads high for seconds to\n"
        "tens of seconds.",
        valign="top",
        size=10,
    )
    s.text(
        (5.6, -1.9),
        "Why the resistors: if the ADC side failed and\n"
        f"put its whole 5 V on the leads, at most\n"
        f"{t.injected_ma:.1f} mA could flow through 2 × 1 kΩ, giving at\n"
        f"most {t.coil_mv_bound:.2f} mV at the coil: far below the\n"
        f"{LOOP.dropout_mv} mV drop-out, so it can never hold the\n"
        "valve open. Never use a mains-referenced\n"
        "(non-isolated) supply.",
        valign="top",
        size=10,
    )
    return s.svg()


def two_burners() -> bytes:
    """Two burners on the two channels of one dry-contact relay module."""
    s = Sheet()
    top = 6.4
    for i, ox in enumerate((0.0, 15.5)):
        ch = i + 1
        siid = 2 + i
        x_coil = ox + 8.0
        _thermocouple(s, ox, title=f"Burner {ch} thermocouple")
        _coil(s, x_coil, title=f"Burner {ch} magnet unit")
        com = (ox + 2.4, top)
        nc, _ = _changeover(s, com, unused="NO", title=f"Channel {ch} (MIoT siid {siid}, piid 1)")
        s.wire((ox, 4.0), (ox, top), com)
        s.wire(nc, (x_coil, top), (x_coil, 4.0))
        _loop_wires(s, ox, x_coil)
    s.box((1.2, top - 1.05), (23.0, top + 3.95), color=RELAY, ls="-")
    s.text(
        (12.1, top + 4.2),
        "ONE two-channel dry-contact module, independent COM per channel",
        halign="center",
        valign="bottom",
        size=11,
        color=RELAY,
    )
    s.text(
        (-2.6, -1.7),
        "Each burner keeps its own closed loop through its own channel. Never join the loops: no"
        " shared COM,\n"
        "no common wire between burners. With the loops joined, one burner's hot thermocouple"
        " could hold the\n"
        "other burner's valve open after its flame went out.\n"
        "Shown for series_nc, drawn unpowered. For series_no use COM + NO on each channel.",
        valign="top",
        size=10,
        color=BAD,
    )
    return s.svg()


#: File name (without .svg) -> function returning the SVG bytes.
DIAGRAMS: Final[dict[str, Callable[[], bytes]]] = {
    "stock_ffd_loop": stock_ffd_loop,
    "series_nc": series_nc,
    "series_no": series_no,
    "why_not_parallel": why_not_parallel,
    "millivolt_tap": millivolt_tap,
    "two_burners": two_burners,
}


def render(name: str) -> bytes:
    """SVG bytes of one diagram."""
    with _svg_backend():
        return DIAGRAMS[name]()


def render_all() -> dict[str, bytes]:
    """SVG bytes of every diagram, keyed by file name (``name.svg``)."""
    return {f"{name}.svg": render(name) for name in DIAGRAMS}
