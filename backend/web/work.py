""" "Mijn werk": what waits for a person, derived from the same rules as the buttons.

Work is a step the person may take now (the button the object's page shows them), except
the ways out (withdrawing, cancelling) and the optional steps (forwarding a decision to
another body), and only where it is theirs to take: a draft is the work of its author and
of the chair of its group, not of every member who may submit it; a planned meeting is
work once it comes near; a ratification is the work of its municipality's general
director, and a mayor sees it as waiting for them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from backend.agenda.selectors import items_visible_to
from backend.followup.selectors import actions_visible_to, ratifications_visible_to
from backend.meetings.models import Meeting
from backend.meetings.selectors import feed_meetings, meetings_visible_to
from backend.organisations.models import Membership, Person
from backend.web.transitions import TransitionForm, forms_for
from workflows import predicates as can
from workflows.states import ActionState, ItemState, MeetingState, RatificationState

WAYS_OUT = {"withdraw", "cancel"}
OPTIONAL = {"forward"}
NEAR = dt.timedelta(days=21)
"""A planned meeting is work (to convene) from three weeks before it."""


def is_work(name: str) -> bool:
    """Whether a step is work that waits (not a way out, not optional)."""
    return name not in WAYS_OUT and name not in OPTIONAL


def work_steps(obj: Any, person: Any) -> list[TransitionForm]:
    """The steps of the object that wait for the person, as the page offers them."""
    return [t for t in forms_for(obj, person) if is_work(t.name)]


def draft_is_theirs(item: Any, person: Any) -> bool:
    """A draft waits for its author and for the chair of its group."""
    return item.author_id == person.pk or bool(can.is_group_chair(person, item))


@dataclass
class Work:
    items: list[tuple[Any, list[TransitionForm]]] = field(default_factory=list)
    meetings: list[tuple[Meeting, list[TransitionForm]]] = field(default_factory=list)
    minutes_waiting: list[Meeting] = field(default_factory=list)
    ratifications: list[tuple[Any, list[TransitionForm]]] = field(default_factory=list)
    ratifications_for_director: list[Any] = field(default_factory=list)
    actions: list[Any] = field(default_factory=list)
    next_meetings: list[Meeting] = field(default_factory=list)


def item_work(person: Person) -> list[tuple[Any, list[TransitionForm]]]:
    items = (
        items_visible_to(person)
        .exclude(state__in=ItemState.finished())
        .select_related("target_cluster", "intervision_group")
        .order_by("-updated_at")[:200]
    )
    found = []
    for item in items:
        if item.state == ItemState.DRAFT and not draft_is_theirs(item, person):
            continue
        if steps := work_steps(item, person):
            found.append((item, steps))
    return found


def meeting_work(person: Person, now: dt.datetime) -> list[tuple[Meeting, list[TransitionForm]]]:
    meetings = (
        meetings_visible_to(person)
        .filter(state__in=MeetingState.unfinished())
        .exclude(state=MeetingState.PLANNED, starts_at__gt=now + NEAR)
        .select_related("body")
        .order_by("starts_at")[:100]
    )
    return [(m, steps) for m in meetings if (steps := work_steps(m, person))]


def minutes_waiting(person: Person) -> list[Meeting]:
    """Closed meetings whose minutes wait for the chair's approval, for who runs them
    (the coordinator, the body's secretary) and cannot approve them."""
    return [
        m
        for m in meetings_visible_to(person)
        .filter(state=MeetingState.CLOSED)
        .select_related("body")
        .order_by("starts_at")[:50]
        if can.can_run_meeting(person, m) and not can.can_approve_minutes(person, m)
    ]


def ratification_work(person: Person) -> tuple[list[tuple[Any, list[TransitionForm]]], list[Any]]:
    """The pending ratifications of the person's municipality: to record, for its general
    director; waiting for the general director, for the others who follow them (mayors)."""
    if not person.municipality_id:
        return [], []
    pending = (
        ratifications_visible_to(person)
        .filter(state=RatificationState.PENDING, municipality=person.municipality_id)
        .select_related("decision__item", "municipality")
        .order_by("decision__decided_at")[:50]
    )
    if person.function == Person.Function.GENERAL_DIRECTOR:
        return [(r, steps) for r in pending if (steps := work_steps(r, person))], []
    if person.function == Person.Function.MAYOR:
        return [], list(pending)
    return [], []


def work_of(person: Person) -> Work:
    """Everything that waits for the person now."""
    now = timezone.now()
    to_record, for_director = ratification_work(person)
    upcoming = (
        meetings_visible_to(person).select_related("body")
        if person.is_coordinator
        else feed_meetings(person)
    )
    return Work(
        items=item_work(person)[:25],
        meetings=meeting_work(person, now),
        minutes_waiting=minutes_waiting(person),
        ratifications=to_record,
        ratifications_for_director=for_director,
        actions=list(
            actions_visible_to(person)
            .filter(state__in=ActionState.unfinished())
            .filter(Q(assignee=person) | Q(service__isnull=False, service=person.service_id))
            .select_related("item", "service")
            .order_by("due_date")[:50]
        ),
        next_meetings=list(
            upcoming.filter(starts_at__gte=now)
            .exclude(state=MeetingState.CANCELLED)
            .order_by("starts_at")[:5]
        ),
    )


def names(people: Any) -> str:
    return ", ".join(p.get_full_name() or p.username for p in people) or "?"


def who_acts_next(item: Any) -> str:
    """One sentence that says who must take the item's next step."""
    state = item.state
    if state == ItemState.DRAFT:
        return _("Next: %(author)s submits it to %(group)s.") % {
            "author": names([item.author]),
            "group": item.intervision_group.name,
        }
    if state in (ItemState.SUBMITTED, ItemState.IN_PREPARATION):
        chairs = Person.objects.filter(
            pk__in=Membership.objects.active()
            .filter(body=item.intervision_group_id, role=Membership.Role.CHAIR)
            .values("person")
        )
        return _("Next: the chair of %(group)s (%(chairs)s) prepares it.") % {
            "group": item.intervision_group.name,
            "chairs": names(chairs),
        }
    if state == ItemState.PREPARED:
        return _("Next: the coordinator puts it on an agenda of %(cluster)s.") % {
            "cluster": item.target_cluster.name if item.target_cluster else "?"
        }
    if state == ItemState.SCHEDULED and (entry := item.current_entry()) is not None:
        return _("Next: %(body)s decides on it on %(day)s.") % {
            "body": entry.meeting.body.name,
            "day": formats.date_format(timezone.localtime(entry.meeting.starts_at), "j F Y"),
        }
    if state == ItemState.APPROVED:
        return _("Next: the coordinator hands out the actions and starts the execution.")
    if state == ItemState.IN_EXECUTION:
        return _(
            "Next: the actions are carried out; the coordinator completes the item when they "
            "are done."
        )
    return ""
