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
from typing import Literal

import pytest

from hardware.diagrams.source import DIAGRAMS, file_name
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
    tap = loop.tap_fault(5.0, 10_000.0)
    r20 = loop.series(20)
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
        f"{tap.injected_ma:.2f} mA",  # 0.25 mA
        f"{tap.coil_mv_bound:.2f} mV",  # 0.01 mV
        f"{tap.max_safe_fault_v:.0f} V",  # 750 V
        f"{loop.tap_fault(5.0, 1000.0).max_safe_fault_v:.0f} V",  # 75 V
        f"{1000 * loop.dropout_mv / loop.coil_mohm:.1f} mA",  # 37.5 mA drop-out current
        f"{r20.coil_mv:.2f} mV",  # 10.00 mV at the coil side
        f"{r20.thermocouple_side_mv:.2f} mV",  # 15.00 mV at COM
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
        tap_ohm=10_000,
        tap_fault_v=5.0,
    )
    assert _block(_read(lang), "report") == f"```text\n{expected}\n```"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["series", "parallel", "readings"])
def test_tables_match_the_calculator(
    lang: Language, kind: Literal["series", "parallel", "readings"]
) -> None:
    assert _block(_read(lang), kind) == markdown_table(kind, FfdLoop(), lang)


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


def _embedded(lang: Language) -> list[str]:
    return re.findall(r"!\[[^\]]*\]\(diagrams/([^)]+\.svg)\)", _read(lang))


@pytest.mark.parametrize("lang", LANGS)
def test_embeds_every_diagram_once_in_its_own_language(lang: Language) -> None:
    # The English guide shows name.svg, the Chinese guide name.zh-Hans.svg: every one, once.
    assert sorted(_embedded(lang)) == sorted(file_name(name, lang) for name in DIAGRAMS)
    for target in _embedded(lang):
        assert (HARDWARE / "diagrams" / target).is_file(), target


def test_both_languages_embed_diagrams_in_the_same_order() -> None:
    order = [[name.split(".")[0] for name in _embedded(lang)] for lang in LANGS]
    assert order[0] == order[1]


def test_the_chinese_guide_needs_no_legend_of_english_labels() -> None:
    assert "<!-- legend -->" not in _read("zh-Hans")


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

    def count(pattern: str, text: str) -> int:
        return len(re.findall(pattern, text, re.MULTILINE))

    # Same sections, subsections, steps, bullets, checkboxes, tables, blocks and pictures.
    for pattern in (
        r"^## ",
        r"^### ",
        r"^\d+\. ",
        r"^ *- ",
        r"^- \[ \]",
        "☐",
        r"<!-- ffd_loop:",
        r"^\|---",
        r"^\|",
        r"^!\[",
        r"^> - ",
    ):
        assert count(pattern, en_text) == count(pattern, zh_text), (en, pattern)


#: Calques the 2026-12 review listed, and what replaced them.
CALQUES = ("规划值", "静止", "阻吓", "释放水平")


@pytest.mark.parametrize("name", sorted(p.name for p in HARDWARE.glob("*.zh-Hans.md")))
def test_chinese_pages_avoid_the_reviewed_calques(name: str) -> None:
    text = (HARDWARE / name).read_text(encoding="utf-8")
    found = [word for word in CALQUES if word in text]
    assert not found, f"{name}: {found}"


def test_chinese_diagrams_avoid_the_reviewed_calques() -> None:
    for svg in (HARDWARE / "diagrams").glob("*.zh-Hans.svg"):
        text = svg.read_text(encoding="utf-8")
        assert not [word for word in CALQUES if word in text], svg.name


KNOB_RULE: dict[Language, tuple[str, str]] = {
    # (guide, checklist): the rule after a remote cut, in bold in both.
    "en": (
        "**After any remote cut or child lock, turn the burner's knob to OFF.**",
        "turn the knob to off",
    ),
    "zh-Hans": ("关火后请把旋钮拧到关闭位置", "关火后请把旋钮拧到关闭位置"),
}
CHECKLISTS: dict[Language, Path] = {
    "en": HARDWARE / "commissioning-checklist.md",
    "zh-Hans": HARDWARE / "commissioning-checklist.zh-Hans.md",
}


@pytest.mark.parametrize("lang", LANGS)
def test_the_knob_rule_is_in_the_guide_and_the_handover(lang: Language) -> None:
    guide, checklist = KNOB_RULE[lang]
    text = _read(lang)
    assert text.count(guide) >= 3, "top box, limits and everyday use"
    handover = CHECKLISTS[lang].read_text(encoding="utf-8").split("\n## D.")[1]
    assert checklist in handover
    assert (
        "**after a remote cut or child lock, " if lang == "en" else "（远程关火和童锁之后都一样）"
    ) in handover


@pytest.mark.parametrize(
    ("lang", "tokens"),
    [
        (
            "en",
            (
                "SELV",
                "reinforced insulation",
                "500 V DC",
                "L and N joined together",
                "≤ 60 s",
                "≤ 10 s",
                "while the other burner burns on",
                "never in the cabinet with the cylinder",
                "not high under the wall cabinets",
                "It is not",
                "restore_mode: ALWAYS_ON",
                "restore_mode: ALWAYS_OFF",
                "1PM or 1L",
                "Plugs are never",
                "shared COM",
                "leave it as built",
                "1 − V_path / E",
                "Tie the ADC's GND to the IN− pin",
                "swap IN+ and IN−",
                "750 V",
                "thermal",
                "2016/426",
                "Gas Safety (Installation and Use) Regulations 1998",
                "燃气燃烧器具安装维修管理规定",
                "no longer the certified product",
                "automatic firmware updates off",
                "soapy water",
                "No relay has been verified by measurement",
                "interposing relay",
                "ferrules",
                "M8×1",
                "Never cut the original lead",
                "HT",
            ),
        ),
        (
            "zh-Hans",
            (
                "SELV",
                "加强绝缘",
                "500 V 直流",
                "L 与 N 短接",
                "≤ 60 秒",
                "≤ 10 秒",
                "另一个灶眼开大火燃烧时",
                "绝不能装在放气瓶的橱柜里",
                "不要装在吊柜下方的高处",
                "并不会",
                "restore_mode: ALWAYS_ON",
                "restore_mode: ALWAYS_OFF",
                "不是 1PM 或 1L",
                "智能插座永远不适用",
                "共用 COM",
                "保持原样",
                "1 − V_path / E",
                "把 ADC 的 GND 接到 IN− 引脚",
                "对调 IN+ 与 IN−",
                "750 V",
                "热电势",
                "2016/426",
                "Gas Safety (Installation and Use)",
                "燃气燃烧器具安装维修管理规定",
                "不再是通过认证的产品",
                "关闭固件自动更新",
                "肥皂水",
                "本项目目前还没有实测验证过任何继电器",
                "中间继电器",
                "管形预绝缘端子",
                "M8×1",
                "不要剪断原装引线",
                "高压",
                "常闭（NC）",
                "常开（NO）",
            ),
        ),
    ],
)
def test_the_review_items_are_in_the_guide(lang: Language, tokens: tuple[str, ...]) -> None:
    text = _read(lang)
    missing = [token for token in tokens if token not in text]
    assert not missing, missing


@pytest.mark.parametrize("lang", LANGS)
def test_series_no_is_not_described_as_locked_by_an_automation_outage(lang: Language) -> None:
    text = _read(lang)
    for wrong in (
        "where the hob must not be usable while the home automation is off",
        "Wi-Fi or HA down: COM–NO open",
        "家庭自动化系统关闭时灶具也不应能用",
    ):
        assert wrong not in text


@pytest.mark.parametrize("language", ["en", "zh-Hans"])
def test_links_in_the_flow_texts_lead_to_a_heading_that_exists(language: str) -> None:
    """Flow texts link {docs}/<file>#<anchor> (review A14: they were plain text)."""
    root = HARDWARE.parent
    text = (
        root / "custom_components" / "gas_stove" / "translations" / f"{language}.json"
    ).read_text(encoding="utf-8")
    links = re.findall(r"\]\(\{docs\}/([^)\s]+)\)", text)
    assert len(links) >= 3, links
    for target in links:
        file_part, _, anchor = target.partition("#")
        assert (root / file_part).is_file(), target
        if language == "zh-Hans" and not file_part.startswith("docs/"):
            # docs/ is English only (the texts say so); the guide and the
            # README have Chinese pages.
            assert "zh-Hans" in file_part, f"a Chinese text links the English {file_part}"
        if anchor:
            assert anchor in _anchors(root / file_part), f"no heading for {target}"
