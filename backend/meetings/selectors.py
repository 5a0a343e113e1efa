"""Reads about meetings: quorum and the members who count for it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from backend.meetings.models import Meeting
from backend.organisations.models import Membership
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


def present_municipalities(meeting: Meeting) -> frozenset[int]:
    """Return the municipalities represented by a member recorded as present."""
    return frozenset(
        meeting.attendances.filter(status="present", municipality__isnull=False).values_list(
            "municipality_id", flat=True
        )
    )


def quorum_of(meeting: Meeting) -> Quorum:
    """Return the quorum of a meeting (default: a majority of the member municipalities)."""
    members = member_municipalities(meeting)
    required = meeting.body.quorum or (len(members) // 2 + 1)
    return Quorum(
        members=members, present=present_municipalities(meeting) & members, required=required
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
