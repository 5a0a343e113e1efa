"""The engine's small print: what a transition writes and what it leaves alone, what an edit
counts as a change, whose name and comment the history rows carry, where the text limit
lies, and that no one, not even an administrator, fires an internal transition."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django_fsm import has_transition_perm

from backend.agenda.models import AgendaItem
from backend.agenda.services import item_update
from backend.agenda.steps import MACHINE as ITEM_MACHINE
from backend.audit.models import TransitionLog
from backend.organisations.models import Body, Membership, Person
from tests.conftest import World
from workflows import engine
from workflows import params as p
from workflows.declared import Declared, Text
from workflows.engine import fire, record_step, transition_committed
from workflows.errors import ConcurrentChange, GuardFailed, NotVisible, UnknownTransition
from workflows.machine import Firing, Step
from workflows.stateful import content_save

pytestmark = pytest.mark.django_db

TOO_LONG = "De tekst is te lang (maximaal 20000 tekens)."


def test_a_transition_writes_its_state_and_version_and_leaves_the_other_columns_alone(
    world: World,
) -> None:
    item = world.item()
    AgendaItem.objects.filter(pk=item.pk).update(title="Changed meanwhile, elsewhere")
    fire(item, "submit", actor=world.author)
    item.refresh_from_db()
    assert (item.state, item.version, item.title) == (
        "submitted",
        2,
        "Changed meanwhile, elsewhere",
    )


def test_an_empty_edit_is_no_change_and_keeps_the_version(world: World) -> None:
    item = world.item()
    item_update(item, actor=world.author)
    content_save(item, {})
    item.refresh_from_db()
    assert item.version == 1
    item_update(item, actor=world.author, municipalities=world.municipalities[:1])
    item.refresh_from_db()
    assert item.version == 2  # only the municipalities changed: that is a change
    item_update(item, actor=world.author, title="Nieuwe titel")
    item.refresh_from_db()
    assert (item.version, item.title) == (3, "Nieuwe titel")


def test_an_edit_writes_the_fields_it_changes_and_leaves_the_other_columns_alone(
    world: World,
) -> None:
    item = world.item()
    AgendaItem.objects.filter(pk=item.pk).update(rationale="Changed meanwhile, elsewhere")
    item_update(item, actor=world.author, title="Nieuwe titel")
    item.refresh_from_db()
    assert (item.version, item.title, item.rationale) == (
        2,
        "Nieuwe titel",
        "Changed meanwhile, elsewhere",
    )


def test_an_edit_of_a_stale_version_is_refused(world: World) -> None:
    item = world.item()
    item_update(item, actor=world.author, title="Eerste")
    with pytest.raises(ConcurrentChange):
        item_update(item, actor=world.author, expected_version=1, title="Tweede")
    item.refresh_from_db()
    assert (item.version, item.title) == (2, "Eerste")


def test_firing_on_an_item_deleted_meanwhile_finds_nothing(world: World) -> None:
    item = world.item()
    AgendaItem.objects.filter(pk=item.pk).delete()
    with pytest.raises(NotVisible):
        fire(item, "submit", actor=world.author)
    assert item.state == "draft"


def test_a_model_without_a_state_machine_cannot_be_fired(world: World) -> None:
    with pytest.raises(TypeError, match=r"^Region has no state machine$"):
        fire(world.region, "submit", actor=world.coordinator)
    with pytest.raises(TypeError, match=r"^Body has no state machine$"):
        engine.available_transitions(world.cluster, world.coordinator)


def test_a_step_recorded_without_a_person_has_no_actor(world: World) -> None:
    item = world.item()
    by_person = record_step(item, "submit", "draft", "submitted", actor=world.author)
    by_nobody = record_step(item, "submit", "draft", "submitted", actor=None)
    by_anonymous = record_step(item, "submit", "draft", "submitted", actor=AnonymousUser())
    assert [log.actor for log in (by_person, by_nobody, by_anonymous)] == [world.author, None, None]
    assert (by_nobody.comment, by_nobody.params, by_nobody.cause) == ("", {}, None)


@pytest.fixture
def forwarded(world: World) -> SimpleNamespace:
    return forwarded_item(world)


def forwarded_item(world: World) -> SimpleNamespace:
    """An item approved by the cluster (two ratifications pending), forwarded by the
    coordinator to the daily board with a comment."""
    board = Body.objects.create(
        region=world.region, kind=Body.Kind.DAILY_BOARD, name="Dagelijks bestuur", code="DB"
    )
    Membership.objects.create(
        body=board, person=world.cluster_member, role="chair", start_date="2024-01-01"
    )
    world.cluster.forwards_to.add(board)
    item = world.prepared_item()
    world.meeting_in_session(item)
    fire(item, "approve", actor=world.cluster_chair, text="De cluster stemt in.", consensus=True)
    item.refresh_from_db()
    fire(item, "forward", actor=world.coordinator, body=board.pk, comment="Naar het DB")
    forward = TransitionLog.objects.for_object(item).get(transition="forward")
    return SimpleNamespace(item=item, forward=forward)


def test_the_forwarded_item_s_first_row_names_who_forwarded_it_and_why(
    world: World, forwarded: SimpleNamespace
) -> None:
    successor = AgendaItem.objects.get(forwarded_from=forwarded.item.decision)
    first = TransitionLog.objects.for_object(successor).get()
    assert (first.transition, first.actor, first.comment, first.cause) == (
        "forward",
        world.coordinator,
        "Naar het DB",
        forwarded.forward,
    )
    assert (forwarded.forward.actor, forwarded.forward.comment) == (
        world.coordinator,
        "Naar het DB",
    )


def test_a_consequence_row_carries_the_cause_s_actor_and_no_comment_of_its_own(
    world: World, forwarded: SimpleNamespace
) -> None:
    waived = list(TransitionLog.objects.filter(transition="waive"))
    assert len(waived) == 2
    for log in waived:
        assert (log.source, log.target, log.actor, log.comment, log.params, log.cause) == (
            "pending",
            "not_required",
            world.coordinator,
            "",
            {},
            forwarded.forward,
        )


def test_receivers_hear_of_a_consequence_with_its_cause_s_actor_and_no_parameters(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    heard: list[Firing] = []

    def receiver(sender: type, firing: Firing, **kwargs: object) -> None:
        heard.append(firing)

    transition_committed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            forwarded = forwarded_item(world)
    finally:
        transition_committed.disconnect(receiver)
    waived = [f for f in heard if f.name == "waive"]
    assert len(waived) == 2
    for firing in waived:
        assert (firing.actor, firing.params, firing.comment, firing.source, firing.target) == (
            world.coordinator,
            {},
            "",
            "pending",
            "not_required",
        )
        assert firing.log.cause == forwarded.forward


def test_a_text_may_be_20000_characters_long_not_one_more() -> None:
    assert p.text("x" * 20000, required_reason="?") == "x" * 20000
    with pytest.raises(GuardFailed) as refused:
        p.text("x" * 20001, required_reason="?")
    assert [str(reason) for reason in refused.value.reasons] == [TOO_LONG]


def test_a_comment_may_be_20000_and_a_decision_text_100000_characters_long_not_one_more(
    world: World,
) -> None:
    item = world.prepared_item()
    world.meeting_in_session(item)
    too_long_text = "De tekst is te lang (maximaal 100000 tekens)."
    for comment, text, expected in (
        ("x" * 20001, "t" * 100_000, TOO_LONG),
        ("c" * 20000, "x" * 100_001, too_long_text),
    ):
        with pytest.raises(GuardFailed) as refused:
            fire(
                item,
                "approve",
                actor=world.cluster_chair,
                comment=comment,
                text=text,
                consensus=True,
            )
        assert [str(reason) for reason in refused.value.reasons] == [expected]
    fire(
        item,
        "approve",
        actor=world.cluster_chair,
        comment="c" * 20000,
        text="t" * 100_000,
        consensus=True,
    )
    item.refresh_from_db()
    assert (item.state, item.decision.text) == ("approved", "t" * 100_000)
    assert TransitionLog.objects.for_object(item).last().comment == "c" * 20000


def test_no_one_not_even_an_administrator_may_fire_an_internal_transition(
    world: World,
) -> None:
    admin = Person.objects.create_superuser(username="admin", password="pw", region=world.region)
    item = world.prepared_item()
    fire(item, "schedule", actor=world.coordinator, meeting=world.meeting().pk)
    internal = [name for name, step in item.workflow.steps.items() if step.internal]
    assert internal == ["unschedule"]
    assert not has_transition_perm(item.unschedule, admin)
    assert "unschedule" not in engine.available_transitions(item, admin)
    with pytest.raises(UnknownTransition):
        fire(item, "unschedule", actor=admin)


def test_a_step_s_parameter_parser_and_guards_are_told_who_fires(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = world.item()
    fire(item, "submit", actor=world.author)
    fire(item, "start_preparation", actor=world.group_chair)
    told: list[tuple[str, Any]] = []

    @dataclass(frozen=True, kw_only=True)
    class Note(Text):
        def clean(self, value: Any, obj: Any, actor: Any) -> str:
            told.append(("parser", actor))
            return super().clean(value, obj, actor)

    def guard(obj: Any, params: dict[str, Any], actor: Any) -> None:
        told.append(("guard", actor))

    declared = Declared(params=(Note(name="note", label="note"),))
    monkeypatch.setitem(ITEM_MACHINE.steps, "endorse", Step(params=declared, guards=(guard,)))
    fire(item, "endorse", actor=world.group_chair, note="Klaar")
    assert told == [("parser", world.group_chair), ("guard", world.group_chair)]
    assert TransitionLog.objects.for_object(item).last().params == {"note": "Klaar"}


def test_a_parameter_may_name_an_object_by_the_object_itself_or_its_id(world: World) -> None:
    bodies = Body.objects.filter(region=world.region)
    for value in (world.cluster, world.cluster.pk, str(world.cluster.pk)):
        assert p.instance(value, bodies, required_reason="?", unknown_reason="!") == world.cluster
