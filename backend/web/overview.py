"""The coordinator's overview: where every item is, the follow-up board and the
ratification matrix. Reads only, limited to what the person may see."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from backend.agenda.models import AgendaItem
from backend.agenda.selectors import items_visible_to
from backend.audit.models import TransitionLog
from backend.followup.models import Action
from backend.followup.selectors import actions_visible_to, ratification_matrix
from backend.meetings.models import AgendaEntry, Meeting
from backend.meetings.selectors import meetings_visible_to
from backend.meetings.terms import open_terms
from workflows.predicates import IN_THE_GROUP
from workflows.states import ActionState, ItemState, MeetingState, RatificationState

OPEN_STATES = [
    state
    for state in ItemState.values
    if state not in (ItemState.COMPLETED, ItemState.WITHDRAWN, ItemState.REJECTED)
]


@dataclass
class BodyRow:
    """One body's open items, counted per state."""

    name: str
    counts: dict[str, int] = field(default_factory=dict)

    def cells(self) -> list[int]:
        return [self.counts.get(state, 0) for state in OPEN_STATES]


def open_items(user: Any) -> QuerySet[AgendaItem]:
    """The open items with the moment they reached their state and their next deadline."""
    meeting_date = (
        AgendaEntry.objects.filter(item=OuterRef("pk"), outcome=AgendaEntry.Outcome.PENDING)
        .order_by("meeting__starts_at")
        .values("meeting__starts_at")[:1]
    )
    submission_deadline = (
        Meeting.objects.filter(
            body=OuterRef("target_cluster"),
            state=MeetingState.PLANNED,
            submission_deadline__gte=timezone.now(),
        )
        .order_by("submission_deadline")
        .values("submission_deadline")[:1]
    )
    action_due = (
        Action.objects.filter(item=OuterRef("pk"), state__in=ActionState.unfinished())
        .order_by("due_date")
        .values("due_date")[:1]
    )
    return (
        items_visible_to(user)
        .filter(state__in=OPEN_STATES)
        .select_related("intervision_group", "target_cluster")
        .only("title", "state", "created_at", "intervision_group__name", "target_cluster__name")
        .annotate(
            since=Coalesce(TransitionLog.objects.last_at(AgendaItem), F("created_at")),
            meeting_at=Subquery(meeting_date, output_field=DateTimeField()),
            submit_before=Subquery(submission_deadline, output_field=DateTimeField()),
            action_due=Subquery(action_due),
        )
        .order_by()  # the caller sorts; an order here makes PostgreSQL walk every region's items
    )


def next_deadline(item: Any) -> dt.date | dt.datetime | None:
    """What the item waits for next: its meeting, the submission deadline, an action."""
    if item.state == ItemState.SCHEDULED:
        return item.meeting_at  # type: ignore[no-any-return]
    if item.state == ItemState.PREPARED:
        return item.submit_before  # type: ignore[no-any-return]
    if item.state in (ItemState.APPROVED, ItemState.IN_EXECUTION):
        return item.action_due  # type: ignore[no-any-return]
    return None


def where_items_are(user: Any) -> tuple[list[BodyRow], list[dict[str, Any]]]:
    """Open items counted per body (the group before endorsement, the cluster after) and
    state, and every open item with its days in that state, longest waiting first."""
    now = timezone.now()
    rows: dict[str, BodyRow] = {}
    waiting = []
    for item in open_items(user):
        body = item.intervision_group if item.state in IN_THE_GROUP else item.target_cluster
        name = body.name if body else "—"
        row = rows.setdefault(name, BodyRow(name))
        row.counts[item.state] = row.counts.get(item.state, 0) + 1
        waiting.append(
            {
                "item": item,
                "body": name,
                "days": (now - item.since).days,  # type: ignore[attr-defined]
                "deadline": next_deadline(item),
            }
        )
    waiting.sort(key=lambda row: (-row["days"], row["item"].pk))
    return sorted(rows.values(), key=lambda row: row.name), waiting


@dataclass
class Board:
    """The follow-up board: unfinished actions by state, overdue first, and counts."""

    columns: list[tuple[str, str, list[Action]]]
    per_service: list[dict[str, Any]]
    per_municipality: list[dict[str, Any]]


def follow_up_board(user: Any) -> Board:
    today = timezone.localdate()
    unfinished = actions_visible_to(user).filter(state__in=ActionState.unfinished())
    late = Q(due_date__lt=today)
    actions = list(
        unfinished.select_related("item", "service", "assignee")
        .prefetch_related("municipalities", "item__municipalities")
        .order_by("due_date")
    )
    columns = [
        (
            state,
            str(label),
            sorted(
                (a for a in actions if a.state == state),
                key=lambda a: (a.due_date >= today, a.due_date, a.pk),
            ),
        )
        for state, label in ActionState.choices
        if state in ActionState.unfinished()
    ]
    per_service = list(
        unfinished.values(
            name=Coalesce(
                "service__name",
                Concat("assignee__first_name", Value(" "), "assignee__last_name"),
            )
        )
        .annotate(open=Count("id", distinct=True), overdue=Count("id", filter=late, distinct=True))
        .order_by("-overdue", "name")
    )
    # An action counts for the municipalities it is for, or else for all of its item's.
    tally: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    for action in actions:
        concerned = action.municipalities.all() or action.item.municipalities.all()
        for municipality in concerned:
            tally[municipality.name][0] += 1
            tally[municipality.name][1] += action.due_date < today
    per_municipality: list[dict[str, Any]] = [
        {"name": name, "open": n, "overdue": late_n}
        for name, (n, late_n) in sorted(tally.items(), key=lambda kv: (-kv[1][1], kv[0]))
    ]
    return Board(columns=columns, per_service=per_service, per_municipality=per_municipality)


def matrix_rows(user: Any) -> tuple[list[Any], list[dict[str, Any]]]:
    """The ratification matrix with, per row, the page of the item to record a ratification
    on and, per cell, the municipality, the state and its label."""
    matrix = ratification_matrix(user)
    items = dict(
        AgendaItem.objects.filter(
            decision__in=[row["decision"] for row in matrix.rows]
        ).values_list("decision", "pk")
    )
    labels = {value: str(label) for value, label in RatificationState.choices}
    pending: defaultdict[int, int] = defaultdict(int)
    today = timezone.localdate()
    rows = []
    for row in matrix.rows:
        cells = []
        age = (today - timezone.localdate(row["decided_at"])).days
        for municipality in matrix.municipalities:
            state = row["cells"][str(municipality.pk)]
            label = labels.get(state, "")
            if state == RatificationState.PENDING:
                pending[municipality.pk] += 1
                label = ngettext(
                    "%(label)s for %(days)d day", "%(label)s for %(days)d days", age
                ) % {"label": label, "days": age}
            cells.append((municipality, state, label, age))
        item = items.get(row["decision"])
        url = reverse("web:item", args=[item]) if item else ""
        rows.append(row | {"item": item, "url": url, "row_cells": cells})
    totals = [pending.get(m.pk, 0) for m in matrix.municipalities]
    return list(zip(matrix.municipalities, totals, strict=True)), rows


def publication_terms(user: Any) -> list[dict[str, Any]]:
    """The legal publication terms still to be met in the next fortnight or already late,
    late first."""
    now = timezone.now()
    meetings = meetings_visible_to(user).filter(
        starts_at__gt=now - dt.timedelta(days=60), starts_at__lt=now + dt.timedelta(days=30)
    )
    rows = [
        {"term": term, "late": term.late(now)}
        for term in open_terms(meetings)
        if term.deadline <= now + dt.timedelta(days=14)
    ]
    return sorted(rows, key=lambda row: (not row["late"], row["term"].deadline))


@dataclass
class TopLine:
    """The figures the coordinator reads first."""

    late_actions: int
    late_ratifications: int
    waiting_longest: int
    terms_missed: int
    minutes_waiting: list[Meeting]


def top_line(
    user: Any, waiting: list[dict[str, Any]], terms: list[dict[str, Any]], rows: list[Any]
) -> TopLine:
    """What is late across the region: actions past their date, ratifications pending
    longer than the region allows, the item that waits longest, the legal terms missed,
    and the meetings whose minutes wait for approval."""
    today = timezone.localdate()
    allowed = getattr(getattr(user, "region", None), "ratification_after_days", 30)
    late_ratifications = sum(
        1
        for row in rows
        for _municipality, state, _label, age in row["row_cells"]
        if state == RatificationState.PENDING and age > allowed
    )
    return TopLine(
        late_actions=actions_visible_to(user)
        .filter(state__in=ActionState.unfinished(), due_date__lt=today)
        .count(),
        late_ratifications=late_ratifications,
        waiting_longest=max((row["days"] for row in waiting), default=0),
        terms_missed=sum(1 for row in terms if row["late"]),
        minutes_waiting=list(
            meetings_visible_to(user)
            .filter(state=MeetingState.CLOSED)
            .select_related("body")
            .order_by("starts_at")
        ),
    )
