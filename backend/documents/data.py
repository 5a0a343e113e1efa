"""Build the data of each Word document from the database: one frozen, plain structure per
kind, with every text already written out for a reader (Dutch dates, labels, names).

The renderer only sees these structures, never a model; the names of their fields are the
fields a coordinator can use in the templates (docs_templates/README.md lists them).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from babel.dates import format_date, format_time
from babel.lists import format_list
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backend.agenda.models import AgendaItem, Decision
from backend.agenda.selectors import chair_remark, tally_parts
from backend.audit.models import TransitionLog
from backend.documents.pictures import chart_png
from backend.documents.render import Picture, clean_text
from backend.followup import figures
from backend.followup.models import Action, Ratification
from backend.meetings.models import AgendaEntry, Attendance, Conflict, Meeting
from backend.meetings.selectors import present_municipalities, quorum_of
from backend.organisations.models import Membership, Municipality, Person
from workflows.states import ActionState, MeetingState, RatificationState

INTERNAL = {"internal": True}
"""Metadata of a field the service needs and the template does not see."""

Outcome = AgendaEntry.Outcome

ON_THE_AGENDA = [o for o in Outcome.values if o not in (Outcome.WITHDRAWN, Outcome.CANCELLED)]
"""Entries a convocation lists: everything except what left the agenda before the meeting."""

HANDLED = [Outcome.APPROVED, Outcome.REJECTED, Outcome.NOTED, Outcome.POSTPONED, Outcome.RETURNED]
"""Entries the meeting dealt with, and so the minutes and the decision list report."""


# --- The structures -----------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentInfo:
    """What every document says about itself."""

    kind: str
    version: int
    public: bool
    """True: the public version, without the confidential (closed-session) entries."""
    left_out: int
    """How many confidential entries (or items) this version leaves out."""
    generated_on: str


@dataclass(frozen=True)
class MeetingInfo:
    region: str
    body: str
    body_code: str
    date: str
    time: str
    location: str
    submission_deadline: str
    chairs: str
    state: str
    minutes_approved: bool
    standing: tuple[str, ...] = ()
    held_on: str = ""
    """The day the meeting was actually held (opened), once it was; "" before."""
    moved: bool = False
    """True when it was held on another day than planned."""
    opened_at: str = ""
    closed_at: str = ""
    presiding: str = ""
    """The chair who presided (signs the minutes and the decision list)."""
    secretary: str = ""
    """The secretary of the meeting (signs them too)."""
    minutes_approved_on: str = ""
    """The day the minutes were approved ("dinsdag 7 april 2026"); "" for a draft."""


@dataclass(frozen=True)
class PersonInfo:
    name: str
    municipality: str
    function: str
    replacing: str = ""
    """For a substitute present: the member they replace."""


@dataclass(frozen=True)
class AttendanceInfo:
    present: tuple[PersonInfo, ...]
    excused: tuple[PersonInfo, ...]
    absent: tuple[PersonInfo, ...]
    municipalities_present: int
    quorum_required: int


@dataclass(frozen=True)
class ActionInfo:
    title: str
    description: str
    owner: str
    due_date: str
    state: str
    overdue: bool
    item: str
    decision_number: str


@dataclass(frozen=True)
class DecisionInfo:
    number: str
    outcome: str
    text: str
    consensus: bool
    votes_for: int
    votes_against: int
    votes_abstain: int
    municipalities_for: str
    municipalities_against: str
    municipalities_abstain: str
    remark: str = ""
    """What the chair said when deciding (the step's comment), kept with the decision."""
    secret: bool = False
    """A secret vote: only the counts, never who voted how."""
    tally: str = ""
    """The counts in words: "3 stemmen voor, 1 stem tegen, 1 onthouding" (or consensus)."""
    decided_at: str = ""
    """When it was decided: "dinsdag 3 maart 2026, 19:42"."""


@dataclass(frozen=True)
class ConflictInfo:
    name: str
    reason: str


@dataclass(frozen=True)
class EntryInfo:
    number: int
    title: str
    kind: str
    closed: bool
    urgent: bool
    municipalities: str
    prepared_by: str
    rationale: str
    proposed_decision: str
    note: str
    outcome: str
    decision: DecisionInfo | None
    actions: tuple[ActionInfo, ...]
    conflicts: tuple[ConflictInfo, ...] = ()
    """Who took no part in the deliberation and vote (art. 27 DLB), and why."""
    urgency_reason: str = ""
    """Why an urgent item was added after the invitation went out."""
    urgency: str = ""
    """The body's acceptance of the urgency in words (empty when not urgent or not
    accepted)."""
    remark: str = ""
    """What the chair said when the entry was postponed, sent back or taken note of (the
    step's comment); a decision keeps its own remark."""
    arrived: tuple[str, ...] = ()
    """Who joined the meeting before this entry (minutes)."""
    left: tuple[str, ...] = ()
    """Who left the meeting before this entry (minutes)."""


@dataclass(frozen=True)
class RatificationInfo:
    decision_number: str
    title: str
    decided_on: str
    pending_days: int


@dataclass(frozen=True)
class MunicipalityFollowup:
    municipality: str
    ratifications: tuple[RatificationInfo, ...]
    actions: tuple[ActionInfo, ...]


@dataclass(frozen=True, kw_only=True)
class MeetingDocumentData:
    """What every document of a meeting carries: the document itself, its meeting, and the
    confidential items a public version left out."""

    document: DocumentInfo
    meeting: MeetingInfo
    confidential_items: frozenset[int] = field(default=frozenset(), metadata=INTERNAL)


@dataclass(frozen=True, kw_only=True)
class AgendaData(MeetingDocumentData):
    entries: tuple[EntryInfo, ...]


@dataclass(frozen=True, kw_only=True)
class MinutesData(MeetingDocumentData):
    attendance: AttendanceInfo
    entries: tuple[EntryInfo, ...]


@dataclass(frozen=True, kw_only=True)
class DecisionListData(MeetingDocumentData):
    entries: tuple[EntryInfo, ...]


@dataclass(frozen=True, kw_only=True)
class FollowupReportData(MeetingDocumentData):
    groups: tuple[MunicipalityFollowup, ...]
    regional_actions: tuple[ActionInfo, ...]
    open_actions: int
    pending_ratifications: int
    charts: tuple[ChartInfo, ...] = ()


@dataclass(frozen=True)
class ChartInfo:
    """One of the follow-up charts the overview shows, as a picture for the document."""

    title: str
    picture: Picture


@dataclass(frozen=True, kw_only=True)
class ExcerptData(MeetingDocumentData):
    """An excerpt (uittreksel) of one decision for one municipality concerned: what it
    needs to carry the decision into its own council or college."""

    municipality: str
    title: str
    rationale: str
    decision: DecisionInfo
    vote: str
    """How the municipality voted: for, against, abstained, by consensus, or not present."""
    ratification: str
    """Where its ratification stands: pending, or by which body, when and reference."""
    actions: tuple[ActionInfo, ...]


DocumentData = AgendaData | MinutesData | DecisionListData | FollowupReportData


# --- Writing values out ---------------------------------------------------------------------


def babel_locale() -> str:
    """Return the locale documents are written in (nl_BE for the product's nl-be)."""
    return translation.to_locale(settings.LANGUAGE_CODE)


def dutch_date(day: dt.date | dt.datetime) -> str:
    """Write a date the Belgian way in full: "dinsdag 3 maart 2026"."""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date()
    return format_date(day, format="full", locale=babel_locale())


def dutch_time(moment: dt.datetime) -> str:
    """Write the local time of a moment as "19:30"."""
    return format_time(timezone.localtime(moment).time(), "HH:mm", locale=babel_locale())


def names_list(names: Iterable[str]) -> str:
    """Join names as a sentence does: "Izegem, Roeselare en Tielt"."""
    names = [name for name in names if name]
    return format_list(names, locale=babel_locale()) if names else ""


def person_name(person: Person | None) -> str:
    """Return the name a document shows for a person (the username when no name is set)."""
    if person is None:
        return ""
    return clean_text(person.get_full_name() or person.username)


P = ParamSpec("P")
R = TypeVar("R")


def in_site_language(build: Callable[P, R]) -> Callable[P, R]:
    """Write labels in the product's language, whoever asks: a document is an official
    record of the region, not a page in the reader's language."""

    @wraps(build)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override(settings.LANGUAGE_CODE):
            return build(*args, **kwargs)

    return wrapper


# --- Common parts ---------------------------------------------------------------------------


def _meeting_info(meeting: Meeting) -> MeetingInfo:
    body = meeting.body
    chairs = (
        Membership.objects.active(timezone.localdate(meeting.starts_at))
        .filter(body=body, role=Membership.Role.CHAIR)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "id")
    )
    opened = meeting.opened_at
    approved = (
        TransitionLog.objects.steps()
        .for_object(meeting)
        .filter(transition="approve_minutes")
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
        if meeting.state == MeetingState.MINUTES_APPROVED
        else None
    )
    return MeetingInfo(
        held_on=dutch_date(opened) if opened else "",
        moved=bool(opened) and timezone.localdate(opened) != timezone.localdate(meeting.starts_at),
        opened_at=dutch_time(opened) if opened else "",
        closed_at=dutch_time(meeting.closed_at) if meeting.closed_at else "",
        presiding=person_name(meeting.presiding),
        secretary=person_name(meeting.secretary),
        region=body.region.name,
        body=body.name,
        body_code=body.code,
        date=dutch_date(meeting.starts_at),
        time=dutch_time(meeting.starts_at),
        location=clean_text(meeting.location),
        submission_deadline=f"{dutch_date(meeting.submission_deadline)}, "
        f"{dutch_time(meeting.submission_deadline)}",
        chairs=names_list(person_name(m.person) for m in chairs),
        state=str(meeting.get_state_display()),
        minutes_approved=meeting.state == MeetingState.MINUTES_APPROVED,
        minutes_approved_on=dutch_date(approved) if approved else "",
        standing=tuple(clean_text(str(point)) for point in meeting.standing_entries or ()),
    )


def _document_info(kind: str, version: int, public: bool, left_out: int) -> DocumentInfo:
    return DocumentInfo(
        kind=kind,
        version=version,
        public=public,
        left_out=left_out,
        generated_on=dutch_date(timezone.localdate()),
    )


def _meeting(meeting: Meeting) -> Meeting:
    """Read the meeting afresh with its body and region (the caller's copy may be stale)."""
    return Meeting.objects.select_related("body__region", "presiding", "secretary").get(
        pk=meeting.pk
    )


def is_confidential(entry: AgendaEntry) -> bool:
    """Whether an entry belongs in the full version only: in closed session or confidential."""
    return entry.confidential


def _split(
    entries: Iterable[AgendaEntry], public: bool
) -> tuple[list[AgendaEntry], int, frozenset[int]]:
    """Return the entries of this version, how many were left out, and the confidential
    items it holds."""
    kept: list[AgendaEntry] = []
    left_out = 0
    confidential: set[int] = set()
    for entry in entries:
        if is_confidential(entry):
            if public:
                left_out += 1
                continue
            confidential.add(entry.item_id)
        kept.append(entry)
    return kept, left_out, frozenset(confidential)


def _owner(action: Action) -> str:
    assignee = person_name(action.assignee)
    service = action.service.name if action.service else ""
    if assignee and service:
        return f"{assignee} ({service})"
    return assignee or service


def _action_info(action: Action, decision_number: str = "") -> ActionInfo:
    return ActionInfo(
        title=clean_text(action.title),
        description=clean_text(action.description),
        owner=_owner(action),
        due_date=dutch_date(action.due_date),
        state=str(action.get_state_display()),
        overdue=action.is_overdue,
        item=clean_text(action.item.title),
        decision_number=decision_number,
    )


def _decision_info(decision: Decision) -> DecisionInfo:
    by_choice: dict[str, list[str]] = defaultdict(list)
    # A secret vote has no vote per municipality; none is ever read for one.
    votes = () if decision.secret else decision.votes.all()
    for vote in sorted(votes, key=lambda v: v.municipality.name):
        by_choice[vote.vote].append(vote.municipality.name)
    tally = decision.tally
    return DecisionInfo(
        number=decision.number,
        outcome=str(decision.get_outcome_display()),
        text=clean_text(decision.text),
        consensus=decision.consensus,
        secret=decision.secret,
        tally=", ".join(tally_parts(decision)),
        decided_at=f"{dutch_date(decision.decided_at)}, {dutch_time(decision.decided_at)}",
        votes_for=tally["for"],
        votes_against=tally["against"],
        votes_abstain=tally["abstain"],
        municipalities_for=names_list(by_choice["for"]),
        municipalities_against=names_list(by_choice["against"]),
        municipalities_abstain=names_list(by_choice["abstain"]),
        remark=clean_text(getattr(decision, "remark", None) or ""),
    )


CLOSING_STEPS = ("postpone", "return_for_rework", "take_note")
"""The steps that deal with an entry without deciding it; the chair's comment with one is
the entry's remark in the minutes."""


def _remarks(meeting: Meeting, entries: Sequence[AgendaEntry]) -> dict[int, str]:
    """Per item, the comment of the step that dealt with it at this meeting without a
    decision (postponed, sent back, taken note of), if it had one."""
    opened = meeting.opened_at
    if opened is None or not entries:
        return {}
    steps = (
        TransitionLog.objects.steps()
        .filter(
            content_type=ContentType.objects.get_for_model(AgendaItem),
            object_id__in=[str(entry.item_id) for entry in entries],
            transition__in=CLOSING_STEPS,
            at__gte=opened,
        )
        .exclude(comment="")
        .order_by("at", "id")
    )
    if meeting.closed_at is not None:
        steps = steps.filter(at__lte=meeting.closed_at)
    return {int(step.object_id): clean_text(step.comment) for step in steps}


def _entry_info(
    entry: AgendaEntry, meeting: Meeting, *, with_decisions: bool, remark: str = ""
) -> EntryInfo:
    item = entry.item
    # The agenda reads no decisions (asking would cost a query per entry).
    decision = getattr(item, "decision", None) if with_decisions else None
    # An item has one decision; report it only on the meeting that took it.
    if decision is not None and decision.meeting_id != meeting.pk:
        decision = None
    actions = getattr(item, "reported_actions", []) if with_decisions else []
    return EntryInfo(
        number=entry.position,
        title=clean_text(item.title),
        kind=str(item.get_kind_display()),
        closed=is_confidential(entry),
        urgent=entry.urgent,
        municipalities=names_list(m.name for m in item.municipalities.all()),
        prepared_by=item.intervision_group.name,
        rationale=clean_text(item.rationale),
        proposed_decision=clean_text(item.proposed_decision),
        note=clean_text(entry.note),
        outcome=str(entry.get_outcome_display()),
        decision=_decision_info(decision) if decision is not None else None,
        actions=tuple(_action_info(a, decision.number if decision else "") for a in actions),
        conflicts=tuple(
            # The template ends the sentence: a reason's own full stop is not doubled.
            ConflictInfo(name=person_name(c.person), reason=clean_text(c.reason).rstrip(" ."))
            for c in getattr(entry, "conflicts_shown", [])
        ),
        urgency_reason=clean_text(entry.urgency_reason) if entry.urgent else "",
        urgency=urgency_words(entry),
        remark=remark if decision is None else "",
    )


def urgency_words(entry: AgendaEntry) -> str:
    """The acceptance of an urgent entry in words: "De dringendheid werd aanvaard (2
    stemmen voor)."; empty when the entry is not urgent or its urgency not accepted."""
    if not entry.urgent or entry.urgency_accepted_at is None:
        return ""
    if entry.urgency_votes_for is None:
        return _("The urgency was accepted.")
    votes = entry.urgency_votes_for
    counted = ngettext("%(number)d vote for", "%(number)d votes for", votes) % {"number": votes}
    return _("The urgency was accepted (%(votes)s).") % {"votes": counted}


def _entries(
    meeting: Meeting, outcomes: Sequence[str], *, with_decisions: bool
) -> list[AgendaEntry]:
    """Read a meeting's entries in agenda order, with what their info needs, in few queries."""
    entries = (
        meeting.entries.filter(outcome__in=outcomes)
        .select_related("item__intervision_group")
        .prefetch_related("item__municipalities")
        .order_by("position")
    )
    if with_decisions:
        entries = entries.prefetch_related(
            Prefetch("item__decision", queryset=Decision.objects.annotate(remark=chair_remark())),
            "item__decision__votes__municipality",
            Prefetch(
                "conflicts",
                queryset=Conflict.objects.select_related("person").order_by(
                    "person__last_name", "person__first_name", "pk"
                ),
                to_attr="conflicts_shown",
            ),
            Prefetch(
                "item__actions",
                queryset=Action.objects.exclude(state=ActionState.CANCELLED)
                .select_related("assignee", "service")
                .order_by("due_date", "id"),
                to_attr="reported_actions",
            ),
        )
    return list(entries)


def _listing(
    kind: str,
    meeting: Meeting,
    outcomes: Sequence[str],
    *,
    with_decisions: bool,
    public: bool,
    version: int,
) -> dict[str, Any]:
    """The fields of a document that lists a meeting's entries: the document, the meeting,
    the entries with the given outcomes (a public version leaves the confidential ones out)
    and which items it left out."""
    entries, left_out, confidential = _split(
        _entries(meeting, outcomes, with_decisions=with_decisions), public
    )
    remarks = _remarks(meeting, entries) if with_decisions else {}
    return {
        "document": _document_info(kind, version, public, left_out),
        "meeting": _meeting_info(meeting),
        "entries": tuple(
            _entry_info(
                e, meeting, with_decisions=with_decisions, remark=remarks.get(e.item_id, "")
            )
            for e in entries
        ),
        "confidential_items": confidential,
    }


# --- One builder per kind ---------------------------------------------------------------------


@in_site_language
def agenda_data(meeting: Meeting, *, public: bool, version: int) -> AgendaData:
    """Build the convocation and agenda of a meeting."""
    meeting = _meeting(meeting)
    return AgendaData(
        **_listing(
            "agenda", meeting, ON_THE_AGENDA, with_decisions=False, public=public, version=version
        )
    )


def _attendance_info(meeting: Meeting) -> AttendanceInfo:
    rows = meeting.attendances.select_related("person", "municipality", "replacing").order_by(
        "municipality__name", "person__last_name", "person__first_name", "id"
    )
    by_status: dict[str, list[PersonInfo]] = defaultdict(list)
    for row in rows:
        by_status[row.status].append(
            PersonInfo(
                name=person_name(row.person),
                municipality=row.municipality.name if row.municipality else "",
                function=str(row.person.get_function_display()),
                replacing=person_name(row.replacing) if row.replacing else "",
            )
        )
    quorum = quorum_of(meeting)
    return AttendanceInfo(
        present=tuple(by_status[Attendance.Status.PRESENT]),
        excused=tuple(by_status[Attendance.Status.EXCUSED]),
        absent=tuple(by_status[Attendance.Status.ABSENT]),
        municipalities_present=len(quorum.present),
        quorum_required=quorum.required,
    )


@in_site_language
def minutes_data(meeting: Meeting, *, public: bool, version: int) -> MinutesData:
    """Build the minutes of a meeting: attendance, and per entry what was said and decided."""
    meeting = _meeting(meeting)
    listing = _listing(
        "minutes", meeting, HANDLED, with_decisions=True, public=public, version=version
    )
    listing["entries"] = _comings_and_goings(meeting, listing["entries"])
    return MinutesData(**listing, attendance=_attendance_info(meeting))


def _comings_and_goings(meeting: Meeting, entries: tuple[EntryInfo, ...]) -> tuple[EntryInfo, ...]:
    """The entries (in agenda order), each with who joined and who left the meeting before
    it was treated."""
    arrived: dict[int, list[str]] = defaultdict(list)
    left: dict[int, list[str]] = defaultdict(list)
    moving = (
        meeting.attendances.filter(status=Attendance.Status.PRESENT)
        .filter(Q(arrived_before_entry__isnull=False) | Q(left_before_entry__isnull=False))
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "id")
    )
    for row in moving:
        if row.arrived_before_entry is not None:
            arrived[row.arrived_before_entry].append(person_name(row.person))
        if row.left_before_entry is not None:
            left[row.left_before_entry].append(person_name(row.person))
    # An entry the minutes leave out (a confidential one in the public edition) passes who
    # came and went on to the next entry they list.
    shown = []
    after = 0
    for entry in entries:
        span = range(after + 1, entry.number + 1)
        shown.append(
            dataclasses.replace(
                entry,
                arrived=tuple(name for p in span for name in arrived[p]),
                left=tuple(name for p in span for name in left[p]),
            )
        )
        after = entry.number
    return tuple(shown)


@in_site_language
def decision_list_data(meeting: Meeting, *, public: bool, version: int) -> DecisionListData:
    """Build the decision list of a meeting: per handled entry its outcome and decision."""
    meeting = _meeting(meeting)
    return DecisionListData(
        **_listing(
            "decision_list", meeting, HANDLED, with_decisions=True, public=public, version=version
        )
    )


@in_site_language
def followup_report_data(meeting: Meeting, *, public: bool, version: int) -> FollowupReportData:
    """Build the follow-up report of a meeting's body: the open actions and the pending
    ratifications of every decision the body took, per municipality concerned."""
    meeting = _meeting(meeting)
    closed_entry = AgendaEntry.objects.filter(
        item=OuterRef("pk"), session=AgendaEntry.Session.CLOSED
    )
    secret = set(
        AgendaItem.objects.filter(decision__body=meeting.body_id)
        .filter(Q(confidential=True) | Exists(closed_entry))
        .values_list("pk", flat=True)
    )
    ratifications = (
        Ratification.objects.filter(decision__body=meeting.body_id, state=RatificationState.PENDING)
        .select_related("decision__item", "municipality")
        .order_by("municipality__name", "decision__decided_at", "decision__number")
    )
    actions = (
        Action.objects.filter(
            item__decision__body=meeting.body_id, state__in=ActionState.unfinished()
        )
        .select_related("assignee", "service", "item__decision")
        .prefetch_related("municipalities", "item__municipalities")
        .order_by("due_date", "id")
    )
    left_out: set[int] = set()
    included: set[int] = set()

    def keep(item_id: int) -> bool:
        if item_id not in secret:
            return True
        if public:
            left_out.add(item_id)
            return False
        included.add(item_id)
        return True

    today = timezone.localdate()
    per_municipality: dict[str, dict[str, list[Any]]] = defaultdict(
        lambda: {"ratifications": [], "actions": []}
    )
    pending = 0
    for ratification in ratifications:
        decision = ratification.decision
        if not keep(decision.item_id):
            continue
        pending += 1
        per_municipality[ratification.municipality.name]["ratifications"].append(
            RatificationInfo(
                decision_number=decision.number,
                title=clean_text(decision.item.title),
                decided_on=dutch_date(decision.decided_at),
                pending_days=(today - timezone.localtime(decision.decided_at).date()).days,
            )
        )
    regional: list[ActionInfo] = []
    open_actions = 0
    for action in actions:
        if not keep(action.item_id):
            continue
        open_actions += 1
        info = _action_info(action, action.item.decision.number)
        # The municipalities the action is for, or else all of its item's.
        concerned = [m.name for m in action.municipalities.all()] or [
            m.name for m in action.item.municipalities.all()
        ]
        if not concerned:
            regional.append(info)
        for name in concerned:
            per_municipality[name]["actions"].append(info)
    groups = tuple(
        MunicipalityFollowup(
            municipality=name,
            ratifications=tuple(parts["ratifications"]),
            actions=tuple(parts["actions"]),
        )
        for name, parts in sorted(per_municipality.items())
    )
    body = meeting.body_id
    hidden = secret if public else set()
    charts = (
        figures.decision_times(Decision.objects.filter(body=body).exclude(item__in=hidden)),
        figures.actions_by_week(
            Action.objects.filter(
                item__decision__body=body, state__in=ActionState.unfinished()
            ).exclude(item__in=hidden)
        ),
        figures.ratification_progress(
            Ratification.objects.filter(decision__body=body).exclude(decision__item__in=hidden)
        ),
    )
    return FollowupReportData(
        charts=tuple(
            ChartInfo(title=chart.title, picture=Picture(chart_png(chart)))
            for chart in charts
            if chart.bars
        ),
        document=_document_info("followup_report", version, public, len(left_out)),
        meeting=_meeting_info(meeting),
        groups=groups,
        regional_actions=tuple(regional),
        open_actions=open_actions,
        pending_ratifications=pending,
        confidential_items=frozenset(included),
    )


def _municipality_vote(decision: Decision, municipality: Municipality) -> str:
    if decision.secret:
        return str(_("secret vote"))
    vote = next((v for v in decision.votes.all() if v.municipality_id == municipality.pk), None)
    if vote is not None:
        return str(vote.get_vote_display())
    entry = AgendaEntry.objects.filter(meeting=decision.meeting_id, item=decision.item_id).first()
    present = municipality.pk in present_municipalities(decision.meeting, entry)
    if decision.consensus and present:
        return str(_("by consensus"))
    return str(_("not present"))


def _ratification_state(ratification: Ratification | None) -> str:
    if ratification is None:
        return str(_("no ratification asked"))
    state = str(ratification.get_state_display())
    if ratification.state == RatificationState.RATIFIED:
        return _("%(state)s by the %(body)s on %(day)s (%(reference)s)") % {
            "state": state,
            "body": ratification.get_deciding_body_display(),
            "day": dutch_date(ratification.date) if ratification.date else "?",
            "reference": clean_text(ratification.reference),
        }
    if ratification.reason:
        return f"{state}: {clean_text(ratification.reason)}"
    return state


@in_site_language
def excerpt_data(decision: Decision, municipality: Municipality) -> ExcerptData:
    """Build the excerpt of a decision for one municipality: the decision and its votes,
    that municipality's vote and ratification, and the actions that concern it (carried
    out by its people, or by a DVV service that works for it)."""
    decision = (
        Decision.objects.select_related(
            "item", "meeting__body__region", "meeting__presiding", "meeting__secretary"
        )
        .prefetch_related("votes__municipality")
        .annotate(remark=chair_remark())
        .get(pk=decision.pk)
    )
    item = decision.item
    concerns = Q(assignee__municipality=municipality) | Q(
        service__participations__municipality=municipality
    )
    actions = (
        Action.objects.filter(item=item)
        .filter(concerns)
        .exclude(state=ActionState.CANCELLED)
        .select_related("assignee", "service", "item")
        .distinct()
        .order_by("due_date", "id")
    )
    return ExcerptData(
        document=_document_info("excerpt", 1, True, 0),
        meeting=_meeting_info(decision.meeting),
        municipality=municipality.name,
        title=clean_text(item.title),
        rationale=clean_text(item.rationale),
        decision=_decision_info(decision),
        vote=_municipality_vote(decision, municipality),
        ratification=_ratification_state(
            decision.ratifications.filter(municipality=municipality).first()
        ),
        actions=tuple(_action_info(a, decision.number) for a in actions),
        confidential_items=frozenset({item.pk}) if item.confidential else frozenset(),
    )


BUILDERS: dict[str, Callable[..., DocumentData]] = {
    "agenda": agenda_data,
    "minutes": minutes_data,
    "decision_list": decision_list_data,
    "followup_report": followup_report_data,
}
"""The data builder of each document kind."""
