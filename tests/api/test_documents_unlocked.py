"""A document asked for through `POST /api/v1/documents/` is rendered with no transaction
open and no lock held: only the short insert that claims its version number takes the
meeting's lock, so other writers never wait for a rendering."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from backend.documents import services
from backend.documents.models import GeneratedDocument
from backend.documents.services import document_generate
from tests.conftest import World
from workflows.engine import fire

pytestmark = pytest.mark.django_db(transaction=True)

Api = Callable[[str | None], APIClient]


def test_the_document_is_rendered_outside_any_transaction(
    world: World, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = world.meeting()
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    seen: list[bool] = []
    render = services._render

    def watched(*args: Any, **kwargs: Any) -> bytes:
        seen.append(connection.in_atomic_block)
        return render(*args, **kwargs)

    monkeypatch.setattr(services, "_render", watched)
    answer = api("coordinator").post(
        "/api/v1/documents/", {"meeting": meeting.pk, "kind": "agenda"}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    assert seen == [False]
    assert answer.json()["version"] == 1


def test_a_version_claimed_while_rendering_makes_it_render_again_with_the_next_number(
    world: World, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = world.meeting()
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    render = services._render
    calls: list[int] = []

    def overtaken(data: Any, *args: Any, **kwargs: Any) -> bytes:
        calls.append(data.document.version)
        if len(calls) == 1:
            # Someone else's generation lands while this one renders.
            document_generate(meeting=meeting, kind="agenda", actor=world.coordinator)
        return render(data, *args, **kwargs)

    monkeypatch.setattr(services, "_render", overtaken)
    answer = api("coordinator").post(
        "/api/v1/documents/", {"meeting": meeting.pk, "kind": "agenda"}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["version"] == 2
    # Rendered as 1, overtaken by the other 1, rendered again as 2.
    assert calls == [1, 1, 2]
    versions = GeneratedDocument.objects.filter(meeting=meeting, kind="agenda")
    assert sorted(versions.values_list("version", flat=True)) == [1, 2]
