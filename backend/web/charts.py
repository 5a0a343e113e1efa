"""The overview's charts drawn on the server: plain SVG that needs no JavaScript, with the
same figures as a table for screen readers (the SVG itself is hidden from them)."""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from backend.agenda.selectors import decisions_visible_to
from backend.followup import figures
from backend.followup.figures import Chart
from backend.followup.selectors import actions_visible_to, ratifications_visible_to
from workflows.states import ActionState

ROW = 28
LABEL_WIDTH = 200
BAR_WIDTH = 320
END_WIDTH = 140


def svg_of(chart: Chart) -> SafeString:
    top = max((sum(p.value for p in bar.parts) for bar in chart.bars), default=0) or 1
    height = ROW * len(chart.bars) + 8
    width = LABEL_WIDTH + BAR_WIDTH + END_WIDTH
    rows = []
    for index, bar in enumerate(chart.bars):
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


def charts_of(user: Any) -> list[tuple[Chart, SafeString]]:
    """The overview's three charts, of what the person may see, each with its SVG."""
    charts = [
        figures.decision_times(decisions_visible_to(user)),
        figures.actions_by_week(
            actions_visible_to(user).filter(state__in=ActionState.unfinished())
        ),
        figures.ratification_progress(ratifications_visible_to(user)),
    ]
    return [(chart, svg_of(chart)) for chart in charts]
