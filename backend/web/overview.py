"""The coordinator's overview: where every item is, the follow-up board and the
ratification matrix. Reads only, limited to what the person may see."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import (
    Count,
    DateTimeField,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Concat
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import ngettext

from backend.agenda.models import AgendaItem
from backend.agenda.selectors import decisions_visible_to, items_visible_to
from backend.audit.models import TransitionLog
from backend.followup.models import Action, Ratification
from backend.followup.selectors import actions_visible_to, ratification_matrix
from backend.meetings.models import AgendaEntry, Meeting
from backend.meetings.selectors import meetings_visible_to
from backend.meetings.terms import open_terms
from backend.organisations.models import Municipality
from workflows.predicates import IN_THE_GROUP
from workflows.states import ActionState, ItemState, MeetingState, RatificationState

OPEN_STATES = [
    state
    for state in ItemState.values
    if state not in (ItemState.COMPLETED, ItemState.WITHDRAWN, ItemState.REJECTED)
]


SENTINEL = 987654321


def item_urls() -> Callable[[int], str]:
    """The address of an item's page by its id, reversed once for the whole page: the
    overview links to thousands of items."""
    head, tail = reverse("web:item", args=[SENTINEL]).split(str(SENTINEL))
    return lambda pk: f"{head}{pk}{tail}"


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


@dataclass(frozen=True)
class OpenItem:
    """An open item as the overview shows it: read as plain values, not as a model, since
    a region has thousands of them and the page names fifty."""

    pk: int
    title: str
    state: str

    def get_state_display(self) -> str:
        return str(ItemState(self.state).label)


def next_deadline(
    state: str,
    meeting_at: dt.datetime | None,
    submit_before: dt.datetime | None,
    action_due: dt.date | None,
) -> dt.date | dt.datetime | None:
    """What the item waits for next: its meeting, the submission deadline, an action."""
    if state == ItemState.SCHEDULED:
        return meeting_at
    if state == ItemState.PREPARED:
        return submit_before
    if state in (ItemState.APPROVED, ItemState.IN_EXECUTION):
        return action_due
    return None


def where_items_are(user: Any) -> tuple[list[BodyRow], list[dict[str, Any]]]:
    """Open items counted per body (the group before endorsement, the cluster after) and
    state, and every open item with its days in that state, longest waiting first."""
    now = timezone.now()
    rows: dict[str, BodyRow] = {}
    waiting = []
    shown = (
        "pk",
        "title",
        "state",
        "intervision_group__name",
        "target_cluster__name",
        "since",
        "meeting_at",
        "submit_before",
        "action_due",
    )
    values = open_items(user).values_list(*shown)
    url = item_urls()
    for pk, title, state, group, cluster, since, meeting_at, submit_before, due in values:
        body = group if state in IN_THE_GROUP else cluster
        name = "—" if body is None else body
        row = rows.setdefault(name, BodyRow(name))
        row.counts[state] = row.counts.get(state, 0) + 1
        waiting.append(
            {
                "item": OpenItem(pk, title, state),
                "url": url(pk),
                "body": name,
                "days": (now - since).days,
                "deadline": next_deadline(state, meeting_at, submit_before, due),
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


def prefetched(obj: Any, name: str) -> list[Any]:
    """The rows of a relation that `prefetch_related` read."""
    return list(obj._prefetched_objects_cache[name])


def follow_up_board(user: Any) -> Board:
    today = timezone.localdate()
    unfinished = actions_visible_to(user).filter(state__in=ActionState.unfinished())
    late = Q(due_date__lt=today)
    actions = list(
        unfinished.select_related("item", "service", "assignee")
        # What the board shows: not the texts of the actions and their items.
        .only(
            "title",
            "state",
            "due_date",
            "item__state",
            "service__name",
            "assignee__username",
            "assignee__first_name",
            "assignee__last_name",
        )
        .prefetch_related("municipalities", "item__municipalities")
        .order_by("due_date")
    )
    url = item_urls()
    for action in actions:
        action.item_url = url(action.item_id)  # type: ignore[attr-defined]
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
        # Read from the prefetched rows, without a queryset per action.
        concerned = prefetched(action, "municipalities") or prefetched(
            action.item, "municipalities"
        )
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
    item_url = item_urls()
    pending: defaultdict[int, int] = defaultdict(int)
    today = timezone.localdate()
    rows = []
    for row in matrix.rows:
        cells = []
        age = (today - timezone.localdate(row["decided_at"])).days
        waiting = ngettext("%(label)s for %(days)d day", "%(label)s for %(days)d days", age) % {
            "label": labels[RatificationState.PENDING],
            "days": age,
        }
        for municipality in matrix.municipalities:
            state = row["cells"][str(municipality.pk)]
            label = labels.get(state, "")
            if state == RatificationState.PENDING:
                pending[municipality.pk] += 1
                label = waiting
            cells.append((municipality, state, label, age))
        item = items.get(row["decision"])
        url = item_url(item) if item else ""
        rows.append(row | {"item": item, "url": url, "row_cells": cells})
    totals = [pending.get(m.pk, 0) for m in matrix.municipalities]
    return list(zip(matrix.municipalities, totals, strict=True)), rows


MATRIX_SECONDS = 3600
"""How long a rendered matrix is kept; any change to what it shows makes a new key first."""


def late_ratifications(user: Any, rows: list[dict[str, Any]]) -> int:
    """Ratifications pending longer than the region allows."""
    allowed = getattr(getattr(user, "region", None), "ratification_after_days", 30)
    return sum(
        1
        for row in rows
        for _municipality, state, _label, age in row["row_cells"]
        if state == RatificationState.PENDING and age > allowed
    )


def matrix_key(user: Any) -> str:
    """What the rendered matrix depends on, as a cache key: the caller's region (or all of
    them), language, address prefix and calendar day (the ages), the region's term, the
    municipalities' names, every decision's row as shown, and the ratifications: how
    many, which are in which state, and the sum of their versions (a version grows with
    every step, so any step of any ratification, committed in whatever order, changes
    the sum)."""
    decisions = decisions_visible_to(user).filter(ratifications__isnull=False).distinct()
    rows = list(
        decisions.order_by("id").values_list("id", "number", "item_id", "item__title", "decided_at")
    )
    ratifications = Ratification.objects.filter(decision__in=[row[0] for row in rows])
    totals = ratifications.aggregate(
        count=Count("id"),
        versions=Sum("version"),
        newest=Max("id"),
        # which rows are in which state: per state, how many and the sum of their ids
        **{state: Count("id", filter=Q(state=state)) for state in RatificationState.values},
        **{f"{state}_ids": Sum("id", filter=Q(state=state)) for state in RatificationState.values},
    )
    municipalities = Municipality.objects.filter(region=getattr(user, "region_id", None))
    if getattr(user, "is_superuser", False):
        municipalities = Municipality.objects.all()
    parts = (
        getattr(user, "region_id", None),
        bool(getattr(user, "is_superuser", False)),
        translation.get_language(),
        get_script_prefix(),
        timezone.localdate().isoformat(),
        getattr(getattr(user, "region", None), "ratification_after_days", 30),
        list(municipalities.order_by("name", "pk").values_list("pk", "name")),
        rows,
        sorted(totals.items()),
    )
    digest = hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"overview-matrix:{digest}"


def matrix_section(user: Any) -> tuple[SafeString, int]:
    """The ratification matrix as HTML, and how many of its ratifications are late.

    Rendering 500 decisions × 16 municipalities is most of the overview's time, and the
    matrix changes far less often than the coordinator looks at it: the rendered table is
    kept in the cache under a key made of everything it shows (`matrix_key`)."""
    key = matrix_key(user)
    cached = cache.get(key)
    if cached is None:
        columns, rows = matrix_rows(user)
        html = render_to_string(
            "web/_ratification_matrix.html", {"columns": columns, "matrix": rows}
        )
        cached = (str(html), late_ratifications(user, rows))
        cache.set(key, cached, MATRIX_SECONDS)
    html, late = cached
    return SafeString(html), late


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
    user: Any, waiting: list[dict[str, Any]], terms: list[dict[str, Any]], late_ratifications: int
) -> TopLine:
    """What is late across the region: actions past their date, ratifications pending
    longer than the region allows (counted by `matrix_section`), the item that waits
    longest, the legal terms missed, and the meetings whose minutes wait for approval."""
    today = timezone.localdate()
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
