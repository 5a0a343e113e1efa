"""The Meeting machine's chart: planned → convened → in_session → closed →
minutes_approved, or cancelled. What each transition checks and does is in
`backend.meetings.steps`."""

from __future__ import annotations

from django_fsm import transition

from workflows import predicates as can
from workflows.predicates import as_permission
from workflows.states import MeetingState

S = MeetingState


class MeetingTransitions:
    """The transitions of a meeting; fire them with `workflows.engine.fire`."""

    @transition("state", S.PLANNED, S.CONVENED, permission=as_permission(can.can_run_meeting))
    def convene(self) -> None:
        """Freeze the agenda and invite the members."""

    @transition("state", S.CONVENED, S.IN_SESSION, permission=as_permission(can.can_run_meeting))
    def open(self) -> None:
        """Open the session."""

    @transition("state", S.IN_SESSION, S.CLOSED, permission=as_permission(can.can_run_meeting))
    def close(self) -> None:
        """Close the session and draft the minutes."""

    @transition(
        "state", S.CLOSED, S.MINUTES_APPROVED, permission=as_permission(can.can_approve_minutes)
    )
    def approve_minutes(self) -> None:
        """Approve (and freeze) the minutes."""

    @transition(
        "state", [S.PLANNED, S.CONVENED], S.CANCELLED, permission=as_permission(can.can_run_meeting)
    )
    def cancel(self) -> None:
        """Cancel the meeting; its scheduled items go back to prepared."""
