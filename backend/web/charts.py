"""Charts drawn on the server, for the overview: plain SVG that needs no JavaScript, with
the same figures as a table for screen readers (the SVG itself is hidden from them).

A chart is a list of bars: each a label, one or more stacked parts (a value and the class
that colours it) and the text that goes at its end. The figures come from `overview`.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from backend.agenda.selectors import decisions_visible_to
from backend.followup.selectors import actions_visible_to, ratifications_visible_to
from workflows.states import ActionState, RatificationState

ROW = 28
LABEL_WIDTH = 200
BAR_WIDTH = 320
END_WIDTH = 140


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
    def svg(self) -> SafeString:
        top = max((sum(p.value for p in bar.parts) for bar in self.bars), default=0) or 1
        height = ROW * len(self.bars) + 8
        width = LABEL_WIDTH + BAR_WIDTH + END_WIDTH
        rows = []
        for index, bar in enumerate(self.bars):
            y = 4 + index * ROW
            x = float(LABEL_WIDTH)
            pieces = []
            for part in bar.parts:
                length = BAR_WIDTH * part.value / top
                if length > 0:
                    pieces.append(
                        format_html(
                            '<rect class="{}" x="{}" y="{}" width="{}" height="{}"/>',
                            part.css,
                            f"{x:.1f}",
                            y + 4,
                            f"{length:.1f}",
                            ROW - 10,
                        )
                    )
                x += length
            rows.append(
                format_html(
                    '<text class="label" x="{}" y="{}" text-anchor="end">{}</text>{}'
                    '<text class="end" x="{}" y="{}">{}</text>',
                    LABEL_WIDTH - 8,
                    y + ROW // 2 + 4,
                    bar.label,
                    SafeString("".join(pieces)),
                    f"{x + 6:.1f}",
                    y + ROW // 2 + 4,
                    bar.text,
                )
            )
        return format_html(
            '<svg class="chart" viewBox="0 0 {} {}" width="{}" height="{}" aria-hidden="true"'
            ' focusable="false" preserveAspectRatio="xMinYMin meet">{}</svg>',
            width,
            height,
            width,
            height,
            format_html_join("", "{}", ((row,) for row in rows)),
        )

    @property
    def table(self) -> list[tuple[str, list[str]]]:
        return [
            (bar.label, [formats.number_format(p.value, 0) for p in bar.parts]) for bar in self.bars
        ]


def days(delta: dt.timedelta) -> float:
    return max(delta.total_seconds() / 86400, 0)


def decision_times(user: Any) -> Chart:
    """Per body, the days from draft to decision of the last twelve months: the median
    and the slowest."""
    since = timezone.now() - dt.timedelta(days=365)
    by_body: defaultdict[str, list[float]] = defaultdict(list)
    for body, decided_at, created_at in (
        decisions_visible_to(user)
        .filter(decided_at__gte=since)
        .values_list("body__name", "decided_at", "item__created_at")
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


def actions_by_week(user: Any) -> Chart:
    """The open actions by the week they are due in, the late ones first (as one bar)."""
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    late = 0
    weeks: Counter[dt.date] = Counter()
    for due in (
        actions_visible_to(user)
        .filter(state__in=ActionState.unfinished())
        .values_list("due_date", flat=True)
    ):
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


def ratification_progress(user: Any) -> Chart:
    """Per municipality, its ratifications: recorded (ratified, declined or not needed)
    and still pending."""
    counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for municipality, state in ratifications_visible_to(user).values_list(
        "municipality__name", "state"
    ):
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


def charts_of(user: Any) -> list[Chart]:
    return [decision_times(user), actions_by_week(user), ratification_progress(user)]
