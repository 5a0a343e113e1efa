"""The cells of the ratification matrix, built in one pass: a region has hundreds of
decisions × sixteen municipalities, too many cells to render one template node at a time."""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.utils.html import escape
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
    url = escape(row["url"])
    # Safe: every value in a cell is escaped (the address here, the rest in _cell_parts).
    return mark_safe("".join(cell(url, *c) for c in row["row_cells"]))  # noqa: S308


def cell(url: str, municipality: Any, state: str | None, label: str, age: int) -> str:
    """One cell; `url` is escaped already."""
    if not state:
        return EMPTY
    # A pending cell shows how many days it waits ("12d"), the others their symbol.
    shown = f"{age}d" if state == RatificationState.PENDING else SYMBOLS.get(state, "–")
    head, tail = _cell_parts(municipality.name, state, label, shown)
    return f"{head}{url}{tail}"


@functools.lru_cache(maxsize=4096)
def _cell_parts(municipality: str, state: str, label: str, shown: str) -> tuple[str, str]:
    """The cell's HTML before and after its link's address, every value escaped: the same
    names, states and labels come back row after row, so each is escaped once."""
    name = escape(f"{municipality}: {label}")
    return (
        f'<td class="cell cell-{escape(state)}"><a href="',
        f'#ratifications" title="{name}"><span class="visually-hidden">{name}</span>'
        f'<span aria-hidden="true">{escape(shown)}</span></a></td>',
    )
