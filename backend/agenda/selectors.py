"""Reads about agenda items and decisions, limited to what a person may see.

These querysets say in SQL what `workflows.predicates.can_view_item` says per
object; a test holds the two together.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.utils.translation import ngettext

from backend.agenda.models import AgendaItem, Decision
from backend.audit.models import TransitionLog
from backend.meetings.models import AgendaEntry
from backend.organisations.selectors import in_region, within_a_region
from workflows.predicates import IN_THE_GROUP, roles_of

DECIDING_STEPS = ("approve", "reject")
"""The steps that decide an item; what the chair says with one stays with the decision."""


def tally_parts(decision: Decision) -> list[str]:
    """The counts of a decision's vote in words, with their plural forms ("3 votes for",
    "1 vote against", "1 abstention"); none for a decision by consensus. Whether the vote
    was secret or by consensus the caller says in its own way."""
    if decision.consensus:
        return []
    tally = decision.tally
    return [
        ngettext("%(number)d vote for", "%(number)d votes for", tally["for"])
        % {"number": tally["for"]},
        ngettext("%(number)d vote against", "%(number)d votes against", tally["against"])
        % {"number": tally["against"]},
        ngettext("%(number)d abstention", "%(number)d abstentions", tally["abstain"])
        % {"number": tally["abstain"]},
    ]


def chair_remark() -> Subquery:
    """For a queryset of decisions: the comment given with the step that decided the item,
    if any."""
    steps = TransitionLog.objects.steps().filter(
        content_type=ContentType.objects.get_for_model(AgendaItem),
        object_id=Cast(OuterRef("item_id"), output_field=CharField()),
        transition__in=DECIDING_STEPS,
    )
    return Subquery(steps.exclude(comment="").order_by("-at").values("comment")[:1])


def items_visible_to(user: Any) -> QuerySet[AgendaItem]:
    """Return the agenda items the person may see."""
    items = in_region(AgendaItem.objects.all(), user, "intervision_group__region")
    if not within_a_region(user) or user.is_coordinator:
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


def chain_of(item: AgendaItem, user: Any) -> list[AgendaItem]:
    """The road of a decision through the bodies: the item it started as, then every item
    it was forwarded as, in order; only what the person may see."""
    chain = road_of(item)
    visible = set(
        items_visible_to(user).filter(pk__in=[i.pk for i in chain]).values_list("pk", flat=True)
    )
    return [link for link in chain if link.pk in visible]


def road_of(item: AgendaItem) -> list[AgendaItem]:
    """The item a decision started as, then every item it was forwarded as, oldest first,
    whoever may see them (callers filter)."""
    origin = item
    seen = {origin.pk}
    while origin.forwarded_from_id is not None:
        earlier = AgendaItem.objects.select_related("forwarded_from__item").get(pk=origin.pk)
        origin = earlier.forwarded_from.item  # type: ignore[union-attr]
        if origin.pk in seen:
            break
        seen.add(origin.pk)
    chain, frontier = [origin], [origin]
    while frontier:
        following = list(
            AgendaItem.objects.filter(forwarded_from__item__in=frontier)
            .exclude(pk__in=[i.pk for i in chain])
            .order_by("created_at", "id")
        )
        chain += following
        frontier = following
    return list(
        AgendaItem.objects.filter(pk__in=[i.pk for i in chain])
        .select_related("target_cluster", "intervision_group", "decision__body")
        .order_by("created_at", "id")
    )
