"""The Action machine's chart: open → in_progress → done, with block/resume, cancel and
reopen. What each transition takes and does is in `backend.followup.steps`."""

from __future__ import annotations

from django_fsm import transition

from workflows import predicates as can
from workflows.predicates import as_permission
from workflows.states import ActionState

S = ActionState
work = as_permission(can.can_work_on_action)
manage = as_permission(can.can_manage_action)


class ActionTransitions:
    """The transitions of an action; fire them with `workflows.engine.fire`."""

    @transition("state", S.OPEN, S.IN_PROGRESS, permission=work)
    def start(self) -> None:
        """Start working on the action."""

    @transition("state", S.IN_PROGRESS, S.DONE, permission=work)
    def complete(self) -> None:
        """Mark the action done."""

    @transition("state", [S.OPEN, S.IN_PROGRESS], S.BLOCKED, permission=work)
    def block(self) -> None:
        """Mark the action blocked, with a reason."""

    @transition("state", S.BLOCKED, S.IN_PROGRESS, permission=work)
    def resume(self) -> None:
        """Resume a blocked action."""

    @transition("state", [S.OPEN, S.IN_PROGRESS, S.BLOCKED], S.CANCELLED, permission=manage)
    def cancel(self) -> None:
        """Cancel the action."""

    @transition("state", S.DONE, S.IN_PROGRESS, permission=manage)
    def reopen(self) -> None:
        """Reopen a done action."""
