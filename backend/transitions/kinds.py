"""The four kinds of stateful object, declared once: the slug that names a kind in the
pages' addresses, who may see which rows, and the page that shows one.

The pages fire transitions and come back to the page from here; the diagrams draw these
machines, in this order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from django.db.models import Model, QuerySet
from django.urls import reverse

from backend.agenda.models import AgendaItem
from backend.agenda.selectors import items_visible_to
from backend.followup.models import Action, Ratification
from backend.followup.selectors import actions_visible_to, ratifications_visible_to
from backend.meetings.models import Meeting
from backend.meetings.selectors import meetings_visible_to


@dataclass(frozen=True)
class Kind:
    """A kind of stateful object the pages can act on."""

    slug: str
    model: type[Model]
    # The rows of this kind that a person may see (the selector, in SQL).
    visible: Callable[[Any], QuerySet[Any]]
    # The URL name of the page that shows an object of this kind, and the attribute that
    # holds that page's key (an action and a ratification show on their item's page).
    page: str
    page_key: str = "pk"
    # Shown on another object's page: the place there ("#action-3"), else "".
    anchor: str = ""

    def page_of(self, obj: Any) -> str:
        return reverse(self.page, args=[attrgetter(self.page_key)(obj)])

    def place_of(self, obj: Any) -> str:
        page = self.page_of(obj)
        return f"{page}#{self.anchor}-{obj.pk}" if self.anchor else page


KINDS = {
    kind.slug: kind
    for kind in (
        Kind("item", AgendaItem, items_visible_to, "web:item"),
        Kind("meeting", Meeting, meetings_visible_to, "web:meeting"),
        Kind("action", Action, actions_visible_to, "web:item", page_key="item_id", anchor="action"),
        Kind(
            "ratification",
            Ratification,
            ratifications_visible_to,
            "web:item",
            page_key="decision.item_id",
            anchor="ratification",
        ),
    )
}


def kind_of(obj: Any) -> str:
    """Return the slug of the object's kind."""
    for slug, kind in KINDS.items():
        if isinstance(obj, kind.model):
            return slug
    raise LookupError(type(obj).__name__)


def page_of(obj: Any) -> str:
    """Return the address of the page that shows the object."""
    return KINDS[kind_of(obj)].page_of(obj)


def place_of(obj: Any) -> str:
    """Return the address of the object's place: its page, or its place on the page that
    shows it (an action on its item's page)."""
    return KINDS[kind_of(obj)].place_of(obj)
