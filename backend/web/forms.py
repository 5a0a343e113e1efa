"""The forms of the pages. They check shape and region; the services judge the rest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from backend.agenda.models import AgendaItem
from backend.audit.tokens import NAME_LENGTH
from backend.meetings.models import Attendance
from backend.organisations.models import Body, Membership, Municipality, Person
from workflows import predicates as can
from workflows.errors import ConcurrentChange, GuardFailed, NotVisible, TransitionError
from workflows.params import LONG_TEXT

MAX_TEXT = 20000


def add_reasons(form: forms.Form, error: TransitionError) -> None:
    """Show a service's refusal in the form, which keeps what was typed: each reason about
    a field beside that field, the others above the form; a copy that someone else changed
    in the meantime says so, in the words of the form's `stale` where it has them."""
    stale = getattr(form, "stale", "")
    if isinstance(error, ConcurrentChange) and stale:
        form.add_error(None, stale)
        return
    reasons = error.reasons if isinstance(error, GuardFailed) else [error.message]
    for reason in reasons:
        field = getattr(reason, "field", None)
        form.add_error(field if field in form.fields else None, str(reason))


def form_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render a form's page: 400 when it comes back after a post (a post that went through
    redirects instead), 200 when it is asked for."""
    status = 400 if request.method == "POST" else 200
    return render(request, template, context, status=status)


class SignInForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), max_length=200, widget=forms.PasswordInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="username", autofocus=True)
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            autocomplete="one-time-code", autofocus=True, autocapitalize="characters"
        )


class ProofForm(forms.Form):
    """The current code (or the password, for someone without a second step yet), asked
    before a change to how the person signs in."""

    proof = forms.CharField(max_length=200)

    def __init__(self, *args: Any, by_code: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["proof"]
        field.widget.attrs.update(autofocus=True)
        if by_code:
            field.label = _("Current code from your app, or a recovery code")
            field.widget.attrs.update(autocomplete="one-time-code", autocapitalize="characters")
        else:
            field.label = _("Your password")
            field.widget = forms.PasswordInput(
                attrs={"autocomplete": "current-password", "autofocus": True}
            )


class TokenForm(ProofForm):
    """A new API key: a name to tell it apart, and the current code (or password)."""

    name = forms.CharField(label=_("Name"), max_length=NAME_LENGTH, required=False)

    field_order = ["name", "proof"]

    def __init__(self, *args: Any, by_code: bool, **kwargs: Any) -> None:
        super().__init__(*args, by_code=by_code, **kwargs)
        # The page is first a list: nothing takes the focus.
        self.fields["proof"].widget.attrs.pop("autofocus", None)


def groups_for(person: Person) -> QuerySet[Body]:
    """The intervision groups the person may draft items in."""
    groups = Body.objects.filter(region=person.region_id, kind=Body.Kind.INTERVISION_GROUP)
    if not person.is_coordinator and not person.is_superuser:
        groups = groups.filter(
            pk__in=Membership.objects.active().filter(person=person).values("body")
        )
    return groups.order_by("name")


class ItemForm(forms.Form):
    """An agenda item's content, with the bodies and municipalities of the person's region."""

    title = forms.CharField(label=_("Title"), max_length=250)
    kind = forms.ChoiceField(label=_("Kind"), choices=AgendaItem.Kind.choices)
    intervision_group = forms.ModelChoiceField(
        label=_("Intervision group"), queryset=Body.objects.none()
    )
    target_cluster = forms.ModelChoiceField(
        label=_("Target cluster"), queryset=Body.objects.none(), required=False
    )
    rationale = forms.CharField(
        label=_("Rationale"), max_length=LONG_TEXT, required=False, widget=forms.Textarea
    )
    proposed_decision = forms.CharField(
        label=_("Proposed decision"), max_length=LONG_TEXT, required=False, widget=forms.Textarea
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities concerned"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    confidential = forms.BooleanField(label=_("Confidential"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    stale = _(
        "Someone else changed this item in the meantime. Open it again to see "
        "their changes; your text is still below."
    )

    def __init__(
        self, *args: Any, person: Person, item: AgendaItem | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        bodies = Body.objects.filter(region=person.region_id).order_by("name")
        # An item keeps its own group and target among the choices: a cluster chair who is
        # in no group may still edit it, and a forwarded item's target is no cluster.
        own_group = Q(pk=item.intervision_group_id) if item else Q(pk__in=[])
        own_target = (
            Q(pk=item.target_cluster_id) if item and item.target_cluster_id else Q(pk__in=[])
        )
        field = self.fields
        field["intervision_group"].queryset = bodies.filter(  # type: ignore[attr-defined]
            Q(pk__in=groups_for(person).values("pk")) | own_group
        )
        field["target_cluster"].queryset = bodies.filter(  # type: ignore[attr-defined]
            Q(kind__in=Body.Kind.targets()) | own_target
        )
        field["municipalities"].queryset = Municipality.objects.filter(  # type: ignore[attr-defined]
            region=person.region_id
        ).order_by("name")
        if item is not None:
            self.lock_routing(person, item)

    def lock_routing(self, person: Person, item: AgendaItem) -> None:
        """Show the target and confidentiality as they are, and why, where this person
        may not change them now (the service would refuse)."""
        if not can.can_route_item(person, item):
            for name in ("target_cluster", "confidential"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Only the author, the chair of the intervision group or the coordinator "
                    "change this."
                )
        elif can.deciding_body_id(item) is not None:
            self.fields["target_cluster"].disabled = True
            self.fields["target_cluster"].help_text = _(
                "The item is on a meeting's agenda: its target body stays until it is taken off."
            )

    def content(self) -> dict[str, Any]:
        """The cleaned content, as the item services take it."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class AttendanceForm(forms.Form):
    person = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    status = forms.ChoiceField(choices=Attendance.Status.choices)
    replacing = forms.IntegerField(
        label=_("In place of"), required=False, min_value=1, max_value=2**63 - 1
    )
    arrived_before_entry = forms.IntegerField(
        label=_("Arrived before entry"), required=False, min_value=1, max_value=10_000
    )
    left_before_entry = forms.IntegerField(
        label=_("Left before entry"), required=False, min_value=1, max_value=10_000
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), max_length=500, allow_empty_file=False)


def attempt(request: HttpRequest, change: Callable[[], object], done: str) -> None:
    """Make a change a page's button asks for: what the person may not see is a 404, a
    refusal is said as an error message, and success as `done`."""
    try:
        change()
    except NotVisible:
        raise Http404 from None
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)


class SecretaryForm(forms.Form):
    """The secretary of a meeting, chosen on its page; a refusal names the one field."""

    secretary = forms.CharField(label=_("Secretary"), required=False, max_length=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "meeting-%s")
        super().__init__(*args, **kwargs)

    def refuse(self, error: TransitionError) -> None:
        """Show the service's refusal: a reason about the choice beside the field (the
        only one), a step that is not possible now above the form."""
        if isinstance(error, GuardFailed):
            for reason in error.reasons:
                self.add_error("secretary", str(reason))
            return
        add_reasons(self, error)

    @property
    def chosen(self) -> str:
        """The person chosen, as posted."""
        return str(self.data.get("secretary", ""))


class ConflictForm(forms.Form):
    """A conflict of interest reported on one agenda entry (art. 27 DLB)."""

    person = forms.CharField(label=_("Person"), max_length=20)
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=MAX_TEXT)

    def __init__(self, *args: Any, entry: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"conflict-%s-{entry}")
        super().__init__(*args, **kwargs)
        self.fields["person"].error_messages["required"] = _(
            "Choose the person with the conflict of interest."
        )
        self.entry = entry

    @property
    def chosen(self) -> str:
        return str(self.data.get("person", ""))

    @property
    def typed_reason(self) -> str:
        return str(self.data.get("reason", ""))
