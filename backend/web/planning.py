"""Planning meetings in the pages: a new meeting or a series of them, and changing one
while it is planned. The coordinator plans for every body, a chair or secretary for theirs;
the meeting services judge, exactly as for the API."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from backend.meetings.models import Meeting
from backend.meetings.selectors import meetings_visible_to
from backend.meetings.services import (
    MAX_SERIES,
    Repeat,
    meeting_plan,
    meeting_plan_series,
    meeting_update,
    proposed_deadline,
)
from backend.organisations.models import Body, Membership, Person
from backend.web.forms import add_reasons, form_page
from workflows import predicates as can
from workflows.errors import NotVisible, TransitionError
from workflows.states import MeetingState

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise
else:
    StrOrPromise = str

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


def bodies_planned_by(person: Person) -> QuerySet[Body]:
    """The bodies whose meetings the person plans: every body of the region for the
    coordinator, else those the person chairs or is secretary of."""
    bodies = Body.objects.filter(region=person.region_id).select_related("region")
    if not (person.is_coordinator or person.is_superuser):
        bodies = bodies.filter(
            pk__in=Membership.objects.active()
            .filter(person=person, role__in=[Membership.Role.CHAIR, Membership.Role.SECRETARY])
            .values("body")
        )
    return bodies.order_by("kind", "name")


class MinuteInput(forms.DateTimeInput):
    """A date and time picker, to the minute."""

    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=LOCAL_MINUTE)


def moment(
    label: StrOrPromise, *, required: bool = True, help_text: StrOrPromise = ""
) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=MinuteInput(),
        input_formats=[LOCAL_MINUTE, "%Y-%m-%d %H:%M"],
        error_messages={
            "required": gettext_lazy("Give a date and a time."),
            "invalid": gettext_lazy("Give a date and a time, e.g. 9/12/2026 19:00."),
        },
    )


class MeetingForm(forms.Form):
    """A meeting's date, place and submission deadline (and, when planned anew, its body
    and how it repeats)."""

    body = forms.ModelChoiceField(
        label=gettext_lazy("Body"),
        queryset=Body.objects.none(),
        error_messages={
            "required": gettext_lazy("Choose the body that meets."),
            "invalid_choice": gettext_lazy("Choose one of the bodies you plan meetings for."),
        },
    )
    starts_at = moment(gettext_lazy("Date and time"))
    location = forms.CharField(
        label=gettext_lazy("Place"),
        max_length=200,
        required=False,
        error_messages={
            "max_length": gettext_lazy("A place has at most %(limit_value)d characters.")
        },
    )
    submission_deadline = moment(
        gettext_lazy("Submission deadline"),
        required=False,
        help_text=gettext_lazy(
            "Items can be scheduled until then. Empty: the body's usual number of days before "
            "the meeting."
        ),
    )
    repeat = forms.ChoiceField(
        label=gettext_lazy("Repeat"),
        required=False,
        choices=[("", gettext_lazy("Only this meeting")), *Repeat.choices],
    )
    count = forms.IntegerField(
        label=gettext_lazy("Number of meetings in the series"),
        min_value=2,
        max_value=MAX_SERIES,
        required=False,
        initial=6,
        error_messages={
            "min_value": gettext_lazy("A series has at least %(limit_value)d meetings."),
            "max_value": gettext_lazy("A series has at most %(limit_value)d meetings."),
            "invalid": gettext_lazy("Give a number."),
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    stale = gettext_lazy(
        "Someone else changed this meeting in the meantime. Open it again to see "
        "their changes; what you typed is still below."
    )

    def __init__(self, *args: Any, person: Person, meeting: Meeting | None = None, **kw: Any):
        super().__init__(*args, **kw)
        bodies = bodies_planned_by(person)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]
        self.fields["body"].empty_label = _("Choose a body")  # type: ignore[attr-defined]
        # Each body's usual deadline, for the page to propose one as soon as a date is given.
        self.fields["body"].help_text = _(
            "A new meeting starts with the standing entries of its body."
        )
        self.fields["body"].widget.attrs["data-deadline-days"] = ",".join(
            f"{body.pk}:{body.lead_days('submission_deadline_days')}" for body in bodies
        )
        if meeting is not None:
            for name in ("body", "repeat", "count"):
                del self.fields[name]
        else:
            del self.fields["version"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A number that is there but wrong already says so; only a missing one is asked for.
        if data.get("repeat") and not data.get("count") and "count" not in self.errors:
            self.add_error("count", _("Give how many meetings the series has."))
        return data


def to_the_minute(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    """Plan a meeting of a body, or a series of them."""
    person: Person = request.user  # type: ignore[assignment]
    if not bodies_planned_by(person).exists():
        raise PermissionDenied(
            _("Meetings are planned by the coordinator and by a body's chair or secretary.")
        )
    initial = {"body": request.GET.get("body", "")}
    form = MeetingForm(request.POST or None, person=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        body, starts_at = data["body"], data["starts_at"]
        deadline = data["submission_deadline"] or proposed_deadline(body, starts_at)
        try:
            if data["repeat"]:
                planned = meeting_plan_series(
                    body=body,
                    starts_at=starts_at,
                    submission_deadline=deadline,
                    repeat=data["repeat"],
                    count=data["count"],
                    location=data["location"],
                    actor=person,
                )
            else:
                planned = [
                    meeting_plan(
                        body=body,
                        starts_at=starts_at,
                        submission_deadline=deadline,
                        location=data["location"],
                        actor=person,
                    )
                ]
        except TransitionError as error:
            add_reasons(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "The meeting is planned.",
                    "%(count)d meetings are planned.",
                    len(planned),
                )
                % {"count": len(planned)},
            )
            return redirect("web:meeting", pk=planned[0].pk)
    return form_page(request, "web/meeting_form.html", {"form": form, "meeting": None})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a planned meeting's date, place or submission deadline."""
    person: Person = request.user  # type: ignore[assignment]
    meeting = meetings_visible_to(person).select_related("body__region").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    if not can.can_run_meeting(person, meeting) or meeting.state != MeetingState.PLANNED:
        messages.error(request, _("Only a planned meeting can be changed, by who plans it."))
        return redirect("web:meeting", pk=meeting.pk)
    initial = {
        "starts_at": timezone.localtime(meeting.starts_at),
        "location": meeting.location,
        "submission_deadline": timezone.localtime(meeting.submission_deadline),
        "version": meeting.version,
    }
    form = MeetingForm(request.POST or None, person=person, meeting=meeting, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        deadline = data["submission_deadline"] or proposed_deadline(meeting.body, data["starts_at"])
        changes: dict[str, Any] = {"location": data["location"]}
        # The form speaks in minutes: a moment it shows unchanged stays as it is.
        if data["starts_at"] != to_the_minute(meeting.starts_at):
            changes["starts_at"] = data["starts_at"]
        if deadline != to_the_minute(meeting.submission_deadline):
            changes["submission_deadline"] = deadline
        try:
            meeting_update(meeting, actor=person, expected_version=data["version"], **changes)
        except NotVisible:
            raise Http404 from None
        except TransitionError as error:
            add_reasons(form, error)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect("web:meeting", pk=meeting.pk)
    return form_page(request, "web/meeting_form.html", {"form": form, "meeting": meeting})


def may_plan(person: Person) -> bool:
    """Whether the person plans meetings of some body."""
    return bodies_planned_by(person).exists()
