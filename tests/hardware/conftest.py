"""Hardware tests are plain pytest: no Home Assistant, no sockets, no event loop."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the suite-wide autouse fixture: these tests never start Home Assistant."""
