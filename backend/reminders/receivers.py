"""Wake the reminder worker after transitions that bring reminders with them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.dispatch import receiver
from django_q.tasks import async_task

from workflows.engine import transition_committed
from workflows.machine import Firing

WAKING = {"convene", "close", "cancel", "approve"}


@receiver(transition_committed, dispatch_uid="reminders.wake")
def wake_worker(sender: type, firing: Firing, **kwargs: Any) -> None:
    """Queue a reminder run now instead of waiting for the next minute's scan."""
    if settings.REMINDERS_WAKE_ON_TRANSITION and firing.name in WAKING:
        async_task("backend.reminders.tasks.run_reminders", task_name="reminders-wake")
