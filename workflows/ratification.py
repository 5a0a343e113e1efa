"""The Ratification machine: pending → ratified / declined / not_required."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import transition

from workflows import params as p
from workflows import predicates as can
from workflows.errors import GuardFailed
from workflows.machine import Firing, Machine, Step
from workflows.predicates import as_permission


class RatificationState(models.TextChoices):
    PENDING = "pending", gettext_lazy("pending")
    RATIFIED = "ratified", gettext_lazy("ratified")
    DECLINED = "declined", gettext_lazy("declined")
    NOT_REQUIRED = "not_required", gettext_lazy("not required")


class DecidingBody(models.TextChoices):
    GEMEENTERAAD = "gemeenteraad", gettext_lazy("municipal council")
    COLLEGE = "college", gettext_lazy("college of mayor and aldermen")
    VAST_BUREAU = "vast_bureau", gettext_lazy("permanent bureau")
    RAAD_MAATSCHAPPELIJK_WELZIJN = (
        "raad_maatschappelijk_welzijn",
        gettext_lazy("council for social welfare"),
    )


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


def parse_reason(ratification: Any, raw: Mapping[str, Any], actor: Any) -> dict[str, Any]:
    data = p.only(raw, {"reason"})
    return {
        "reason": p.text(data.get("reason"), required_reason=_("Give a reason."), field="reason")
    }


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


MACHINE = Machine(
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
)
