"""Draw custom_components/gas_stove/brand/icon.png and icon@2x.png.

A blue gas flame over a burner ring, struck through by a red bar: the
integration cuts a burner's flame. Transparent background, square, as Home
Assistant's brand images want. Run with the venv (Pillow comes with Home
Assistant): ``.venv/bin/python scripts/make_brand_icons.py``.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "custom_components/gas_stove/brand"
SUPERSAMPLE = 4
BASE = 256  # the design grid; every coordinate below is in it

FLAME_OUTER = (37, 118, 230, 255)
FLAME_INNER = (140, 205, 255, 255)
FLAME_CORE = (235, 248, 255, 255)
RING = (84, 92, 104, 255)
SLASH = (214, 40, 40, 255)
OUTLINE = (255, 255, 255, 255)


def teardrop(
    cx: float, base_y: float, width: float, height: float, steps: int = 240
) -> list[tuple[float, float]]:
    """Outline a flame: round at the bottom (base_y), pointed at the top."""
    points = []
    for i in range(steps):
        t = 2 * math.pi * i / steps
        # x = sin t * sin^1.6(t/2) is 0 at the tip (t = 0) and widest low down.
        x = math.sin(t) * abs(math.sin(t / 2)) ** 1.6
        y = math.cos(t)  # 1 at the tip, -1 at the bottom
        points.append((cx + x * width / 2, base_y - (y + 1) / 2 * height))
    return points


def draw(size: int) -> Image.Image:
    """Draw the icon at size x size pixels (drawn larger, then scaled down)."""
    scale = size * SUPERSAMPLE / BASE
    big = Image.new("RGBA", (size * SUPERSAMPLE,) * 2, (0, 0, 0, 0))
    pen = ImageDraw.Draw(big)

    def s(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        return [(x * scale, y * scale) for x, y in points]

    def box(x0: float, y0: float, x1: float, y1: float) -> list[float]:
        return [x0 * scale, y0 * scale, x1 * scale, y1 * scale]

    # Burner ring seen slightly from above; the flame stands in it, so the
    # ring's back half goes behind the flame and its front half in front.
    ring = box(30, 174, 226, 236)
    width = round(16 * scale)
    pen.arc(ring, 180, 360, fill=RING, width=width)

    # The flame: three nested teardrops.
    pen.polygon(s(teardrop(128, 208, 118, 190)), fill=FLAME_OUTER)
    pen.polygon(s(teardrop(128, 204, 74, 128)), fill=FLAME_INNER)
    pen.polygon(s(teardrop(128, 200, 36, 64)), fill=FLAME_CORE)

    pen.arc(ring, 0, 180, fill=RING, width=width)

    # The cut: a red bar with a white outline, corner to corner.
    start, end = (40, 40), (216, 216)
    pen.line(s([start, end]), fill=OUTLINE, width=round(40 * scale))
    for x, y in (start, end):
        pen.ellipse(box(x - 20, y - 20, x + 20, y + 20), fill=OUTLINE)
    pen.line(s([start, end]), fill=SLASH, width=round(24 * scale))
    for x, y in (start, end):
        pen.ellipse(box(x - 12, y - 12, x + 12, y + 12), fill=SLASH)

    return big.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    """Write both sizes."""
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size in (("icon.png", 256), ("icon@2x.png", 512)):
        path = OUT / name
        draw(size).save(path, optimize=True)
        print(f"wrote {path} ({size}x{size})")


if __name__ == "__main__":
    main()
