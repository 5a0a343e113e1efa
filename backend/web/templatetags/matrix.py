"""The cells of the ratification matrix, built in one pass: a region has hundreds of
decisions × sixteen municipalities, too many cells to render one template node at a time."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from workflows.states import RatificationState

register = template.Library()

SYMBOLS: dict[str, str] = {
    RatificationState.PENDING: "?",
    RatificationState.RATIFIED: "✓",
    RatificationState.DECLINED: "✗",
}
"""What a cell shows; its link names the municipality and the state in words."""

EMPTY = mark_safe('<td class="cell cell-none"></td>')


@register.simple_tag
def ratification_cells(row: dict[str, Any]) -> SafeString:
    """One `<td>` per municipality: empty where no ratification is asked, else a link to
    the item's ratifications titled and read out as "municipality: state"."""
    return format_html_join("", "{}", ((cell(row["url"], *c),) for c in row["row_cells"]))


def cell(url: str, municipality: Any, state: str | None, label: str, age: int) -> SafeString:
    if not state:
        return EMPTY
    name = f"{municipality.name}: {label}"
    # A pending cell shows how many days it waits ("12d"), the others their symbol.
    shown = f"{age}d" if state == RatificationState.PENDING else SYMBOLS.get(state, "–")
    return format_html(
        '<td class="cell cell-{}"><a href="{}#ratifications" title="{}">'
        '<span class="visually-hidden">{}</span><span aria-hidden="true">{}</span></a></td>',
        state,
        url,
        name,
        name,
        shown,
    )
