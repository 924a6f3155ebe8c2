# ruff: noqa: RUF001, RUF003  (the docs write "25 × 28.57", so the tests must too)
"""The hardware docs quote the calculator: make sure they never drift from it.

The READMEs carry marked blocks (``<!-- ffd_loop:NAME -->`` … ``<!-- /ffd_loop:NAME -->``):
the calculator's report, its two tables and a list of key figures. Both languages are read.
If a test here fails after a change to ``hardware/ffd_loop.py``, regenerate the blocks with
``python -m hardware.ffd_loop`` and ``python -m hardware.ffd_loop --table en|zh-Hans``.
"""

from __future__ import annotations

from pathlib import Path
import re

import pytest

from hardware.diagrams.source import DIAGRAMS
from hardware.ffd_loop import FfdLoop, Language, markdown_table, report

from .common import HARDWARE

READMES: dict[Language, Path] = {
    "en": HARDWARE / "README.md",
    "zh-Hans": HARDWARE / "README.zh-Hans.md",
}
PAIRS = [
    ("README.md", "README.zh-Hans.md"),
    ("bom.md", "bom.zh-Hans.md"),
    ("commissioning-checklist.md", "commissioning-checklist.zh-Hans.md"),
]
LANGS: list[Language] = ["en", "zh-Hans"]


def _read(lang: Language) -> str:
    return READMES[lang].read_text(encoding="utf-8")


def _block(text: str, name: str) -> str:
    pattern = re.compile(rf"<!-- ffd_loop:{name} -->\n(.*?)\n<!-- /ffd_loop:{name} -->", re.DOTALL)
    found = pattern.findall(text)
    assert len(found) == 1, f"expected exactly one ffd_loop:{name} block, found {len(found)}"
    return str(found[0])


def _key_figures() -> list[str]:
    """Every figure the 'key figures' block must quote, computed by the calculator."""
    loop = FfdLoop()
    stock = loop.tc_mohm + loop.coil_mohm
    s50 = loop.series(50)
    p100 = loop.parallel_short(100)
    r_p = loop.coil_mohm * 100 / (loop.coil_mohm + 100)
    ten_times = FfdLoop(emf_mv=25, tc_mohm=500, coil_mohm=500)
    tap = loop.tap_fault(5.0, 1000.0)
    return [
        f"{1000 * loop.baseline_current_a:.1f} mA",  # 312.5 mA
        f"{loop.baseline_coil_mv:.1f} mV",  # 12.5 mV
        f"{stock:g}/{stock + 50:g} = {s50.fraction_of_baseline:.3f}",  # 80/130 = 0.615
        f"{100 * s50.fraction_of_baseline:.0f} %",  # 62 %
        f"{s50.coil_mv:.2f} mV",  # 7.69 mV
        f"{100 * loop.series(15).fraction_of_baseline:.0f} %",  # 84 %
        f"{100 * loop.series(20).fraction_of_baseline:.0f} %",  # 80 %
        f"{r_p:.2f} mΩ",  # 28.57 mΩ
        # 25 × 28.57 / 68.57 = 10.4 mV
        f"{loop.emf_mv:g} × {r_p:.2f} / {loop.tc_mohm + r_p:.2f} = {p100.coil_mv:.1f} mV",
        f"{loop.dropout_mv:g} mV",  # 1.5 mV drop-out
        f"{loop.short_needed_mohm():.1f} mΩ",  # 2.7 mΩ
        f"{1000 * ten_times.baseline_current_a:.0f} mA",  # 25 mA
        f"{ten_times.parallel_short(100).coil_mv:.1f} mV",  # 3.6 mV
        f"{tap.injected_ma:.1f} mA",  # 2.5 mA
        f"{tap.coil_mv_bound:.1f} mV",  # 0.1 mV
    ]


def test_the_pinned_figures_are_what_the_brief_promises() -> None:
    figures = _key_figures()
    for expected in ("80/130 = 0.615", "62 %", "28.57 mΩ", "10.4 mV", "2.7 mΩ", "3.6 mV"):
        assert any(expected in f for f in figures), expected


@pytest.mark.parametrize("lang", LANGS)
def test_report_block_matches_the_calculator(lang: Language) -> None:
    expected = report(
        FfdLoop(emf_mv=25, tc_mohm=40, coil_mohm=40, dropout_mv=1.5),
        added_mohm=50,
        short_mohm=100,
        tap_ohm=1000,
        tap_fault_v=5.0,
    )
    assert _block(_read(lang), "report") == f"```text\n{expected}\n```"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["series", "parallel"])
def test_tables_match_the_calculator(lang: Language, kind: str) -> None:
    assert kind in ("series", "parallel")
    table = markdown_table("series" if kind == "series" else "parallel", FfdLoop(), lang)
    assert _block(_read(lang), kind) == table


@pytest.mark.parametrize("lang", LANGS)
def test_key_figures_block_quotes_the_calculator(lang: Language) -> None:
    block = _block(_read(lang), "figures")
    missing = [figure for figure in _key_figures() if figure not in block]
    assert not missing, f"figures not quoted in {READMES[lang].name}: {missing}"


@pytest.mark.parametrize("lang", LANGS)
def test_prose_repeats_the_parallel_figures(lang: Language) -> None:
    loop = FfdLoop()
    # Outside the figures block, the "why not parallel" section repeats these two.
    text = _read(lang).replace(_block(_read(lang), "figures"), "")
    assert f"{loop.parallel_short(100).coil_mv:.1f} mV" in text
    assert f"{loop.short_needed_mohm():.1f} mΩ" in text


@pytest.mark.parametrize("lang", LANGS)
def test_names_the_integration_options(lang: Language) -> None:
    text = _read(lang)
    for token in (
        "`wiring`",
        "`series_nc`",
        "`series_no`",
        "`pulse`",
        "`miio`",
        "`entity`",
        "`host`",
        "`token`",
        "`siid`/`piid`",
        "2/1",
        "3/1",
        "0.5",
        "Commissioning test",
        "10.3390/s20072139",
        "GB 16410",
        "home.miot-spec.com",
    ):
        assert token in text, token


@pytest.mark.parametrize("lang", LANGS)
def test_embeds_every_diagram(lang: Language) -> None:
    embedded = re.findall(r"!\[[^\]]*\]\(diagrams/([a-z_]+)\.svg\)", _read(lang))
    assert sorted(embedded) == sorted(DIAGRAMS)


def test_both_languages_embed_diagrams_in_the_same_order() -> None:
    order = [re.findall(r"\(diagrams/([a-z_]+)\.svg\)", _read(lang)) for lang in LANGS]
    assert order[0] == order[1]


def _slug(heading: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    headings = re.findall(r"^#{1,6} (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    return {_slug(h) for h in headings}


@pytest.mark.parametrize("name", sorted(p.name for p in HARDWARE.glob("*.md")))
def test_relative_links_resolve(name: str) -> None:
    path = HARDWARE / name
    for target in re.findall(r"\]\(([^)\s]+)\)", path.read_text(encoding="utf-8")):
        if target.startswith(("http://", "https://")):
            continue
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part) if file_part else path
        assert linked.exists(), f"{name}: broken link {target}"
        if anchor:
            assert anchor in _anchors(linked), f"{name}: no heading for #{anchor}"


@pytest.mark.parametrize(("en", "zh"), PAIRS)
def test_translations_have_the_same_structure(en: str, zh: str) -> None:
    en_text = (HARDWARE / en).read_text(encoding="utf-8")
    zh_text = (HARDWARE / zh).read_text(encoding="utf-8")
    # The Chinese README alone carries a legend translating the diagrams' English labels.
    zh_text = re.sub(r"<!-- legend -->.*?<!-- /legend -->", "", zh_text, flags=re.DOTALL)

    def count(pattern: str, text: str) -> int:
        return len(re.findall(pattern, text, re.MULTILINE))

    for pattern in (r"^## ", r"^- \[ \]", "☐", r"<!-- ffd_loop:", r"^\|---"):
        assert count(pattern, en_text) == count(pattern, zh_text), (en, pattern)
