"""The region's follow-up in figures, as bar charts any surface can draw: the pages as
SVG, the follow-up report as an image. Each chart is built from the querysets it is given,
so the pages count what a person may see and the report what its body decided.

A chart is a list of bars: each a label, one or more stacked parts (a value and the name
of what it counts) and the text that goes at its end.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from workflows.states import RatificationState


@dataclass(frozen=True)
class Part:
    value: float
    css: str
    name: str


@dataclass(frozen=True)
class Bar:
    label: str
    parts: tuple[Part, ...]
    text: str


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart, and its figures as a table."""

    title: str
    bars: tuple[Bar, ...]
    columns: tuple[str, ...]
    """The names of the table's columns after the label (one per part)."""

    @property
    def table(self) -> list[tuple[str, list[str]]]:
        return [
            (bar.label, [formats.number_format(p.value, 0) for p in bar.parts]) for bar in self.bars
        ]


def days(delta: dt.timedelta) -> float:
    return max(delta.total_seconds() / 86400, 0)


def decision_times(decisions: QuerySet[Any]) -> Chart:
    """Per body, the days from draft to decision of the last twelve months: the median
    and the slowest."""
    since = timezone.now() - dt.timedelta(days=365)
    by_body: defaultdict[str, list[float]] = defaultdict(list)
    for body, decided_at, created_at in decisions.filter(decided_at__gte=since).values_list(
        "body__name", "decided_at", "item__created_at"
    ):
        by_body[body].append(days(decided_at - created_at))
    bars = []
    for body in sorted(by_body):
        spans = by_body[body]
        median, slowest = statistics.median(spans), max(spans)
        bars.append(
            Bar(
                body,
                (
                    Part(median, "median", _("median")),
                    Part(slowest - median, "slowest", _("slowest")),
                ),
                _("%(median)d / %(slowest)d days") % {"median": median, "slowest": slowest},
            )
        )
    return Chart(_("Days from draft to decision"), tuple(bars), (_("median"), _("to the slowest")))


def actions_by_week(actions: QuerySet[Any]) -> Chart:
    """The open actions (of those given) by the week they are due in, the late ones first
    (as one bar)."""
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    late = 0
    weeks: Counter[dt.date] = Counter()
    for due in actions.values_list("due_date", flat=True):
        if due < today:
            late += 1
        else:
            weeks[min(due - dt.timedelta(days=due.weekday()), monday + dt.timedelta(weeks=8))] += 1
    bars = [Bar(_("late"), (Part(late, "late", _("late")),), str(late))] if late else []
    for n in range(9):
        start = monday + dt.timedelta(weeks=n)
        label = (
            _("later")
            if n == 8
            else _("week of %(day)s") % {"day": formats.date_format(start, "j M")}
        )
        count = weeks.get(start, 0)
        bars.append(Bar(label, (Part(count, "open", _("open")),), str(count)))
    return Chart(_("Open actions by week due"), tuple(bars), (_("actions"),))


def ratification_progress(ratifications: QuerySet[Any]) -> Chart:
    """Per municipality, its ratifications: recorded (ratified, declined or not needed)
    and still pending."""
    counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for municipality, state in ratifications.values_list("municipality__name", "state"):
        counts[municipality][state] += 1
    bars = []
    for municipality in sorted(counts):
        count = counts[municipality]
        done = count.total() - count[RatificationState.PENDING]
        pending = count[RatificationState.PENDING]
        bars.append(
            Bar(
                municipality,
                (Part(done, "done", _("recorded")), Part(pending, "pending", _("pending"))),
                _("%(done)d of %(all)d") % {"done": done, "all": done + pending},
            )
        )
    return Chart(_("Ratifications per municipality"), tuple(bars), (_("recorded"), _("pending")))
