"""The minutes while the meeting happens: per agenda entry the discussion note, written
by the chair or secretary (or the coordinator) and saved as they type, through the same
service as the API; the minutes print it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from backend.agenda.selectors import entries_visible_to
from backend.meetings.models import AgendaEntry, Meeting
from backend.meetings.selectors import meetings_visible_to
from backend.meetings.services import NOTES, entry_note_write
from backend.web.forms import MAX_TEXT
from workflows.engine import may_edit
from workflows.errors import NotVisible, TransitionError


class EntryNoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Discussion"),
        max_length=MAX_TEXT,
        required=False,
        error_messages={
            "max_length": gettext_lazy("A note has at most %(limit_value)d characters.")
        },
    )


def may_write_notes(user: object, meeting: Meeting) -> bool:
    """Whether the person writes the discussion notes of this meeting now."""
    return may_edit(meeting, NOTES, actor=user)


def visible_entry(request: HttpRequest, pk: int, entry: int) -> AgendaEntry:
    """Return an entry of a meeting the person may see, with its meeting; else 404."""
    meeting = meetings_visible_to(request.user).select_related("body").filter(pk=pk).first()
    found = (
        entries_visible_to(request.user, meeting).filter(pk=entry).first()
        if meeting is not None
        else None
    )
    if meeting is None or found is None:
        raise Http404
    found.meeting = meeting
    return found


@login_required
@require_POST
def entry_note(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    """Save one entry's discussion note; with htmx the note's block comes back saying when
    it was saved, or why not (with the text as it was typed)."""
    found = visible_entry(request, pk, entry)
    meeting = found.meeting
    form = EntryNoteForm(request.POST)
    typed = request.POST.get("note", "")
    errors: list[str] = []
    saved = ""
    if not form.is_valid():
        errors = [str(message) for message in form.errors.get("note", [])]
    else:
        try:
            entry_note_write(entry=found, actor=request.user, note=form.cleaned_data["note"])
        except NotVisible:
            raise Http404 from None
        except TransitionError as error:
            errors = [str(error)]
        else:
            saved = timezone.localtime().strftime("%H:%M")
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "web/_entry_note.html",
            {"entry": found, "meeting": meeting, "note": typed, "errors": errors, "saved": saved},
            status=200,
        )
    for reason in errors:
        messages.error(request, reason)
    if errors:
        request.session[f"entry-note-draft-{found.pk}"] = typed[: MAX_TEXT + 1000]
    else:
        request.session.pop(f"entry-note-draft-{found.pk}", None)
        messages.success(request, _("The discussion note is saved."))
    return HttpResponseRedirect(reverse("web:meeting", args=[meeting.pk]) + f"#entry-{found.pk}")


def draft_of(request: HttpRequest, entry: AgendaEntry) -> str:
    """The note as the person last typed it when it could not be saved, else as saved."""
    return str(request.session.get(f"entry-note-draft-{entry.pk}", entry.note))
