"""The AgendaItem machine's chart: its states and transitions, who may fire each.

draft → submitted → in_preparation → prepared → scheduled → approved / rejected /
completed, then in_execution → completed; withdraw from any state before a decision;
forward an approved decision to the next body (a new item there, this one unchanged).
What each transition takes, checks and does is in `backend.agenda.steps`.
"""

from __future__ import annotations

from django_fsm import transition

from workflows import predicates as can
from workflows.predicates import as_permission
from workflows.states import ItemState

S = ItemState


class AgendaItemTransitions:
    """The transitions of an agenda item; fire them with `workflows.engine.fire`."""

    @transition("state", S.DRAFT, S.SUBMITTED, permission=as_permission(can.can_write_item))
    def submit(self) -> None:
        """Submit a draft to its intervision group."""

    @transition(
        "state", S.SUBMITTED, S.IN_PREPARATION, permission=as_permission(can.can_prepare_item)
    )
    def start_preparation(self) -> None:
        """Start preparing a submitted item in the intervision group."""

    @transition("state", S.IN_PREPARATION, S.DRAFT, permission=as_permission(can.can_prepare_item))
    def send_back(self) -> None:
        """Send an item back to its author."""

    @transition(
        "state", S.IN_PREPARATION, S.PREPARED, permission=as_permission(can.can_prepare_item)
    )
    def endorse(self) -> None:
        """Endorse a prepared item for the target cluster."""

    @transition("state", S.PREPARED, S.SCHEDULED, permission=as_permission(can.can_schedule_item))
    def schedule(self) -> None:
        """Place the item on a meeting of the target cluster."""

    @transition("state", S.SCHEDULED, S.SCHEDULED, permission=as_permission(can.can_preside_item))
    def accept_urgency(self) -> None:
        """Record that the body accepted to treat an item added after the invitation; the
        item stays scheduled and can then be decided."""

    @transition("state", S.SCHEDULED, S.PREPARED, permission=as_permission(can.can_decide_item))
    def postpone(self) -> None:
        """Postpone the item to a later meeting."""

    @transition("state", S.SCHEDULED, S.PREPARED, permission=as_permission(can.nobody))
    def unschedule(self) -> None:
        """Take the item off a cancelled meeting (only as part of `cancel`)."""

    @transition(
        "state", S.SCHEDULED, S.IN_PREPARATION, permission=as_permission(can.can_decide_item)
    )
    def return_for_rework(self) -> None:
        """Send the item back to the intervision group for more work."""

    @transition("state", S.SCHEDULED, S.APPROVED, permission=as_permission(can.can_decide_item))
    def approve(self) -> None:
        """Record the cluster's approval."""

    @transition("state", S.SCHEDULED, S.REJECTED, permission=as_permission(can.can_decide_item))
    def reject(self) -> None:
        """Record the cluster's rejection."""

    @transition("state", S.SCHEDULED, S.COMPLETED, permission=as_permission(can.can_decide_item))
    def take_note(self) -> None:
        """Record that the body took note of an information item (at a forum, of any item)."""

    @transition(
        "state", S.APPROVED, S.IN_EXECUTION, permission=as_permission(can.can_follow_up_item)
    )
    def start_execution(self) -> None:
        """Start executing an approved item."""

    @transition(
        "state", S.IN_EXECUTION, S.COMPLETED, permission=as_permission(can.can_follow_up_item)
    )
    def complete(self) -> None:
        """Close an item whose actions are all finished."""

    @transition(
        "state",
        list(S.before_decision()),
        S.WITHDRAWN,
        permission=as_permission(can.can_withdraw_item),
    )
    def withdraw(self) -> None:
        """Withdraw the item."""

    @transition(
        "state", list(S.after_approval()), None, permission=as_permission(can.can_forward_item)
    )
    def forward(self) -> None:
        """Send the approved decision on to the next body that must take it further; the
        item keeps its state, a new item for that body starts where this one stopped."""
