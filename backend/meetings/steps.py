"""The Meeting machine's steps: what each transition checks and does (its documents, the
items of a cancelled meeting). The chart is `workflows.meeting`."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backend.documents.services import document_generate
from backend.meetings.selectors import quorum_of
from workflows import predicates as can
from workflows.engine import fire_as_consequence
from workflows.machine import Firing, Machine, Step, register


def has_agenda(meeting: Any, params: dict[str, Any], actor: Any) -> str | None:
    if meeting.pending_entries().exists():
        return None
    return _("The agenda is empty.")


def in_the_future(meeting: Any, params: dict[str, Any], actor: Any) -> str | None:
    if meeting.starts_at > timezone.now():
        return None
    return _("A meeting in the past cannot be convened.")


def quorum_missing(meeting: Any) -> str | None:
    """Say why the quorum is not present at the meeting, or None when it is."""
    quorum = quorum_of(meeting)
    if quorum.reached:
        return None
    return _("The quorum is not present (%(present)d of %(required)d municipalities).") % {
        "present": len(quorum.present),
        "required": quorum.required,
    }


def quorum_recorded(meeting: Any, params: dict[str, Any], actor: Any) -> str | None:
    return quorum_missing(meeting)


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

    for entry in firing.obj.pending_entries().select_related("item"):
        fire_as_consequence(entry.item, "unschedule", cause=firing)


def store_agenda(firing: Firing) -> None:
    """Store the agenda document: when `convene` answers, the convocation exists."""

    document_generate(meeting=firing.obj, kind="agenda", actor=firing.actor)


def store_minutes(firing: Firing) -> None:
    """Store the draft minutes and the decision list of the meeting just closed."""

    for kind in ("minutes", "decision_list"):
        document_generate(meeting=firing.obj, kind=kind, actor=firing.actor)


def store_approved_minutes(firing: Firing) -> None:
    """Store the approved minutes (without the draft banner): the last version there is."""

    document_generate(meeting=firing.obj, kind="minutes", actor=firing.actor, approving=True)


MACHINE = register(
    "meetings.Meeting",
    Machine(
        name="meeting",
        can_view=can.can_view_meeting,
        steps={
            "convene": Step(guards=(has_agenda, in_the_future), effect=store_agenda),
            "open": Step(guards=(quorum_recorded,)),
            "close": Step(guards=(every_entry_handled,), effect=store_minutes),
            "approve_minutes": Step(effect=store_approved_minutes),
            "cancel": Step(effect=unschedule_items),
        },
    ),
)
