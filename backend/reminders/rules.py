"""When each kind of reminder is due, to whom, and whether it still makes sense.

One rule per kind (DOMAIN.md §6). `due(now)` yields the reminders whose time has
come, each with a fixed due time computed from the object (so a repeated scan, or a
scan after downtime, finds the same rows and the database refuses the duplicates);
`still_relevant(notification)` is asked again right before sending.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, Max, Min, OuterRef, Q
from django.db.models.functions import Cast
from django.utils import timezone

from backend.audit.models import TransitionLog
from backend.followup.models import Action, Ratification
from backend.meetings.models import Attendance, Meeting
from backend.meetings.terms import open_terms, still_open
from backend.organisations.models import Body, Membership, Person, Region
from backend.reminders.models import Notification
from workflows.engine import can_view
from workflows.states import ActionState, MeetingState, RatificationState

Kind = Notification.Kind
MORNING = dt.time(8, 0)


@dataclass(frozen=True)
class Due:
    recipient_id: int
    kind: str
    obj: Any
    due_at: dt.datetime


def at_morning(day: dt.date) -> dt.datetime:
    """Return 08:00 in Brussels on that day: reminders about days go out in the morning."""
    return timezone.make_aware(dt.datetime.combine(day, MORNING))


def members(body_ids: list[int], day: dt.date | None = None) -> dict[int, set[int]]:
    """Return, per body, the ids of its members on that day."""
    out: dict[int, set[int]] = {}
    for body, person in (
        Membership.objects.active(day).filter(body__in=body_ids).values_list("body_id", "person_id")
    ):
        out.setdefault(body, set()).add(person)
    return out


# --- Meetings ---------------------------------------------------------------------------


def due_submission_deadlines(now: dt.datetime) -> Iterator[Due]:
    meetings = list(
        Meeting.objects.filter(
            state=MeetingState.PLANNED, submission_deadline__gt=now, body__kind="cluster"
        )
        .select_related("body__region")
        .prefetch_related("body__prepared_by")
    )
    groups = members([g.pk for m in meetings for g in m.body.prepared_by.all()])
    for meeting in meetings:
        lead = dt.timedelta(days=meeting.body.lead_days("submission_lead_days"))
        due_at = meeting.submission_deadline - lead
        if due_at > now:
            continue
        people = set().union(*(groups.get(g.pk, set()) for g in meeting.body.prepared_by.all()))
        for person in sorted(people):
            yield Due(person, Kind.SUBMISSION_DEADLINE, meeting, due_at)


def due_invitations(now: dt.datetime) -> Iterator[Due]:
    meetings = list(
        Meeting.objects.filter(state=MeetingState.CONVENED, starts_at__gt=now).annotate(
            convened_at=TransitionLog.objects.last_at(Meeting, "convene")
        )
    )
    body_members = members([m.body_id for m in meetings])
    for meeting in meetings:
        due_at = meeting.convened_at or now
        for person in sorted(body_members.get(meeting.body_id, set())):
            yield Due(person, Kind.INVITATION, meeting, due_at)


def due_meeting_reminders(now: dt.datetime) -> Iterator[Due]:
    meetings = list(
        Meeting.objects.filter(
            state=MeetingState.CONVENED,
            starts_at__gt=now,
            starts_at__lte=now + dt.timedelta(days=1),
        )
    )
    body_members = members([m.body_id for m in meetings])
    excused = set(
        Attendance.objects.filter(meeting__in=meetings, status="excused").values_list(
            "meeting_id", "person_id"
        )
    )
    for meeting in meetings:
        due_at = meeting.starts_at - dt.timedelta(days=1)
        for person in sorted(body_members.get(meeting.body_id, set())):
            if (meeting.pk, person) not in excused:
                yield Due(person, Kind.MEETING_REMINDER, meeting, due_at)


def due_minutes(now: dt.datetime) -> Iterator[Due]:
    meetings = list(
        Meeting.objects.filter(state=MeetingState.CLOSED)
        .annotate(closed_at=TransitionLog.objects.last_at(Meeting, "close"))
        .filter(closed_at__gte=now - dt.timedelta(days=14))
    )
    body_members = members([m.body_id for m in meetings])
    for meeting in meetings:
        for person in sorted(body_members.get(meeting.body_id, set())):
            yield Due(person, Kind.MINUTES_READY, meeting, meeting.closed_at)


# --- Actions ------------------------------------------------------------------------------


def action_owners(actions: list[Action]) -> dict[int, list[int]]:
    """Return, per action, who is reminded: the assignee, or else the service's staff."""
    staff: dict[int, list[int]] = {}
    services = {a.service_id for a in actions if a.assignee_id is None and a.service_id}
    for service, person in Person.objects.filter(service__in=services, is_active=True).values_list(
        "service_id", "pk"
    ):
        staff.setdefault(service, []).append(person)
    return {
        a.pk: [a.assignee_id] if a.assignee_id else sorted(staff.get(a.service_id or 0, []))
        for a in actions
    }


def open_actions() -> Any:
    return Action.objects.filter(state__in=ActionState.unfinished()).select_related(
        "item__target_cluster__region", "item__intervision_group__region"
    )


def lead(action: Action, name: str) -> int:
    body = action.item.target_cluster or action.item.intervision_group
    return body.lead_days(name)


def not_yet(kind: str, model: type) -> Any:
    """Objects without a reminder of that kind yet: the scan reads only what is new
    (an anti-join on the notifications' (kind, object) index)."""
    return ~Exists(
        Notification.objects.filter(
            kind=kind,
            content_type=ContentType.objects.get_for_model(model),
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
        )
    )


def due_actions(now: dt.datetime) -> Iterator[Due]:
    today = timezone.localdate(now)
    # The longest lead time of any body bounds the rows read (an index on due_date).
    horizon = today + dt.timedelta(days=longest_lead("action_due_lead_days"))
    actions = list(
        open_actions()
        .filter(due_date__gte=today, due_date__lte=horizon)
        .filter(not_yet(Kind.ACTION_DUE, Action))
    )
    owners = action_owners(actions)
    for action in actions:
        due_at = at_morning(
            action.due_date - dt.timedelta(days=lead(action, "action_due_lead_days"))
        )
        if due_at <= now and today <= action.due_date:
            for person in owners[action.pk]:
                yield Due(person, Kind.ACTION_DUE, action, due_at)


def due_overdue_actions(now: dt.datetime) -> Iterator[Due]:
    today = timezone.localdate(now)
    actions = list(
        open_actions()
        .filter(due_date__lt=today)
        .filter(Q(not_yet(Kind.ACTION_OVERDUE, Action)) | Q(not_yet(Kind.ESCALATION, Action)))
    )
    owners = action_owners(actions)
    coordinators = coordinators_by_region()
    for action in actions:
        overdue_at = at_morning(action.due_date + dt.timedelta(days=1))
        if overdue_at <= now:
            for person in owners[action.pk]:
                yield Due(person, Kind.ACTION_OVERDUE, action, overdue_at)
        escalate_at = at_morning(
            action.due_date + dt.timedelta(days=lead(action, "escalation_after_days"))
        )
        if escalate_at <= now:
            for person in coordinators.get(action.item.intervision_group.region_id, []):
                yield Due(person, Kind.ESCALATION, action, escalate_at)


def longest_lead(name: str) -> int:
    """Return the longest lead time of that name in any region or body."""
    values = [
        Region.objects.aggregate(m=Max(name))["m"] or 0,
        Body.objects.aggregate(m=Max(name))["m"] or 0,
    ]
    return max(values)


def coordinators_by_region() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for region, person in Person.objects.filter(is_coordinator=True, is_active=True).values_list(
        "region_id", "pk"
    ):
        out.setdefault(region, []).append(person)
    return out


# --- Ratifications and the digest ----------------------------------------------------------


def due_ratifications(now: dt.datetime) -> Iterator[Due]:
    pending = list(
        Ratification.objects.filter(
            state=RatificationState.PENDING,
            decision__decided_at__lte=now - dt.timedelta(days=min_lead("ratification_after_days")),
        )
        .filter(not_yet(Kind.RATIFICATION_PENDING, Ratification))
        .select_related("decision__body__region", "decision__item", "municipality")
    )
    directors: dict[int, list[int]] = {}
    for municipality, person in Person.objects.filter(
        function=Person.Function.GENERAL_DIRECTOR,
        is_active=True,
        municipality__in={r.municipality_id for r in pending},
    ).values_list("municipality_id", "pk"):
        directors.setdefault(municipality, []).append(person)
    for ratification in pending:
        days = ratification.decision.body.lead_days("ratification_after_days")
        due_at = ratification.decision.decided_at + dt.timedelta(days=days)
        if due_at <= now:
            for person in directors.get(ratification.municipality_id, []):
                # A confidential decision is not announced to a director who may not see
                # it; the coordinator follows it up.
                if ratification.decision.item.confidential and not may_see(
                    Person.objects.get(pk=person), ratification
                ):
                    continue
                yield Due(person, Kind.RATIFICATION_PENDING, ratification, due_at)


def min_lead(name: str) -> int:
    """Return the shortest lead time of that name in any region or body."""
    values = [
        v
        for v in (
            Region.objects.aggregate(m=Min(name))["m"],
            Body.objects.aggregate(m=Min(name))["m"],
        )
        if v is not None
    ]
    return min(values) if values else 0


def due_digests(now: dt.datetime) -> Iterator[Due]:
    today = timezone.localdate(now)
    monday = today - dt.timedelta(days=today.weekday())
    due_at = at_morning(monday)
    if due_at > now:
        return
    coordinators = coordinators_by_region()
    for region in Region.objects.filter(pk__in=list(coordinators)):
        for person in coordinators[region.pk]:
            yield Due(person, Kind.DIGEST, region, due_at)


# --- Legal publication terms ------------------------------------------------------------

TERM_LEAD = dt.timedelta(days=2)
TERM_GIVE_UP = dt.timedelta(days=30)


def secretariat(meetings: list[Meeting]) -> dict[int, set[int]]:
    """Per meeting, who answers for its publication: the body's secretaries and the
    coordinators of its region."""
    secretaries: dict[int, set[int]] = {}
    for body, person in (
        Membership.objects.active()
        .filter(body__in={m.body_id for m in meetings}, role=Membership.Role.SECRETARY)
        .values_list("body_id", "person_id")
    ):
        secretaries.setdefault(body, set()).add(person)
    coordinators = coordinators_by_region()
    return {
        m.pk: secretaries.get(m.body_id, set()) | set(coordinators.get(m.body.region_id, []))
        for m in meetings
    }


def due_terms(now: dt.datetime) -> Iterator[Due]:
    """Two days before a legal publication term ends, while it is not met: the agenda of a
    meeting not yet convened, the decision list of one not yet closed."""
    meetings = Meeting.objects.filter(
        starts_at__gt=now - dt.timedelta(days=60), starts_at__lt=now + dt.timedelta(days=60)
    )
    terms = [t for t in open_terms(meetings) if t.deadline - TERM_LEAD <= now]
    people = secretariat([t.meeting for t in terms])
    for term in terms:
        if term.document == "agenda" and now >= term.meeting.starts_at:
            continue  # the meeting has begun: an agenda reminder no longer helps
        if now > term.deadline + TERM_GIVE_UP:
            continue
        kind = Kind.AGENDA_TERM if term.document == "agenda" else Kind.DECISION_LIST_TERM
        for person in sorted(people.get(term.meeting.pk, set())):
            yield Due(person, kind, term.meeting, term.deadline - TERM_LEAD)


RULES: list[Callable[[dt.datetime], Iterator[Due]]] = [
    due_submission_deadlines,
    due_invitations,
    due_meeting_reminders,
    due_minutes,
    due_actions,
    due_overdue_actions,
    due_ratifications,
    due_digests,
    due_terms,
]


# --- At send time ---------------------------------------------------------------------------


def may_see(person: Person, obj: Any) -> bool:
    """Whether the person may see what a reminder is about: nothing of an object goes to
    someone who may not see it, whatever the kind of reminder."""
    if isinstance(obj, Region):
        return person.is_active and (person.is_superuser or person.region_id == obj.pk)
    return can_view(obj, person)


def is_member(person_id: int, body_id: int) -> bool:
    return Membership.objects.active().filter(person=person_id, body=body_id).exists()


def still_relevant(notification: Notification, now: dt.datetime) -> bool:
    """Whether the reminder still makes sense now (the object may have moved on)."""
    obj = notification.subject
    person: Person = notification.recipient
    if obj is None or not person.is_active or not may_see(person, obj):
        return False
    kind = notification.kind
    if kind == Kind.SUBMISSION_DEADLINE:
        return (
            obj.state == MeetingState.PLANNED
            and now < obj.submission_deadline
            and Membership.objects.active()
            .filter(person=person, body__prepares_for=obj.body_id)
            .exists()
        )
    if kind == Kind.INVITATION:
        return obj.state in (MeetingState.CONVENED, MeetingState.IN_SESSION) and is_member(
            person.pk, obj.body_id
        )
    if kind == Kind.MEETING_REMINDER:
        excused = obj.attendances.filter(person=person, status="excused").exists()
        return (
            obj.state == MeetingState.CONVENED
            and now < obj.starts_at
            and not excused
            and is_member(person.pk, obj.body_id)
        )
    if kind == Kind.MINUTES_READY:
        return obj.state in MeetingState.held() and is_member(person.pk, obj.body_id)
    if kind in (Kind.ACTION_DUE, Kind.ACTION_OVERDUE):
        owner = obj.assignee_id == person.pk or (
            obj.assignee_id is None and obj.service_id == person.service_id
        )
        return obj.state in ActionState.unfinished() and owner
    if kind == Kind.ESCALATION:
        return obj.state in ActionState.unfinished() and person.is_coordinator
    if kind == Kind.RATIFICATION_PENDING:
        return (
            obj.state == RatificationState.PENDING
            and person.function == Person.Function.GENERAL_DIRECTOR
            and person.municipality_id == obj.municipality_id
        )
    if kind == Kind.DIGEST:
        return person.is_coordinator and person.region_id == obj.pk
    if kind in (Kind.AGENDA_TERM, Kind.DECISION_LIST_TERM):
        document = "agenda" if kind == Kind.AGENDA_TERM else "besluitenlijst"
        answers_for = (person.is_coordinator and person.region_id == obj.body.region_id) or (
            Membership.objects.active()
            .filter(person=person, body=obj.body_id, role=Membership.Role.SECRETARY)
            .exists()
        )
        return still_open(obj, document) and answers_for
    return False
