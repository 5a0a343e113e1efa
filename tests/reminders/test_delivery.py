"""Reminders are never lost and never doubled: concurrent scans, a dead worker, a failing
mail server, and a real SMTP conversation."""

from __future__ import annotations

import datetime as dt
import email
import importlib
import socket
import threading
from email import policy

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connections
from django.utils import formats, timezone
from django_q.models import Schedule

from backend.meetings.models import Meeting
from backend.reminders import services
from backend.reminders.models import Notification
from tests.conftest import World
from workflows.engine import fire


def convened(world: World) -> Meeting:
    starts = timezone.now() + dt.timedelta(days=10)
    meeting = Meeting.objects.create(
        body=world.cluster,
        starts_at=starts,
        submission_deadline=starts - dt.timedelta(days=1),
        location="Stadhuis Tielt",
    )
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    return meeting


def invitations() -> Notification:
    return Notification.objects.filter(kind="invitation")


def invitation_mails() -> list[mail.EmailMessage]:
    """The invitations in the outbox (the weekly digest may be due on any test day)."""
    return [m for m in mail.outbox if m.subject.startswith("Uitnodiging: ")]


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_write_each_reminder_once(world: World) -> None:
    convened(world)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def scan() -> None:
        try:
            barrier.wait()
            services.scan()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert invitations().count() == 4
    services.scan()
    assert invitations().count() == 4


def test_a_reminder_claimed_by_a_worker_that_died_is_sent_later_once(world: World) -> None:
    convened(world)
    services.scan()
    row = invitations().first()
    assert services.claim(row, timezone.now())  # the worker took it … and died
    services.send_due()
    row.refresh_from_db()
    assert row.sent_at is None  # a fresh claim is left alone
    assert len(invitation_mails()) == 3
    later = timezone.now() + services.claim_timeout() + dt.timedelta(seconds=1)
    with time_machine.travel(later):
        services.send_due()
        services.send_due()
    row.refresh_from_db()
    assert row.sent_at is not None
    assert len(invitation_mails()) == 4
    assert row.attempts == 2


def test_two_workers_cannot_claim_the_same_row(world: World) -> None:
    convened(world)
    services.scan()
    first = invitations().first()
    second = Notification.objects.get(pk=first.pk)  # a second worker's copy
    now = timezone.now()
    assert services.claim(first, now)
    assert not services.claim(second, now)


class BrokenBackend:
    """A mail server that refuses everything."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: object) -> int:
        raise ConnectionRefusedError("SMTP 421 service not available")


def test_a_failing_mail_server_leaves_the_row_unsent_and_it_is_retried(
    world: World, settings: pytest.FixtureRequest
) -> None:
    convened(world)
    services.scan()
    settings.EMAIL_BACKEND = "tests.reminders.test_delivery.BrokenBackend"
    assert services.send_due() == 0
    row = invitations().first()
    assert row.sent_at is None
    assert "421" in row.last_error
    assert row.next_attempt_at > timezone.now()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.send_due() == 0  # waits for the retry time
    with time_machine.travel(row.next_attempt_at + dt.timedelta(seconds=1)):
        services.send_due()
    assert not invitations().filter(sent_at__isnull=True).exists()
    assert len(invitation_mails()) == 4


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[attr-defined]
        )
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_invitation_crosses_a_real_smtp_conversation_in_dutch_with_its_ics(
    world: World, settings: pytest.FixtureRequest
) -> None:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = False
        meeting = convened(world)
        services.scan()
        services.send_due()
    finally:
        controller.stop()
    # The subject says what the mail is about, and the text leads to the meeting's page.
    day = formats.date_format(timezone.localtime(meeting.starts_at), "j F")
    expected = f"Uitnodiging: Ruimte en mobiliteit, {day}"
    assert len([m for m in inbox.messages if m["Subject"] == expected]) == 4
    message = next(m for m in inbox.messages if m["To"] == world.cluster_chair.email)
    assert message["Subject"] == expected
    text = message.get_body(("plain",)).get_content()
    assert f"{settings.SITE_URL}/vergaderingen/{meeting.pk}/" in text
    assert "U bent uitgenodigd op Ruimte en mobiliteit" in text
    assert "Stadhuis Tielt" in text
    # The invitation carries the agenda.
    titles = [entry.item.title for entry in meeting.entries.order_by("position")]
    assert titles and f"1. {titles[0]}" in text
    html = message.get_body(("html",)).get_content()
    assert (
        f'<li><a href="{settings.SITE_URL}/vergaderingen/{meeting.pk}/">U bent uitgenodigd' in html
    )
    (calendar,) = [part for part in message.iter_attachments()]
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_filename() == f"vergadering-{meeting.pk}.ics"
    assert f"UID:meeting-{meeting.pk}@" in calendar.get_content()


@pytest.mark.django_db
def test_the_schedules_are_created_once_however_often_the_command_runs() -> None:
    call_command("setup_schedules")
    call_command("setup_schedules")
    assert sorted(Schedule.objects.values_list("name", "func")) == [
        ("daily-digests", "backend.reminders.tasks.send_daily_digests"),
        ("document-sweep", "backend.documents.tasks.sweep_orphan_files"),
        ("documents-due", "backend.documents.tasks.make_due_documents"),
        ("reminders", "backend.reminders.tasks.run_reminders"),
    ]
    for func in Schedule.objects.values_list("func", flat=True):
        module, name = func.rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), name)), func


def test_the_queue_is_configured_deliberately() -> None:
    q = settings.Q_CLUSTER
    assert q["timeout"] < q["retry"]
    assert 0 < q["max_attempts"] <= 5
    assert q["ack_failures"] is True
    assert q["catch_up"] is False


def test_a_wake_up_is_queued_after_a_convene_when_enabled(
    world: World, settings: pytest.FixtureRequest, django_capture_on_commit_callbacks
) -> None:
    from django_q.models import OrmQ

    settings.REMINDERS_WAKE_ON_TRANSITION = True
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "orm": "default"}
    settings.Q_CLUSTER.pop("redis", None)
    with django_capture_on_commit_callbacks(execute=True):
        convened(world)
    assert OrmQ.objects.count() == 1


def test_a_wake_up_is_queued_after_a_new_action_when_enabled(
    world: World, settings: pytest.FixtureRequest, django_capture_on_commit_callbacks
) -> None:
    from django_q.models import OrmQ

    from backend.followup.services import action_create

    item = world.prepared_item()
    world.meeting_in_session(item)
    fire(item, "approve", actor=world.cluster_chair, text="Ja.", consensus=True)
    settings.REMINDERS_WAKE_ON_TRANSITION = True
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "orm": "default"}
    settings.Q_CLUSTER.pop("redis", None)
    with django_capture_on_commit_callbacks(execute=True):
        action_create(
            actor=world.coordinator,
            item=item,
            title="Meteen gemeld",
            service=world.service,
            due_date=timezone.localdate(),
        )
    assert OrmQ.objects.count() == 1
