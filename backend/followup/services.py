"""Writes about actions that are not state changes: creating and editing them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from backend.agenda.models import AgendaItem
from backend.followup.models import Action, ActionNote
from backend.organisations.models import Person, Service
from workflows import predicates as can
from workflows.engine import EditRule, edit
from workflows.errors import FieldReason, GuardFailed
from workflows.states import ActionState, ItemState

FOLLOWED_UP = ItemState.followed_up()


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
) -> Action:
    """Create a follow-up action on an approved item (by the coordinator), under the
    item's lock: the item is still approved or in execution when the action is made."""
    rule = EditRule(
        permitted=lambda person, on: bool(can.can_manage_action(person, Action(item=on))),
        not_permitted=_("Only the coordinator creates actions."),
        states=FOLLOWED_UP,
        wrong_state=_("Actions follow an approved item."),
    )
    with edit(item, rule, actor=actor):
        _check_owner(item, assignee, service)
        return Action.objects.create(
            item=item,
            title=title,
            description=description,
            assignee=assignee,
            service=service,
            due_date=due_date,
        )


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
        change.only(changes, {"title", "description", "assignee", "service", "due_date"})
        _check_owner(
            action.item,
            changes.get("assignee", action.assignee),
            changes.get("service", action.service),
        )
        change.save(changes, expected_version=expected_version)
    return action


def action_note_add(action: Action, *, actor: Any, text: str) -> ActionNote:
    """Add a progress note (by whoever works on the action, or the coordinator)."""
    rule = EditRule(
        permitted=can.can_work_on_action,
        not_permitted=_("Only the people working on this action add notes."),
    )
    with edit(action, rule, actor=actor):
        return ActionNote.objects.create(action=action, author=actor, text=text)
