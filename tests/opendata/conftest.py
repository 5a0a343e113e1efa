"""The fixtures of the public site's tests."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.conftest import World
from tests.opendata.site import build_site


@pytest.fixture
def site(world: World) -> SimpleNamespace:
    return build_site(world)
