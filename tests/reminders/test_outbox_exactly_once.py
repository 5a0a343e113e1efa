"""The outbox's promise, to the minute: each reminder is claimed by one sender, sent once,
retried on a fixed back-off, dropped for good, read once, and taken in a fixed order."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.meetings.models import Meeting
from backend.organisations.models import Person
from backend.reminders import services
from backend.reminders.models import Notification
from tests.conftest import World
from workflows.engine import fire

START = timezone.make_aware(dt.datetime(2026, 3, 3, 9, 0))  # a Tuesday: no weekly digest


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


class BrokenBackend:
    """A mail server that refuses everything."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: object) -> int:
        raise ConnectionRefusedError("SMTP 421 service not available")


class ChattyBrokenBackend(BrokenBackend):
    """A mail server that refuses everything at length."""

    def send_messages(self, messages: object) -> int:
        raise ConnectionRefusedError("4" * 2500)


def convened(world: World) -> Meeting:
    """Convene a meeting of the cluster and scan: its four members are due an invitation
    now (this week's digests of the two coordinators went out on Monday)."""
    starts = timezone.now() + dt.timedelta(days=10)
    meeting = Meeting.objects.create(
        body=world.cluster,
        starts_at=starts,
        submission_deadline=starts - dt.timedelta(days=1),
        location="Stadhuis Tielt",
    )
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    digests = 0 if Notification.objects.filter(kind="digest").exists() else 2
    assert services.scan() == 4 + digests
    Notification.objects.filter(kind="digest").update(sent_at=START - dt.timedelta(days=1))
    return meeting


def invitations() -> Notification:
    return Notification.objects.filter(kind="invitation").order_by("id")


@pytest.mark.parametrize(
    ("digest", "by_first", "by_second"),
    # One e-mail per reminder: the first sender has claimed the first row when the second
    # starts, so the second takes the other three. A digest: the first has claimed all.
    [(False, 1, 3), (True, 4, 0)],
    ids=["at-once", "digest"],
)
def test_a_second_sender_starting_between_claim_and_send_never_sends_what_the_first_took(
    world: World,
    clock: time_machine.Coordinates,
    monkeypatch: pytest.MonkeyPatch,
    digest: bool,
    by_first: int,
    by_second: int,
) -> None:
    convened(world)
    assert services.scan() == 0
    if digest:
        Person.objects.update(delivery=Person.Delivery.DAILY)
    invited = sorted(invitations().values_list("recipient__email", flat=True))
    deliver = services.deliver
    second: list[int] = []
    started: list[bool] = []

    def first_sender_delivers(notifications: list[Notification], now: dt.datetime) -> int:
        if not started:  # the first sender has claimed its rows; a second one starts now
            started.append(True)
            second.append(services.send_due(digest=digest))
        return deliver(notifications, now)

    monkeypatch.setattr(services, "deliver", first_sender_delivers)
    assert services.send_due(digest=digest) == by_first
    assert second == [by_second]
    assert sorted(m.to[0] for m in mail.outbox) == invited
    assert not invitations().filter(sent_at__isnull=True).exists()
    assert set(invitations().values_list("attempts", flat=True)) == {1}


def test_a_claim_is_respected_for_exactly_the_claim_timeout(
    world: World, clock: time_machine.Coordinates
) -> None:
    convened(world)
    row = invitations().first()
    copy = Notification.objects.get(pk=row.pk)
    assert services.claim(row, START)
    assert row.claimed_at == START  # the claimant's copy knows its claim
    assert not services.claim(copy, START)  # a copy read before the claim is refused
    clock.move_to(START + services.claim_timeout())
    services.send_due()
    row.refresh_from_db()
    assert (row.sent_at, row.attempts) == (None, 1)
    clock.move_to(START + services.claim_timeout() + dt.timedelta(microseconds=1))
    services.send_due()
    row.refresh_from_db()
    assert (row.sent_at, row.attempts) == (timezone.now(), 2)


def test_a_sent_reminder_is_never_claimed(world: World, clock: time_machine.Coordinates) -> None:
    convened(world)
    row = invitations().first()
    Notification.objects.filter(pk=row.pk).update(sent_at=START)
    assert not services.claim(row, START)
    assert row.claimed_at is None


def test_a_failing_delivery_is_retried_after_2_4_8_16_32_then_every_60_minutes(
    world: World,
    clock: time_machine.Coordinates,
    settings: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
) -> None:
    convened(world)
    Notification.objects.exclude(pk=invitations().first().pk).delete()
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    row = Notification.objects.get()
    for failures, minutes in enumerate([2, 4, 8, 16, 32, 60, 60], start=1):
        with caplog.at_level(logging.WARNING, logger="backend.reminders.services"):
            assert services.send_due() == 0
        row.refresh_from_db()
        assert (row.attempts, row.claimed_at, row.sent_at) == (failures, None, None)
        assert row.next_attempt_at == timezone.now() + dt.timedelta(minutes=minutes)
        assert row.last_error == "SMTP 421 service not available"
        assert caplog.messages[-1] == (
            f"reminder delivery failed for [{row.pk}]: SMTP 421 service not available"
        )
        clock.move_to(row.next_attempt_at - dt.timedelta(microseconds=1))
        services.send_due()  # not yet
        row.refresh_from_db()
        assert row.attempts == failures
        clock.move_to(row.next_attempt_at)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.send_due() == 1  # at the retry time itself
    row.refresh_from_db()
    assert (row.attempts, row.sent_at, row.last_error) == (8, timezone.now(), "")
    assert len(mail.outbox) == 1


def test_a_long_delivery_error_is_kept_to_its_first_2000_characters(
    world: World, clock: time_machine.Coordinates, settings: pytest.FixtureRequest
) -> None:
    convened(world)
    settings.EMAIL_BACKEND = f"{__name__}.ChattyBrokenBackend"
    services.send_due()
    assert {len(error) for error in invitations().values_list("last_error", flat=True)} == {2000}


def test_a_dropped_reminder_is_never_claimed_again(
    world: World, clock: time_machine.Coordinates
) -> None:
    meeting = convened(world)
    fire(meeting, "cancel", actor=world.coordinator)
    assert services.send_due() == 0
    assert set(invitations().values_list("dropped_at", "attempts")) == {(START, 1)}
    clock.shift(services.claim_timeout() + dt.timedelta(hours=1))
    assert services.send_due() == 0
    assert set(invitations().values_list("dropped_at", "attempts")) == {(START, 1)}
    assert mail.outbox == []


def test_each_sender_sends_at_once_the_reminders_due_to_people_who_want_them_at_once(
    world: World, clock: time_machine.Coordinates
) -> None:
    convened(world)
    world.cluster_chair.delivery = Person.Delivery.DAILY
    world.cluster_chair.save()
    assert services.send_due() == 3
    assert services.send_due(digest=True) == 1
    assert not invitations().filter(sent_at__isnull=True).exists()


def test_reading_a_notification_twice_keeps_the_first_read_time(
    world: World, clock: time_machine.Coordinates
) -> None:
    convened(world)
    mine = list(
        Notification.objects.filter(recipient=world.cluster_chair).values_list("pk", flat=True)
    )
    convened(world)  # a second meeting: a second invitation for everyone
    assert services.mark_read(world.cluster_chair, mine) == 1
    clock.shift(dt.timedelta(hours=1))
    assert services.mark_read(world.cluster_chair, mine) == 0
    assert services.mark_read(world.cluster_chair) == 1  # the other one
    assert services.mark_read(world.cluster_chair) == 0
    read = dict(
        Notification.objects.filter(recipient=world.cluster_chair).values_list("pk", "read_at")
    )
    assert read[mine[0]] == START
    assert sorted(read.values()) == [START, START + dt.timedelta(hours=1)]
    assert not Notification.objects.exclude(recipient=world.cluster_chair).filter(
        read_at__isnull=False
    )


def gone(person: Person, n: int, **fields: object) -> Notification:
    """A reminder about a meeting that no longer exists: taken, then dropped, never sent."""
    return Notification(
        recipient=person,
        kind="invitation",
        content_type=ContentType.objects.get_for_model(Meeting),
        object_id=str(900_000 + n),
        **({"due_at": START} | fields),
    )


def test_more_than_a_batch_are_taken_oldest_first_then_in_id_order(
    world: World, clock: time_machine.Coordinates
) -> None:
    people = [world.author, world.group_member, world.cluster_chair]
    Notification.objects.bulk_create(
        gone(people[(n * 7) % 3], n) for n in range(services.BATCH + 40)
    )
    oldest = gone(world.author, -1, due_at=START - dt.timedelta(minutes=1))
    oldest.save()  # the highest id, due a minute before the others
    ids = sorted(Notification.objects.exclude(pk=oldest.pk).values_list("pk", flat=True))
    assert services.send_due() == 0
    taken = sorted(
        Notification.objects.filter(claimed_at__isnull=False).values_list("pk", flat=True)
    )
    assert taken == sorted([oldest.pk, *ids[: services.BATCH - 1]])
    services.send_due()
    assert not Notification.objects.filter(dropped_at__isnull=True).exists()


def test_sent_reminders_never_crowd_due_ones_out_of_a_batch(
    world: World, clock: time_machine.Coordinates
) -> None:
    long_ago = START - dt.timedelta(days=1)
    Notification.objects.bulk_create(
        gone(world.author, n, due_at=long_ago, claimed_at=long_ago, sent_at=long_ago)
        for n in range(services.BATCH)
    )
    convened(world)
    assert services.send_due() == 4


def test_a_reminder_is_not_sent_before_it_is_due(
    world: World, clock: time_machine.Coordinates
) -> None:
    convened(world)
    Notification.objects.filter(kind="invitation").update(due_at=START + dt.timedelta(hours=1))
    assert services.send_due() == 0
    clock.shift(dt.timedelta(hours=1))
    assert services.send_due() == 4
    assert {m.subject.split(":")[0] for m in mail.outbox} == {"Uitnodiging"}


def test_sending_loads_the_recipients_with_the_reminders_not_one_by_one(
    world: World, clock: time_machine.Coordinates
) -> None:
    convened(world)
    person = Person._meta.db_table
    with CaptureQueriesContext(connection) as context:
        assert services.send_due() == 4
    one_by_one = [
        q["sql"] for q in context.captured_queries if f'FROM "{person}" WHERE' in q["sql"]
    ]
    assert one_by_one == []
