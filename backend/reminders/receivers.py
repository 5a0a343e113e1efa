"""Wake the reminder worker after the changes that bring reminders with them: some
transitions, and a new action (whoever carries it out hears of it at once)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django_q.tasks import async_task

from backend.followup.models import Action
from workflows.engine import transition_committed
from workflows.machine import Firing

WAKING = {"convene", "close", "cancel", "approve"}


@receiver(transition_committed, dispatch_uid="reminders.wake")
def wake_worker(sender: type, firing: Firing, **kwargs: Any) -> None:
    """Queue a reminder run now instead of waiting for the next minute's scan."""
    if settings.REMINDERS_WAKE_ON_TRANSITION and firing.name in WAKING:
        wake()


def wake() -> None:
    async_task("backend.reminders.tasks.run_reminders", task_name="reminders-wake")


@receiver(post_save, sender=Action, dispatch_uid="reminders.wake-on-new-action")
def wake_for_new_action(sender: type, instance: Action, created: bool, **kwargs: Any) -> None:
    """A new action: run the reminders once it is committed, so its assignee is told now."""
    if created and settings.REMINDERS_WAKE_ON_TRANSITION:
        transaction.on_commit(wake)
