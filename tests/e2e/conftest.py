"""Fixtures of the browser test: artifacts, the dev instance, Chromium.

The steps in test_browser.py run in file order and build on each other, so a
failed step skips the ones after it. Screenshots, logs and Home Assistant's
config of the run go to e2e-artifacts/ (git-ignored): kept when a step
failed, or always with GAS_STOVE_E2E_KEEP=1, deleted otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
import json
import os
import shutil
import tempfile
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from .harness import (
    ARTIFACTS,
    KEEP_ENV,
    DevInstance,
    Emulator,
    HomeAssistantApi,
    isolate_network,
    prepare_instance,
)
from .story import Artifacts, Story
from .ui import Ui

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FAILED = pytest.StashKey[str]()
ISOLATION = pytest.StashKey[str]()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Start every run with an empty artifacts folder (a kept one is replaced)."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember the first failed step; screenshot the browser where it failed."""
    report = yield
    if report.failed and FAILED not in item.session.stash:
        item.session.stash[FAILED] = item.name
    if report.failed and call.when == "call":
        story = item.funcargs.get("story") if hasattr(item, "funcargs") else None
        if isinstance(story, Story):
            try:
                story.shot(f"FAILED_{item.name}")
                (ARTIFACTS / f"FAILED_{item.name}.html").write_text(
                    story.ui.driver.page_source, encoding="utf-8"
                )
            except Exception as err:  # a failure report must not fail itself
                report.sections.append(("screenshot", f"could not take one: {err!r}"))
    return report


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A step needs the ones before it."""
    failed = item.session.stash.get(FAILED, None)
    if failed is not None:
        pytest.skip(f"an earlier step failed: {failed}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Keep the artifacts of a failed run (or when asked), delete them otherwise."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    keep = os.environ.get(KEEP_ENV, "") not in ("", "0")
    if exitstatus == 0 and not keep:
        shutil.rmtree(ARTIFACTS, ignore_errors=True)
        message = f"e2e: passed; artifacts deleted ({KEEP_ENV}=1 keeps them)"
    else:
        why = "kept on request" if exitstatus == 0 else "kept: the run failed"
        message = f"e2e: screenshots and logs in {ARTIFACTS} ({why})"
    if reporter is not None:
        isolation = session.stash.get(ISOLATION, None)
        if isolation is not None:
            reporter.write_line(f"e2e: network: {isolation}")
        reporter.write_line(message)


@pytest.fixture(scope="session")
def artifacts() -> Artifacts:
    """The run's artifacts folder."""
    return Artifacts(ARTIFACTS)


@pytest.fixture(scope="session")
def loopback_only(request: pytest.FixtureRequest) -> None:
    """Install what needs the network, then leave it (before anything starts)."""
    prepare_instance()
    problem = isolate_network()
    request.session.stash[ISOLATION] = problem or "loopback-only network namespace"


@pytest.fixture(scope="session")
def dev_instance(loopback_only: None, artifacts: Artifacts) -> Iterator[DevInstance]:
    """scripts/develop with a third emulated burner, on its own ports and folder."""
    instance = DevInstance.start(artifacts.path)
    try:
        yield instance
    finally:
        try:
            issues = HomeAssistantApi(instance.token()).ws({"type": "repairs/list_issues"})
            (artifacts.path / "repairs.json").write_text(
                json.dumps(issues, indent=2, ensure_ascii=False), encoding="utf-8"
            )
        except Exception:  # the list is a convenience for reading a failed run
            pass
        instance.stop()


@pytest.fixture(scope="session")
def driver(loopback_only: None, artifacts: Artifacts) -> Iterator[webdriver.Chrome]:
    """Headless Chromium that can reach nothing beyond loopback."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="gas-stove-e2e-chromium-")
    for argument in (
        "--headless=new",
        # Root in a container: no user namespace for the sandbox.
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--force-device-scale-factor=1",
        f"--user-data-dir={profile}",
        "--lang=en-US",
        # Nothing leaves 127.0.0.0/8: a dead proxy, and no name resolves
        # (brands.home-assistant.io and the like fail at once, locally).
        "--proxy-server=127.0.0.1:9",
        "--proxy-bypass-list=127.0.0.1;localhost",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-features=Translate,OptimizationHints,MediaRouter",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(CHROMEDRIVER, log_output=str(artifacts.path / "chromedriver.log"))
    chrome = webdriver.Chrome(options=options, service=service)
    try:
        yield chrome
    finally:
        try:
            console = chrome.get_log("browser")
            (artifacts.path / "browser-console.log").write_text(
                "\n".join(f"{e['level']} {e['message']}" for e in console), encoding="utf-8"
            )
        except Exception:  # the console log is a convenience
            pass
        chrome.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def story(dev_instance: DevInstance, driver: webdriver.Chrome, artifacts: Artifacts) -> Story:
    """Everything a step needs, shared by all of them."""
    return Story(Ui(driver), HomeAssistantApi(dev_instance.token()), Emulator(), artifacts)
