"""Queued tasks. django-q2 stores these dotted names in its schedules: never rename them."""

from __future__ import annotations

from backend.reminders import services


def run_reminders() -> str:
    """Scan for due reminders and send those that go out at once."""
    created = services.scan()
    sent = services.send_due()
    return f"{created} new, {sent} sent"


def send_daily_digests() -> str:
    """Send the daily digest to everyone who chose one."""
    return f"{services.send_due(digest=True)} sent in digests"
