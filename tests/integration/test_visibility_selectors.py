"""The visibility querysets say in SQL exactly what the predicates say per object.

The API leans on this both ways: lists and details filter with the querysets, and a
transition loads its object by key and asks the predicate (`workflows.engine.can_view`)."""

from __future__ import annotations

import datetime as dt

from backend.agenda.models import AgendaItem
from backend.agenda.selectors import items_visible_to
from backend.followup.models import Action, Ratification
from backend.followup.selectors import actions_visible_to, ratifications_visible_to
from backend.meetings.models import Meeting
from backend.meetings.selectors import meetings_visible_to
from tests.conftest import World
from workflows.engine import fire
from workflows.predicates import (
    can_view_action,
    can_view_item,
    can_view_meeting,
    can_view_ratification,
)

PERSONAS = [
    "author",
    "group_member",
    "group_chair",
    "cluster_chair",
    "cluster_member",
    "third_member",
    "coordinator",
    "director",
    "dvv",
    "stranger",
]


def test_items_meetings_and_actions_visible_match_the_predicates(world: World) -> None:
    open_item = world.item()
    secret_draft = world.item(confidential=True, author=world.group_member)
    secret_elsewhere = world.item(confidential=True, target_cluster=world.other_cluster)
    secret_on_meeting = world.prepared_item(confidential=True, target_cluster=world.other_cluster)
    welzijn = world.meeting(body=world.other_cluster)
    fire(secret_on_meeting, "schedule", actor=world.coordinator, meeting=welzijn.pk)
    for item in (open_item, secret_draft, secret_elsewhere):
        Action.objects.create(item=item, title="x", service=world.service, due_date=dt.date.today())
    world.meeting()
    decided_open, decided_secret = world.prepared_item(), world.prepared_item(confidential=True)
    world.meeting_in_session(decided_open, decided_secret)
    for item in (decided_open, decided_secret):
        fire(item, "approve", actor=world.cluster_chair, text="Ja.", consensus=True)
    assert Ratification.objects.filter(decision__item=decided_secret).exists()
    for persona in PERSONAS:
        user = getattr(world, persona)
        visible = set(items_visible_to(user))
        assert visible == {i for i in AgendaItem.objects.all() if can_view_item(user, i)}, persona
        assert set(actions_visible_to(user)) == {
            a for a in Action.objects.all() if can_view_action(user, a)
        }, persona
        assert set(meetings_visible_to(user)) == {
            m for m in Meeting.objects.all() if can_view_meeting(user, m)
        }, persona
        assert set(ratifications_visible_to(user)) == {
            r for r in Ratification.objects.all() if can_view_ratification(user, r)
        }, persona
    assert secret_draft not in items_visible_to(world.director)
    assert secret_on_meeting in items_visible_to(world.group_chair)
    assert secret_elsewhere not in items_visible_to(world.cluster_chair)
    # a confidential draft stays in its group until the group endorses it
    assert secret_draft not in items_visible_to(world.cluster_chair)
    assert secret_draft in items_visible_to(world.group_chair)
    endorsed = world.prepared_item(confidential=True)
    assert endorsed in items_visible_to(world.cluster_chair)
    assert not items_visible_to(world.stranger).exists()
