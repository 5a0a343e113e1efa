"""The Ratification machine's chart: pending → ratified / declined / not_required. What
each transition takes, checks and does is in `backend.followup.steps`."""

from __future__ import annotations

from django_fsm import transition

from workflows import predicates as can
from workflows.predicates import as_permission
from workflows.states import RatificationState

S = RatificationState
record = as_permission(can.can_record_ratification)


class RatificationTransitions:
    """The transitions of a ratification; fire them with `workflows.engine.fire`."""

    @transition("state", S.PENDING, S.RATIFIED, permission=record)
    def ratify(self) -> None:
        """Record that the municipality ratified the decision."""

    @transition("state", S.PENDING, S.DECLINED, permission=record)
    def decline(self) -> None:
        """Record that the municipality declined the decision."""

    @transition(
        "state", S.PENDING, S.NOT_REQUIRED, permission=as_permission(can.can_waive_ratification)
    )
    def waive(self) -> None:
        """Record that no ratification is needed."""
