"""A meeting as an iCalendar event (.ics), for invitations and calendars."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from icalendar import Calendar, Event

from backend.meetings.models import Meeting

DEFAULT_LENGTH = dt.timedelta(hours=2)


def meeting_ics(meeting: Meeting, *, domain: str = "midwest.invalid") -> bytes:
    """Return the meeting as a one-event calendar; a cancelled meeting says so."""
    calendar = Calendar()
    calendar.add("prodid", "-//Midwest//Besluitvorming//NL")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if meeting.state == "cancelled" else "PUBLISH")
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{domain}")
    event.add("summary", f"{meeting.body.name} ({meeting.body.code})")
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.starts_at + DEFAULT_LENGTH)
    event.add("dtstamp", timezone.now())
    event.add("sequence", meeting.version)
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.state == "cancelled":
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    return calendar.to_ical()
