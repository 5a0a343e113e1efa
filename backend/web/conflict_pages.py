"""The meeting page's forms for conflicts of interest (art. 27 DLB): report one on an
entry and, in session, remove one recorded by mistake; through the same services as the
API. A refused report comes back on the meeting's page with what was typed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.meetings.models import AgendaEntry
from backend.meetings.services import conflict_record, conflict_remove
from backend.organisations.models import Person
from backend.web.forms import ConflictForm, add_reasons, attempt
from backend.web.minutes import visible_entry
from backend.web.views import meeting_page, visible_meeting
from workflows.errors import NotVisible, TransitionError


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
