"""The SVG diagrams: deterministic, current, and the drift check really detects drift."""

from __future__ import annotations

from pathlib import Path
import shutil
import subprocess
import sys

import pytest

from hardware.diagrams.build import DEFAULT_DIR, check, generate, main
from hardware.diagrams.source import DIAGRAMS, render, render_all

from .common import HARDWARE, REPO

EXPECTED = {
    "stock_ffd_loop",
    "series_nc",
    "series_no",
    "why_not_parallel",
    "millivolt_tap",
    "two_burners",
}


@pytest.fixture
def svg_copy(tmp_path: Path) -> Path:
    """A copy of the committed SVGs to tamper with."""
    target = tmp_path / "diagrams"
    target.mkdir()
    for svg in DEFAULT_DIR.glob("*.svg"):
        shutil.copyfile(svg, target / svg.name)
    return target


def test_every_diagram_is_defined() -> None:
    assert set(DIAGRAMS) == EXPECTED
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
    assert sorted(p.name for p in out.glob("*.svg")) == sorted(f"{n}.svg" for n in EXPECTED)
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
