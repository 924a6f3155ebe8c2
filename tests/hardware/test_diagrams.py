"""The SVG diagrams: deterministic, current, and the drift check really detects drift."""

from __future__ import annotations

from pathlib import Path
import re
import shutil
import subprocess
import sys

import pytest

from hardware.diagrams.build import DEFAULT_DIR, check, generate, main
from hardware.diagrams.source import (
    BAD,
    DIAGRAMS,
    LANGS,
    NOTE,
    PAPER,
    Lang,
    build,
    file_name,
    render,
    render_all,
)

from .common import HARDWARE, REPO

EXPECTED = {
    "stock_ffd_loop",
    "series_nc",
    "series_no",
    "adapter_harness",
    "interposing_relay",
    "why_not_parallel",
    "millivolt_tap",
    "two_burners",
}
FILES = {f"{name}.svg" for name in EXPECTED} | {f"{name}.zh-Hans.svg" for name in EXPECTED}
ALL = [(name, lang) for name in sorted(EXPECTED) for lang in LANGS]


@pytest.fixture
def svg_copy(tmp_path: Path) -> Path:
    """A copy of the committed SVGs to tamper with."""
    target = tmp_path / "diagrams"
    target.mkdir()
    for svg in DEFAULT_DIR.glob("*.svg"):
        shutil.copyfile(svg, target / svg.name)
    return target


def test_every_diagram_is_defined_in_both_languages() -> None:
    assert set(DIAGRAMS) == EXPECTED
    assert set(render_all()) == FILES
    assert file_name("series_nc", "zh-Hans") == "series_nc.zh-Hans.svg"
    assert DEFAULT_DIR == HARDWARE / "diagrams"


def test_committed_svgs_match_the_source(capsys: pytest.CaptureFixture[str]) -> None:
    assert check(DEFAULT_DIR) == []
    assert main(["--check"]) == 0
    assert "match their source" in capsys.readouterr().out


def test_rendering_is_deterministic() -> None:
    first = render_all()
    second = render_all()
    assert first == second
    # One diagram alone renders the same as within the whole set.
    assert render("series_nc") == first["series_nc.svg"]
    assert render("series_nc", "zh-Hans") == first["series_nc.zh-Hans.svg"]


def test_svgs_come_from_the_svg_backend() -> None:
    for name, data in render_all().items():
        assert data.startswith(b"<svg "), name
        assert data.endswith(b"</svg>\n"), name
        assert b"matplotlib" not in data.lower(), name
        # Text stays text (searchable, translatable legend), not glyph outlines.
        assert b"<text" in data, name


def test_check_detects_a_modified_svg(svg_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check", str(svg_copy)]) == 0
    capsys.readouterr()
    target = svg_copy / "series_nc.svg"
    target.write_bytes(target.read_bytes().replace(b"COM", b"C0M", 1))
    assert main(["--check", str(svg_copy)]) == 1
    err = capsys.readouterr().err
    assert "series_nc.svg" in err
    assert "series_no.svg" not in err


def test_check_covers_the_chinese_set(svg_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = svg_copy / "series_no.zh-Hans.svg"
    target.write_bytes(target.read_bytes().replace("常态".encode(), "静止".encode(), 1))
    (svg_copy / "two_burners.zh-Hans.svg").unlink()
    assert main(["--check", str(svg_copy)]) == 1
    err = capsys.readouterr().err
    assert "series_no.zh-Hans.svg: differs" in err
    assert "two_burners.zh-Hans.svg: missing" in err
    assert "series_no.svg" not in err.replace("series_no.zh-Hans.svg", "")


def test_check_detects_missing_and_stray_files(
    svg_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (svg_copy / "two_burners.svg").unlink()
    (svg_copy / "old_drawing.svg").write_text("<svg/>\n")
    assert main(["--check", str(svg_copy)]) == 1
    err = capsys.readouterr().err
    assert "two_burners.svg: missing" in err
    assert "old_drawing.svg" in err


def test_check_detects_line_ending_changes(svg_copy: Path) -> None:
    target = svg_copy / "millivolt_tap.svg"
    target.write_bytes(target.read_bytes().replace(b"\n", b"\r\n"))
    assert check(svg_copy) == ["millivolt_tap.svg: differs from the source"]


def test_generate_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "fresh"
    assert main([str(out)]) == 0
    assert sorted(p.name for p in out.glob("*.svg")) == sorted(FILES)
    assert check(out) == []
    capsys.readouterr()
    # A second run writes nothing.
    assert generate(out) == []
    assert main([str(out)]) == 0
    assert "already up to date" in capsys.readouterr().out
    for svg in out.glob("*.svg"):
        assert svg.read_bytes() == (DEFAULT_DIR / svg.name).read_bytes()


def test_runs_as_a_module(svg_copy: Path) -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "hardware.diagrams", "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    (svg_copy / "stock_ffd_loop.svg").write_text("<svg/>\n")
    bad = subprocess.run(
        [sys.executable, "-m", "hardware.diagrams", "--check", str(svg_copy)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert bad.returncode == 1
    assert "stock_ffd_loop.svg" in bad.stderr


_VIEWBOX = re.compile(rb'viewBox="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)"')


@pytest.mark.parametrize(("name", "lang"), ALL)
def test_opaque_sheet_behind_everything(name: str, lang: Lang) -> None:
    """Dark mode: a white sheet, first and under everything, covering the whole picture."""
    data = render(name, lang)
    head = data.split(b"\n")[0]
    assert f'xml:lang="{lang}"'.encode() in head
    assert f"background-color:{PAPER}".encode() in head
    first = data.split(b"\n")[1]
    assert f"fill:{PAPER}".encode() in first
    found = _VIEWBOX.search(head)
    assert found is not None
    x, y, w, h = (float(v) for v in found.groups())
    sheet = build(name, lang).canvas
    # The sheet is the picture: the view box is the sheet plus half a line width at most.
    assert abs(x - sheet.x0 * 36) <= 1.5
    assert abs(-y - sheet.y1 * 36) <= 1.5
    assert abs(w - (sheet.x1 - sheet.x0) * 36) <= 3
    assert abs(h - (sheet.y1 - sheet.y0) * 36) <= 3


@pytest.mark.parametrize(("name", "lang"), ALL)
def test_no_label_on_a_wire_a_part_another_label_or_off_the_sheet(name: str, lang: Lang) -> None:
    """Titles and labels are never crossed by a wire (checked with full-width CJK glyphs)."""
    assert build(name, lang).layout_problems() == []


@pytest.mark.parametrize(("name", "lang"), ALL)
def test_renderer_independent_svg(name: str, lang: Lang) -> None:
    data = render(name, lang)
    # librsvg and others ignore dominant-baseline: text is placed by y offsets instead.
    assert b"dominant-baseline" not in data
    assert b"stroke-dasharray:-" not in data
    assert b"\xc2\xa0" not in data  # no no-break spaces used for indentation


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_chinese_set_is_chinese(name: str) -> None:
    zh = render(name, "zh-Hans").decode()
    en = render(name, "en").decode()
    assert re.search(r"[\u4e00-\u9fff]", zh), name
    assert not re.search(r"[\u4e00-\u9fff]", en.replace("熄火保护", "")), name
    assert zh != en


def _texts(data: bytes) -> list[tuple[str, str]]:
    """(fill colour, text) of every label."""
    found = re.findall(r'<text [^>]*fill="([^"]+)"[^>]*><tspan[^>]*>([^<]*)</tspan>', data.decode())
    return [(colour, text) for colour, text in found]


def test_series_no_is_neutral_and_not_locked_by_an_outage() -> None:
    """W1 and U5: series_no in a neutral colour; HA or Wi-Fi down does not lock the stove."""
    for lang, unlocked, locked in (
        ("en", "It is NOT locked.", "Module unpowered or dead: COM–NO open"),
        ("zh-Hans", "并没有被锁住。", "模块断电或损坏：COM–NO 断开"),
    ):
        texts = _texts(render("series_no", lang))
        state = [colour for colour, text in texts if text.startswith("series_no")]
        assert state == [NOTE], lang
        joined = "\n".join(text for _, text in texts)
        assert unlocked in joined
        assert locked in joined
        assert "Wi-Fi or HA down" not in joined


@pytest.mark.parametrize("name", ["series_nc", "series_no"])
@pytest.mark.parametrize(
    ("lang", "rule"),
    [("en", "turn it to OFF"), ("zh-Hans", "关火后请把旋钮拧到关闭位置")],
)
def test_relay_diagrams_carry_the_knob_rule_and_the_barrier(
    name: str, lang: Lang, rule: str
) -> None:
    texts = _texts(render(name, lang))
    assert any(rule in text and colour == BAD for colour, text in texts)
    joined = " ".join(text for _, text in texts)
    assert "SELV" in joined
    assert "500 V" in joined


def test_millivolt_tap_states_the_fault_bound() -> None:
    joined = " ".join(text for _, text in _texts(render("millivolt_tap")))
    assert "10 kΩ" in joined
    assert "750 V" in joined
    assert "75 V" in joined
    assert "GND tied to IN−" in joined
