"""The legal publication terms as reminders: an agenda public 8 days before the meeting, a
decision list within 10 days after it; to the body's secretary and the coordinator, two
days before the term ends, once, and never once the document is public."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from backend.meetings.models import Meeting
from backend.meetings.services import attendance_record
from backend.organisations.models import Body, Membership
from backend.reminders import services
from backend.reminders.delivery import describe
from backend.reminders.models import Notification
from tests.conftest import World, person
from workflows.engine import fire

START = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def assembly(world: World) -> Body:
    """The DVV's general assembly, with its terms, a chair, members and a secretary."""
    body = Body.objects.create(
        region=world.region,
        kind=Body.Kind.GENERAL_ASSEMBLY,
        name="Algemene vergadering DVV Midwest",
        code="AV-DVV",
        agenda_term_days=8,
        decision_list_term_days=10,
    )
    secretary = person("secretaris", world.region)
    for who, role, municipality in (
        (world.cluster_chair, "chair", world.municipalities[0]),
        (world.cluster_member, "member", world.municipalities[1]),
        (secretary, "secretary", None),
    ):
        Membership.objects.create(
            body=body,
            person=who,
            role=role,
            municipality=municipality,
            start_date=dt.date(2024, 1, 1),
        )
    return body


def run() -> list[tuple[str, str]]:
    already = set(Notification.objects.filter(sent_at__isnull=False).values_list("pk", flat=True))
    services.scan()
    services.send_due()
    sent = Notification.objects.filter(sent_at__isnull=False).exclude(pk__in=already)
    return sorted(
        (n.kind, n.recipient.username)
        for n in sent.select_related("recipient")
        if n.kind in ("agenda_term", "decision_list_term")
    )


def meeting_of(body: Body, days: int) -> Meeting:
    starts_at = START + dt.timedelta(days=days)
    return Meeting.objects.create(
        body=body, starts_at=starts_at, submission_deadline=starts_at - dt.timedelta(days=12)
    )


def test_the_agenda_term_reminds_the_secretary_and_the_coordinator_once(
    world: World, assembly: Body, clock: time_machine.Coordinates
) -> None:
    meeting = meeting_of(assembly, 20)  # public by day 12; reminded on day 10
    assert run() == []
    clock.move_to(meeting.starts_at - dt.timedelta(days=10, seconds=1))
    assert run() == []
    clock.move_to(meeting.starts_at - dt.timedelta(days=10))
    assert run() == [("agenda_term", "coordinator"), ("agenda_term", "secretaris")]
    clock.shift(dt.timedelta(hours=3))
    assert run() == []  # once
    note = Notification.objects.filter(kind="agenda_term").first()
    assert note is not None and "moet openbaar zijn tegen" in describe(note)
    assert world.cluster_member.notifications.filter(kind="agenda_term").count() == 0


def test_no_agenda_reminder_once_the_meeting_is_convened(
    world: World, assembly: Body, clock: time_machine.Coordinates
) -> None:
    meeting = meeting_of(assembly, 20)
    clock.move_to(meeting.starts_at - dt.timedelta(days=10))
    services.scan()
    Meeting.objects.filter(pk=meeting.pk).update(state="convened")
    services.send_due()
    assert not Notification.objects.filter(kind="agenda_term", sent_at__isnull=False).exists()


def test_the_decision_list_term_runs_until_the_meeting_is_closed(
    world: World, assembly: Body, clock: time_machine.Coordinates
) -> None:
    meeting = meeting_of(assembly, 1)
    Meeting.objects.filter(pk=meeting.pk).update(state="in_session")
    clock.move_to(meeting.starts_at + dt.timedelta(days=8, seconds=-1))
    assert run() == []
    clock.move_to(meeting.starts_at + dt.timedelta(days=8))
    assert run() == [("decision_list_term", "coordinator"), ("decision_list_term", "secretaris")]


def test_a_body_without_terms_gets_no_term_reminders(
    world: World, clock: time_machine.Coordinates
) -> None:
    meeting = meeting_of(world.cluster, 20)
    clock.move_to(meeting.starts_at - dt.timedelta(days=10))
    assert run() == []


def test_the_overview_shows_a_late_agenda(
    world: World, assembly: Body, clock: time_machine.Coordinates
) -> None:
    meeting = meeting_of(assembly, 5)  # public by 3 days ago: late
    on_time = meeting_of(assembly, 16)  # public by day 8: due within the fortnight
    client = Client()
    client.force_login(world.coordinator)
    page = client.get("/overzicht/").content.decode()
    section = page[page.index('id="terms"') :]
    assert f"/vergaderingen/{meeting.pk}/" in section
    assert f"/vergaderingen/{on_time.pk}/" in section
    assert section.index(f"/vergaderingen/{meeting.pk}/") < section.index(
        f"/vergaderingen/{on_time.pk}/"
    )
    assert "te laat" in section


def test_closing_the_meeting_meets_the_decision_list_term(
    world: World, clock: time_machine.Coordinates
) -> None:
    """Closing publishes the decision list, so the term is met (through the workflow)."""
    world.cluster.decision_list_term_days = 10
    world.cluster.save()
    item = world.prepared_item()
    meeting = world.meeting()
    fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    for who in (world.cluster_chair, world.cluster_member):
        attendance_record(meeting=meeting, person=who, status="present", actor=world.coordinator)
    fire(meeting, "open", actor=world.cluster_chair)
    item.refresh_from_db()
    fire(item, "take_note" if item.kind == "information" else "postpone", actor=world.cluster_chair)
    meeting.refresh_from_db()
    fire(meeting, "close", actor=world.cluster_chair)
    clock.move_to(meeting.starts_at + dt.timedelta(days=9))
    assert run() == []
    Meeting.objects.filter(pk=meeting.pk).update(state="in_session")  # had it stayed open
    assert run() == [("decision_list_term", "coordinator")]
