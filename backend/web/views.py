"""The Dutch web pages: sign-in, "Mijn werk", agenda items, meetings and the help page.

Every write goes through the same services and the one workflow entry point as the API,
so the pages show and allow exactly what the person may do, and say why not in Dutch.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urlsplit

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from backend.agenda.models import AgendaItem, Decision
from backend.agenda.selectors import (
    DECIDING_STEPS,
    chain_of,
    entries_visible_to,
    items_visible_to,
    tally_parts,
)
from backend.agenda.services import (
    attachment_add,
    attachment_remove,
    item_create,
    item_update,
    too_large_reason,
)
from backend.audit.models import TransitionLog
from backend.documents.pdf import conversion_available
from backend.followup.selectors import ratifications_visible_to
from backend.http.downloads import (
    attachment_response,
    excerpt_pdf_response,
    excerpt_response,
    excerpts_zip_response,
)
from backend.http.uploads import too_large
from backend.meetings.models import AgendaEntry, Attendance, Meeting
from backend.meetings.selectors import meetings_visible_to, quorum_of, secretaries_possible
from backend.meetings.services import (
    MEETING_EDIT,
    agenda_arrange,
    attendance_everyone_present,
    attendance_record,
    meeting_update,
)
from backend.organisations.models import Membership, Person
from backend.reminders.delivery import describe, page_path
from backend.reminders.models import Notification
from backend.transitions.diagrams import MACHINES, mermaid, transitions_of
from backend.transitions.kinds import KINDS, page_of
from backend.transitions.labels import transition_label
from backend.web.charts import charts_of
from backend.web.conflicts import conflicts_context
from backend.web.documents import documents_context
from backend.web.followup import action_rows, may_add_actions
from backend.web.forms import (
    AttachmentForm,
    AttendanceForm,
    ItemForm,
    SecretaryForm,
    add_reasons,
    form_page,
    groups_for,
)
from backend.web.minutes import draft_of, may_write_notes
from backend.web.overview import (
    OPEN_STATES,
    follow_up_board,
    matrix_section,
    publication_terms,
    top_line,
    where_items_are,
)
from backend.web.planning import may_plan
from backend.web.transitions import TransitionForm, fire_posted, forms_for
from backend.web.work import who_acts_next, work_of
from workflows import predicates as can
from workflows.engine import may_edit
from workflows.errors import (
    FieldReason,
    GuardFailed,
    NotVisible,
    TransitionError,
)
from workflows.states import ItemState, MeetingState


def person_of(request: HttpRequest) -> Person:
    """The signed-in person (the views that call this require a sign-in)."""
    return cast(Person, request.user)


def reasons_of(error: TransitionError) -> list[str]:
    """The Dutch sentences that say why the workflow refused (a sentence about one field
    keeps its field, for the form to show it there)."""
    if isinstance(error, GuardFailed):
        return [r if isinstance(r, FieldReason) else str(r) for r in error.reasons]
    return [str(error.message)]


def timeline(obj: Any) -> list[tuple[TransitionLog, str, str]]:
    """The object's history, oldest first, with readable transition and state names; an
    edit between the steps reads "Edited: title, rationale" and reaches no state."""
    logs = TransitionLog.objects.for_object(obj).select_related("actor")
    return [
        (log, edit_label(obj, log), "")
        if log.kind == TransitionLog.Kind.EDIT
        else (log, transition_label(log.transition), state_label(obj, log.target))
        for log in logs
    ]


EDITED_PARTS = {
    "attachments": gettext_lazy("attachments"),
    "agenda": gettext_lazy("agenda order"),
    "attendance": gettext_lazy("attendance"),
    "note": gettext_lazy("discussion note"),
    "signature": pgettext_lazy("signature", "signature"),
    "correction": pgettext_lazy("document", "correction"),
}


def edit_label(obj: Any, log: TransitionLog) -> str:
    """Say which parts an edit changed, by their names on the form."""
    names = []
    for field in log.params.get("fields", []):
        part = str(field).split(":", 1)[0]
        if part in EDITED_PARTS:
            name = str(EDITED_PARTS[part])
        else:
            try:
                name = str(type(obj)._meta.get_field(part).verbose_name)
            except (FieldDoesNotExist, AttributeError):
                name = part
        if name not in names:
            names.append(name)
    return _("Edited: %(fields)s") % {"fields": ", ".join(names)}


def safe_next(request: HttpRequest, fallback: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if wanted and allowed else fallback


# --- Mijn werk -----------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = person_of(request)
    notifications = Notification.objects.filter(recipient=user, read_at__isnull=True).order_by(
        "-due_at"
    )[:10]
    return render(
        request,
        "web/home.html",
        {
            "work": work_of(user),
            "today": timezone.localdate(),
            "notifications": [(n, describe(n), page_path(n)) for n in notifications],
        },
    )


# --- Agenda items --------------------------------------------------------------------


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    items = items_visible_to(request.user).select_related("target_cluster", "intervision_group")
    state = request.GET.get("state", "")
    if state in ItemState.values:
        items = items.filter(state=state)
    search = request.GET.get("q", "").strip()[:100]
    if search:
        items = items.filter(matching(search))
    page = Paginator(items.order_by("-updated_at", "-id"), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "web/item_list.html",
        {
            "page": page,
            "state": state,
            "q": search,
            "states": ItemState.choices,
            "may_draft": groups_for(person_of(request)).exists(),
        },
    )


def matching(search: str) -> Q:
    """Items that hold every word searched for: in their title or rationale, their
    decision's number ("2026/CL-RUIMTE/004"), their author's name or a municipality
    concerned."""
    found = Q()
    for word in search.split()[:8]:
        found &= (
            Q(title__icontains=word)
            | Q(rationale__icontains=word)
            | Q(decision__number__icontains=word)
            | Q(author__first_name__icontains=word)
            | Q(author__last_name__icontains=word)
            | Q(author__username__iexact=word)
            | Q(
                Exists(
                    AgendaItem.municipalities.through.objects.filter(
                        agendaitem=OuterRef("pk"), municipality__name__icontains=word
                    )
                )
            )
        )
    return found


def visible_item(request: HttpRequest, pk: int) -> AgendaItem:
    item = items_visible_to(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def item_form_page(
    request: HttpRequest,
    form: ItemForm,
    item: AgendaItem | None,
    *,
    save: Callable[[], AgendaItem],
    saved: str,
) -> HttpResponse:
    """The item's form (`item` None for a new one): a valid post is saved by `save`, a
    refusal shows its reasons in the form."""
    if request.method == "POST" and form.is_valid():
        try:
            item = save()
        except TransitionError as error:
            add_reasons(form, error)
        else:
            messages.success(request, saved)
            return redirect("web:item", pk=item.pk)
    return form_page(request, "web/item_form.html", {"form": form, "item": item})


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request: HttpRequest) -> HttpResponse:
    if not groups_for(person_of(request)).exists():
        raise PermissionDenied(_("Only members of an intervision group draft agenda items."))
    form = ItemForm(request.POST or None, person=person_of(request))
    return item_form_page(
        request,
        form,
        None,
        save=lambda: item_create(actor=request.user, **form.content()),
        saved=_("The item is saved as a draft."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = visible_item(request, pk)
    if not can.can_edit_item_content(request.user, item):
        messages.error(request, _("You may not change this item now."))
        return redirect("web:item", pk=item.pk)
    initial = {
        "title": item.title,
        "kind": item.kind,
        "intervision_group": item.intervision_group_id,
        "target_cluster": item.target_cluster_id,
        "rationale": item.rationale,
        "proposed_decision": item.proposed_decision,
        "municipalities": list(item.municipalities.values_list("pk", flat=True)),
        "confidential": item.confidential,
        "version": item.version,
    }
    form = ItemForm(request.POST or None, person=person_of(request), item=item, initial=initial)

    def save() -> AgendaItem:
        content = form.content()
        municipalities = content.pop("municipalities")
        return item_update(
            item,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            municipalities=municipalities,
            **content,
        )

    return item_form_page(request, form, item, save=save, saved=_("The item is saved."))


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = visible_item(request, pk)
    decision = getattr(item, "decision", None)
    history = timeline(item)
    # What the chair said when deciding stays with the decision.
    remark = next(
        (
            log
            for log, _label, _state in reversed(history)
            if log.transition in DECIDING_STEPS and log.comment
        ),
        None,
    )
    return render(
        request,
        "web/item_detail.html",
        {
            "item": item,
            "history": history,
            "decision": decision,
            "decision_remark": remark if decision else None,
            # A secret vote has only its counts, never a vote per municipality.
            "votes": decision.votes.select_related("municipality")
            if decision and not decision.secret
            else [],
            "tally": " · ".join(tally_parts(decision)) if decision else "",
            "actions": action_rows(request, item),
            "may_add_actions": may_add_actions(request.user, item),
            "ratifications": [
                (ratification, forms_for(ratification, request.user))
                for ratification in ratifications_visible_to(request.user)
                .filter(decision__item=item)
                .select_related("municipality", "decision")
                .order_by("municipality__name")
            ],
            "entries": item.entries.select_related("meeting__body").order_by("meeting__starts_at"),
            "chain": chain_of(item, request.user),
            "transitions": forms_for(item, request.user),
            "next_actor": who_acts_next(item),
            "may_edit": can.can_edit_item_content(request.user, item),
            "attachments": item.attachments.select_related("uploaded_by"),
            "today": timezone.localdate(),
            "pdf_available": conversion_available(),
        },
    )


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    item = visible_item(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    # What goes wrong is said in the attachments' section, where the person looks.
    here = {"extra_tags": "attachments"}
    if too_large(request):
        messages.error(request, too_large_reason(), **here)
    elif not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message), **here)
    else:
        try:
            attachment = attachment_add(
                item=item, actor=request.user, upload=form.cleaned_data["file"]
            )
        except NotVisible:
            raise Http404 from None
        except TransitionError as error:
            for reason in reasons_of(error):
                messages.error(request, reason, **here)
        else:
            messages.success(
                request, _("%(name)s is attached.") % {"name": attachment.name}, **here
            )
    return HttpResponseRedirect(reverse("web:item", args=[item.pk]) + "#attachments")


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment: int) -> FileResponse:
    item = visible_item(request, pk)
    return attachment_response(get_object_or_404(item.attachments, pk=attachment))


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment: int) -> HttpResponse:
    item = visible_item(request, pk)
    found = get_object_or_404(item.attachments, pk=attachment)
    try:
        attachment_remove(found, actor=request.user)
    except TransitionError as error:
        for reason in reasons_of(error):
            messages.error(request, reason)
    else:
        messages.success(request, _("%(name)s is removed.") % {"name": found.name})
    return HttpResponseRedirect(reverse("web:item", args=[item.pk]) + "#attachments")


def decision_of(request: HttpRequest, pk: int) -> Decision:
    decision = getattr(visible_item(request, pk), "decision", None)
    if decision is None:
        raise Http404
    return decision


def refused_back_to_item(request: HttpRequest, pk: int, error: TransitionError) -> HttpResponse:
    for reason in reasons_of(error):
        messages.error(request, reason)
    return HttpResponseRedirect(reverse("web:item", args=[pk]))


@login_required
def excerpts_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Every municipality's excerpt of the item's decision, as one zip."""
    decision = decision_of(request, pk)
    try:
        return excerpts_zip_response(decision)
    except TransitionError as error:  # a broken template: say which and why
        return refused_back_to_item(request, pk, error)


@login_required
def excerpt_download(request: HttpRequest, pk: int, municipality: int) -> HttpResponse:
    """One municipality's excerpt of the item's decision (`?formaat=pdf`: as PDF/A)."""
    decision = decision_of(request, pk)
    found = get_object_or_404(decision.municipalities, pk=municipality)
    try:
        if request.GET.get("formaat") == "pdf":
            return excerpt_pdf_response(decision, found)
        return excerpt_response(decision, found)
    except TransitionError as error:
        return refused_back_to_item(request, pk, error)


# --- Transitions ---------------------------------------------------------------------


@login_required
@require_POST
def transition(request: HttpRequest, kind: str, pk: int, name: str) -> HttpResponse:
    """Fire a transition from a page; a refusal comes back beside the button, in Dutch."""
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404
    obj = spec.visible(request.user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    target = safe_next(request, page_of(obj))
    try:
        fire_posted(obj, name, request.POST, request.user)
    except NotVisible:
        raise Http404 from None
    except TransitionError as error:
        reasons = reasons_of(error)
        if request.htmx:  # type: ignore[attr-defined]
            form = TransitionForm(
                kind=kind,
                obj=obj,
                name=name,
                values=request.POST,
                errors=reasons,
                actor=request.user,
            )
            return render(request, "web/_transition.html", {"t": form, "next": target})
        for reason in reasons:
            messages.error(request, reason)
        return HttpResponseRedirect(target)
    messages.success(
        request, _("Done: %(label)s.") % {"label": TransitionForm(kind, obj, name, {}, []).label}
    )
    if request.htmx:  # type: ignore[attr-defined]
        response = HttpResponse(status=204)
        # Going to the page one is on (perhaps to a place on it, "#action-3") is no
        # navigation to a browser: the page is loaded again instead, and keeps its place.
        here = urlsplit(request.headers.get("HX-Current-URL", ""))
        there = urlsplit(target)
        if (here.path, here.query) == (there.path, there.query):
            response["HX-Refresh"] = "true"
        else:
            response["HX-Redirect"] = target
        return response
    return HttpResponseRedirect(target)


# --- Meetings ------------------------------------------------------------------------


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = meetings_visible_to(request.user).select_related("body")
    body = request.GET.get("body", "")
    if body.isdigit() and len(body) < 19:
        meetings = meetings.filter(body=int(body))
    since, until = day_of(request.GET.get("van", "")), day_of(request.GET.get("tot", ""))
    if since:
        meetings = meetings.filter(starts_at__date__gte=since)
    if until:
        meetings = meetings.filter(starts_at__date__lte=until)
    now = timezone.now()
    bodies = (
        meetings_visible_to(request.user)
        .values_list("body", "body__name")
        .distinct()
        .order_by("body__name")
    )
    return render(
        request,
        "web/meeting_list.html",
        {
            "upcoming": meetings.filter(starts_at__gte=now).order_by("starts_at")[:50],
            "past": meetings.filter(starts_at__lt=now).order_by("-starts_at")[:20],
            "bodies": bodies,
            "body": body,
            "since": since.isoformat() if since else "",
            "until": until.isoformat() if until else "",
            "may_plan": may_plan(person_of(request)),
        },
    )


def day_of(value: str) -> dt.date | None:
    """A day from the address ("2026-12-09"), or None for anything else."""
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def visible_meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = (
        meetings_visible_to(request.user)
        .select_related("body", "presiding", "secretary")
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


@dataclasses.dataclass
class AttendanceRow:
    """A member's line in the attendance block: what is recorded (or what was just sent
    and refused), and for a substitute whom they may replace."""

    membership: Membership
    status: str = ""
    replacing: int | None = None
    arrived: int | None = None
    left: int | None = None
    replaceable: list[Membership] = dataclasses.field(default_factory=list)


def attendance_rows(meeting: Meeting, sent: dict[str, Any] | None = None) -> list[AttendanceRow]:
    """The members of the meeting's body with their attendance; `sent`: a refused form's
    values, shown again on its member's line."""
    recorded = {a.person_id: a for a in meeting.attendances.all()}
    members = list(
        Membership.objects.active(timezone.localdate(meeting.starts_at))
        .filter(body=meeting.body)
        .select_related("person", "municipality")
        .order_by("municipality__name", "person__last_name")
    )
    rows = []
    for membership in members:
        row = AttendanceRow(membership)
        if (attendance := recorded.get(membership.person_id)) is not None:
            row.status = attendance.status
            row.replacing = attendance.replacing_id
            row.arrived = attendance.arrived_before_entry
            row.left = attendance.left_before_entry
        if sent and sent.get("person") == membership.person_id:
            row.status = sent.get("status") or row.status
            row.replacing = sent.get("replacing")
            row.arrived = sent.get("arrived_before_entry")
            row.left = sent.get("left_before_entry")
        if membership.role == Membership.Role.SUBSTITUTE:
            row.replaceable = [
                other
                for other in members
                if other.role != Membership.Role.SUBSTITUTE
                and other.municipality_id == membership.municipality_id
                and membership.substitutes_for_id in (None, other.person_id)
            ]
        rows.append(row)
    return rows


def entry_positions(meeting: Meeting, visible: list[AgendaEntry]) -> list[tuple[int, str]]:
    """The agenda positions someone can arrive or leave before, with the titles the
    person may see."""
    titles = {entry.position: entry.item.title for entry in visible}
    return [
        (position, f"{position}. {titles[position]}" if position in titles else str(position))
        for position in meeting.entries.order_by("position").values_list("position", flat=True)
    ]


def tallies(meeting: Meeting) -> dict[int, str]:
    """Per item decided at this meeting, how it was decided: "by consensus" or the counts
    ("3 votes for · 1 vote against · 0 abstentions"); a secret vote only by its counts."""
    found = {}
    for decision in Decision.objects.filter(meeting=meeting):
        if decision.consensus:
            found[decision.item_id] = str(_("by consensus"))
            continue
        secret = [str(_("secret vote"))] if decision.secret else []
        found[decision.item_id] = " · ".join(secret + tally_parts(decision))
    return found


def meeting_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    user = request.user
    entries = list(entries_visible_to(user, meeting))
    in_session = meeting.state == MeetingState.IN_SESSION
    tally = tallies(meeting)
    notes = may_write_notes(user, meeting)
    history = timeline(meeting)
    may_staff = may_edit(meeting, MEETING_EDIT, actor=user)
    return {
        "may_note": notes,
        "may_set_secretary": may_staff,
        "secretaries": secretaries_possible(meeting) if may_staff else [],
        "meeting": meeting,
        "entries": [
            (
                entry,
                tally.get(entry.item_id, ""),
                draft_of(request, entry) if notes else entry.note,
                forms_for(entry.item, user)
                if in_session and entry.outcome == AgendaEntry.Outcome.PENDING
                else [],
            )
            for entry in entries
        ],
        "hidden": meeting.entries.count() - len(entries),
        "attendance": attendance_rows(meeting),
        "positions": entry_positions(meeting, entries),
        "statuses": Attendance.Status.choices,
        "quorum": quorum_of(meeting),
        "may_record": can.can_run_meeting(user, meeting)
        and meeting.state in (MeetingState.CONVENED, MeetingState.IN_SESSION),
        "may_arrange": can.can_run_meeting(user, meeting) and meeting.state == MeetingState.PLANNED,
        "transitions": forms_for(meeting, user),
        "history": history,
    } | documents_context(user, meeting)


def meeting_page(
    request: HttpRequest, meeting: Meeting, refused: dict[str, Any] | None = None
) -> HttpResponse:
    """Render the meeting's page: 200, or 400 with a refused form of the page (`refused`:
    the bound form under the name the template reads), which keeps what was typed and
    opens with its error summary."""
    context = meeting_context(request, meeting)
    context |= conflicts_context(request.user, meeting, [row[0] for row in context["entries"]])
    status = 400 if refused else 200
    return render(request, "web/meeting_detail.html", context | (refused or {}), status=status)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return meeting_page(request, visible_meeting(request, pk))


@login_required
@require_POST
def meeting_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    """Move one entry of a planned meeting's agenda up or down, or switch its session."""
    meeting = visible_meeting(request, pk)
    entries = [{"id": entry.pk, "session": entry.session} for entry in meeting.pending_entries()]
    ids = [entry["id"] for entry in entries]
    moved = request.POST.get("entry", "")
    if not moved.isdigit() or int(moved) not in ids:
        raise Http404
    index = ids.index(int(moved))
    move = request.POST.get("move", "")
    if move == "up" and index > 0:
        entries[index - 1], entries[index] = entries[index], entries[index - 1]
    elif move == "down" and index < len(entries) - 1:
        entries[index + 1], entries[index] = entries[index], entries[index + 1]
    elif move == "session":
        current = entries[index]["session"]
        entries[index]["session"] = (
            AgendaEntry.Session.PUBLIC
            if current == AgendaEntry.Session.CLOSED
            else AgendaEntry.Session.CLOSED
        )
    try:
        agenda_arrange(meeting=meeting, actor=request.user, entries=entries)
    except NotVisible:
        raise Http404 from None
    except TransitionError as error:
        for reason in reasons_of(error):
            messages.error(request, reason)
    return HttpResponseRedirect(reverse("web:meeting", args=[meeting.pk]) + "#agenda")


@login_required
@require_POST
def meeting_secretary(request: HttpRequest, pk: int) -> HttpResponse:
    """Set (or clear) the secretary of a planned or convened meeting."""
    meeting = visible_meeting(request, pk)
    form = SecretaryForm(request.POST)
    chosen = str(request.POST.get("secretary", ""))[:20]
    person = Person.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    try:
        if chosen and person is None:
            raise GuardFailed(
                [_("The secretary must be a secretary of the body or the coordinator.")]
            )
        meeting_update(meeting, actor=request.user, secretary=person)
    except NotVisible:
        raise Http404 from None
    except TransitionError as error:
        form.is_valid()
        form.refuse(error)
        return meeting_page(request, meeting, {"secretary_form": form})
    messages.success(request, _("The secretary is saved."))
    return HttpResponseRedirect(reverse("web:meeting", args=[meeting.pk]) + "#secretary")


@login_required
@require_POST
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Record one member's attendance, or everyone not yet recorded as present; the
    attendance block (with the quorum) comes back, its focus on the row just recorded."""
    meeting = visible_meeting(request, pk)
    errors: list[str] = []
    recorded = ""
    sent: dict[str, Any] = {}
    if "everyone" in request.POST:
        try:
            attendance_everyone_present(meeting=meeting, actor=request.user)
        except NotVisible:
            raise Http404 from None
        except TransitionError as error:
            errors = reasons_of(error)
    else:
        errors, recorded, sent = record_one(request, meeting)
    if request.htmx:  # type: ignore[attr-defined]
        context = meeting_context(request, meeting) | {"errors": errors, "recorded": recorded}
        if sent:
            context["attendance"] = attendance_rows(meeting, sent)
        return render(request, "web/_attendance.html", context, status=200)
    for reason in errors:
        messages.error(request, reason)
    return redirect("web:meeting", pk=meeting.pk)


def record_one(request: HttpRequest, meeting: Meeting) -> tuple[list[str], str, dict[str, Any]]:
    """Record the attendance of the member the form names: why not, whose it was, and
    (when refused) the values sent."""
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        reasons = [
            f"{form.fields[name].label}: {message}" if form.fields[name].label else str(message)
            for name, field in form.errors.items()
            for message in field
        ]
        return reasons, "", {}
    data = form.cleaned_data
    member = (
        Membership.objects.filter(body=meeting.body, person=data["person"])
        .select_related("person")
        .first()
    )
    if member is None:
        return [_("This person is not a member of the body.")], "", {}
    replacing = Person.objects.filter(pk=data["replacing"]).first() if data["replacing"] else None
    if data["replacing"] and replacing is None:
        return [_("This person is not a member of the body.")], str(member.person_id), data
    try:
        attendance_record(
            meeting=meeting,
            person=member.person,
            status=data["status"],
            replacing=replacing,
            arrived_before_entry=data["arrived_before_entry"],
            left_before_entry=data["left_before_entry"],
            actor=request.user,
        )
    except NotVisible:
        raise Http404 from None
    except TransitionError as error:
        # Named: the block lists every member, and the summary stands above them all.
        named = [f"{member.person}: {reason}" for reason in reasons_of(error)]
        return named, str(member.person_id), data
    return [], str(member.person_id), {}


# --- Help ------------------------------------------------------------------------------


def state_label(model: Any, state: str) -> str:
    return str(dict(model._meta.get_field("state").choices).get(state, state))


@login_required
def help_page(request: HttpRequest) -> HttpResponse:
    """The four state machines: drawn from the same Mermaid source as the README, and as a
    table that a screen reader can read."""
    machines = []
    for label in MACHINES:
        model = apps.get_model(label)
        order = [value for value, _label in model._meta.get_field("state").choices]
        steps = [
            (state_label(model, source), transition_label(name), state_label(model, target))
            for name, source, target in sorted(
                transitions_of(model),
                key=lambda t: (order.index(t[1]) if t[1] in order else len(order), t[0]),
            )
        ]
        machines.append((model._meta.verbose_name, mermaid(model, readable=True), steps))
    return render(request, "web/help.html", {"machines": machines})


# --- The coordinator's overview ------------------------------------------------------------


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The region at a glance, for the coordinator (and administrators)."""
    person = person_of(request)
    if not (person.is_coordinator or person.is_superuser):
        raise PermissionDenied(_("The overview is for the coordinator."))
    bodies, waiting = where_items_are(person)
    matrix_table, late_ratifications = matrix_section(person)
    terms = publication_terms(person)
    return render(
        request,
        "web/overview.html",
        {
            "top": top_line(person, waiting, terms, late_ratifications),
            "charts": charts_of(person),
            "states": [(s, ItemState(s).label) for s in OPEN_STATES],
            "bodies": bodies,
            "waiting": waiting[:50],
            "board": follow_up_board(person),
            "today": timezone.localdate(),
            "matrix_table": matrix_table,
            "terms": terms,
        },
    )
