"""An agenda item's representation, written out field by field for speed
(`AgendaItemSerializer.to_representation`), says exactly what DRF's fields say: the same
keys in the same order with the same values, for items in every situation a list shows,
read as the list reads them (prefetched) and one by one, for every kind of caller."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from backend.agenda.models import AgendaItem
from backend.api.serializers import AgendaItemSerializer
from backend.api.views import AgendaItemViewSet
from tests.conftest import World
from tests.integration.test_engine_contract import forwarded_item
from workflows.engine import can_view, fire

CALLERS = ["author", "group_chair", "cluster_chair", "coordinator", "stranger", "dvv"]


def items_in_every_situation(world: World) -> list[AgendaItem]:
    """A draft, a submitted, a confidential and an information item, one without a
    target cluster, one without its author's name, one on a meeting's agenda, one
    decided and forwarded (with its decision and the item it became)."""
    world.author.first_name = ""
    world.author.last_name = ""
    world.author.save()
    draft = world.item()
    submitted = world.item(title="Ingediend <b>&</b>", confidential=True)
    fire(submitted, "submit", actor=world.author)
    information = world.item(kind="information", target_cluster=None, municipalities=[])
    scheduled = world.prepared_item(title="Op de agenda")
    world.meeting_in_session(scheduled)
    forwarded_item(world)
    return [*AgendaItem.objects.order_by("pk"), draft, submitted, information]


def drf_fields(serializer: AgendaItemSerializer, item: AgendaItem) -> dict[str, Any]:
    """What DRF's fields make of the item (the serializer's own path, bypassed)."""
    return serializers.ModelSerializer.to_representation(serializer, item)  # type: ignore[arg-type]


@pytest.mark.parametrize("caller", CALLERS)
def test_the_written_out_representation_is_drf_s_own(world: World, caller: str) -> None:
    items = items_in_every_situation(world)
    request = APIRequestFactory().get("/api/v1/agenda-items/")
    request.user = getattr(world, caller)
    view = AgendaItemViewSet(request=request, format_kwarg=None, action="list", kwargs={})
    listed = list(view.shown(AgendaItem.objects.all()).order_by("pk"))
    assert len(listed) == 6
    compared = 0
    for item in [*listed, *items]:
        for read_as_visible in (False, True):
            context = {"request": request, "read_as_visible": read_as_visible}
            serializer = AgendaItemSerializer(context=context)
            written = serializer.to_representation(item)
            own = drf_fields(AgendaItemSerializer(context={"request": request}), item)
            if read_as_visible and not can_view(item, request.user):
                continue  # a row the caller may not see is never read as visible
            assert list(written) == list(own)
            assert json.dumps(written) == json.dumps(own)
            compared += 1
    assert compared >= 2 * len(listed)


def test_the_decision_and_the_forwarded_item_are_in_the_representation(world: World) -> None:
    """The comparison above covers the fields that are not always empty."""
    request = APIRequestFactory().get("/")
    request.user = world.coordinator
    items_in_every_situation(world)
    rows = [
        AgendaItemSerializer(item, context={"request": request}).data
        for item in AgendaItem.objects.order_by("pk")
    ]
    assert any(row["decision"] for row in rows)
    assert any(row["forwarded_from"] for row in rows)
    assert any(row["meeting"] for row in rows)
    assert any(row["target_cluster"] is None for row in rows)
    assert any(row["author"]["full_name"] == row["author"]["username"] for row in rows)
