"""Every kind of reminder, in time: sent when due, not before, not twice, and not once the
object no longer needs it. Time is travelled, not waited for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.followup.models import Action, Ratification
from backend.meetings.models import Meeting
from backend.meetings.services import attendance_record
from backend.organisations.models import Person, Region
from backend.reminders import services
from backend.reminders.models import Notification
from tests.conftest import World
from workflows.engine import fire

START = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))  # a Monday


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def run(*, digests: bool = False) -> list[tuple[str, str]]:
    """Scan and send; return (kind, recipient username) of what was sent now (the weekly
    digest, which comes every Monday, only when asked for)."""
    already = set(Notification.objects.filter(sent_at__isnull=False).values_list("pk", flat=True))
    services.scan()
    services.send_due()
    sent = (
        Notification.objects.filter(sent_at__isnull=False)
        .exclude(pk__in=already)
        .select_related("recipient")
    )
    return sorted((n.kind, n.recipient.username) for n in sent if digests or n.kind != "digest")


def test_the_submission_deadline_reminds_the_preparing_groups_once(
    world: World, clock: time_machine.Coordinates
) -> None:
    meeting = Meeting.objects.create(
        body=world.cluster,
        starts_at=START + dt.timedelta(days=20),
        submission_deadline=START + dt.timedelta(days=10),
    )
    assert run() == []  # 10 days before: the region reminds 7 days before
    clock.move_to(meeting.submission_deadline - dt.timedelta(days=7, minutes=1))
    assert run() == []
    clock.move_to(meeting.submission_deadline - dt.timedelta(days=7))
    assert {who for _kind, who in run()} == {"author", "groupmember", "groupchair"}
    clock.shift(dt.timedelta(hours=1))
    assert run() == []  # not twice
    assert Notification.objects.filter(kind="submission_deadline").count() == 3


def test_a_body_can_remind_earlier_than_its_region(
    world: World, clock: time_machine.Coordinates
) -> None:
    world.cluster.submission_lead_days = 12
    world.cluster.save()
    Meeting.objects.create(
        body=world.cluster,
        starts_at=START + dt.timedelta(days=20),
        submission_deadline=START + dt.timedelta(days=11),
    )
    assert {who for _kind, who in run()} == {"author", "groupmember", "groupchair"}


def cluster_meeting(world: World, days: int = 10) -> Meeting:
    """A meeting whose submission deadline is close to it, so no deadline reminder is due."""
    return Meeting.objects.create(
        body=world.cluster,
        starts_at=START + dt.timedelta(days=days),
        submission_deadline=START + dt.timedelta(days=days - 1),
        location="Stadhuis Roeselare",
    )


def test_invitations_go_to_the_members_with_the_meeting_in_the_calendar(
    world: World, clock: time_machine.Coordinates
) -> None:
    meeting = cluster_meeting(world)
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    assert run() == []
    fire(meeting, "convene", actor=world.coordinator)
    sent = run()
    assert sent == sorted(
        ("invitation", who)
        for who in ("clusterchair", "clustermember", "groupchair", "third_member")
    )
    message = mail.outbox[-1]
    assert "uitgenodigd" in message.body
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == (f"vergadering-{meeting.pk}.ics", "text/calendar")
    assert "BEGIN:VEVENT" in str(content)
    assert run() == []


def test_an_invitation_of_a_cancelled_meeting_is_dropped_not_sent(
    world: World, clock: time_machine.Coordinates
) -> None:
    meeting = cluster_meeting(world)
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    services.scan()
    fire(meeting, "cancel", actor=world.coordinator)
    services.send_due()
    invitations = Notification.objects.filter(kind="invitation")
    assert invitations.count() == 4
    assert not invitations.filter(sent_at__isnull=False).exists()
    assert invitations.filter(dropped_at__isnull=False).count() == 4


def test_the_day_before_members_who_did_not_excuse_themselves_are_reminded(
    world: World, clock: time_machine.Coordinates
) -> None:
    meeting = cluster_meeting(world, days=3)
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    attendance_record(
        meeting=meeting, person=world.third_member, status="excused", actor=world.coordinator
    )
    run()  # the invitations
    clock.move_to(meeting.starts_at - dt.timedelta(days=1, minutes=1))
    assert run() == []
    clock.move_to(meeting.starts_at - dt.timedelta(days=1))
    assert run() == [
        ("meeting_reminder", who) for who in ("clusterchair", "clustermember", "groupchair")
    ]


def test_members_hear_when_the_minutes_are_drafted(
    world: World, clock: time_machine.Coordinates
) -> None:
    item = world.prepared_item()
    meeting = world.meeting_in_session(item)
    fire(item, "postpone", actor=world.cluster_chair)
    services.scan()
    Notification.objects.update(sent_at=timezone.now())  # the invitations are old news here
    fire(meeting, "close", actor=world.cluster_chair)
    assert {who for kind, who in run() if kind == "minutes_ready"} == {
        "clusterchair",
        "clustermember",
        "groupchair",
        "third_member",
    }


@pytest.fixture
def action(world: World, clock: time_machine.Coordinates) -> Action:
    item = world.prepared_item()
    world.meeting_in_session(item)
    item.refresh_from_db()
    fire(item, "approve", actor=world.cluster_chair, text="Ja.", consensus=True)
    services.scan()
    Notification.objects.update(sent_at=timezone.now())
    return Action.objects.create(
        item=item, title="Fietsroutes in het GIS", assignee=world.dvv, due_date=dt.date(2026, 3, 12)
    )


def test_an_action_is_announced_before_its_due_date_then_chased_and_escalated(
    world: World, clock: time_machine.Coordinates, action: Action
) -> None:
    clock.move_to(timezone.make_aware(dt.datetime(2026, 3, 9, 7, 59)))
    assert run() == []
    clock.move_to(timezone.make_aware(dt.datetime(2026, 3, 9, 8, 0)))  # 3 days before
    assert run() == [("action_due", "dvv")]
    clock.move_to(timezone.make_aware(dt.datetime(2026, 3, 13, 8, 0)))  # the day after
    assert run() == [("action_overdue", "dvv")]
    clock.move_to(timezone.make_aware(dt.datetime(2026, 3, 19, 8, 0)))  # 7 days overdue
    assert run() == [("escalation", "coordinator")]
    clock.move_to(timezone.make_aware(dt.datetime(2026, 3, 30, 8, 0)))
    assert run() == []  # each once


def test_a_done_action_is_not_chased(
    world: World, clock: time_machine.Coordinates, action: Action
) -> None:
    clock.move_to(timezone.make_aware(dt.datetime(2026, 3, 10, 8, 0)))
    services.scan()  # the due reminder is written …
    fire(action, "start", actor=world.dvv)
    fire(action, "complete", actor=world.dvv)
    services.send_due()
    due = Notification.objects.get(kind="action_due")
    assert (due.sent_at, due.dropped_at) == (None, timezone.now())  # … but no longer sent
    clock.move_to(timezone.make_aware(dt.datetime(2026, 3, 20, 8, 0)))
    assert run() == []
    assert not Notification.objects.filter(kind__in=["action_overdue", "escalation"]).exists()


def test_a_service_action_reminds_the_services_staff(
    world: World, clock: time_machine.Coordinates, action: Action
) -> None:
    Action.objects.filter(pk=action.pk).update(assignee=None, service=world.service)
    clock.move_to(timezone.make_aware(dt.datetime(2026, 3, 9, 8, 0)))
    assert run() == [("action_due", "dvv")]


def test_a_pending_ratification_reminds_the_general_director_after_the_term(
    world: World, clock: time_machine.Coordinates
) -> None:
    item = world.prepared_item(municipalities=world.municipalities[:1])  # Roeselare
    world.meeting_in_session(item)
    item.refresh_from_db()
    fire(item, "approve", actor=world.cluster_chair, text="Ja.", consensus=True)
    services.scan()
    Notification.objects.update(sent_at=timezone.now())
    clock.shift(dt.timedelta(days=29))
    assert run() == []
    clock.shift(dt.timedelta(days=1))
    assert run() == [("ratification_pending", "director")]
    ratification = Ratification.objects.get()
    assert ratification.municipality == world.municipalities[0]


def test_the_coordinator_gets_a_weekly_digest_on_monday_morning(
    world: World, clock: time_machine.Coordinates
) -> None:
    clock.move_to(timezone.make_aware(dt.datetime(2026, 3, 9, 7, 0)))  # Monday 07:00
    services.scan()
    digests = Notification.objects.filter(kind="digest", due_at__date=dt.date(2026, 3, 9))
    assert not digests.exists()
    clock.move_to(timezone.make_aware(dt.datetime(2026, 3, 9, 8, 0)))
    assert ("digest", "coordinator") in run(digests=True)
    (digest,) = [m for m in mail.outbox if m.to == [world.coordinator.email]]
    assert "Openstaande actiepunten" in digest.body
    clock.move_to(timezone.make_aware(dt.datetime(2026, 3, 11, 8, 0)))
    assert ("digest", "coordinator") not in run(digests=True)


def test_after_downtime_each_missed_reminder_comes_once_not_in_a_burst(
    world: World, clock: time_machine.Coordinates, action: Action
) -> None:
    clock.move_to(timezone.make_aware(dt.datetime(2026, 4, 1, 8, 0)))  # weeks without a scan
    sent = run(digests=True)
    assert sorted(kind for kind, _who in sent if kind != "digest") == [
        "action_overdue",
        "escalation",
    ]
    # one digest per coordinator (of each region), not one per missed week
    assert [who for kind, who in sent if kind == "digest"] == ["coordinator", "stranger"]


def test_people_who_chose_a_daily_digest_get_one_mail_for_all(
    world: World, clock: time_machine.Coordinates
) -> None:
    for person in (world.author, world.group_member):
        person.delivery = "daily"
        person.save()
    for days in (10, 11):
        Meeting.objects.create(
            body=world.cluster,
            starts_at=START + dt.timedelta(days=days + 5),
            submission_deadline=START + dt.timedelta(days=days - 7),
        )
    assert run() == [("submission_deadline", "groupchair")] * 2
    mail.outbox.clear()
    assert services.send_due(digest=True) == 4
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.author.email, world.group_member.email]
    )
    assert all(m.subject == "Midwest: 2 herinneringen" for m in mail.outbox)


def test_the_scan_asks_the_same_number_of_questions_however_many_regions(
    world: World, clock: time_machine.Coordinates
) -> None:
    def queries_of_a_monday_scan(week: int) -> int:
        clock.move_to(timezone.make_aware(dt.datetime(2026, 3, 9 + 7 * week, 9, 0)))
        with CaptureQueriesContext(connection) as context:
            services.scan()
        return len(context.captured_queries)

    queries_of_a_monday_scan(0)  # the first scan writes what is due; compare later ones
    before = queries_of_a_monday_scan(1)
    for n in range(5):
        region = Region.objects.create(name=f"Regio {n}", slug=f"regio-{n}")
        Person.objects.create_user(
            username=f"coordinator-{n}", password="pw", region=region, is_coordinator=True
        )
    after = queries_of_a_monday_scan(2)
    assert after == before
    assert Notification.objects.filter(kind="digest", recipient__username="coordinator-4").exists()
