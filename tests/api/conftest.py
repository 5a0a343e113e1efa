"""API clients signed in as each persona of the test region."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from tests.conftest import World


@pytest.fixture
def api(world: World) -> Callable[[str | None], APIClient]:
    """Return a client signed in as the named persona (None: anonymous)."""

    def client(persona: str | None) -> APIClient:
        c = APIClient()
        if persona is not None:
            c.force_authenticate(getattr(world, persona))
        return c

    return client
