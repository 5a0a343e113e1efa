"""Conflicts of interest on the meeting page (art. 27 DLB): per agenda entry who takes no
part in it, a small form to report one and, in session, a button to remove one recorded by
mistake; through the same services as the API."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.meetings.models import AgendaEntry, Attendance, Conflict, Meeting
from backend.meetings.services import (
    CONFLICT_REASON_MAX,
    CONFLICTS,
    CONFLICTS_REMOVE,
    conflict_record,
    conflict_remove,
    may_record_conflicts,
)
from backend.organisations.models import Membership, Person
from backend.web.forms import ConflictForm, add_reasons, attempt
from backend.web.minutes import visible_entry
from workflows.engine import may_edit
from workflows.errors import NotVisible, TransitionError
from workflows.states import MeetingState


def people_for_conflicts(user: Any, meeting: Meeting) -> list[Person]:
    """Whom the person may report a conflict for: members present (in session) or expected
    (convened: not excused or absent); only themself unless they record for others."""
    day = timezone.localdate(meeting.starts_at)
    members = Person.objects.filter(
        pk__in=Membership.objects.active(day).filter(body=meeting.body_id).values("person")
    )
    if meeting.state == MeetingState.IN_SESSION:
        members = members.filter(
            pk__in=meeting.attendances.filter(status=Attendance.Status.PRESENT).values("person")
        )
    else:
        members = members.exclude(
            pk__in=meeting.attendances.exclude(status=Attendance.Status.PRESENT).values("person")
        )
    if not may_record_conflicts(user, meeting):
        members = members.filter(pk=user.pk)
    return list(members.order_by("last_name", "first_name", "pk"))


def conflicts_context(
    user: Any, meeting: Meeting, entries: Iterable[AgendaEntry]
) -> dict[str, Any]:
    """Put each entry's conflicts on it (`entry.conflicts_shown`), and say who may report
    or remove one on the page."""
    entries = list(entries)
    by_entry: dict[int, list[Conflict]] = {}
    for conflict in Conflict.objects.filter(entry__in=entries).select_related("person"):
        by_entry.setdefault(conflict.entry_id, []).append(conflict)
    for entry in entries:
        entry.conflicts_shown = by_entry.get(entry.pk, [])  # type: ignore[attr-defined]
    may_declare = may_edit(meeting, CONFLICTS, actor=user)
    return {
        "may_declare_conflict": may_declare,
        "may_remove_conflict": may_edit(meeting, CONFLICTS_REMOVE, actor=user),
        "conflict_people": people_for_conflicts(user, meeting) if may_declare else [],
        "conflict_reason_max": CONFLICT_REASON_MAX,
    }


def back_to(entry: AgendaEntry) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        reverse("web:meeting", args=[entry.meeting_id]) + f"#entry-{entry.pk}"
    )


def person_in_region(request: HttpRequest, value: str) -> Person | None:
    if not value.isdigit():
        return None
    region = getattr(request.user, "region_id", None)
    people = Person.objects.all()
    if not getattr(request.user, "is_superuser", False):
        people = people.filter(region=region)
    return people.filter(pk=int(value)).first()


@login_required
@require_POST
def entry_conflict_add(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    """Report a conflict of interest on one entry (form "Belangenconflict melden")."""
    found = visible_entry(request, pk, entry)
    form = ConflictForm(request.POST, entry=found.pk)
    if form.is_valid():
        person = person_in_region(request, form.cleaned_data["person"])
        if person is None:
            form.add_error("person", _("Choose the person with the conflict of interest."))
        else:
            try:
                conflict_record(
                    entry=found,
                    person=person,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except NotVisible:
                raise Http404 from None
            except TransitionError as error:
                add_reasons(form, error)
            else:
                messages.success(request, _("The conflict of interest is recorded."))
                return back_to(found)
    # The meeting's page is built in views, which reads this module's context: imported
    # here, where a refusal needs it.
    from backend.web.views import meeting_page, visible_meeting

    return meeting_page(request, visible_meeting(request, pk), {"conflict_form": form})


@login_required
@require_POST
def entry_conflict_remove(request: HttpRequest, pk: int, entry: int, person: int) -> HttpResponse:
    """Remove a conflict of interest recorded by mistake (in session)."""
    found = visible_entry(request, pk, entry)
    who = person_in_region(request, str(person))
    if who is None:
        raise Http404
    attempt(
        request,
        lambda: conflict_remove(entry=found, person=who, actor=request.user),
        _("The conflict of interest is removed."),
    )
    return back_to(found)
