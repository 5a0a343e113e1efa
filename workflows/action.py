"""The Action machine: open → in_progress → done, with block/resume, cancel and reopen."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import transition

from workflows import params as p
from workflows import predicates as can
from workflows.machine import Firing, Machine, Step
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


def parse_reason(action: Any, raw: Mapping[str, Any], actor: Any) -> dict[str, Any]:
    data = p.only(raw, {"reason"})
    return {
        "reason": p.text(data.get("reason"), required_reason=_("Give a reason."), field="reason")
    }


def store_block_reason(firing: Firing) -> None:
    action = firing.obj
    action.blocked_reason = firing.params["reason"]
    action.save(update_fields=["blocked_reason"])


def clear_block_reason(firing: Firing) -> None:
    action = firing.obj
    action.blocked_reason = ""
    action.save(update_fields=["blocked_reason"])


MACHINE = Machine(
    name="action",
    can_view=can.can_view_action,
    steps={
        "start": Step(),
        "complete": Step(),
        "block": Step(params=parse_reason, effect=store_block_reason),
        "resume": Step(effect=clear_block_reason),
        "cancel": Step(),
        "reopen": Step(),
    },
)
