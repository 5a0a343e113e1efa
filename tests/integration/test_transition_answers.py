"""A list remembers the permissions' answers per relation of the caller to its rows
(`Machine.relation`, `available_transitions(..., answers=...)`): the transitions on offer
must be exactly those asked row by row, for every persona, whatever order the rows come
in. A relation that forgot something a permission reads fails here."""

from __future__ import annotations

import pytest
from django.db.models import Prefetch

from backend.agenda.models import AgendaItem
from backend.meetings.models import AgendaEntry
from tests.conftest import World
from tests.integration.test_visibility_selectors import PERSONAS
from workflows.engine import available_transitions, fire
from workflows.predicates import item_relation

pytestmark = pytest.mark.django_db


def items_as_a_list_reads_them() -> list[AgendaItem]:
    entries = Prefetch("entries", AgendaEntry.objects.select_related("meeting__body"))
    return list(
        AgendaItem.objects.select_related("intervision_group", "author")
        .prefetch_related("municipalities", entries)
        .order_by("pk")
    )


def test_remembered_answers_are_the_answers_row_by_row(world: World) -> None:
    world.item()
    world.item(author=world.group_member, confidential=True)
    submitted = world.item()
    fire(submitted, "submit", actor=world.author)
    preparing = world.item(target_cluster=world.other_cluster)
    fire(preparing, "submit", actor=world.author)
    fire(preparing, "start_preparation", actor=world.group_chair)
    world.prepared_item()
    world.prepared_item(target_cluster=world.other_cluster)
    on_agenda, information = world.prepared_item(), world.prepared_item(kind="information")
    world.meeting_in_session(on_agenda, information)  # the cluster chair presides
    decided = world.prepared_item()
    world.meeting_in_session(decided)
    fire(decided, "approve", actor=world.cluster_chair, text="Ja.", consensus=True)
    items = items_as_a_list_reads_them()
    assert {item.state for item in items} >= {
        "draft",
        "submitted",
        "in_preparation",
        "prepared",
        "scheduled",
        "approved",
    }
    distinct = set()
    for persona in PERSONAS:
        user = getattr(world, persona)
        one_by_one = [available_transitions(item, user) for item in items]
        for rows in (items, items[::-1]):
            answers: dict[object, bool] = {}
            remembered = [available_transitions(item, user, answers=answers) for item in rows]
            expected = one_by_one if rows is items else one_by_one[::-1]
            assert remembered == expected, persona
        distinct |= {(persona, item_relation(user, item)) for item in items}
    # the answers were shared: fewer relations than rows for at least one persona
    assert len(distinct) < len(PERSONAS) * len(items)


def test_without_the_entries_read_along_nothing_is_remembered(world: World) -> None:
    item = world.item()
    assert item_relation(world.author, item) is None
