"""The Meeting machine: planned → convened → in_session → closed → minutes_approved."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_fsm import transition

from workflows import predicates as can
from workflows.machine import Firing, Machine, Step
from workflows.predicates import as_permission


class MeetingState(models.TextChoices):
    PLANNED = "planned", gettext_lazy("planned")
    CONVENED = "convened", gettext_lazy("convened")
    IN_SESSION = "in_session", gettext_lazy("in session")
    CLOSED = "closed", gettext_lazy("closed")
    MINUTES_APPROVED = "minutes_approved", gettext_lazy("minutes approved")
    CANCELLED = "cancelled", gettext_lazy("cancelled")


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


def has_agenda(meeting: Any, params: dict[str, Any], actor: Any) -> str | None:
    if meeting.pending_entries().exists():
        return None
    return _("The agenda is empty.")


def in_the_future(meeting: Any, params: dict[str, Any], actor: Any) -> str | None:
    if meeting.starts_at > timezone.now():
        return None
    return _("A meeting in the past cannot be convened.")


def quorum_recorded(meeting: Any, params: dict[str, Any], actor: Any) -> str | None:
    from backend.meetings.selectors import quorum_of

    quorum = quorum_of(meeting)
    if quorum.reached:
        return None
    return _("The quorum is not present (%(present)d of %(required)d municipalities).") % {
        "present": len(quorum.present),
        "required": quorum.required,
    }


def every_entry_handled(meeting: Any, params: dict[str, Any], actor: Any) -> str | None:
    waiting = meeting.pending_entries().count()
    if not waiting:
        return None
    return ngettext(
        "%(n)d agenda entry still needs an outcome.",
        "%(n)d agenda entries still need an outcome.",
        waiting,
    ) % {"n": waiting}


def unschedule_items(firing: Firing) -> None:
    """Send every item still on the cancelled meeting's agenda back to `prepared`."""
    from workflows.engine import fire_as_consequence

    for entry in firing.obj.pending_entries().select_related("item"):
        fire_as_consequence(entry.item, "unschedule", cause=firing)


def store_agenda(firing: Firing) -> None:
    """Store the agenda document: when `convene` answers, the convocation exists."""
    from backend.documents.services import document_generate

    document_generate(meeting=firing.obj, kind="agenda", actor=firing.actor)


def store_minutes(firing: Firing) -> None:
    """Store the draft minutes and the decision list of the meeting just closed."""
    from backend.documents.services import document_generate

    for kind in ("minutes", "decision_list"):
        document_generate(meeting=firing.obj, kind=kind, actor=firing.actor)


def store_approved_minutes(firing: Firing) -> None:
    """Store the approved minutes (without the draft banner): the last version there is."""
    from backend.documents.services import document_generate

    document_generate(meeting=firing.obj, kind="minutes", actor=firing.actor, approving=True)


MACHINE = Machine(
    name="meeting",
    can_view=can.can_view_meeting,
    steps={
        "convene": Step(guards=(has_agenda, in_the_future), effect=store_agenda),
        "open": Step(guards=(quorum_recorded,)),
        "close": Step(guards=(every_entry_handled,), effect=store_minutes),
        "approve_minutes": Step(effect=store_approved_minutes),
        "cancel": Step(effect=unschedule_items),
    },
)
