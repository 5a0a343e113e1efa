"""The Action and Ratification machines' steps: what each transition takes, checks and
does. The charts are `workflows.action` and `workflows.ratification`."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workflows import predicates as can
from workflows.declared import Choice, Date, Declared, Text
from workflows.machine import Effect, Firing, Machine, Step, register
from workflows.states import DecidingBody

REASON = Declared(
    params=(
        Text(name="reason", label=gettext_lazy("Reason"), required=gettext_lazy("Give a reason.")),
    )
)
"""`{"reason"}`: why an action is blocked, or why a municipality declined."""


def keep(**fields: str) -> Effect:
    """Return an effect that keeps parameters of the step on the object: each field gets
    the parameter named beside it (`blocked_reason="reason"`)."""

    def effect(firing: Firing) -> None:
        for field, param in fields.items():
            setattr(firing.obj, field, firing.params[param])
        firing.obj.save(update_fields=list(fields))

    return effect


# --- Actions --------------------------------------------------------------------------


def clear_block_reason(firing: Firing) -> None:
    action = firing.obj
    action.blocked_reason = ""
    action.save(update_fields=["blocked_reason"])


ACTION_MACHINE = register(
    "followup.Action",
    Machine(
        name="action",
        can_view=can.can_view_action,
        steps={
            "start": Step(),
            "complete": Step(),
            "block": Step(params=REASON, effect=keep(blocked_reason="reason")),
            "resume": Step(effect=clear_block_reason),
            "cancel": Step(),
            "reopen": Step(),
        },
    ),
)


# --- Ratifications --------------------------------------------------------------------


RATIFY = Declared(
    params=(
        Date(
            name="date",
            label=gettext_lazy("Date of the decision"),
            required=gettext_lazy("Give the date of the decision."),
            not_after_today=True,
        ),
        Choice(
            name="deciding_body",
            label=gettext_lazy("Deciding body"),
            required=gettext_lazy("Give the deciding body."),
            options=DecidingBody,
        ),
        Text(
            name="reference",
            label=gettext_lazy("Reference"),
            required=gettext_lazy("Give the reference."),
            max_length=200,
            multiline=False,
        ),
    )
)


def not_in_the_future(ratification: Any, params: dict[str, Any], actor: Any) -> str | None:
    if params["date"] > timezone.localdate():
        return _("The date of the decision cannot be in the future.")
    return None


def not_before_the_decision(ratification: Any, params: dict[str, Any], actor: Any) -> str | None:
    if params["date"] < timezone.localdate(ratification.decision.decided_at):
        return _("The municipality cannot ratify before the decision was taken.")
    return None


RATIFICATION_MACHINE = register(
    "followup.Ratification",
    Machine(
        name="ratification",
        can_view=can.can_view_ratification,
        steps={
            "ratify": Step(
                params=RATIFY,
                guards=(not_in_the_future, not_before_the_decision),
                effect=keep(date="date", deciding_body="deciding_body", reference="reference"),
            ),
            "decline": Step(params=REASON, effect=keep(reason="reason")),
            "waive": Step(),
        },
    ),
)
