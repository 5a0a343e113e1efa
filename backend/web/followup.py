"""Follow-up in the pages: the coordinator hands out actions from a decision, and whoever
works on an action writes how it goes. The follow-up services judge, as for the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from backend.agenda.models import AgendaItem
from backend.agenda.selectors import items_visible_to
from backend.followup.models import Action
from backend.followup.selectors import actions_visible_to
from backend.followup.services import NEW_ACTION, action_create, action_note_add
from backend.organisations.models import Municipality, Person, Service
from backend.transitions.kinds import place_of
from backend.web.forms import MAX_TEXT, add_reasons, form_page
from backend.web.transitions import forms_for
from workflows import predicates as can
from workflows.engine import may_edit
from workflows.errors import NotVisible, TransitionError


class DayInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class ActionForm(forms.Form):
    """A new follow-up action: what, for whom (a person, a DVV service or both), by when."""

    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=250,
        error_messages={
            "required": gettext_lazy("Give the action a title."),
            "max_length": gettext_lazy("A title has at most %(limit_value)d characters."),
        },
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": gettext_lazy("A description has at most %(limit_value)d characters.")
        },
    )
    assignee = forms.ModelChoiceField(
        label=gettext_lazy("Assignee"),
        queryset=Person.objects.none(),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose a person of your region.")},
    )
    service = forms.ModelChoiceField(
        label=gettext_lazy("DVV service"),
        queryset=Service.objects.none(),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose a service of your region.")},
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Municipalities concerned"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: all the municipalities of the decision."),
        error_messages={"invalid_choice": gettext_lazy("Choose among the item's municipalities.")},
    )
    due_date = forms.DateField(
        label=gettext_lazy("Due date"),
        widget=DayInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": gettext_lazy("Give the date the action is due."),
            "invalid": gettext_lazy("Give a date, e.g. 31/01/2027."),
        },
    )

    def __init__(self, *args: Any, person: Person, item: AgendaItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = person.region_id
        self.fields["municipalities"].queryset = item.municipalities.order_by("name")  # type: ignore[attr-defined]
        self.fields["assignee"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            region=region, is_active=True
        ).order_by("last_name", "first_name", "username")
        self.fields["assignee"].label_from_instance = Person.get_full_name  # type: ignore[attr-defined]
        self.fields["service"].queryset = Service.objects.filter(  # type: ignore[attr-defined]
            region=region
        ).order_by("name")
        self.fields["assignee"].help_text = _("A person, a DVV service, or both.")
        self.fields["assignee"].empty_label = _("No one in person")  # type: ignore[attr-defined]
        self.fields["service"].empty_label = _("No service")  # type: ignore[attr-defined]

    def clean_due_date(self) -> Any:
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("A due date lies today or later."))
        return due


class NoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Progress note"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": gettext_lazy("Write the note first."),
            "max_length": gettext_lazy("A note has at most %(limit_value)d characters."),
        },
    )


def may_add_actions(person: Any, item: AgendaItem) -> bool:
    """Whether the person hands out actions on this item now (the coordinator, after the
    decision)."""
    return may_edit(item, NEW_ACTION, actor=person)


def item_page(item_id: int, action: Action | None = None) -> str:
    if action is not None:
        return place_of(action)
    return reverse("web:item", args=[item_id]) + "#actions"


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand out a follow-up action on a decided item."""
    item = items_visible_to(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    person: Person = request.user  # type: ignore[assignment]
    if not may_add_actions(person, item):
        messages.error(request, _("Actions are handed out by the coordinator, after the decision."))
        return HttpResponseRedirect(item_page(item.pk))
    form = ActionForm(request.POST or None, person=person, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            action = action_create(actor=person, item=item, **form.cleaned_data)
        except NotVisible:
            raise Http404 from None
        except TransitionError as error:
            add_reasons(form, error)
        else:
            messages.success(
                request, _("The action “%(title)s” is handed out.") % {"title": action.title}
            )
            return HttpResponseRedirect(item_page(item.pk, action))
    return form_page(request, "web/action_form.html", {"form": form, "item": item})


@login_required
@require_POST
def action_note(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a progress note to an action; back at the action on the item's page."""
    action = actions_visible_to(request.user).filter(pk=pk).first()
    if action is None:
        raise Http404
    form = NoteForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        # What was typed comes back in the note's field.
        request.session[f"note-draft-{action.pk}"] = request.POST.get("text", "")[:MAX_TEXT]
    else:
        try:
            action_note_add(action, actor=request.user, text=form.cleaned_data["text"])
        except NotVisible:
            raise Http404 from None
        except TransitionError as error:
            messages.error(request, str(error))
            request.session[f"note-draft-{action.pk}"] = form.cleaned_data["text"]
        else:
            request.session.pop(f"note-draft-{action.pk}", None)
            messages.success(request, _("The note is added."))
    return HttpResponseRedirect(item_page(action.item_id, action))


def action_rows(request: HttpRequest, item: AgendaItem) -> list[dict[str, Any]]:
    """The item's actions as its page shows them: each with its notes, its steps and
    whether (and with what draft) this person writes a note."""
    user = request.user
    actions = (
        actions_visible_to(user)
        .filter(item=item)
        .select_related("assignee", "service", "item")
        .prefetch_related("notes__author", "municipalities")
        .order_by("due_date", "id")
    )
    return [
        {
            "action": action,
            "forms": forms_for(action, user),
            "next": item_page(item.pk, action),
            "notes": sorted(action.notes.all(), key=lambda note: note.created_at),
            "may_note": can.can_work_on_action(user, action),
            "draft": request.session.get(f"note-draft-{action.pk}", ""),
        }
        for action in actions
    ]
