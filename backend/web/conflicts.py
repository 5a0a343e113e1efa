"""Conflicts of interest on the meeting page (art. 27 DLB): per agenda entry who takes no
part in it, and who may report or remove one (the forms' requests: `conflict_pages`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from backend.meetings.models import AgendaEntry, Attendance, Conflict, Meeting
from backend.meetings.services import (
    CONFLICT_REASON_MAX,
    CONFLICTS,
    CONFLICTS_REMOVE,
    may_record_conflicts,
)
from backend.organisations.models import Membership, Person
from workflows.engine import may_edit
from workflows.states import MeetingState


def people_for_conflicts(user: Any, meeting: Meeting) -> list[Person]:
    """Whom the person may report a conflict for: members present (in session) or expected
    (convened: not excused or absent); only themself unless they record for others."""
    day = timezone.localdate(meeting.starts_at)
    members = Person.objects.filter(
        pk__in=Membership.objects.active(day).filter(body=meeting.body_id).values("person")
    )
    if meeting.state == MeetingState.IN_SESSION:
        members = members.filter(
            pk__in=meeting.attendances.filter(status=Attendance.Status.PRESENT).values("person")
        )
    else:
        members = members.exclude(
            pk__in=meeting.attendances.exclude(status=Attendance.Status.PRESENT).values("person")
        )
    if not may_record_conflicts(user, meeting):
        members = members.filter(pk=user.pk)
    return list(members.order_by("last_name", "first_name", "pk"))


def conflicts_context(
    user: Any, meeting: Meeting, entries: Iterable[AgendaEntry]
) -> dict[str, Any]:
    """Put each entry's conflicts on it (`entry.conflicts_shown`), and say who may report
    or remove one on the page."""
    entries = list(entries)
    by_entry: dict[int, list[Conflict]] = {}
    for conflict in Conflict.objects.filter(entry__in=entries).select_related("person"):
        by_entry.setdefault(conflict.entry_id, []).append(conflict)
    for entry in entries:
        entry.conflicts_shown = by_entry.get(entry.pk, [])  # type: ignore[attr-defined]
    may_declare = may_edit(meeting, CONFLICTS, actor=user)
    return {
        "may_declare_conflict": may_declare,
        "may_remove_conflict": may_edit(meeting, CONFLICTS_REMOVE, actor=user),
        "conflict_people": people_for_conflicts(user, meeting) if may_declare else [],
        "conflict_reason_max": CONFLICT_REASON_MAX,
    }
