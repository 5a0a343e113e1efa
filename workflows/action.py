"""The Action machine's chart: open → in_progress → done, with block/resume, cancel and
reopen. What each transition takes and does is in `backend.followup.steps`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy
from django_fsm import transition

from workflows import predicates as can
from workflows.predicates import as_permission


class ActionState(models.TextChoices):
    OPEN = "open", gettext_lazy("open")
    IN_PROGRESS = "in_progress", gettext_lazy("in progress")
    BLOCKED = "blocked", gettext_lazy("blocked")
    DONE = "done", gettext_lazy("done")
    CANCELLED = "cancelled", gettext_lazy("cancelled")

    @classmethod
    def unfinished(cls) -> list[str]:
        """Return the states in which an action still needs work."""
        return [cls.OPEN, cls.IN_PROGRESS, cls.BLOCKED]


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
