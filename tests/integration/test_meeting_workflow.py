"""The Meeting machine: convene, open, close, approve the minutes, cancel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backend.audit.models import TransitionLog
from backend.meetings.models import Meeting
from backend.meetings.selectors import quorum_of
from backend.meetings.services import attendance_record, meeting_plan
from tests.conftest import World
from workflows.engine import available_transitions, fire
from workflows.errors import GuardFailed, NotPermitted, NotPossible, NotVisible


def scheduled_meeting(world: World) -> Meeting:
    meeting = world.meeting()
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    return meeting


def test_the_coordinator_and_the_officers_of_the_body_run_a_meeting(world: World) -> None:
    meeting = world.meeting()
    assert "convene" in available_transitions(meeting, world.coordinator)
    assert "convene" in available_transitions(meeting, world.cluster_chair)
    for persona in ("cluster_member", "author", "group_chair", "dvv", "director"):
        assert available_transitions(meeting, getattr(world, persona)) == [], persona
        with pytest.raises(NotPermitted):
            fire(meeting, "cancel", actor=getattr(world, persona))
    with pytest.raises(NotVisible):
        fire(meeting, "cancel", actor=world.stranger)


def test_convene_needs_an_agenda_and_a_future_date(world: World) -> None:
    meeting = world.meeting()
    with pytest.raises(GuardFailed) as refused:
        fire(meeting, "convene", actor=world.coordinator)
    assert refused.value.reasons == [_("The agenda is empty.")]
    past = scheduled_meeting(world)
    Meeting.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=1),
        submission_deadline=timezone.now() - dt.timedelta(days=1),
    )
    past.refresh_from_db()
    with pytest.raises(GuardFailed) as refused:
        fire(past, "convene", actor=world.coordinator)
    assert refused.value.reasons == [_("A meeting in the past cannot be convened.")]


def test_open_needs_the_quorum_of_member_municipalities(world: World) -> None:
    meeting = scheduled_meeting(world)
    fire(meeting, "convene", actor=world.cluster_chair)
    attendance_record(
        meeting=meeting, person=world.cluster_chair, status="present", actor=world.coordinator
    )
    with pytest.raises(GuardFailed) as refused:
        fire(meeting, "open", actor=world.cluster_chair)
    assert refused.value.reasons == [
        _("The quorum is not present (%(present)d of %(required)d municipalities).")
        % {"present": 1, "required": 2}
    ]
    attendance_record(
        meeting=meeting, person=world.third_member, status="present", actor=world.cluster_chair
    )
    fire(meeting, "open", actor=world.cluster_chair)
    assert meeting.state == "in_session"


def test_a_body_can_set_its_own_quorum(world: World) -> None:
    world.cluster.quorum = 1
    world.cluster.save()
    meeting = scheduled_meeting(world)
    fire(meeting, "convene", actor=world.coordinator)
    # One municipality present, its mayor the chair who presides.
    attendance_record(
        meeting=meeting, person=world.cluster_chair, status="present", actor=world.coordinator
    )
    assert quorum_of(meeting).reached
    fire(meeting, "open", actor=world.coordinator)


def test_two_members_of_one_municipality_count_once(world: World) -> None:
    meeting = world.meeting()
    # group_chair (Tielt) and cluster_member (Tielt) both sit in the cluster
    for person in (world.group_chair, world.cluster_member):
        attendance_record(meeting=meeting, person=person, status="present", actor=world.coordinator)
    quorum = quorum_of(meeting)
    assert len(quorum.members) == 3
    assert len(quorum.present) == 1
    assert not quorum.reached


def test_close_needs_every_entry_handled_and_approve_minutes_is_for_a_chair(
    world: World,
) -> None:
    item = world.prepared_item()
    meeting = world.meeting_in_session(item)
    with pytest.raises(GuardFailed) as refused:
        fire(meeting, "close", actor=world.coordinator)
    assert refused.value.reasons == [
        ngettext(
            "%(n)d agenda entry still needs an outcome.",
            "%(n)d agenda entries still need an outcome.",
            1,
        )
        % {"n": 1}
    ]
    fire(item, "postpone", actor=world.cluster_chair)
    fire(meeting, "close", actor=world.coordinator)
    with pytest.raises(NotPermitted):
        fire(meeting, "approve_minutes", actor=world.coordinator)
    fire(meeting, "approve_minutes", actor=world.cluster_chair)
    assert meeting.state == "minutes_approved"


def test_cancel_sends_scheduled_items_back_with_their_own_history(world: World) -> None:
    meeting = world.meeting()
    items = [world.prepared_item(), world.prepared_item()]
    for item in items:
        fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    fire(meeting, "cancel", actor=world.cluster_chair, comment="Geen zaal")
    cancel_log = TransitionLog.objects.for_object(meeting).last()
    for item in items:
        item.refresh_from_db()
        assert item.state == "prepared"
        assert item.entries.get().outcome == "cancelled"
        log = TransitionLog.objects.for_object(item).last()
        assert (log.transition, log.cause, log.actor) == (
            "unschedule",
            cancel_log,
            world.cluster_chair,
        )
    with pytest.raises(NotPossible):
        fire(meeting, "convene", actor=world.coordinator)


def test_attendance_is_recorded_by_officers_for_members_only(world: World) -> None:
    meeting = world.meeting()
    with pytest.raises(NotPermitted):
        attendance_record(
            meeting=meeting, person=world.cluster_member, status="present", actor=world.author
        )
    with pytest.raises(GuardFailed):
        attendance_record(
            meeting=meeting, person=world.dvv, status="present", actor=world.coordinator
        )
    with pytest.raises(GuardFailed):
        attendance_record(
            meeting=meeting, person=world.cluster_member, status="late", actor=world.coordinator
        )
    first = attendance_record(
        meeting=meeting, person=world.cluster_member, status="present", actor=world.coordinator
    )
    again = attendance_record(
        meeting=meeting, person=world.cluster_member, status="excused", actor=world.coordinator
    )
    assert first.pk == again.pk
    assert (again.status, again.municipality) == ("excused", world.municipalities[1])


def test_planning_checks_rights_and_dates(world: World) -> None:
    start = timezone.now() + dt.timedelta(days=10)
    with pytest.raises(NotPermitted):
        meeting_plan(
            body=world.cluster, starts_at=start, submission_deadline=start, actor=world.author
        )
    with pytest.raises(GuardFailed) as refused:
        meeting_plan(
            body=world.cluster,
            starts_at=start,
            submission_deadline=start + dt.timedelta(days=1),
            actor=world.coordinator,
        )
    assert refused.value.reasons == [
        _("The submission deadline must be before the meeting starts.")
    ]
    meeting = meeting_plan(
        body=world.cluster,
        starts_at=start,
        submission_deadline=start - dt.timedelta(days=5),
        location="Provinciehuis",
        actor=world.cluster_chair,
    )
    assert meeting.state == "planned"
