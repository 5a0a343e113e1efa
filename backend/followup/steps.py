"""The Action and Ratification machines' steps: what each transition takes, checks and
does. The charts are `workflows.action` and `workflows.ratification`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from workflows import params as p
from workflows import predicates as can
from workflows.errors import GuardFailed
from workflows.machine import Firing, Machine, Step, register
from workflows.ratification import DecidingBody


def parse_reason(obj: Any, raw: Mapping[str, Any], actor: Any) -> dict[str, Any]:
    """`{"reason"}`: why an action is blocked, or why a municipality declined."""
    data = p.only(raw, {"reason"})
    return {
        "reason": p.text(data.get("reason"), required_reason=_("Give a reason."), field="reason")
    }


# --- Actions --------------------------------------------------------------------------


def store_block_reason(firing: Firing) -> None:
    action = firing.obj
    action.blocked_reason = firing.params["reason"]
    action.save(update_fields=["blocked_reason"])


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
            "block": Step(params=parse_reason, effect=store_block_reason),
            "resume": Step(effect=clear_block_reason),
            "cancel": Step(),
            "reopen": Step(),
        },
    ),
)


# --- Ratifications --------------------------------------------------------------------


def parse_ratify(ratification: Any, raw: Mapping[str, Any], actor: Any) -> dict[str, Any]:
    data = p.only(raw, {"date", "deciding_body", "reference"})
    reasons: list[str] = []
    values: dict[str, Any] = {}
    for key, parse in (
        ("date", lambda v: p.date(v, required_reason=_("Give the date of the decision."))),
        (
            "deciding_body",
            lambda v: p.choice(v, DecidingBody, required_reason=_("Give the deciding body.")),
        ),
        (
            "reference",
            lambda v: p.text(
                v, required_reason=_("Give the reference."), max_length=200, field="reference"
            ),
        ),
    ):
        try:
            values[key] = parse(data.get(key))
        except GuardFailed as error:
            reasons.extend(str(reason) for reason in error.reasons)
    if reasons:
        raise GuardFailed(reasons)
    return values


def not_in_the_future(ratification: Any, params: dict[str, Any], actor: Any) -> str | None:
    if params["date"] > timezone.localdate():
        return _("The date of the decision cannot be in the future.")
    return None


def not_before_the_decision(ratification: Any, params: dict[str, Any], actor: Any) -> str | None:
    if params["date"] < timezone.localdate(ratification.decision.decided_at):
        return _("The municipality cannot ratify before the decision was taken.")
    return None


def store_ratification(firing: Firing) -> None:
    ratification = firing.obj
    ratification.date = firing.params["date"]
    ratification.deciding_body = firing.params["deciding_body"]
    ratification.reference = firing.params["reference"]
    ratification.save(update_fields=["date", "deciding_body", "reference"])


def store_reason(firing: Firing) -> None:
    ratification = firing.obj
    ratification.reason = firing.params["reason"]
    ratification.save(update_fields=["reason"])


RATIFICATION_MACHINE = register(
    "followup.Ratification",
    Machine(
        name="ratification",
        can_view=can.can_view_ratification,
        steps={
            "ratify": Step(
                params=parse_ratify,
                guards=(not_in_the_future, not_before_the_decision),
                effect=store_ratification,
            ),
            "decline": Step(params=parse_reason, effect=store_reason),
            "waive": Step(),
        },
    ),
)
