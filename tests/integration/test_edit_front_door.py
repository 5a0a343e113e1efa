"""The front door of edits that are not transitions (`workflows.engine.edit`): its order
of checks, the state it reads, what it writes to the history and when its after-commit
work runs."""

from __future__ import annotations

from typing import Any

import pytest

from backend.agenda.models import AgendaItem
from backend.audit.models import TransitionLog
from tests.conftest import World
from workflows.engine import EditRule, check_edit, edit
from workflows.errors import (
    ConcurrentChange,
    GuardFailed,
    NotPermitted,
    NotPossible,
    NotVisible,
)
from workflows.states import ItemState

pytestmark = pytest.mark.django_db


def drafts_by(person: Any) -> EditRule:
    return EditRule(
        permitted=lambda actor, item: actor == person,
        states=(ItemState.DRAFT,),
        wrong_state="Only a draft.",
        not_permitted="Only its author.",
    )


def edits_of(item: AgendaItem) -> list[TransitionLog]:
    return list(TransitionLog.objects.for_object(item).filter(kind=TransitionLog.Kind.EDIT))


def test_the_checks_come_in_the_order_of_a_transition(world: World) -> None:
    item = world.item()
    rule = drafts_by(world.author)
    AgendaItem.objects.filter(pk=item.pk).update(state=ItemState.SUBMITTED)
    with pytest.raises(NotVisible), edit(item, rule, actor=world.stranger):
        pass
    # The state as stored, not the copy's, and before the permission.
    with (
        pytest.raises(NotPossible, match=r"^Only a draft\.$"),
        edit(item, rule, actor=world.group_member),
    ):
        pass
    AgendaItem.objects.filter(pk=item.pk).update(state=ItemState.DRAFT)
    with (
        pytest.raises(NotPermitted, match=r"^Only its author\.$"),
        edit(item, rule, actor=world.group_member),
    ):
        pass
    assert edits_of(item) == []


def test_a_wrong_state_can_be_told_by_the_state(world: World) -> None:
    item = world.item()
    rule = EditRule(
        permitted=lambda actor, obj: True,
        states=(ItemState.SUBMITTED,),
        wrong_state=lambda state: f"Not while {state}.",
    )
    with (
        pytest.raises(NotPossible, match=r"^Not while draft\.$"),
        edit(item, rule, actor=world.author),
    ):
        pass


def test_an_edit_writes_one_history_row_of_what_it_changed(world: World) -> None:
    item = world.item()
    with edit(item, drafts_by(world.author), actor=world.author) as change:
        change.save({"title": "Nieuwe titel", "rationale": item.rationale})
        change.record("attachments", None, "plan.pdf")
    item.refresh_from_db()
    assert (item.title, item.version) == ("Nieuwe titel", 2)
    [row] = edits_of(item)
    assert (row.actor, row.params["fields"]) == (world.author, ["attachments", "title"])
    with edit(item, drafts_by(world.author), actor=world.author) as change:
        change.save({})
    assert len(edits_of(item)) == 1


def test_a_refused_body_leaves_nothing_behind(world: World) -> None:
    item = world.item()
    title = item.title
    with pytest.raises(GuardFailed), edit(item, drafts_by(world.author), actor=world.author) as c:
        c.save({"title": "Nieuwe titel"})
        c.only({"title": 1, "state": 2}, {"title"})
    item.refresh_from_db()
    assert (item.title, item.version, edits_of(item)) == (title, 1, [])


def test_a_stale_version_is_refused_and_a_second_save_is_not(world: World) -> None:
    item = world.item()
    with (
        pytest.raises(ConcurrentChange),
        edit(item, drafts_by(world.author), actor=world.author) as change,
    ):
        change.save({"title": "Tweede"}, expected_version=0)
    with edit(item, drafts_by(world.author), actor=world.author) as change:
        change.save({"title": "Eerste"})
        change.save({"rationale": "Waarom"})
        change.bump()
    item.refresh_from_db()
    assert (item.title, item.rationale, item.version) == ("Eerste", "Waarom", 4)
    with (
        pytest.raises(ConcurrentChange),
        edit(item, drafts_by(world.author), actor=world.author) as change,
    ):
        change.unchanged(expected_version=1)


def test_after_commit_work_runs_only_once_the_edit_is_committed(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    item = world.item()
    ran: list[str] = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with (
            pytest.raises(GuardFailed),
            edit(item, drafts_by(world.author), actor=world.author) as change,
        ):
            change.after_commit(lambda: ran.append("refused"))
            raise GuardFailed(["Nee."])
        with edit(item, drafts_by(world.author), actor=world.author) as change:
            change.after_commit(lambda: ran.append("done"))
    assert (ran, len(callbacks)) == (["done"], 1)


def test_check_edit_reads_the_copy_without_a_lock(world: World) -> None:
    item = world.item()
    AgendaItem.objects.filter(pk=item.pk).update(state=ItemState.SUBMITTED)
    check_edit(item, drafts_by(world.author), actor=world.author)
    with pytest.raises(NotPermitted):
        check_edit(item, drafts_by(world.author), actor=world.group_member)
    with pytest.raises(NotVisible):
        check_edit(item, drafts_by(world.author), actor=world.stranger)
