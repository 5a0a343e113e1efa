"""Writes about actions that are not state changes: creating and editing them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from backend.agenda.models import AgendaItem
from backend.followup.models import Action, ActionNote
from backend.organisations.models import Person, Service
from workflows import predicates as can
from workflows.engine import record_edit
from workflows.errors import FieldReason, GuardFailed, NotPermitted, NotPossible, NotVisible
from workflows.stateful import content_save
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
    """Create a follow-up action on an approved item (by the coordinator)."""
    if not can.can_view_item(actor, item):
        raise NotVisible()
    probe = Action(item=item)
    if not can.can_manage_action(actor, probe):
        raise NotPermitted(_("Only the coordinator creates actions."))
    if item.state not in FOLLOWED_UP:
        raise NotPossible(_("Actions follow an approved item."))
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
    if not can.can_view_action(actor, action):
        raise NotVisible()
    if not can.can_manage_action(actor, action):
        raise NotPermitted(_("Only the coordinator changes actions."))
    if action.state not in ActionState.unfinished():
        raise NotPossible(_("A finished action can no longer be changed."))
    allowed = {"title", "description", "assignee", "service", "due_date"}
    unknown = set(changes) - allowed
    if unknown:
        raise GuardFailed([_("Unknown field: %(name)s.") % {"name": n} for n in sorted(unknown)])
    _check_owner(
        action.item,
        changes.get("assignee", action.assignee),
        changes.get("service", action.service),
    )
    with transaction.atomic():
        changed = content_save(action, changes, expected_version=expected_version)
        record_edit(action, actor=actor, changes=changed)
    return action


def action_note_add(action: Action, *, actor: Any, text: str) -> ActionNote:
    """Add a progress note (by whoever works on the action, or the coordinator)."""
    if not can.can_view_action(actor, action):
        raise NotVisible()
    if not can.can_work_on_action(actor, action):
        raise NotPermitted(_("Only the people working on this action add notes."))
    return ActionNote.objects.create(action=action, author=actor, text=text)
