"""Documents are written under a fresh MEDIA_ROOT per test, never into var/; the API tests
use the signed-in clients of tests/api."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.conftest import api  # noqa: F401  (the fixture, shared)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
