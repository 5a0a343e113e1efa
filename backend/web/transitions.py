"""The transition forms of the pages: what each one asks, and the raw parameters it sends.

The forms only collect; the workflow's own parameter parsers and guards judge what was sent,
exactly as for the API, and their reasons are shown beside the form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone

from backend.agenda.models import AgendaItem, Vote
from backend.agenda.selectors import items_visible_to
from backend.followup.models import Action, Ratification
from backend.followup.selectors import actions_visible_to, ratifications_visible_to
from backend.meetings.models import Meeting
from backend.meetings.selectors import meetings_visible_to, present_municipalities
from backend.organisations.models import Municipality
from workflows.engine import available_transitions
from workflows.labels import transition_label
from workflows.ratification import DecidingBody

# Transitions whose button needs a second look: they cannot be undone.
FINAL = {"approve", "reject", "withdraw", "cancel", "approve_minutes", "waive", "decline"}


@dataclass(frozen=True)
class Kind:
    """A kind of stateful object the pages can act on."""

    slug: str
    model: type[Model]

    def visible(self, user: Any) -> QuerySet[Any]:
        return VISIBLE[self.slug](user)


VISIBLE = {
    "item": items_visible_to,
    "meeting": meetings_visible_to,
    "action": actions_visible_to,
    "ratification": ratifications_visible_to,
}
KINDS = {
    "item": Kind("item", AgendaItem),
    "meeting": Kind("meeting", Meeting),
    "action": Kind("action", Action),
    "ratification": Kind("ratification", Ratification),
}


def kind_of(obj: Any) -> str:
    for slug, kind in KINDS.items():
        if isinstance(obj, kind.model):
            return slug
    raise LookupError(type(obj).__name__)


def schedule_choices(item: AgendaItem) -> list[Meeting]:
    """The meetings of the item's target cluster that still take items."""
    if item.target_cluster_id is None:
        return []
    return list(
        Meeting.objects.filter(
            body=item.target_cluster_id,
            state__in=["planned", "convened"],
            starts_at__gte=timezone.now(),
        ).order_by("starts_at")[:20]
    )


def voters(item: AgendaItem) -> list[Municipality]:
    """The municipalities present at the meeting the item is on, who vote on it."""
    entry = item.current_entry()
    if entry is None or entry.meeting.state != "in_session":
        return []
    present = present_municipalities(entry.meeting)
    return list(Municipality.objects.filter(pk__in=present).order_by("name"))


@dataclass
class TransitionForm:
    """One transition button with the small form it may need, as a template shows it."""

    kind: str
    obj: Any
    name: str
    values: Mapping[str, Any]
    errors: list[str]

    @property
    def label(self) -> str:
        return transition_label(self.name)

    @property
    def final(self) -> bool:
        return self.name in FINAL

    @property
    def field_id(self) -> str:
        return f"{self.kind}-{self.obj.pk}-{self.name}"

    @property
    def meetings(self) -> list[Meeting]:
        return schedule_choices(self.obj) if self.name == "schedule" else []

    @property
    def voters(self) -> list[Municipality]:
        return voters(self.obj) if self.name in ("approve", "reject") else []

    @property
    def vote_choices(self) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in Vote.Choice.choices]

    @property
    def next_bodies(self) -> list[Any]:
        """The bodies the deciding body forwards its decisions to."""
        decision = getattr(self.obj, "decision", None) if self.name == "forward" else None
        return list(decision.body.forwards_to.order_by("name")) if decision else []

    @property
    def deciding_bodies(self) -> list[tuple[str, str]]:
        if self.name != "ratify":
            return []
        return [(value, str(label)) for value, label in DecidingBody.choices]

    @property
    def default_text(self) -> str:
        if self.name in ("approve", "reject"):
            return str(self.values.get("text", getattr(self.obj, "proposed_decision", "")))
        return ""

    @property
    def today(self) -> str:
        return timezone.localdate().isoformat()


def forms_for(obj: Any, user: Any) -> list[TransitionForm]:
    """The transition forms of the object that the person may fire now."""
    kind = kind_of(obj)
    return [
        TransitionForm(kind=kind, obj=obj, name=name, values={}, errors=[])
        for name in available_transitions(obj, user)
    ]


def raw_params(obj: Any, name: str, post: Mapping[str, Any]) -> dict[str, Any]:
    """Turn a posted form into the parameters the transition's parser reads (a name the
    object's machine does not know gets none; the workflow then answers 404)."""
    if isinstance(obj, AgendaItem):
        return item_params(obj, name, post)
    if name in ("block", "decline"):
        return {"reason": post.get("reason", "")}
    if name == "ratify":
        return {key: post.get(key, "") for key in ("date", "deciding_body", "reference")}
    return {}


def item_params(obj: AgendaItem, name: str, post: Mapping[str, Any]) -> dict[str, Any]:
    if name == "schedule":
        return {"meeting": post.get("meeting", "")}
    if name in ("approve", "reject"):
        raw: dict[str, Any] = {"text": post.get("text", "")}
        if post.get("mode") == "votes":
            raw["votes"] = [
                {"municipality": municipality.pk, "vote": post.get(f"vote_{municipality.pk}", "")}
                for municipality in voters(obj)
            ]
        else:
            raw["consensus"] = True
        return raw
    if name == "forward":
        return {"body": post.get("body", "")}
    return {}
