"""What the steps share: the browser, the APIs, the artifacts folder and their findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from selenium.webdriver.remote.webdriver import WebDriver

from .harness import Emulator, HomeAssistantApi
from .ui import Ui


class Artifacts:
    """The run's folder; screenshots are numbered in the order they are taken."""

    def __init__(self, path: Path) -> None:
        """Use this (empty) folder."""
        self.path = path
        self.count = 0
        self.shots: list[str] = []

    def screenshot(self, driver: WebDriver, name: str) -> Path:
        """Save what the browser shows as NN_name.png."""
        self.count += 1
        path = self.path / f"{self.count:02d}_{name}.png"
        driver.save_screenshot(str(path))
        self.shots.append(path.name)
        return path


class Story:
    """One run of the steps: the pieces they use and what earlier steps found."""

    def __init__(
        self, ui: Ui, api: HomeAssistantApi, emulator: Emulator, artifacts: Artifacts
    ) -> None:
        """Hold the pieces."""
        self.ui = ui
        self.api = api
        self.emulator = emulator
        self.artifacts = artifacts
        self.facts: dict[str, Any] = {}

    def shot(self, name: str) -> Path:
        """A screenshot into the artifacts folder."""
        return self.artifacts.screenshot(self.ui.driver, name)
