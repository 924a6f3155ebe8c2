# ruff: noqa: RUF001, RUF003, E501  (typographic signs and CJK punctuation are intentional; labels are prose)
"""Python source of the wiring diagrams in ``hardware/diagrams/*.svg``.

Every diagram is drawn twice from the same code: in English (``name.svg``)
and in Simplified Chinese (``name.zh-Hans.svg``). Each label is written as an
``("English", "中文")`` pair right where it is placed, so the two sets cannot
drift apart.

Drawing rules, checked by ``tests/hardware/test_diagrams.py``:

* schemdraw's pure-SVG backend (no matplotlib), text kept as SVG ``<text>``
  (searchable, no font outlines), so the output is the same bytes on every run;
* an opaque white sheet behind everything (readable in dark mode) that is also
  the whole picture: nothing is drawn outside it;
* every text line is placed by this module (no ``dominant-baseline``, which
  some renderers ignore), and its box, estimated with full-width CJK glyphs,
  must lie inside the sheet and must not touch any wire, part or other text.

Figures printed on the diagrams come from :mod:`hardware.ffd_loop`, so the
pictures cannot drift from the calculator.

Regenerate with ``python -m hardware.diagrams``; check with
``python -m hardware.diagrams --check``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
import itertools
import re
from typing import Final, Literal
import unicodedata

import schemdraw
from schemdraw import default_canvas, elements as elm
from schemdraw.backends.svgtext import string_width
from schemdraw.segments import Segment, SegmentArc, SegmentCircle

from hardware.ffd_loop import FfdLoop

__all__ = [
    "DIAGRAMS",
    "LANGS",
    "Box",
    "Lang",
    "Sheet",
    "build",
    "file_name",
    "render",
    "render_all",
]

Lang = Literal["en", "zh-Hans"]
#: Languages drawn, in file-name order: ``name.svg`` then ``name.zh-Hans.svg``.
LANGS: Final[tuple[Lang, ...]] = ("en", "zh-Hans")
#: A label: the same string in both languages, or an ``(English, Chinese)`` pair.
Text = str | tuple[str, str]
Point = tuple[float, float]
HAlign = Literal["left", "center", "right"]
VAlign = Literal["top", "center", "bottom"]
LineStyle = Literal["-", ":", "--", "-."]

#: The planning loop every figure on the diagrams is computed from.
LOOP: Final = FfdLoop()

PAPER: Final = "#ffffff"
INK: Final = "#000000"
NOTE: Final = "#333333"
RELAY: Final = "#1f5fa8"
GOOD: Final = "#1b7a36"
BAD: Final = "#b00020"
#: Isolation barriers (double lines) and their labels.
BARRIER: Final = "#b35900"
#: The thin sense lead (carries no loop current).
SENSE: Final = "#7b3fa0"
FONTS: Final[dict[Lang, str]] = {
    # A CSS font list (schemdraw would write the non-standard "sans" for "sans-serif").
    "en": "Arial, Helvetica, sans-serif",
    "zh-Hans": (
        "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
    ),
}
SIZE: Final = 11.0
#: Points per drawing unit (schemdraw's default scale: half an inch per unit).
PT: Final = 36.0
#: Line pitch of multi-line labels, in font sizes.
LINE: Final = 1.3
#: Horizontal clearance every text line keeps from lines, parts and other text.
CLEARANCE: Final = 0.1


# --------------------------------------------------------------------------
# Geometry used by the layout checks.


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned rectangle in drawing units (y grows upwards)."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1
        )

    def inside(self, other: Box) -> bool:
        return (
            self.x0 >= other.x0
            and self.x1 <= other.x1
            and self.y0 >= other.y0
            and self.y1 <= other.y1
        )

    def contains(self, p: Point) -> bool:
        return self.x0 <= p[0] <= self.x1 and self.y0 <= p[1] <= self.y1

    def hit_by(self, a: Point, b: Point) -> bool:
        """True when the segment a-b enters this box."""
        if self.contains(a) or self.contains(b):
            return True
        corners = [(self.x0, self.y0), (self.x1, self.y0), (self.x1, self.y1), (self.x0, self.y1)]
        return any(
            _segments_cross(a, b, c, d)
            for c, d in zip(corners, corners[1:] + corners[:1], strict=True)
        )


def _orient(a: Point, b: Point, c: Point) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _segments_cross(a: Point, b: Point, c: Point, d: Point) -> bool:
    d1, d2 = _orient(c, d, a), _orient(c, d, b)
    d3, d4 = _orient(a, b, c), _orient(a, b, d)
    return ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and d1 * d2 != 0 and d3 * d4 != 0


def text_width(line: str, size: float) -> float:
    """Generous width of one line of text, in drawing units.

    CJK (wide and full-width) characters count one em each; everything else
    uses schemdraw's Arial estimate plus 12 % for wider fallback fonts.
    """
    points = 0.0
    for ch in line:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            points += size
        else:
            points += 1.12 * string_width(ch, fontsize=size)
    return points / PT


# --------------------------------------------------------------------------
# Custom symbols.


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


def _coil_symbol() -> elm.Element2Term:
    coil: elm.Element2Term = elm.Inductor2(loops=4)
    return coil


def _shape(*segments: Segment | SegmentArc | SegmentCircle) -> elm.Element:
    """An element made of segments given in drawing coordinates."""
    element = elm.Element()
    element.segments.extend(segments)
    placed: elm.Element = element.at((0, 0)).theta(0)
    return placed


# --------------------------------------------------------------------------
# The sheet: a thin absolute-coordinate layer over schemdraw.Drawing.


class Sheet:
    """One diagram in one language, with what the layout checks need."""

    def __init__(self, lang: Lang, corner1: Point, corner2: Point) -> None:
        self.lang: Lang = lang
        self.d = schemdraw.Drawing(canvas="svg", show=False)
        self.d.config(fontsize=SIZE, font=FONTS[lang], lw=1.6, margin=0)
        (x0, y0), (x1, y1) = corner1, corner2
        self.canvas = Box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        #: Every text line's box, with its text.
        self.texts: list[tuple[Box, str]] = []
        #: Wires and drawn lines that text must not touch.
        self.lines: list[tuple[Point, Point]] = []
        #: Part bodies, terminals and symbols that text must not touch.
        self.bodies: list[Box] = []
        # The opaque sheet: bottom-most, and the extent of the picture.
        paper = elm.Rect(corner1=corner1, corner2=corner2, color=PAPER, lw=0.5)
        self.add(paper.fill(PAPER).at((0, 0)).theta(0))

    def pick(self, text: Text) -> str:
        if isinstance(text, str):
            return text
        return text[0] if self.lang == "en" else text[1]

    def add(self, element: elm.Element) -> None:
        self.d.add(element)

    def wire(
        self, *points: Point, color: str = INK, ls: LineStyle = "-", lw: float | None = None
    ) -> None:
        for a, b in itertools.pairwise(points):
            line = elm.Line(color=color, ls=ls).at(a).to(b)
            if lw is not None:
                line = line.linewidth(lw)
            self.add(line)
            self.lines.append((a, b))

    def part(self, element: elm.Element2Term, a: Point, b: Point, half_width: float = 0.3) -> None:
        self.add(element.endpoints(a, b))
        self.lines.append((a, b))
        self.bodies.append(
            Box(
                min(a[0], b[0]) - (half_width if a[0] == b[0] else 0),
                min(a[1], b[1]) - (half_width if a[1] == b[1] else 0),
                max(a[0], b[0]) + (half_width if a[0] == b[0] else 0),
                max(a[1], b[1]) + (half_width if a[1] == b[1] else 0),
            )
        )

    def body(self, box: Box) -> None:
        """Reserve an area that text must keep clear of."""
        self.bodies.append(box)

    def dot(self, at: Point, color: str = INK) -> None:
        self.add(elm.Dot(color=color).at(at))
        self.bodies.append(Box(at[0] - 0.1, at[1] - 0.1, at[0] + 0.1, at[1] + 0.1))

    def terminal(self, at: Point, color: str = INK) -> None:
        self.add(elm.Dot(open=True, color=color).at(at))
        self.bodies.append(Box(at[0] - 0.12, at[1] - 0.12, at[0] + 0.12, at[1] + 0.12))

    def ground(self, at: Point, color: str = INK) -> None:
        """Chassis ground hanging below ``at``."""
        self.add(elm.GroundChassis(color=color).at(at))  # type: ignore[no-untyped-call]
        self.bodies.append(Box(at[0] - 0.55, at[1] - 1.0, at[0] + 0.35, at[1]))

    def connector(self, x: float, y: float, color: str = INK) -> None:
        """A plug (thick pin, left) in its socket (cup, right) on a horizontal wire.

        The wire must stop at ``x - 0.3`` on the left and start at ``x + 0.2``
        on the right.
        """
        self.add(
            _shape(
                Segment([(x - 0.3, y), (x + 0.02, y)], lw=4.0, color=color),
                SegmentArc((x, y), 0.4, 0.4, theta1=-90, theta2=90, color=color, lw=1.6),
            )
        )
        self.bodies.append(Box(x - 0.32, y - 0.24, x + 0.24, y + 0.24))

    def barrier(self, a: Point, b: Point) -> None:
        """An isolation barrier: a double line from a to b (horizontal or vertical)."""
        gap = 0.07
        offsets = [(0.0, gap), (0.0, -gap)] if a[1] == b[1] else [(gap, 0.0), (-gap, 0.0)]
        for dx, dy in offsets:
            self.add(elm.Line(color=BARRIER).at((a[0] + dx, a[1] + dy)).to((b[0] + dx, b[1] + dy)))
        self.bodies.append(
            Box(
                min(a[0], b[0]) - 0.1,
                min(a[1], b[1]) - 0.1,
                max(a[0], b[0]) + 0.1,
                max(a[1], b[1]) + 0.1,
            )
        )

    def rect(
        self,
        a: Point,
        b: Point,
        *,
        color: str = NOTE,
        ls: LineStyle = "--",
        lw: float = 1.0,
        fill: str | None = None,
    ) -> None:
        element: elm.Element = elm.Rect(corner1=a, corner2=b, ls=ls, color=color, lw=lw)
        if fill is not None:
            element = element.fill(fill)
        self.add(element.at((0, 0)).theta(0))
        corners = [a, (b[0], a[1]), b, (a[0], b[1])]
        self.lines.extend(zip(corners, corners[1:] + corners[:1], strict=True))

    def text(
        self,
        at: Point,
        text: Text,
        *,
        halign: HAlign = "left",
        valign: VAlign = "center",
        size: float = SIZE,
        color: str = NOTE,
    ) -> Box:
        """Place a (multi-line) label; returns the box it occupies."""
        content = self.pick(text)
        lines = content.split("\n")
        pitch = LINE * size / PT
        width = max(
            text_width(line.lstrip(" "), size)
            + (len(line) - len(line.lstrip(" "))) * 0.5 * size / PT
            for line in lines
        )
        height = pitch * len(lines)
        x, y = at
        x0 = {"left": x, "center": x - width / 2, "right": x - width}[halign]
        top = {"top": y, "center": y + height / 2, "bottom": y + height}[valign]
        for i, line in enumerate(lines):
            if not line.strip():
                continue
            # Renderers differ on leading (even no-break) spaces: indent by moving
            # the line instead, half an em per space (left-aligned text only).
            stripped = line.lstrip(" ")
            indent = (len(line) - len(stripped)) * 0.5 * size / PT if halign == "left" else 0.0
            w = text_width(stripped, size)
            lx = x + indent
            label = elm.Label().at((lx, top - pitch * (i + 0.5)))
            label.label(stripped, halign=halign, valign="center", fontsize=size, color=color)
            self.add(label)
            left = {"left": lx, "center": x - w / 2, "right": x - w}[halign]
            self.texts.append(
                (Box(left, top - pitch * (i + 1), left + w, top - pitch * i), stripped)
            )
        return Box(x0, top - height, x0 + width, top)

    def layout_problems(self) -> list[str]:
        """Text outside the sheet, text on a wire or part, or text on text."""
        problems: list[str] = []
        pad = CLEARANCE
        for tight, line in self.texts:
            box = Box(tight.x0 - pad, tight.y0, tight.x1 + pad, tight.y1)
            if not tight.inside(self.canvas):
                problems.append(f"outside the sheet: {line!r}")
            for a, b in self.lines:
                if box.hit_by(a, b):
                    problems.append(f"a line {a}-{b} runs through {line!r}")
            for body in self.bodies:
                if box.overlaps(body):
                    problems.append(f"a part at {body} covers {line!r}")
        for (b1, t1), (b2, t2) in itertools.combinations(self.texts, 2):
            if b1.overlaps(b2):
                problems.append(f"text overlaps: {t1!r} / {t2!r}")
        return problems

    def svg(self) -> bytes:
        return _normalise(self.d.get_imagedata("svg"), self.lang)


_NUMBER: Final = re.compile(r"-?\d+\.\d+")
_TAG: Final = re.compile(r"<[^>]+>")


def _round(match: re.Match[str]) -> str:
    text = f"{float(match.group(0)):.3f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _normalise(data: bytes, lang: Lang) -> bytes:
    """Make the SVG stable across platforms and readable in a diff.

    Coordinates go through sin/cos, whose last bit may differ between C
    libraries, so every decimal number inside a tag is rounded to 0.001 pt
    (text between tags, i.e. the labels, is left alone). schemdraw's invalid
    ``stroke-dasharray:-`` is dropped, the language is declared and the root
    gets an opaque background as well as the white sheet. Each element then
    goes on its own line.
    """
    svg = _TAG.sub(lambda tag: _NUMBER.sub(_round, tag.group(0)), data.decode("utf-8"))
    svg = svg.replace("stroke-dasharray:-;", "")
    svg = svg.replace('xml:lang="en"', f'xml:lang="{lang}" style="background-color:{PAPER}"', 1)
    svg = re.sub(r"(/>|</text>)(?=<)", r"\1\n", svg)
    svg = re.sub(r"^(<svg[^>]*>)", r"\1\n", svg)
    return (svg.rstrip("\n") + "\n").encode("utf-8")


@contextmanager
def _svg_backend() -> Iterator[None]:
    """Select schemdraw's SVG backend with text as <text>, no dominant-baseline."""
    previous_canvas = default_canvas.default_canvas
    previous_text = schemdraw.svgconfig.text
    previous_batik = schemdraw.svgconfig.useBatik
    schemdraw.use("svg")
    schemdraw.svgconfig.text = "text"
    # "Batik" mode positions text with plain y offsets instead of the
    # dominant-baseline attribute, which librsvg and others ignore.
    schemdraw.svgconfig.useBatik = True
    try:
        yield
    finally:
        schemdraw.svgconfig.useBatik = previous_batik
        schemdraw.svgconfig.text = previous_text
        default_canvas.default_canvas = previous_canvas


# --------------------------------------------------------------------------
# Building blocks shared by several diagrams.

TOP: Final = 5.4
BOTTOM: Final = -1.3


def _thermocouple(s: Sheet, x: float, *, title: Text = ("Thermocouple", "热电偶")) -> None:
    """Thermocouple (EMF) + its own resistance, vertical from y=0 (return) to y=4."""
    s.part(Thermocouple(), (x, 0.0), (x, 1.8), half_width=0.2)
    s.body(Box(x - 0.75, 0.3, x, 1.5))  # the hot junction bulges to the left
    s.part(_resistor(), (x, 1.8), (x, 4.0), half_width=0.25)
    s.rect((x - 3.5, -0.4), (x + 0.7, 4.4))
    s.text((x - 3.2, 4.2), title, valign="top", color=INK)
    s.text((x - 3.2, 0.9), ("E: tip in\nthe flame", "E：探头\n在火焰中"), size=10)
    s.text((x - 0.4, 2.9), "R_tc", halign="right", size=10)


def _coil(
    s: Sheet, x: float, *, title: Text = ("Gas tap\nmagnet unit", "旋塞阀上的\n电磁阀")
) -> None:
    """Valve magnet coil, vertical from y=4 (thermocouple lead) to y=0 (return)."""
    s.part(_coil_symbol(), (x, 4.0), (x, 0.0), half_width=0.2)
    s.body(Box(x, 0.9, x + 0.45, 3.1))  # the loops bulge to the right
    s.rect((x - 0.7, -0.4), (x + 3.5, 4.4))
    s.text((x + 3.2, 4.2), title, halign="right", valign="top", color=INK)
    s.text((x + 0.7, 1.5), ("magnet coil\nR_coil", "电磁线圈\nR_coil"), size=10)


def _module_contact(
    s: Sheet, com: Point, *, used: Literal["NC", "NO"], color: str = RELAY
) -> tuple[Point, Point]:
    """A dry changeover contact (COM/NC/NO), drawn de-energised, with its coil above.

    COM is at ``com``; NC 1.6 to the right on the same line (an unpowered relay
    rests on NC), NO 0.9 above NC. The relay coil sits above the isolation
    barrier. Returns the NC and NO points.
    """
    cx, cy = com
    nc = (cx + 1.6, cy)
    no = (cx + 1.6, cy + 0.9)
    for p in (com, nc, no):
        s.terminal(p, color)
    s.wire((cx + 0.1, cy + 0.03), (nc[0] + 0.05, nc[1] + 0.14), color=color)  # blade on NC
    s.body(Box(cx, cy, nc[0], cy + 0.3))
    s.text((cx, cy - 0.25), "COM", halign="center", valign="top", size=9, color=color)
    s.text((nc[0], nc[1] - 0.25), "NC", halign="center", valign="top", size=9, color=color)
    unused = ("(not connected)", "（不接）")
    if used == "NO":
        s.text((no[0], no[1] + 0.25), "NO", halign="center", valign="bottom", size=9, color=color)
    else:
        s.text((no[0] + 0.25, no[1]), "NO", size=9, color=color)
    if used == "NO":
        s.text((nc[0] + 0.45, nc[1] - 0.25), unused, valign="top", size=8.5, color=color)
    else:
        s.text((no[0] + 0.75, no[1]), unused, size=8.5, color=color)
    # Relay coil above the barrier, linked mechanically to the blade.
    s.rect((cx + 0.3, cy + 2.2), (cx + 1.3, cy + 2.65), color=color, ls="-", lw=1.4)
    s.wire((cx + 0.8, cy + 2.2), (cx + 0.8, cy + 0.35), color=color, ls=":")
    s.barrier((cx - 0.6, cy + 1.7), (cx + 4.6, cy + 1.7))
    return nc, no


# --------------------------------------------------------------------------
# The diagrams.


def stock_ffd_loop(lang: Lang) -> Sheet:
    """The unmodified flame-failure loop, with its connector and chassis return."""
    s = Sheet(lang, (-4.0, -3.1), (15.4, 6.8))
    x_coil = 11.0
    x_con = 8.8
    _thermocouple(s, 0.0)
    _coil(s, x_coil)
    s.wire((0, 4.0), (0, TOP), (x_con - 0.3, TOP))
    s.connector(x_con, TOP)
    s.wire((x_con + 0.2, TOP), (x_coil, TOP), (x_coil, 4.0))
    s.wire((0, 0), (0, BOTTOM), (x_con - 0.3, BOTTOM))
    s.connector(x_con, BOTTOM)
    s.wire((x_con + 0.2, BOTTOM), (x_coil, BOTTOM), (x_coil, 0))
    s.ground((5.0, BOTTOM))
    s.text(
        (0.35, TOP + 0.3),
        (
            "thermocouple lead: a series relay goes into this lead",
            "热电偶引线：串联继电器就接在这根线上",
        ),
        valign="bottom",
        size=10,
    )
    s.text(
        (x_con, TOP + 0.3),
        ("connector\n(plug + socket)", "接插件\n（插头 + 插座）"),
        halign="center",
        valign="bottom",
        size=9,
    )
    s.text(
        (5.6, BOTTOM - 0.35),
        (
            "return: on many hobs the sheath or the tap body,\n"
            "i.e. the chassis, which is bonded to the gas pipe",
            "回线：很多灶具上就是热电偶外壳或阀体，\n即灶具机壳，与燃气管道相连",
        ),
        valign="top",
        size=10,
    )
    b = LOOP.series(0)
    s.text(
        (1.5, 2.0),
        (
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
            "探头热态开路电压：25–30 mV。\n"
            "接上线圈后：约 10–15 mV。\n"
            "回路电阻几十 mΩ，电流约 0.2–0.6 A。\n"
            "电磁铁只能吸住阀门，不能把阀门吸开：\n"
            "所以点火时要按住旋钮 3–5 秒。\n"
            "线圈电压低于约 1–2 mV 时弹簧关阀，\n"
            "之后一直关闭，直到再次按下旋钮。\n"
            f"模型（25 mV，40 + 40 mΩ）：{b.current_a:.2f} A，\n"
            f"线圈两端 {b.coil_mv:.1f} mV。",
        ),
        size=10,
    )
    return s


def _supply(s: Sheet, x: float, y: float, feed: Point) -> None:
    """The certified SELV adapter (mains on the right) feeding the module at ``feed``."""
    s.rect((x, y), (x + 3.9, y + 1.5), color=BARRIER, ls="-", lw=1.2)
    s.barrier((x + 2.6, y), (x + 2.6, y + 1.5))
    s.text(
        (x + 0.15, y + 0.75),
        ("SELV adapter\nUSB 5 V / 12 V", "SELV 适配器\nUSB 5 V / 12 V"),
        size=8.5,
        color=BARRIER,
    )
    s.text((x + 3.25, y + 0.75), ("mains", "市电"), halign="center", size=8.5, color=BAD)
    s.wire((x, y + 0.75), (feed[0], y + 0.75), feed, color=RELAY)
    s.body(Box(feed[0], y + 0.65, x, y + 0.85))


def _series_loop(lang: Lang, wiring: Literal["series_nc", "series_no"]) -> Sheet:
    s = Sheet(lang, (-4.0, -6.2), (21.7, 10.0))
    x_coil = 16.5
    com = (6.0, TOP)
    x_in, x_out = 2.2, 13.6  # the adapter's two connectors
    x_sense = 3.4
    _thermocouple(s, 0.0)
    _coil(s, x_coil)
    # The relay module: contact below the barrier, coil and electronics above.
    s.rect((4.4, 4.45), (11.6, 9.2), color=RELAY, ls="-", lw=1.2)
    s.text(
        (4.4, 9.3),
        (
            f"Dry-contact relay module: COM + {wiring[-2:].upper()} used",
            f"干接点继电器模块：使用 COM + {wiring[-2:].upper()}",
        ),
        valign="bottom",
        size=9.5,
        color=RELAY,
    )
    nc, no = _module_contact(s, com, used="NC" if wiring == "series_nc" else "NO")
    s.text(
        (7.5, 7.8),
        ("relay coil + electronics\n(SELV side)", "继电器线圈 + 电路\n（SELV 一侧）"),
        size=8.5,
        color=RELAY,
    )
    s.text(
        (11.75, 6.85),
        (
            "isolation barrier:\nSELV supply required; a mains\nmodule needs reinforced insulation\n+ a 500 V insulation test",
            "隔离屏障：\n必须用 SELV 供电；市电供电的\n模块须为加强绝缘，\n并做 500 V 绝缘测试",
        ),
        size=8.5,
        color=BARRIER,
    )
    _supply(s, 12.1, 7.7, (6.8, 8.05))
    # The loop: thermocouple → adapter → COM … NC/NO → adapter → magnet unit.
    s.wire((0, 4.0), (0, TOP), (x_in - 0.3, TOP))
    s.connector(x_in, TOP)
    s.wire((x_in + 0.2, TOP), com)
    if wiring == "series_nc":
        s.wire(nc, (x_out - 0.3, TOP))
    else:
        s.wire(no, (10.9, no[1]), (10.9, TOP), (x_out - 0.3, TOP))
    s.connector(x_out, TOP)
    s.wire((x_out + 0.2, TOP), (x_coil, TOP), (x_coil, 4.0))
    s.wire((0, 0), (0, BOTTOM), (x_in - 0.3, BOTTOM))
    s.connector(x_in, BOTTOM)
    s.wire((x_in + 0.2, BOTTOM), (x_out - 0.3, BOTTOM))
    s.connector(x_out, BOTTOM)
    s.wire(
        (x_out + 0.2, BOTTOM),
        (x_coil, BOTTOM),
        (x_coil, 0),
    )
    s.wire((x_coil, BOTTOM), (19.6, BOTTOM))
    s.ground((19.6, BOTTOM))
    s.text((19.1, BOTTOM - 1.15), ("chassis =\ngas pipe", "机壳 =\n燃气管道"), valign="top", size=9)
    # Sense lead from the return to a test terminal next to the relay.
    s.dot((x_sense, BOTTOM))
    s.wire((x_sense, BOTTOM), (x_sense, 3.2), color=SENSE, ls="--", lw=1.2)
    s.terminal((x_sense, 3.35), SENSE)
    s.text((x_sense + 0.3, 3.35), ("T: sense lead", "T：检测线"), size=9, color=SENSE)
    s.text(
        (x_in - 0.1, TOP + 0.35),
        ("thermocouple\nside", "热电偶\n一侧"),
        halign="center",
        valign="bottom",
        size=8.5,
    )
    s.text(
        (x_out + 0.6, TOP + 0.35),
        ("magnet-unit side", "电磁阀一侧"),
        halign="center",
        valign="bottom",
        size=8.5,
    )
    s.text(
        (7.9, BOTTOM + 0.3),
        ("adapter lead: the return passes straight through", "转接线：回线直通"),
        halign="center",
        valign="bottom",
        size=9,
    )
    kept = LOOP.series(15)
    s.text(
        (4.3, 2.9),
        (
            "Meter on 200 mV DC, burner lit:\n"
            f"• {wiring[-2:].upper()}–T: coil side; falls as resistance is added\n"
            f"• COM–{wiring[-2:].upper()}: V_path, drop across the relay path\n"
            "• COM–T during a cut: open-circuit EMF E\n"
            "Current kept ≈ 1 − V_path / E: aim for ≥ 85 %\n"
            f"(model: +15 mΩ keeps {100 * kept.fraction_of_baseline:.0f} %; budget ≤ 10–20 mΩ)",
            "万用表 200 mV 直流档，点着火：\n"
            f"• {wiring[-2:].upper()}–T：线圈一侧，串入电阻越大读数越低\n"
            f"• COM–{wiring[-2:].upper()}：V_path，继电器通路上的压降\n"
            "• 关火期间 COM–T：开路电动势 E\n"
            "保留的电流 ≈ 1 − V_path / E：应 ≥ 85 %\n"
            f"（模型：串入 15 mΩ 保留 {100 * kept.fraction_of_baseline:.0f} %；预算 ≤ 10–20 mΩ）",
        ),
        valign="top",
        size=9,
    )
    if wiring == "series_nc":
        state: Text = (
            "series_nc (recommended), drawn unpowered.\n"
            "Rest (cooking): relay OFF, COM–NC closed.\n"
            "Cut: relay ON for the pulse (default 2 s) → loop open → 0 A → the valve drops out.\n"
            "Module unpowered or dead: COM–NC closed → the stove works as stock.\n"
            "Home Assistant or Wi-Fi down: the relay keeps its state; a cut in progress\n"
            "stays until the relay is returned to rest (or its own countdown ends it).",
            "series_nc（推荐），按未通电状态绘制。\n"
            "常态（可正常使用）：继电器释放，COM–NC 闭合。\n"
            "关火：继电器吸合一个脉冲（默认 2 秒）→ 回路断开 → 0 A → 阀门关闭。\n"
            "模块断电或损坏：COM–NC 闭合 → 灶具与原厂一样可用。\n"
            "Home Assistant 或 Wi-Fi 故障：继电器保持原状态；正在进行的关火会一直\n"
            "保持，直到继电器被恢复常态（或设备自身的倒计时结束它）。",
        )
        colour = GOOD
    else:
        state = (
            "series_no (opt-in lockout), drawn unpowered.\n"
            "Rest (cooking): relay ON, COM–NO closed.\n"
            "Cut: relay OFF for the pulse (default 2 s) → loop open → 0 A → the valve drops out.\n"
            "Module unpowered or dead: COM–NO open → the stove cannot stay lit.\n"
            "Home Assistant or Wi-Fi down: the relay keeps its state → the stove works\n"
            "normally. It is NOT locked.",
            "series_no（可选的锁定接法），按未通电状态绘制。\n"
            "常态（可正常使用）：继电器吸合，COM–NO 闭合。\n"
            "关火：继电器释放一个脉冲（默认 2 秒）→ 回路断开 → 0 A → 阀门关闭。\n"
            "模块断电或损坏：COM–NO 断开 → 灶具无法保持点燃。\n"
            "Home Assistant 或 Wi-Fi 故障：继电器保持原状态 → 灶具照常可用，\n"
            "并没有被锁住。",
        )
        colour = NOTE
    s.text((-3.7, -2.9), state, valign="top", size=9.5, color=colour)
    s.text(
        (-3.7, -5.45),
        (
            "After a remote cut the knob is still open: turn it to OFF.",
            "远程关火后旋钮仍处于打开位置：关火后请把旋钮拧到关闭位置。",
        ),
        valign="top",
        size=10,
        color=BAD,
    )
    return s


def series_nc(lang: Lang) -> Sheet:
    """Recommended wiring: normally-closed contact in series."""
    return _series_loop(lang, "series_nc")


def series_no(lang: Lang) -> Sheet:
    """Opt-in lockout wiring: normally-open contact in series, relay held on."""
    return _series_loop(lang, "series_no")


def why_not_parallel(lang: Lang) -> Sheet:
    """Series break (works) next to a parallel short (fails silently)."""
    s = Sheet(lang, (-4.0, -4.6), (26.8, 7.3))
    title_y = 6.35
    # Left panel: series break, contact open.
    _thermocouple(s, 0.0)
    s.wire((0, 4.0), (0, TOP), (2.6, TOP))
    s.terminal((2.6, TOP))
    s.terminal((4.0, TOP))
    s.wire((2.7, TOP + 0.08), (3.8, TOP + 0.6))  # open blade
    s.wire((4.0, TOP), (7.0, TOP), (7.0, 4.0))
    s.part(_coil_symbol(), (7.0, 4.0), (7.0, 0.0), half_width=0.2)
    s.body(Box(7.0, 0.9, 7.45, 3.1))
    s.wire((0, 0), (0, BOTTOM), (7.0, BOTTOM), (7.0, 0))
    s.text(
        (3.3, TOP + 0.75), ("contact open", "触点断开"), halign="center", valign="bottom", size=10
    )
    s.text((7.65, 2.0), ("coil", "线圈"), size=10)
    s.text(
        (-3.7, title_y),
        ("SERIES BREAK (supported)", "串联断开（支持）"),
        valign="bottom",
        size=12,
        color=GOOD,
    )
    s.text(
        (-3.7, -1.7),
        (
            "Contact open: no path, 0 A.\n"
            "The valve always drops out.\n"
            "Cost: the closed contact adds resistance\n"
            "(budget about 10–20 mΩ).",
            "触点断开：没有通路，0 A。\n"
            "阀门一定会关闭。\n"
            "代价：闭合的触点增加电阻\n"
            "（预算约 10–20 mΩ）。",
        ),
        valign="top",
        size=10,
        color=GOOD,
    )
    # Right panel: parallel short across the coil, contact closed.
    ox = 14.5
    cx = ox + 6.5
    px = ox + 9.0
    _thermocouple(s, ox)
    s.wire((ox, 4.0), (ox, TOP), (px, TOP), (px, 4.6))
    s.wire((cx, TOP), (cx, 4.0))
    s.part(_coil_symbol(), (cx, 4.0), (cx, 0.0), half_width=0.2)
    s.body(Box(cx, 0.9, cx + 0.45, 3.1))
    s.wire((ox, 0), (ox, BOTTOM), (px, BOTTOM), (px, 0.2))
    s.wire((cx, 0.0), (cx, BOTTOM))
    s.dot((cx, TOP))
    s.dot((cx, BOTTOM))
    s.terminal((px, 4.6))
    s.terminal((px, 3.4))
    s.wire((px, 4.5), (px, 3.5))  # closed blade
    s.wire((px, 3.3), (px, 2.6))
    s.part(_resistor(), (px, 2.6), (px, 0.2), half_width=0.25)
    s.text((cx + 0.65, 2.0), ("coil", "线圈"), size=10)
    s.text((px + 0.4, 4.0), ("contact,\nclosed", "触点\n闭合"), size=10)
    s.text(
        (px + 0.45, 1.4),
        ("its resistance:\nup to 100 mΩ\non a datasheet", "其电阻：\n数据手册\n最大 100 mΩ"),
        size=10,
    )
    s.text(
        (ox - 3.7, title_y),
        ("PARALLEL SHORT (not supported)", "并联短接（不支持）"),
        valign="bottom",
        size=12,
        color=BAD,
    )
    p = LOOP.parallel_short(100)
    s.text(
        (ox - 3.7, -1.7),
        (
            f"A 100 mΩ short leaves {p.coil_mv:.1f} mV at the coil, {p.margin:.1f} × the\n"
            f"{LOOP.dropout_mv} mV drop-out: the valve stays open and nothing\n"
            "tells you the cut failed. To work, the short would\n"
            f"need less than {LOOP.short_needed_mohm():.1f} mΩ, contacts and leads included.",
            f"100 mΩ 的短接仍在线圈上留下 {p.coil_mv:.1f} mV，是释放值\n"
            f"{LOOP.dropout_mv} mV 的 {p.margin:.1f} 倍：阀门保持开启，而且没有任何\n"
            "迹象告诉你关火失败了。要起作用，短接电阻（含触点\n"
            f"和引线）必须小于 {LOOP.short_needed_mohm():.1f} mΩ。",
        ),
        valign="top",
        size=10,
        color=BAD,
    )
    s.text(
        (-3.7, -3.75),
        (
            "Model: 25 mV thermocouple, 40 mΩ thermocouple + 40 mΩ coil, 1.5 mV drop-out"
            " (python -m hardware.ffd_loop). Measure your own stove.",
            "模型：热电偶 25 mV，热电偶 40 mΩ + 线圈 40 mΩ，释放值 1.5 mV"
            "（python -m hardware.ffd_loop）。请实测你自己的灶具。",
        ),
        valign="top",
        size=9,
    )
    return s


def millivolt_tap(lang: Lang) -> Sheet:
    """Isolated millivolt tap on the thermocouple side of the relay, for flame sensing."""
    s = Sheet(lang, (-3.9, -7.0), (19.6, 7.0))
    x_coil = 14.0
    _thermocouple(s, 0.0)
    _coil(s, x_coil)
    # Relay contact (rest state) in the lead, between the tap and the magnet unit.
    s.wire((0, 4.0), (0, TOP), (8.6, TOP))
    s.terminal((8.6, TOP), RELAY)
    s.terminal((10.0, TOP), RELAY)
    s.wire((8.7, TOP + 0.03), (10.05, TOP + 0.14), color=RELAY)
    s.body(Box(8.6, TOP, 10.0, TOP + 0.3))
    s.text(
        (9.3, TOP + 0.45),
        ("relay (COM–NC)", "继电器（COM–NC）"),
        halign="center",
        valign="bottom",
        size=9,
        color=RELAY,
    )
    s.wire((10.0, TOP), (x_coil, TOP), (x_coil, 4.0))
    s.wire((0, 0), (0, BOTTOM), (x_coil, BOTTOM), (x_coil, 0))
    s.ground((12.0, BOTTOM))
    s.text(
        (0.4, TOP + 0.45),
        ("tap here: thermocouple side of the relay", "在这里取样：继电器的热电偶一侧"),
        valign="bottom",
        size=9,
    )
    a, b = (2.0, TOP), (3.2, BOTTOM)
    s.dot(a)
    s.dot(b)
    x_adc = 5.6
    r_tap = 10_000.0
    s.wire(a, (2.0, 4.7))
    s.part(_resistor(), (2.0, 4.7), (2.0, 3.0), half_width=0.25)
    s.wire((2.0, 3.0), (2.0, 2.4), (x_adc, 2.4))
    s.wire(b, (3.2, -0.9))
    s.part(_resistor(), (3.2, -0.9), (3.2, 0.8), half_width=0.25)
    s.wire((3.2, 0.8), (3.2, 1.2), (x_adc, 1.2))
    s.dot((4.6, 1.2))
    s.wire((4.6, 1.2), (4.6, 0.55), (x_adc, 0.55))
    s.text((2.4, 3.85), "10 kΩ", size=9)
    s.text((3.6, -0.05), "10 kΩ", size=9)
    s.rect((x_adc, 0.0), (x_adc + 3.6, 3.3), color=RELAY, ls="-", lw=1.4)
    s.text((x_adc + 0.15, 2.4), "IN+", size=9, color=RELAY)
    s.text((x_adc + 0.15, 1.2), "IN−", size=9, color=RELAY)
    s.text((x_adc + 0.15, 0.55), "GND", size=9, color=RELAY)
    s.text(
        (x_adc + 2.3, 2.95),
        ("ADS1115\ndifferential\nADC", "ADS1115\n差分 ADC"),
        halign="center",
        valign="top",
        size=9,
        color=RELAY,
    )
    s.barrier((x_adc + 3.6, 0.0), (x_adc + 3.6, 3.3))
    s.text(
        (x_adc + 3.85, 1.65),
        ("SELV /\nisolated\nsupply", "SELV /\n隔离电源"),
        size=8.5,
        color=BARRIER,
    )
    s.text(
        (x_adc + 0.1, -0.15),
        ("GND tied to IN− (ADC side of the resistor)", "GND 接 IN−（电阻的 ADC 一侧）"),
        valign="top",
        size=8.5,
        color=RELAY,
    )
    t = LOOP.tap_fault(5.0, r_tap)
    s.text(
        (-3.7, -2.45),
        (
            "Reading across the thermocouple (COM side):\n"
            "• lit: about 10–15 mV (loaded by the coil)\n"
            "• during a series cut: 25–30 mV open circuit\n"
            "• after the flame went out: falls as the tip cools,\n"
            "   over about the natural closing time (10–60 s)\n"
            "Negative reading? Swap IN+ and IN−.\n"
            "Integration defaults: lit ≥ 6 mV, out ≤ 3 mV.",
            "热电偶两端（COM 一侧）的读数：\n"
            "• 有火：约 10–15 mV（接着线圈）\n"
            "• 串联断开期间：开路 25–30 mV\n"
            "• 火灭之后：随探头冷却而下降，\n"
            "  所需时间与自然关阀时间相当（10–60 秒）\n"
            "读数为负？对调 IN+ 与 IN−。\n"
            "集成默认：有火 ≥ 6 mV，无火 ≤ 3 mV。",
        ),
        valign="top",
        size=9.5,
    )
    s.text(
        (7.4, -2.45),
        (
            "Why 10 kΩ in each lead, at the tap point:\n"
            f"a failed ADC side at 5 V pushes at most {t.injected_ma:.2f} mA\n"
            f"({t.coil_mv_bound * 1000:.0f} µV at the coil). Any fault below\n"
            f"{t.max_safe_fault_v:.0f} V stays under the {LOOP.dropout_mv} mV drop-out\n"
            f"(with 1 kΩ only {LOOP.tap_fault(5.0, 1000.0).max_safe_fault_v:.0f} V): never a mains-referenced\n"
            "supply. Resistors rated ≥ 125 °C, sleeved.",
            "为什么在取样点每根引线串 10 kΩ：\n"
            f"ADC 一侧在 5 V 下故障，最多注入 {t.injected_ma:.2f} mA\n"
            f"（线圈上 {t.coil_mv_bound * 1000:.0f} µV）。低于 {t.max_safe_fault_v:.0f} V 的任何故障\n"
            f"都低于 {LOOP.dropout_mv} mV 的释放值（1 kΩ 时只有\n"
            f"{LOOP.tap_fault(5.0, 1000.0).max_safe_fault_v:.0f} V）：绝不能用以市电为参考的电源。\n"
            "电阻耐温 ≥ 125 °C，套上套管。",
        ),
        valign="top",
        size=9.5,
    )
    return s


def two_burners(lang: Lang) -> Sheet:
    """Two burners on the two channels of one dry-contact relay module."""
    s = Sheet(lang, (-4.0, -5.6), (30.0, 11.2))
    top = 6.4
    for i, ox in enumerate((0.0, 16.6)):
        ch = i + 1
        siid = 2 + i
        x_coil = ox + 9.0
        _thermocouple(s, ox, title=(f"Burner {ch}\nthermocouple", f"{ch} 号灶眼\n热电偶"))
        _coil(s, x_coil, title=(f"Burner {ch}\nmagnet unit", f"{ch} 号灶眼\n电磁阀"))
        com = (ox + 3.0, top)
        nc, _ = _module_contact(s, com, used="NC")
        s.text(
            (ox + 2.6, top + 3.05),
            (f"Channel {ch} (MIoT siid {siid}, piid 1)", f"通道 {ch}（MIoT siid {siid}，piid 1）"),
            valign="center",
            size=9,
            color=RELAY,
        )
        s.wire((ox, 4.0), (ox, top), com)
        s.wire(nc, (x_coil, top), (x_coil, 4.0))
        s.wire((ox, 0), (ox, BOTTOM), (x_coil, BOTTOM), (x_coil, 0))
        s.wire((ox + 4.5, BOTTOM), (ox + 4.5, -2.3))
        s.dot((ox + 4.5, BOTTOM))
    s.wire((4.5, -2.3), (21.1, -2.3), color=INK)
    s.ground((12.8, -2.3))
    s.text(
        (13.5, -2.55),
        (
            "returns common through the chassis: normal, leave as built",
            "各回线经机壳相连：这是原厂结构，保持原样",
        ),
        valign="top",
        size=9.5,
    )
    s.rect((1.8, top - 1.0), (27.5, top + 3.6), color=RELAY, ls="-", lw=1.2)
    s.text(
        (14.65, top + 4.15),
        (
            "ONE two-channel dry-contact module, SELV supply, independent COM per channel",
            "一个双路干接点模块，SELV 供电，每路公共端（COM）相互独立",
        ),
        halign="center",
        valign="center",
        size=11,
        color=RELAY,
    )
    s.text(
        (11.6, top + 1.7),
        ("isolation barrier", "隔离屏障"),
        halign="center",
        size=9,
        color=BARRIER,
    )
    s.text(
        (-3.7, -3.85),
        (
            "Each burner keeps its own loop through its own channel. Never connect the switched"
            " (thermocouple-side) leads\n"
            "of different burners and never use a shared COM: one burner's hot thermocouple could"
            " then hold the other\n"
            "burner's valve open after its flame went out. Shown for series_nc, drawn unpowered;"
            " for series_no use COM + NO.",
            "每个灶眼经各自的通道保持自己的回路。绝不能把不同灶眼的被切换引线（热电偶一侧）连在一起，\n"
            "也绝不能共用 COM：否则一个灶眼仍热的热电偶可能在另一个灶眼火焰熄灭后仍吸住它的阀门。\n"
            "图为 series_nc，按未通电状态绘制；series_no 请用 COM + NO。",
        ),
        valign="top",
        size=10,
        color=BAD,
    )
    return s


def adapter_harness(lang: Lang) -> Sheet:  # noqa: PLR0915  (one statement per drawn item)
    """Physical drawing of the adapter lead (two-wire plug) and of a threaded interrupter."""
    s = Sheet(lang, (-0.4, -10.4), (28.6, 9.6))
    thick = 3.0
    grey, blue, pale = "#d9d9d9", "#dce8f5", "#f2f6fb"
    y_sw, y_ret = 4.2, 3.4  # switched lead, return
    # --- Row A: two-wire plug.
    s.text(
        (0.0, 8.95),
        (
            "A. Two-wire plug: adapter lead (unplug it to return to stock)",
            "A. 双线插头：转接线（拔掉即恢复原厂状态）",
        ),
        size=12,
        color=INK,
    )
    s.text(
        (0.3, 5.1),
        ("from the thermocouple\n(probe at the burner)", "来自热电偶\n（灶眼旁的探针）"),
        valign="bottom",
        size=9,
    )
    s.wire((0.4, y_sw), (3.0, y_sw), lw=thick)
    s.wire((0.4, y_ret), (3.0, y_ret), lw=thick)
    s.rect((3.0, 3.0), (4.0, 4.6), color=INK, ls="-", lw=1.4, fill=grey)
    s.text((3.5, 2.8), ("its plug", "原插头"), halign="center", valign="top", size=8.5)
    s.rect((4.15, 2.9), (5.35, 4.7), color=RELAY, ls="-", lw=1.4, fill=blue)
    s.text(
        (4.75, 2.15),
        ("adapter\nsocket", "转接线\n插座"),
        halign="center",
        valign="top",
        size=8.5,
        color=RELAY,
    )
    s.rect((21.2, 2.9), (22.4, 4.7), color=RELAY, ls="-", lw=1.4, fill=blue)
    s.text(
        (21.8, 2.15),
        ("adapter\nplug", "转接线\n插头"),
        halign="center",
        valign="top",
        size=8.5,
        color=RELAY,
    )
    s.rect((22.55, 3.0), (23.55, 4.6), color=INK, ls="-", lw=1.4, fill=grey)
    s.text((23.05, 2.8), ("its socket", "原插座"), halign="center", valign="top", size=8.5)
    s.wire((23.55, y_sw), (25.6, y_sw), lw=thick)
    s.wire((23.55, y_ret), (25.6, y_ret), lw=thick)
    s.rect((25.6, 2.6), (28.0, 5.0), color=INK, ls="-", lw=1.4, fill="#eeeeee")
    s.text((26.8, 3.8), ("magnet\nunit", "电磁阀"), halign="center", size=9, color=INK)
    # Return: straight through the adapter; the thin sense lead is spliced off it.
    s.wire((5.35, y_ret), (21.2, y_ret), lw=thick)
    s.text((14.5, y_ret - 0.25), ("return: straight through", "回线：直通"), valign="top", size=9)
    s.dot((7.0, y_ret))
    s.wire((7.0, y_ret), (7.0, 1.6), (10.0, 1.6), color=SENSE, lw=1.2)
    s.terminal((10.15, 1.6), SENSE)
    s.text(
        (10.45, 1.6),
        ("T: test terminal next to the relay", "T：继电器旁的测试端子"),
        size=9,
        color=SENSE,
    )
    s.text(
        (7.2, 1.25),
        (
            "thin sense lead (0.5 mm², carries no loop current)",
            "细检测线（0.5 mm²，不流过回路电流）",
        ),
        valign="top",
        size=9,
        color=SENSE,
    )
    # Switched lead: broken in the adapter, out to COM and back from NC.
    x_com, x_nc, x_no = 12.4, 13.2, 14.0
    s.wire((5.35, y_sw), (x_com, y_sw), (x_com, 6.25), lw=thick, color=BAD)
    s.wire((x_nc, 6.25), (x_nc, y_sw), (21.2, y_sw), lw=thick, color=BAD)
    s.text(
        (13.5, 5.2),
        (
            "switched lead out and back:\nshort, twisted together, copper",
            "被切换的引线一去一回：\n短、绞在一起、铜线",
        ),
        size=9,
        color=BAD,
    )
    s.rect((11.6, 6.0), (16.6, 8.3), color=RELAY, ls="-", lw=1.4, fill=pale)
    for x, name in ((x_com, "COM"), (x_nc, "NC"), (x_no, "NO")):
        s.rect((x - 0.3, 6.25), (x + 0.3, 6.75), color=RELAY, ls="-", lw=1.2, fill=PAPER)
        s.text((x, 6.95), name, halign="center", valign="bottom", size=8.5, color=RELAY)
    s.text(
        (15.3, 7.15),
        ("relay module\n(SELV supply)", "继电器模块\n（SELV 供电）"),
        halign="center",
        size=9,
        color=RELAY,
    )
    s.text(
        (16.8, 6.4),
        ("ferrules on clamp terminals", "夹紧式端子：导线套管形端子"),
        size=9,
        color=RELAY,
    )
    s.text(
        (0.0, -0.1),
        (
            "• Receptacles: same type and size as the stock ones (measure: 2.8 / 4.8 / 6.3 mm). A 2.8 mm"
            " receptacle takes about 0.5–1.5 mm²:\n"
            "  crimp a short 1.0 mm² pigtail into it and join that to the 2.5 mm² run; count the extra"
            " joint in the resistance budget.\n"
            "• Strain relief (tie or P-clip) on both sides of the relay; heat-shrink on every joint;"
            " route away from the ignition HT lead.\n"
            "• Push-on connectors: pull on the connector body, never on the wire; release any latch"
            " first.",
            "• 插座：与原装的类型和尺寸相同（量一下：2.8 / 4.8 / 6.3 mm）。2.8 mm 插座只能压约 0.5–1.5 mm²"
            " 的线：\n"
            "  先压一段 1.0 mm² 的短线，再与 2.5 mm² 的主线连接；这个额外接头也要计入电阻预算。\n"
            "• 继电器两侧都做应力释放（扎带或线卡）；每个接头套热缩管；远离点火高压线。\n"
            "• 插拔式接插件：捏住接插件本体拔，绝不要拉导线；有卡扣的先松开卡扣。",
        ),
        valign="top",
        size=9.5,
    )
    # --- Row B: threaded coaxial thermocouple with an interrupter adapter.
    y2 = -6.6
    s.text(
        (0.0, -3.6),
        (
            "B. Threaded thermocouple (M8×1 / M9×1 nut): an interrupter adapter listed for that valve",
            "B. 螺纹连接的热电偶（M8×1 / M9×1 螺母）：厂家认可适配该阀门的串接转接头",
        ),
        size=12,
        color=INK,
    )
    s.wire((0.4, y2), (5.0, y2), lw=thick)
    s.text(
        (0.3, y2 + 0.45),
        ("thermocouple\n(coaxial lead)", "热电偶\n（同轴引线）"),
        valign="bottom",
        size=9,
    )
    s.rect((5.0, y2 - 0.35), (6.0, y2 + 0.35), color=INK, ls="-", lw=1.4, fill=grey)
    s.text((5.5, y2 - 0.55), ("its nut", "原螺母"), halign="center", valign="top", size=8.5)
    s.rect((6.15, y2 - 0.7), (9.4, y2 + 0.7), color=RELAY, ls="-", lw=1.4, fill=blue)
    s.text(
        (7.75, y2 - 0.9),
        ("interrupter\nadapter", "串接\n转接头"),
        halign="center",
        valign="top",
        size=8.5,
        color=RELAY,
    )
    s.rect((9.55, y2 - 1.1), (12.0, y2 + 1.1), color=INK, ls="-", lw=1.4, fill="#eeeeee")
    s.text(
        (10.8, y2), ("gas tap\nmagnet unit", "旋塞阀\n电磁阀"), halign="center", size=9, color=INK
    )
    s.wire((7.0, y2 + 0.7), (7.0, y2 + 2.3), (13.4, y2 + 2.3), lw=thick, color=BAD)
    s.wire((8.5, y2 + 0.7), (8.5, y2 + 1.7), (13.4, y2 + 1.7), lw=thick, color=BAD)
    s.rect((13.4, y2 + 1.3), (16.0, y2 + 2.7), color=RELAY, ls="-", lw=1.4, fill=pale)
    s.text(
        (14.7, y2 + 2.0),
        ("relay\nCOM / NC", "继电器\nCOM / NC"),
        halign="center",
        size=9,
        color=RELAY,
    )
    s.text(
        (12.5, y2 + 0.6),
        (
            "Two insulated terminals to the relay; the tap body is the return.\n"
            "Nut: finger-tight plus about ¼ turn. Over-tightening crushes the\n"
            "centre-pin insulation; too loose adds resistance. The adapter\n"
            "changes the seating depth: use only one listed for that valve.",
            "两个绝缘端子接继电器；阀体就是回线。\n"
            "螺母：用手拧紧后再拧约 ¼ 圈。拧得过紧会压坏中心触点的绝缘，\n"
            "过松则增加电阻。转接头会改变插入深度：只能用认可适配该阀门的。",
        ),
        valign="top",
        size=9,
    )
    s.text(
        (0.0, -9.6),
        (
            "Never cut the original lead: there is no undo without a new thermocouple."
            " No photographs yet: see the guide.",
            "不要剪断原装引线：剪断后只有更换热电偶才能恢复。暂无实物照片：见指南。",
        ),
        size=10,
        color=BAD,
    )
    return s


def interposing_relay(lang: Lang) -> Sheet:
    """A smart module's dry contact driving a gold-contact signal relay on SELV."""
    s = Sheet(lang, (-4.0, -4.5), (23.2, 11.2))
    x_coil = 18.5
    y_c = 5.2  # the loop's switched lead and the signal relay's contact
    _thermocouple(s, 0.0)
    _coil(s, x_coil)
    # Smart module (Mi, Zigbee, Shelly …): only its dry contact COM–NO is used.
    s.rect((1.2, 6.9), (6.6, 10.6), color=RELAY, ls="-", lw=1.2)
    s.text(
        (1.4, 10.45),
        ("smart module (Mi, Zigbee, Shelly …)", "智能模块（米家、Zigbee、Shelly……）"),
        valign="top",
        size=9,
        color=RELAY,
    )
    s.text(
        (1.4, 9.35),
        ("its relay coil + electronics\n(mains or SELV)", "其继电器线圈 + 电路\n（市电或 SELV）"),
        size=8.5,
        color=RELAY,
    )
    s.barrier((1.2, 8.65), (6.6, 8.65))
    m_com, m_no = (2.6, 7.6), (4.2, 7.6)
    s.terminal(m_com, RELAY)
    s.terminal(m_no, RELAY)
    s.wire((2.7, 7.63), (4.0, 7.95), color=RELAY)  # open blade
    s.body(Box(2.6, 7.6, 4.2, 8.0))
    s.text((2.6, 7.35), "COM", halign="center", valign="top", size=8.5, color=RELAY)
    s.text((4.2, 7.35), "NO", halign="center", valign="top", size=8.5, color=RELAY)
    # SELV adapter: + to the module's COM; its NO to the signal-relay coil; coil back to −.
    s.rect((8.4, 9.0), (14.0, 10.4), color=BARRIER, ls="-", lw=1.2)
    s.barrier((12.6, 9.0), (12.6, 10.4))
    s.text(
        (8.55, 9.7),
        ("SELV adapter\n5 V / 12 V", "SELV 适配器\n5 V / 12 V"),
        size=8.5,
        color=BARRIER,
    )
    s.text((13.3, 9.7), ("mains", "市电"), halign="center", size=8.5, color=BAD)
    s.wire((9.0, 9.0), (9.0, 8.3), (2.6, 8.3), (2.6, 7.75), color=RELAY)
    s.text((9.2, 8.65), "+", size=9, color=RELAY)
    s.wire((4.35, 7.6), (9.8, 7.6), (9.8, 7.0), color=RELAY)
    s.rect((9.3, 6.55), (10.3, 7.0), color=RELAY, ls="-", lw=1.4)
    s.body(Box(9.3, 6.55, 10.3, 7.0))
    s.wire((10.3, 6.78), (11.6, 6.78), (11.6, 9.0), color=RELAY)
    s.text((11.8, 8.65), "−", size=9, color=RELAY)
    s.text(
        (9.1, 6.78),
        ("signal-relay coil\n+ flyback diode", "信号继电器线圈\n+ 续流二极管"),
        halign="right",
        valign="center",
        size=8.5,
        color=RELAY,
    )
    s.wire((9.8, 6.55), (9.8, y_c + 0.35), color=RELAY, ls=":")
    s.barrier((8.4, 5.85), (14.8, 5.85))
    s.text((15.0, 5.85), ("coil–contact insulation", "线圈–触点绝缘"), size=8.5, color=BARRIER)
    # The signal relay's contact in the FFD loop.
    com, nc = (9.0, y_c), (10.6, y_c)
    s.terminal(com, RELAY)
    s.terminal(nc, RELAY)
    s.wire((9.1, y_c + 0.03), (10.65, y_c + 0.14), color=RELAY)
    s.body(Box(9.0, y_c, 10.6, y_c + 0.3))
    s.text((9.0, y_c - 0.25), "COM", halign="center", valign="top", size=8.5, color=RELAY)
    s.text((10.6, y_c - 0.25), "NC", halign="center", valign="top", size=8.5, color=RELAY)
    s.text(
        (11.1, y_c - 0.25),
        ("gold-clad twin contact", "包金双触点"),
        valign="top",
        size=8.5,
        color=RELAY,
    )
    s.wire((0, 4.0), (0, y_c), com)
    s.wire(nc, (x_coil, y_c), (x_coil, 4.0))
    s.wire((0, 0), (0, BOTTOM), (x_coil, BOTTOM), (x_coil, 0))
    s.ground((20.0, BOTTOM))
    s.text(
        (1.3, 3.4),
        (
            "The smart module switches only the signal relay's coil.\n"
            "Only the signal relay's gold-clad contact is in the FFD loop.\n"
            "Module on → coil energised → NC opens → cut (series_nc).\n"
            "Either relay unpowered → NC closed → the stove works as stock.\n"
            "For series_no use the signal relay's NO contact.",
            "智能模块只切换信号继电器的线圈。\n"
            "熄火保护回路中只有信号继电器的包金触点。\n"
            "模块打开 → 线圈吸合 → NC 断开 → 关火（series_nc）。\n"
            "任一继电器断电 → NC 闭合 → 灶具与原厂一样可用。\n"
            "series_no 用信号继电器的 NO 触点。",
        ),
        valign="top",
        size=9.5,
    )
    s.text(
        (-3.8, -2.6),
        (
            "The 5 V / 12 V circuit between the two relays is separated from mains only by the smart"
            " module's own\n"
            "coil–contact insulation: treat it as not touch-safe unless that module is SELV-powered"
            " or its datasheet\n"
            "states reinforced insulation.",
            "两个继电器之间的 5 V / 12 V 电路与市电之间只隔着智能模块自身的线圈–触点绝缘：\n"
            "除非该模块由 SELV 供电，或其数据手册写明加强绝缘，否则不要把这部分电路当作可以触摸的\n"
            "安全电路。",
        ),
        valign="top",
        size=9.5,
        color=BARRIER,
    )
    return s


#: File name stem -> function drawing that diagram in one language.
DIAGRAMS: Final[dict[str, Callable[[Lang], Sheet]]] = {
    "stock_ffd_loop": stock_ffd_loop,
    "series_nc": series_nc,
    "series_no": series_no,
    "adapter_harness": adapter_harness,
    "interposing_relay": interposing_relay,
    "two_burners": two_burners,
    "why_not_parallel": why_not_parallel,
    "millivolt_tap": millivolt_tap,
}


def file_name(name: str, lang: Lang) -> str:
    """``name.svg`` for English, ``name.zh-Hans.svg`` for Chinese."""
    return f"{name}.svg" if lang == "en" else f"{name}.{lang}.svg"


def build(name: str, lang: Lang = "en") -> Sheet:
    """The drawn sheet of one diagram (for the layout checks)."""
    with _svg_backend():
        return DIAGRAMS[name](lang)


def render(name: str, lang: Lang = "en") -> bytes:
    """SVG bytes of one diagram in one language."""
    with _svg_backend():
        return DIAGRAMS[name](lang).svg()


def render_all() -> dict[str, bytes]:
    """SVG bytes of every diagram in every language, keyed by file name."""
    return {file_name(name, lang): render(name, lang) for lang in LANGS for name in DIAGRAMS}
