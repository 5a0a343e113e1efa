"""Reads about meetings: quorum and the members who count for it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from backend.meetings.models import AgendaEntry, Attendance, Conflict, Meeting
from backend.organisations.models import Membership, Person
from backend.organisations.selectors import in_region


@dataclass(frozen=True)
class Quorum:
    """The member municipalities of a meeting's body, those present, and how many must be."""

    members: frozenset[int]
    present: frozenset[int]
    required: int

    @property
    def reached(self) -> bool:
        return len(self.present) >= self.required


def member_municipalities(meeting: Meeting) -> frozenset[int]:
    """Return the municipalities represented in the body on the day of the meeting."""
    day = timezone.localdate(meeting.starts_at)
    return frozenset(
        Membership.objects.active(day)
        .filter(body=meeting.body_id, municipality__isnull=False)
        .values_list("municipality_id", flat=True)
    )


def present_municipalities(
    meeting: Meeting, entry: AgendaEntry | None = None, *, conflicts: bool = True
) -> frozenset[int]:
    """Return the municipalities represented by a member (or substitute) recorded as
    present; for an entry: by one there when it was treated (not gone yet, already
    arrived) and, unless `conflicts` is false, without a conflict of interest on it."""
    present = meeting.attendances.filter(status="present", municipality__isnull=False)
    if entry is not None:
        present = present.filter(Attendance.present_for_q(entry.position))
    if entry is not None and conflicts:
        present = present.exclude(person__in=Conflict.objects.filter(entry=entry).values("person"))
    return frozenset(present.values_list("municipality_id", flat=True))


def quorum_of(meeting: Meeting, entry: AgendaEntry | None = None) -> Quorum:
    """Return the quorum of a meeting (default: a majority of the member municipalities);
    for one of its entries, who has a conflict of interest on it is not counted."""
    members = member_municipalities(meeting)
    required = meeting.body.quorum or (len(members) // 2 + 1)
    return Quorum(
        members=members,
        present=present_municipalities(meeting, entry) & members,
        required=required,
    )


def meetings_visible_to(user: Any) -> QuerySet[Meeting]:
    """Return the meetings of the person's region (every meeting for an administrator)."""
    return in_region(Meeting.objects.all(), user, "body__region")


FEED_PAST = dt.timedelta(days=90)


def feed_meetings(person: Any) -> QuerySet[Meeting]:
    """Return the meetings of the bodies the person belongs to, from 90 days ago on."""
    bodies = Membership.objects.active().filter(person=person).values("body")
    return (
        Meeting.objects.filter(body__in=bodies, starts_at__gte=timezone.now() - FEED_PAST)
        .select_related("body")
        .order_by("starts_at")
    )


def chairs_present(meeting: Meeting) -> QuerySet[Person]:
    """Return the chairs of the meeting's body recorded as present, the longest-serving
    first: who may preside, the first one by default."""
    day = timezone.localdate(meeting.starts_at)
    chairs = Membership.objects.active(day).filter(
        body=meeting.body_id, role=Membership.Role.CHAIR, person=OuterRef("pk")
    )
    present = meeting.attendances.filter(status="present").values("person")
    return (
        Person.objects.filter(pk__in=present)
        .filter(Exists(chairs))
        .annotate(
            serving_since=Subquery(chairs.order_by("start_date", "pk").values("start_date")[:1]),
            membership=Subquery(chairs.order_by("start_date", "pk").values("pk")[:1]),
        )
        .order_by("serving_since", "membership")
    )


def secretaries_possible(meeting: Meeting) -> QuerySet[Person]:
    """Return who may be the meeting's secretary: a secretary of its body on the day of the
    meeting, or a coordinator of its region."""
    day = timezone.localdate(meeting.starts_at)
    secretaries = Membership.objects.active(day).filter(
        body=meeting.body_id, role=Membership.Role.SECRETARY
    )
    region = meeting.body.region_id
    return (
        Person.objects.filter(is_active=True)
        .filter(Q(pk__in=secretaries.values("person")) | Q(is_coordinator=True, region=region))
        .order_by("last_name", "first_name", "pk")
    )


def conflicts_of(entry: AgendaEntry) -> QuerySet[Conflict]:
    """Return the conflicts of interest recorded on an entry, by name."""
    return Conflict.objects.filter(entry=entry).select_related("person", "recorded_by")


def barred_municipalities(entry: AgendaEntry) -> frozenset[int]:
    """Return the municipalities present for the entry whose every member there has a
    conflict of interest on it: they do not vote on it."""
    meeting = entry.meeting
    return present_municipalities(meeting, entry, conflicts=False) - present_municipalities(
        meeting, entry
    )
