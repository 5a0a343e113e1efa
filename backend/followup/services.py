"""Writes about actions that are not state changes: creating and editing them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.agenda.models import AgendaItem
from backend.followup.models import Action, ActionNote
from backend.meetings.models import AgendaEntry
from backend.organisations.models import Body, Municipality, Person, Service
from workflows import predicates as can
from workflows.engine import EditRule, edit
from workflows.errors import FieldReason, GuardFailed
from workflows.states import ActionState, ItemState

FOLLOWED_UP = ItemState.followed_up()


def noted_at_a_forum(item: AgendaItem) -> bool:
    """Whether a forum took note of the item: a forum decides nothing, but follows up."""
    return item.entries.filter(
        outcome=AgendaEntry.Outcome.NOTED, meeting__body__kind=Body.Kind.FORUM
    ).exists()


@dataclass(frozen=True)
class NewActionRule(EditRule):
    """Actions follow an approved item, and an item a forum took note of (completed, as
    every noted item is, yet followed up like a decision)."""

    def refuse_now(self, obj: Any, actor: Any, state: str) -> None:
        if state == ItemState.COMPLETED and noted_at_a_forum(obj):
            EditRule.refuse_now(replace(self, states=None), obj, actor, state)
            return
        super().refuse_now(obj, actor, state)


NEW_ACTION = NewActionRule(
    permitted=lambda person, item: bool(can.can_manage_action(person, Action(item=item))),
    not_permitted=gettext_lazy("Only the coordinator creates actions."),
    states=FOLLOWED_UP,
    wrong_state=gettext_lazy("Actions follow an approved item."),
)
"""Who hands out an action on an item, and when (an edit of the item)."""


def _check_owner(item: AgendaItem, assignee: Person | None, service: Service | None) -> None:
    """Refuse an owner outside the region, or one who may not see the item: an assignee
    (or a service's staff) reads the action, its item's title and its reminders."""
    region_id = item.region_id
    reasons = []
    if assignee is None and service is None:
        reasons.append(FieldReason(_("An action needs an assignee or a service."), "assignee"))
    if assignee is not None and assignee.region_id != region_id:
        reasons.append(FieldReason(_("Choose an assignee of your region."), "assignee"))
    elif assignee is not None and not can.can_view_item(assignee, item):
        reasons.append(
            FieldReason(
                _("%(person)s may not see this confidential item; choose someone who may.")
                % {"person": assignee.get_full_name() or assignee.username},
                "assignee",
            )
        )
    if service is not None and service.region_id != region_id:
        reasons.append(FieldReason(_("Choose a service of your region."), "service"))
    elif service is not None:
        blind = [
            person.get_full_name() or person.username
            for person in Person.objects.filter(service=service, is_active=True).order_by(
                "last_name", "first_name", "pk"
            )
            if not can.can_view_item(person, item)
        ]
        if blind:
            reasons.append(
                FieldReason(
                    _(
                        "Not everyone of %(service)s may see this confidential item "
                        "(%(people)s); assign it to a person who may."
                    )
                    % {"service": service.name, "people": ", ".join(blind)},
                    "service",
                )
            )
    if reasons:
        raise GuardFailed(reasons)


def action_create(
    *,
    actor: Any,
    item: AgendaItem,
    title: str,
    due_date: dt.date,
    description: str = "",
    assignee: Person | None = None,
    service: Service | None = None,
    municipalities: Iterable[Municipality] = (),
) -> Action:
    """Create a follow-up action on an approved item (by the coordinator), under the
    item's lock: the item is still approved or in execution when the action is made. The
    municipalities it is for are some of the item's (none: all of them)."""
    with edit(item, NEW_ACTION, actor=actor):
        _check_owner(item, assignee, service)
        concerned = _check_municipalities(item, municipalities)
        action = Action.objects.create(
            item=item,
            title=title,
            description=description,
            assignee=assignee,
            service=service,
            due_date=due_date,
        )
        action.municipalities.set(concerned)
        return action


def _check_municipalities(
    item: AgendaItem, municipalities: Iterable[Municipality]
) -> list[Municipality]:
    """Refuse a municipality the item does not concern (by name)."""
    chosen = list(municipalities)
    allowed = set(item.municipalities.values_list("pk", flat=True))
    strangers = [m.name for m in chosen if m.pk not in allowed]
    if strangers:
        raise GuardFailed(
            [
                FieldReason(
                    _("The item does not concern %(names)s; choose among its municipalities.")
                    % {"names": ", ".join(sorted(strangers))},
                    "municipalities",
                )
            ]
        )
    return chosen


def action_update(
    action: Action, *, actor: Any, expected_version: int | None = None, **changes: Any
) -> Action:
    """Change an unfinished action's content (by the coordinator)."""
    rule = EditRule(
        permitted=can.can_manage_action,
        not_permitted=_("Only the coordinator changes actions."),
        states=ActionState.unfinished(),
        wrong_state=_("A finished action can no longer be changed."),
    )
    with edit(action, rule, actor=actor) as change:
        change.only(
            changes, {"title", "description", "assignee", "service", "due_date", "municipalities"}
        )
        _check_owner(
            action.item,
            changes.get("assignee", action.assignee),
            changes.get("service", action.service),
        )
        chosen = changes.pop("municipalities", None)
        concerned = None if chosen is None else _check_municipalities(action.item, chosen)
        change.save(changes, expected_version=expected_version)
        before = sorted(action.municipalities.values_list("pk", flat=True))
        if concerned is not None and before != sorted(m.pk for m in concerned):
            if not changes:  # only the municipalities: still one more version
                change.unchanged(expected_version)
                change.bump()
            action.municipalities.set(concerned)
            change.record("municipalities", before, sorted(m.pk for m in concerned))
    return action


def action_note_add(action: Action, *, actor: Any, text: str) -> ActionNote:
    """Add a progress note (by whoever works on the action, or the coordinator)."""
    rule = EditRule(
        permitted=can.can_work_on_action,
        not_permitted=_("Only the people working on this action add notes."),
    )
    with edit(action, rule, actor=actor):
        return ActionNote.objects.create(action=action, author=actor, text=text)
