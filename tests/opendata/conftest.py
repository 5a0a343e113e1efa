"""The fixtures of the public site's tests."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.conftest import World
from tests.opendata.site import build_site, hold
from workflows.engine import fire


@pytest.fixture
def site(world: World) -> SimpleNamespace:
    return build_site(world)


@pytest.fixture
def secret_vote(world: World) -> SimpleNamespace:
    """A closed meeting with approved minutes whose one decision was taken by secret vote."""
    item = world.prepared_item(title="Voordracht van een bestuurder voor de DVV")
    meeting = world.meeting()
    fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    hold(
        world,
        meeting,
        (world.cluster_chair, world.cluster_member, world.third_member),
        world.cluster_chair,
    )
    item.refresh_from_db()
    fire(
        item,
        "approve",
        actor=world.cluster_chair,
        text="De cluster draagt de kandidaat voor.",
        params={"secret": True, "for": 2, "against": 1, "abstain": 0},
    )
    meeting.refresh_from_db()
    fire(meeting, "close", actor=world.cluster_chair)
    meeting.refresh_from_db()
    fire(meeting, "approve_minutes", actor=world.cluster_chair)
    meeting.refresh_from_db()
    item.refresh_from_db()
    return SimpleNamespace(meeting=meeting, item=item)
