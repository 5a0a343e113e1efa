"""Property-based run over the whole OpenAPI schema, in process: no server error and no
answer that contradicts the schema, for a coordinator and for a general director."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from backend.audit.tokens import token_create
from backend.config.wsgi import application
from tests.conftest import World
from workflows.engine import fire

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@pytest.fixture
def open_connection() -> Iterator[None]:
    """Keep the test's database connection open across the in-process requests, as
    Django's own test client does (a request would otherwise close it mid-test)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(world: World, open_connection: None) -> dict[str, str]:
    """Tokens of a coordinator and a director, in a region with objects in several states."""
    item = world.prepared_item(municipalities=world.municipalities[:2])
    world.meeting_in_session(item)
    item.refresh_from_db()
    fire(item, "approve", actor=world.cluster_chair, text="Goedgekeurd.", consensus=True)
    world.item(confidential=True)
    return {
        "coordinator": token_create(world.coordinator)[1],
        "director": token_create(world.director)[1],
    }


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.parametrize("who", ["coordinator", "director"])
def test_the_api_answers_every_generated_request_within_its_schema(
    case: schemathesis.Case, who: str, tokens: dict[str, str]
) -> None:
    case.call_and_validate(headers={"Authorization": f"Token {tokens[who]}"}, checks=CHECKS)
