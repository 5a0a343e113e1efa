"""Reads about agenda items and decisions, limited to what a person may see.

These querysets say in SQL what `workflows.predicates.can_view_item` says per
object; a test holds the two together.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from backend.agenda.models import AgendaItem, Decision
from backend.meetings.models import AgendaEntry
from workflows.predicates import IN_THE_GROUP, roles_of


def items_visible_to(user: Any) -> QuerySet[AgendaItem]:
    """Return the agenda items the person may see."""
    items = AgendaItem.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return items.none()
    if user.is_superuser:
        return items
    if user.region_id is None:
        return items.none()
    items = items.filter(intervision_group__region=user.region_id)
    if user.is_coordinator:
        return items
    bodies = list(roles_of(user).by_body)
    on_their_meetings = AgendaEntry.objects.filter(item=OuterRef("pk"), meeting__body__in=bodies)
    return items.filter(
        Q(confidential=False)
        | Q(author=user)
        | Q(intervision_group__in=bodies)
        | (Q(target_cluster__in=bodies) & ~Q(state__in=IN_THE_GROUP))
        | Exists(on_their_meetings)
    )


def decisions_visible_to(user: Any) -> QuerySet[Decision]:
    """Return the decisions on items the person may see."""
    return Decision.objects.filter(item__in=items_visible_to(user))


def entries_visible_to(user: Any, meeting: Any) -> QuerySet[AgendaEntry]:
    """Return a meeting's agenda entries whose items the person may see, in agenda order."""
    return (
        AgendaEntry.objects.filter(meeting=meeting, item__in=items_visible_to(user))
        .select_related("item")
        .order_by("position")
    )
