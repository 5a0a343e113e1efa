"""A stale copy never overwrites a newer state; real transactions, SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from backend.agenda.models import AgendaItem
from backend.audit.models import TransitionLog
from tests.conftest import World
from workflows.engine import fire
from workflows.errors import ConcurrentChange, NotPossible

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_second_of_two_stale_copies_is_refused_and_nothing_is_lost(world: World) -> None:
    item = world.item()
    first = AgendaItem.objects.get(pk=item.pk)
    second = AgendaItem.objects.get(pk=item.pk)
    fire(first, "submit", actor=world.author, comment="eerste")
    with pytest.raises(ConcurrentChange):
        fire(second, "withdraw", actor=world.author, comment="tweede")
    stored = AgendaItem.objects.get(pk=item.pk)
    assert (stored.state, stored.version) == ("submitted", 2)
    assert [log.comment for log in TransitionLog.objects.for_object(item)] == ["eerste"]
    assert (second.state, second.version) == ("draft", 1)  # the refused copy is left as it was


def test_a_copy_is_refused_even_when_the_state_came_back_meanwhile(world: World) -> None:
    item = world.item()
    fire(item, "submit", actor=world.author)
    fire(item, "start_preparation", actor=world.group_chair)
    stale = AgendaItem.objects.get(pk=item.pk)
    fire(item, "send_back", actor=world.group_chair)
    fire(item, "submit", actor=world.author)
    fire(item, "start_preparation", actor=world.group_chair)
    assert stale.state == AgendaItem.objects.get(pk=item.pk).state == "in_preparation"
    with pytest.raises(ConcurrentChange):
        fire(stale, "endorse", actor=world.group_chair)


def test_two_people_firing_at_once_move_the_item_exactly_once(world: World) -> None:
    item = world.item()
    results: list[str] = []
    barrier = threading.Barrier(2)

    def submit() -> None:
        copy = AgendaItem.objects.get(pk=item.pk)
        barrier.wait()
        try:
            fire(copy, "submit", actor=world.author)
            results.append("moved")
        except (ConcurrentChange, NotPossible) as refused:
            results.append(refused.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["concurrent_change", "moved"]
    assert TransitionLog.objects.for_object(item).count() == 1
    assert AgendaItem.objects.get(pk=item.pk).version == 2
