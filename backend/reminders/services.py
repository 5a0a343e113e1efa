"""The reminder machinery: a scan that writes due rows, a sender that claims and sends.

Delivery semantics: the Notification row is the truth. The scan inserts due rows with
ON CONFLICT DO NOTHING on (recipient, kind, object, due time), so scans may repeat, run
at once or run late without duplicates. The sender claims a row with a compare-and-set
UPDATE before it sends and marks it sent right after; a claim older than the claim timeout
(a worker that died between claim and send) is taken again. An e-mail can therefore be
sent twice only if a worker dies in the instant between the mail server's acceptance and
the UPDATE that marks the row sent; nothing is ever lost.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q
from django.utils import timezone

from backend.organisations.models import Person
from backend.reminders import delivery, kinds
from backend.reminders.models import Notification

log = logging.getLogger(__name__)

BATCH = 200


def claim_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=settings.REMINDERS_CLAIM_TIMEOUT)


def scan(now: dt.datetime | None = None) -> int:
    """Write a row for every reminder whose time has come; return how many are new."""
    now = now or timezone.now()
    types: dict[type, ContentType] = {}
    rows = []
    for due in kinds.due(now):
        model = type(due.obj)
        if model not in types:
            types[model] = ContentType.objects.get_for_model(model)
        rows.append(
            Notification(
                recipient_id=due.recipient_id,
                kind=due.kind,
                content_type=types[model],
                object_id=str(due.obj.pk),
                due_at=due.due_at,
            )
        )
    before = Notification.objects.count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return Notification.objects.count() - before


def waiting(now: dt.datetime) -> Q:
    """Rows that are due, neither sent nor dropped, unclaimed (or claimed too long ago)
    and not waiting for a retry."""
    return (
        Q(due_at__lte=now, sent_at__isnull=True, dropped_at__isnull=True)
        & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_timeout()))
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    )


def claim(notification: Notification, now: dt.datetime) -> bool:
    """Take the row for this worker: compare-and-set on the claim it was read with."""
    taken = Notification.objects.filter(
        pk=notification.pk, claimed_at=notification.claimed_at, sent_at__isnull=True
    ).update(claimed_at=now, attempts=F("attempts") + 1)
    if taken:
        notification.claimed_at = now
    return taken == 1


def deliver(notifications: list[Notification], now: dt.datetime) -> int:
    """Send claimed rows of one person as one e-mail; return how many were sent."""
    relevant = []
    for notification in notifications:
        if kinds.still_relevant(notification, now):
            relevant.append(notification)
        else:
            Notification.objects.filter(pk=notification.pk).update(dropped_at=now)
    if not relevant:
        return 0
    ids = [n.pk for n in relevant]
    try:
        delivery.send(delivery.compose(relevant))
    except Exception as error:
        log.warning("reminder delivery failed for %s: %s", ids, error)
        attempts = max(n.attempts for n in relevant) + 1
        Notification.objects.filter(pk__in=ids).update(
            claimed_at=None,
            last_error=str(error)[:2000],
            next_attempt_at=now + dt.timedelta(minutes=min(60, 2**attempts)),
        )
        return 0
    Notification.objects.filter(pk__in=ids).update(sent_at=timezone.now(), last_error="")
    return len(relevant)


def claimed(candidates: Iterable[Notification], now: dt.datetime) -> list[Notification]:
    return [n for n in candidates if claim(n, now)]


def send_due(now: dt.datetime | None = None, *, digest: bool = False) -> int:
    """Send what is due: one e-mail per reminder for people who want them at once, or
    (with `digest`) one e-mail per person for those who chose a daily digest."""
    now = now or timezone.now()
    mode = Person.Delivery.DAILY if digest else Person.Delivery.IMMEDIATE
    candidates = list(
        Notification.objects.filter(waiting(now), recipient__delivery=mode)
        .select_related("recipient", "content_type")
        .order_by("due_at", "id")[:BATCH]
    )
    sent = 0
    if digest:
        by_person: dict[int, list[Notification]] = defaultdict(list)
        for notification in claimed(candidates, now):
            by_person[notification.recipient_id].append(notification)
        for notifications in by_person.values():
            sent += deliver(notifications, now)
        return sent
    for notification in candidates:
        if claim(notification, now):
            sent += deliver([notification], now)
    return sent


def mark_read(person: Person, ids: Iterable[int] | None = None) -> int:
    """Mark the person's notifications read (all of them when no ids are given)."""
    rows = Notification.objects.filter(recipient=person, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())
