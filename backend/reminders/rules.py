"""The building blocks the kinds of reminder share: a due reminder, the morning of a day,
who sits where, the scan's anti-join, lead times, and who may see what.

The kinds themselves (when each is due, to whom, whether it still makes sense, what it
says) are in `backend.reminders.kinds`, one object each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, Max, Min, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone

from backend.followup.models import Action
from backend.organisations.models import Body, Membership, Person, Region
from backend.reminders.models import Notification
from workflows.engine import can_view
from workflows.states import ActionState

Kind = Notification.Kind
MORNING = dt.time(8, 0)


@dataclass(frozen=True)
class Due:
    recipient_id: int
    kind: str
    obj: Any
    due_at: dt.datetime


def at_morning(day: dt.date) -> dt.datetime:
    """Return 08:00 in Brussels on that day: reminders about days go out in the morning."""
    return timezone.make_aware(dt.datetime.combine(day, MORNING))


def not_yet(kind: str, model: type) -> Any:
    """Objects without a reminder of that kind yet: the scan reads only what is new
    (an anti-join on the notifications' (kind, object) index)."""
    return ~Exists(
        Notification.objects.filter(
            kind=kind,
            content_type=ContentType.objects.get_for_model(model),
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
        )
    )


def longest_lead(name: str) -> int:
    """Return the longest lead time of that name in any region or body."""
    values = [
        Region.objects.aggregate(m=Max(name))["m"] or 0,
        Body.objects.aggregate(m=Max(name))["m"] or 0,
    ]
    return max(values)


def min_lead(name: str) -> int:
    """Return the shortest lead time of that name in any region or body."""
    values = [
        v
        for v in (
            Region.objects.aggregate(m=Min(name))["m"],
            Body.objects.aggregate(m=Min(name))["m"],
        )
        if v is not None
    ]
    return min(values) if values else 0


# --- Who sits where -------------------------------------------------------------------------


def members(body_ids: list[int], day: dt.date | None = None) -> dict[int, set[int]]:
    """Return, per body, the ids of its members on that day."""
    out: dict[int, set[int]] = {}
    for body, person in (
        Membership.objects.active(day).filter(body__in=body_ids).values_list("body_id", "person_id")
    ):
        out.setdefault(body, set()).add(person)
    return out


def coordinators_by_region() -> dict[int, list[int]]:
    """Return, per region, the ids of its active coordinators."""
    out: dict[int, list[int]] = {}
    for region, person in Person.objects.filter(is_coordinator=True, is_active=True).values_list(
        "region_id", "pk"
    ):
        out.setdefault(region, []).append(person)
    return out


# --- Actions --------------------------------------------------------------------------------


def open_actions() -> Any:
    return Action.objects.filter(state__in=ActionState.unfinished()).select_related(
        "item__target_cluster__region", "item__intervision_group__region"
    )


def lead(action: Action, name: str) -> int:
    body = action.item.target_cluster or action.item.intervision_group
    return body.lead_days(name)


# --- At send time ---------------------------------------------------------------------------


def may_see(person: Person, obj: Any) -> bool:
    """Whether the person may see what a reminder is about: nothing of an object goes to
    someone who may not see it, whatever the kind of reminder."""
    if isinstance(obj, Region):
        return person.is_active and (person.is_superuser or person.region_id == obj.pk)
    return can_view(obj, person)
