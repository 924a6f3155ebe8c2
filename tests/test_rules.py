"""The hassfest and HACS rules that cannot run here, written down as tests.

hassfest lives in Home Assistant's source tree (not on PyPI) and the HACS
action needs GitHub; both would reject what these tests reject. Each rule
names where it comes from.
"""

from __future__ import annotations

from collections.abc import Iterator
import json
import os
from pathlib import Path
import re
import string
from typing import Any

from homeassistant.const import __version__ as HA_VERSION
import pytest
import yaml

# Imported for the number fields they build (FiniteNumber.ranges).
from custom_components.gas_stove import config_flow, flow_flame  # noqa: F401
from custom_components.gas_stove.validation import FiniteNumber, format_number, range_error

ROOT = Path(__file__).resolve().parent.parent
COMPONENT = ROOT / "custom_components" / "gas_stove"
LANGUAGES = ("en", "zh-Hans")


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _strings(tree: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _strings(value, f"{path}.{key}" if path else key)
    elif isinstance(tree, str):
        yield path, tree


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# --- services.yaml (hassfest: services) -------------------------------------


def test_no_device_filter_under_a_service_target() -> None:
    """hassfest: "Services do not support device filters on target"."""
    services = yaml.safe_load((COMPONENT / "services.yaml").read_text(encoding="utf-8"))
    for name, service in services.items():
        target = service.get("target") or {}
        assert "device" not in target, f"{name}: a device filter under target"


def test_every_action_and_field_is_named_in_both_languages() -> None:
    services = yaml.safe_load((COMPONENT / "services.yaml").read_text(encoding="utf-8"))
    for language in LANGUAGES:
        texts = _json(COMPONENT / "translations" / f"{language}.json")["services"]
        for name, service in services.items():
            assert texts[name]["name"] and texts[name]["description"], (language, name)
            for field in service.get("fields") or {}:
                assert texts[name]["fields"][field]["name"], (language, name, field)


# --- translations (hassfest: translations) ----------------------------------


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    en = dict(_strings(_json(COMPONENT / "translations" / "en.json")))
    zh = dict(_strings(_json(COMPONENT / "translations" / "zh-Hans.json")))
    assert sorted(set(en) ^ set(zh)) == []
    for key, text in en.items():
        assert _placeholders(text) == _placeholders(zh[key]), key


@pytest.mark.parametrize("language", LANGUAGES)
def test_translation_values_follow_hassfest(language: str) -> None:
    tree = _json(COMPONENT / "translations" / f"{language}.json")
    for key, text in _strings(tree):
        assert text == text.strip(), f"{key}: leading or trailing white space"
        assert not re.search(r"<[a-zA-Z/][^>]*>", text), f"{key}: HTML"
        assert "http://" not in text and "https://" not in text, f"{key}: a URL"
        assert not re.search(r"'\{\w+\}'", text), f"{key}: a quoted placeholder"
        if ".state." in key or ".state_attributes." in key:
            assert not _placeholders(text), f"{key}: a placeholder in a state"
    for flow in ("config", "options"):
        for step_id, step in (tree.get(flow, {}).get("step") or {}).items():
            extra = set(step.get("data_description") or {}) - set(step.get("data") or {})
            assert not extra, f"{flow}.{step_id}: data_description without data: {extra}"
    for issue_id, issue in (tree.get("issues") or {}).items():
        assert ("description" in issue) != ("fix_flow" in issue), issue_id


def test_every_number_field_has_its_range_error_in_both_languages() -> None:
    """A field's error is looked up among the flow's errors; a key missing
    there would show as "range_0_480" in the form."""
    keys = {range_error(low, high): (low, high) for low, high in FiniteNumber.ranges}
    assert len(keys) >= 15  # pulse, timers, hood, guards, thresholds, siid/piid
    for language in LANGUAGES:
        tree = _json(COMPONENT / "translations" / f"{language}.json")
        for flow in ("config", "options"):
            errors = tree[flow]["error"]
            assert {key for key in errors if key.startswith("range_")} == set(keys), (
                language,
                flow,
            )
            assert errors["not_a_number"] and errors["not_whole_number"], (language, flow)
            for key, (low, high) in keys.items():
                numbers = re.findall(r"\d+(?:\.\d+)?", errors[key])
                assert numbers == [format_number(low), format_number(high)], (language, key)


# --- manifest.json and hacs.json (hassfest: manifest; HACS: hacsjson) -------


def test_manifest_keys_are_ordered_and_requirements_pinned() -> None:
    manifest = _json(COMPONENT / "manifest.json")
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    for requirement in manifest["requirements"]:
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.]*", requirement), requirement
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"])
    assert manifest["documentation"].startswith("https://")


def test_manifest_version_is_the_changelog_head() -> None:
    manifest = _json(COMPONENT / "manifest.json")
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    first = re.search(r"^## \[?(\d+\.\d+\.\d+)", changelog, re.MULTILINE)
    assert first is not None, "CHANGELOG.md has no version heading"
    assert first.group(1) == manifest["version"]


HACS_KEYS = {
    "name",
    "content_in_root",
    "zip_release",
    "filename",
    "hide_default_branch",
    "country",
    "homeassistant",
    "hacs",
    "persistent_directory",
}


def test_hacs_json_has_only_known_keys() -> None:
    hacs = _json(ROOT / "hacs.json")
    assert hacs["name"]
    assert set(hacs) <= HACS_KEYS, set(hacs) - HACS_KEYS


def _release(version: str) -> tuple[int, int]:
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


def test_declared_minimum_is_what_the_minimum_lane_runs() -> None:
    """hacs.json's minimum is the release the minimum lane tests, and no newer one runs older."""
    declared = _release(_json(ROOT / "hacs.json")["homeassistant"])
    running = _release(HA_VERSION)
    assert running >= declared
    if os.environ.get("GAS_STOVE_LANE") == "minimum":
        assert running == declared, f"minimum lane runs {HA_VERSION}, hacs.json says {declared}"


# --- quality_scale.yaml ------------------------------------------------------


def test_quality_scale_names_only_files_that_exist() -> None:
    text = (COMPONENT / "quality_scale.yaml").read_text(encoding="utf-8")
    for name in re.findall(r"\bbrand/[\w@.-]+\.png", text):
        assert (COMPONENT / name).is_file(), f"quality_scale.yaml names {name}"


# --- Assist sentence files ---------------------------------------------------


def test_chinese_sentences_have_no_spaces_inside_alternatives() -> None:
    """Chinese is written without spaces; 2026.x matches a template's spaces literally.

    A folded YAML block (``>-``) over several lines puts one between the
    alternatives, and "10分钟后关火" then no longer matched.
    """
    folder = ROOT / "custom_sentences" / "zh-CN"
    data = yaml.safe_load((folder / "gas_stove.yaml").read_text(encoding="utf-8"))
    for name, rule in data["expansion_rules"].items():
        assert " " not in rule, f"expansion rule {name}: {rule!r}"
    for intent_name, intent_data in data["intents"].items():
        for block in intent_data["data"]:
            for sentence in block["sentences"]:
                assert " " not in sentence, f"{intent_name}: {sentence!r}"
