"""Create (or bring up to date) the django-q2 schedules; idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from django_q.models import Schedule

SCHEDULES: list[dict[str, Any]] = [
    {
        "name": "reminders",
        "func": "backend.reminders.tasks.run_reminders",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
    {
        "name": "daily-digests",
        "func": "backend.reminders.tasks.send_daily_digests",
        "schedule_type": Schedule.DAILY,
        "first_run": dt.time(7, 0),
    },
    {
        "name": "documents-due",
        "func": "backend.documents.tasks.make_due_documents",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
    {
        "name": "document-sweep",
        "func": "backend.documents.tasks.sweep_orphan_files",
        "schedule_type": Schedule.DAILY,
        "first_run": dt.time(3, 30),
    },
]


def next_at(time: dt.time) -> dt.datetime:
    """Return the next moment at that local time."""
    now = timezone.localtime()
    moment = now.replace(hour=time.hour, minute=time.minute, second=0, microsecond=0)
    return moment if moment > now else moment + dt.timedelta(days=1)


class Command(BaseCommand):
    help = "Create the schedules of django-q2: reminders, digests, sweep (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        for spec in SCHEDULES:
            values = dict(spec)
            name = values.pop("name")
            first_run = values.pop("first_run", None)
            schedule, created = Schedule.objects.get_or_create(name=name, defaults=values)
            changed = created
            for field, value in values.items():
                if getattr(schedule, field) != value:
                    setattr(schedule, field, value)
                    changed = True
            if created and first_run is not None:
                schedule.next_run = next_at(first_run)
            if changed:
                schedule.save()
            self.stdout.write(f"{'created' if created else 'kept'}: {name}")
