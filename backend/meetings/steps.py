"""The Meeting machine's steps: what each transition checks and does (its documents, the
items of a cancelled meeting). The chart is `workflows.meeting`."""

from __future__ import annotations

from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from backend.documents.requests import document_request
from backend.meetings.models import Meeting
from backend.meetings.selectors import chairs_present, quorum_of
from workflows import predicates as can
from workflows.declared import Confirm, Declared, Instance
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


def quorum_missing(meeting: Any, entry: Any = None) -> str | None:
    """Say why the quorum is not present at the meeting (for an entry: without who has a
    conflict of interest on it), or None when it is."""
    quorum = quorum_of(meeting, entry)
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


def held_on_another_day(meeting: Any) -> bool:
    """Whether opening the meeting now holds it on another day than it was planned for."""
    return timezone.localdate(meeting.starts_at) != timezone.localdate()


def first_chair_present(meeting: Any) -> Any:
    return chairs_present(meeting).first()


OPEN = Declared(
    params=(
        Instance(
            name="presiding",
            label=gettext_lazy("Presiding chair"),
            required=gettext_lazy(
                "No chair of the body is recorded as present: record who presides first."
            ),
            accepted=lambda meeting, actor: chairs_present(meeting),
            fallback=first_chair_present,
            shown=lambda person: person.get_full_name() or person.username,
            unknown=gettext_lazy("The presiding chair must be a chair of the body who is present."),
            empty=gettext_lazy("No chair of the body is recorded as present."),
        ),
        Confirm(
            name="other_day",
            label=gettext_lazy(
                "The meeting was planned for %(day)s: I open it today, on another day."
            ),
            required=gettext_lazy(
                "Confirm that the meeting is held today, on another day than planned."
            ),
            when=held_on_another_day,
            details=lambda meeting: {
                "day": formats.date_format(timezone.localtime(meeting.starts_at), "l j F Y")
            },
        ),
    )
)


def record_opening(firing: Firing) -> None:
    """Record when the session opened and who presides it."""
    meeting, now = firing.obj, timezone.now()
    presiding = firing.params["presiding"]
    Meeting.objects.filter(pk=meeting.pk).update(opened_at=now, presiding=presiding)
    meeting.opened_at, meeting.presiding = now, presiding


def unschedule_items(firing: Firing) -> None:
    """Send every item still on the cancelled meeting's agenda back to `prepared`."""

    for entry in firing.obj.pending_entries().select_related("item"):
        fire_as_consequence(entry.item, "unschedule", cause=firing)


def store_agenda(firing: Firing) -> None:
    """Request the agenda document, made by the worker once `convene` commits."""

    document_request(firing, "agenda")


def store_minutes(firing: Firing) -> None:
    """Record when the session closed; request the draft minutes and the decision list."""

    meeting, now = firing.obj, timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(closed_at=now)
    meeting.closed_at = now
    for kind in ("minutes", "decision_list"):
        document_request(firing, kind)


def store_approved_minutes(firing: Firing) -> None:
    """Request the approved minutes (without the draft banner): the last version there is."""

    document_request(firing, "minutes", approving=True)


MACHINE = register(
    "meetings.Meeting",
    Machine(
        name="meeting",
        can_view=can.can_view_meeting,
        steps={
            "convene": Step(guards=(has_agenda, in_the_future), effect=store_agenda),
            "open": Step(params=OPEN, guards=(quorum_recorded,), effect=record_opening),
            "close": Step(guards=(every_entry_handled,), effect=store_minutes),
            "approve_minutes": Step(effect=store_approved_minutes),
            "cancel": Step(effect=unschedule_items),
        },
    ),
)
