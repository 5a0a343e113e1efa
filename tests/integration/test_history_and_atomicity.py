"""One transaction per transition: the history row, the effect and nothing after a failure."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django_q.models import OrmQ

from backend.agenda.models import Decision
from backend.agenda.steps import MACHINE as ITEM_MACHINE
from backend.audit.models import AppendOnlyError, TransitionLog
from backend.documents.models import GeneratedDocument
from backend.meetings.steps import MACHINE as MEETING_MACHINE
from backend.reminders.models import Notification
from tests.conftest import World
from workflows.engine import fire, transition_committed
from workflows.errors import GuardFailed
from workflows.machine import Firing, Step


class Boom(Exception):
    pass


def test_the_history_row_holds_actor_states_comment_time_and_parameters(world: World) -> None:
    item = world.prepared_item()
    meeting = world.meeting()
    fire(item, "schedule", actor=world.coordinator, comment="Dringend", meeting=str(meeting.pk))
    log = TransitionLog.objects.for_object(item).last()
    assert log.subject == item
    assert (log.transition, log.source, log.target, log.actor, log.comment) == (
        "schedule",
        "prepared",
        "scheduled",
        world.coordinator,
        "Dringend",
    )
    assert log.params == {"meeting": meeting.pk, "urgent": False, "reason": ""}
    assert log.at is not None


def test_an_effect_that_fails_after_the_history_row_leaves_no_trace(
    world: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:
    item = world.item()
    fire(item, "submit", actor=world.author)
    fire(item, "start_preparation", actor=world.group_chair)

    def boom(firing: Firing) -> None:
        assert TransitionLog.objects.filter(transition="endorse").exists()  # written already
        raise Boom

    monkeypatch.setitem(ITEM_MACHINE.steps, "endorse", Step(effect=boom))
    received: list[Firing] = []

    def receiver(sender: type, firing: Firing, **kwargs: object) -> None:
        received.append(firing)

    transition_committed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
            fire(item, "endorse", actor=world.group_chair)
    finally:
        transition_committed.disconnect(receiver)
    assert callbacks == []
    assert received == []
    assert (item.state, item.version) == ("in_preparation", 3)
    item.refresh_from_db()
    assert (item.state, item.version) == ("in_preparation", 3)
    assert not TransitionLog.objects.filter(transition="endorse").exists()


def test_a_failing_decision_effect_leaves_no_decision_and_no_state_change(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = world.prepared_item()
    world.meeting_in_session(item)
    item.refresh_from_db()
    from backend.agenda import models as agenda_models

    def refuse(*args: object, **kwargs: object) -> None:
        raise Boom

    monkeypatch.setattr(agenda_models.Vote.objects, "bulk_create", refuse)
    with pytest.raises(Boom):
        fire(item, "approve", actor=world.cluster_chair, text="Ja.", consensus=True)
    item.refresh_from_db()
    assert item.state == "scheduled"
    assert not Decision.objects.exists()
    assert not TransitionLog.objects.filter(transition="approve").exists()
    assert item.current_entry().outcome == "pending"


def test_receivers_hear_of_a_transition_only_after_commit(
    world: World, django_capture_on_commit_callbacks
) -> None:
    item = world.item()
    received: list[tuple[type, str]] = []

    def receiver(sender: type, firing: Firing, **kwargs: object) -> None:
        received.append((sender, firing.name))

    transition_committed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            fire(item, "submit", actor=world.author)
        assert received == []
        for callback in callbacks:
            callback()
    finally:
        transition_committed.disconnect(receiver)
    assert received == [(type(item), "submit")]


def test_a_refused_transition_writes_no_history(world: World) -> None:
    item = world.item(title="")
    with pytest.raises(GuardFailed):
        fire(item, "submit", actor=world.author)
    assert not TransitionLog.objects.exists()


def test_the_history_can_be_neither_changed_nor_deleted(world: World) -> None:
    item = world.item()
    fire(item, "submit", actor=world.author)
    log = TransitionLog.objects.get()
    log.comment = "vervalst"
    with pytest.raises(AppendOnlyError):
        log.save()
    with pytest.raises(AppendOnlyError):
        log.delete()
    with pytest.raises(AppendOnlyError):
        TransitionLog.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        TransitionLog.objects.update(comment="vervalst")
    assert TransitionLog.objects.get().comment == ""


def test_the_state_cannot_be_assigned_directly(world: World) -> None:
    item = world.item()
    with pytest.raises(AttributeError):
        item.state = "approved"


@pytest.mark.django_db(transaction=True)
def test_a_convocation_that_fails_late_queues_no_task_and_sends_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    """`convene` writes the agenda document, then fails: no state change, no history row, no
    document, no task for the worker, no notification, no mail. The same step without the
    failure does queue the worker's task (the control)."""
    settings.REMINDERS_WAKE_ON_TRANSITION = True  # type: ignore[attr-defined]
    item = world.prepared_item()
    meeting = world.meeting()
    fire(item, "schedule", actor=world.coordinator, meeting=str(meeting.pk))
    original = MEETING_MACHINE.steps["convene"]

    def store_then_fail(firing: Firing) -> None:
        assert original.effect is not None
        original.effect(firing)
        assert GeneratedDocument.objects.filter(meeting=meeting).exists()  # written already
        raise Boom

    monkeypatch.setitem(
        MEETING_MACHINE.steps, "convene", Step(guards=original.guards, effect=store_then_fail)
    )
    queued = OrmQ.objects.count
    with pytest.raises(Boom):
        fire(meeting, "convene", actor=world.coordinator)
    meeting.refresh_from_db()
    assert (meeting.state, meeting.version) == ("planned", 1)
    assert not TransitionLog.objects.filter(transition="convene").exists()
    assert not GeneratedDocument.objects.filter(meeting=meeting).exists()
    assert (queued(), Notification.objects.count(), len(mail.outbox)) == (0, 0, 0)

    monkeypatch.setitem(MEETING_MACHINE.steps, "convene", original)
    fire(meeting, "convene", actor=world.coordinator)
    if "orm" in django_settings.Q_CLUSTER:
        assert queued() == 1
    assert TransitionLog.objects.filter(transition="convene").count() == 1
