"""Meetings as iCalendar (.ics): one meeting for an invitation or a download, and a
person's feed of the meetings of their bodies for their own calendar program."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Calendar, Event

from backend.meetings.models import Meeting
from workflows.states import MeetingState

DEFAULT_LENGTH = dt.timedelta(hours=2)
DOMAIN = "midwest.invalid"


def _event(meeting: Meeting, *, with_agenda: bool = False) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{DOMAIN}")
    event.add("summary", f"{meeting.body.name} ({meeting.body.code})")
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.starts_at + DEFAULT_LENGTH)
    event.add("dtstamp", timezone.now())
    event.add("sequence", meeting.version)
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.state == MeetingState.CANCELLED:
        event.add("status", "CANCELLED")
    link = settings.SITE_URL.rstrip("/") + f"/vergaderingen/{meeting.pk}/"
    event.add("url", link)
    if with_agenda:
        event.add("description", agenda_text(meeting, link))
    return event


def agenda_lines(meeting: Meeting) -> list[str]:
    """The agenda as an invitation holds it: the titles of the entries, in order (one in
    closed session or confidential only counted: the invitation leaves the product)."""
    lines = []
    hidden = 0
    for entry in meeting.entries.select_related("item").order_by("position"):
        if entry.confidential:
            hidden += 1
        else:
            lines.append(f"{entry.position}. {entry.item.title}")
    if hidden:
        lines.append(
            ngettext("and %(n)d confidential item", "and %(n)d confidential items", hidden)
            % {"n": hidden}
        )
    return lines


def agenda_text(meeting: Meeting, link: str) -> str:
    """The agenda and the link, as the invitation's calendar entry describes it."""
    lines = [_("Agenda:"), *agenda_lines(meeting)]
    lines += ["", _("Everything for this meeting: %(link)s") % {"link": link}]
    return "\n".join(lines)


def calendar_ics(meetings: Iterable[Meeting], *, name: str = "Midwest") -> bytes:
    """Return the meetings as one calendar (cancelled ones marked as such)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Midwest//Besluitvorming//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        calendar.add_component(_event(meeting, with_agenda=True))
    return calendar.to_ical()


def meeting_ics(meeting: Meeting) -> bytes:
    """Return one meeting as a calendar, for an invitation or a download."""
    calendar = Calendar()
    calendar.add("prodid", "-//Midwest//Besluitvorming//NL")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if meeting.state == MeetingState.CANCELLED else "PUBLISH")
    calendar.add_component(_event(meeting, with_agenda=True))
    return calendar.to_ical()
