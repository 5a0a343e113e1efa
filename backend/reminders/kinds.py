"""Every kind of reminder as one object (DOMAIN.md §6): when it is due, to whom, whether it
still makes sense at send time, and what it says.

`due(now)` yields the reminders of every kind whose time has come, each with a fixed due
time computed from the object (so a repeated scan, or a scan after downtime, finds the
same rows and the database refuses the duplicates). The people a kind reminds are
declared once, in its `recipients`: the scan writes a row for each of them, and right
before sending a row still counts only while its recipient is among them (and may see
the object, and the object still calls for it).

`KINDS` holds one object per `Notification.Kind`, keyed by the kind's value, in the order
of the choices; the scan, `still_relevant` and `describe` go through it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from functools import cached_property
from typing import Any, ClassVar, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.audit.models import TransitionLog
from backend.followup.models import Action, Ratification
from backend.meetings.models import Attendance, Meeting
from backend.meetings.terms import (
    Term,
    agenda_deadline,
    decision_list_deadline,
    open_terms,
    still_open,
)
from backend.organisations.models import Membership, Person, Region
from backend.reminders.models import Notification
from backend.reminders.rules import (
    Due,
    at_morning,
    coordinators_by_region,
    lead,
    longest_lead,
    may_see,
    members,
    min_lead,
    not_yet,
    open_actions,
)
from workflows.states import ActionState, MeetingState, RatificationState

Kind = Notification.Kind
TERM_LEAD = dt.timedelta(days=2)  # a publication term is reminded of two days before it ends
TERM_GIVE_UP = dt.timedelta(days=30)  # and no longer a month after it ended
ASSIGNED_WITHIN = dt.timedelta(days=2)  # a new action is told of once, while it is new


def _when(value: Any) -> str:
    return formats.date_format(timezone.localtime(value), "l j F Y, H:i")


def _day(value: Any) -> str:
    return formats.date_format(value, "l j F Y")


class Scan:
    """One run of the scan: its clock, and the reads that several kinds share (each made
    once a run)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    @cached_property
    def overdue_actions(self) -> list[Action]:
        """Open actions past their due date that lack an overdue reminder or an escalation
        (both kinds read these rows)."""
        return list(
            open_actions()
            .filter(due_date__lt=timezone.localdate(self.now))
            .filter(Q(not_yet(Kind.ACTION_OVERDUE, Action)) | Q(not_yet(Kind.ESCALATION, Action)))
        )

    @cached_property
    def terms_ending(self) -> list[Term]:
        """The publication terms not yet met whose reminder time has come (of meetings
        within 60 days), earliest deadline first."""
        meetings = Meeting.objects.filter(
            starts_at__gt=self.now - dt.timedelta(days=60),
            starts_at__lt=self.now + dt.timedelta(days=60),
        )
        return [t for t in open_terms(meetings) if t.deadline - TERM_LEAD <= self.now]


class ReminderKind:
    """One kind of reminder. A kind declares `kind` (its `Notification.Kind` value), `due`,
    `recipients`, `holds` and `text`; the checks every kind makes are here."""

    kind: ClassVar[str]

    def due(self, scan: Scan) -> Iterator[Due]:
        """Yield the reminders of this kind whose time has come."""
        raise NotImplementedError

    def recipients(self, objects: Sequence[Any]) -> dict[int, list[int]]:
        """Return, per object (by its pk), the ids of the people this kind reminds."""
        raise NotImplementedError

    def holds(self, obj: Any, now: dt.datetime) -> bool:
        """Whether the object still calls for this reminder (the object may have moved on)."""
        raise NotImplementedError

    def text(self, obj: Any) -> str:
        """Return one Dutch sentence that says what the reminder about the object is about."""
        raise NotImplementedError

    def remind(
        self, objects: Sequence[Any], due_at: Callable[[Any], dt.datetime | None]
    ) -> Iterator[Due]:
        """Yield a reminder to each recipient of each object that has a due time."""
        people = self.recipients(objects)
        for obj in objects:
            when = due_at(obj)
            if when is None:
                continue
            for person in people.get(obj.pk, []):
                yield Due(person, self.kind, obj, when)

    def still_relevant(self, notification: Notification, now: dt.datetime) -> bool:
        """Whether the reminder still makes sense now: its object is there and still calls
        for it, and its recipient is active, may see the object and is still one of the
        people this kind reminds about it."""
        obj = notification.subject
        person: Person = notification.recipient
        if obj is None or not person.is_active or not may_see(person, obj):
            return False
        return self.holds(obj, now) and person.pk in self.recipients([obj]).get(obj.pk, [])

    def describe(self, notification: Notification) -> str:
        """Return what the reminder says; only its kind to someone who may not see the
        object."""
        obj: Any = notification.subject
        if obj is None or not may_see(notification.recipient, obj):
            return notification.get_kind_display()
        return self.text(obj)


KINDS: dict[str, ReminderKind] = {}
KindClass = TypeVar("KindClass", bound=type[ReminderKind])


def register(cls: KindClass) -> KindClass:
    """Add one object of the kind to KINDS; a kind is registered once."""
    value = str(cls.kind)
    if value in KINDS:
        raise ImproperlyConfigured(f"The reminder kind {value!r} is registered twice.")
    KINDS[value] = cls()
    return cls


# --- Meetings ---------------------------------------------------------------------------


class MeetingMembers(ReminderKind):
    """A reminder about a meeting to the members of its body. It says its `sentence` of
    the meeting's body, start and place."""

    sentence: ClassVar[Promise]

    def recipients(self, objects: Sequence[Meeting]) -> dict[int, list[int]]:
        body_members = members([m.body_id for m in objects])
        return {m.pk: sorted(body_members.get(m.body_id, set())) for m in objects}

    def text(self, obj: Meeting) -> str:
        return str(self.sentence) % {
            "body": obj.body.name,
            "when": _when(obj.starts_at),
            "place": obj.location or "?",
        }


@register
class SubmissionDeadline(ReminderKind):
    """To the members of the groups preparing for a cluster: some days before the
    submission deadline of its meeting."""

    kind = Kind.SUBMISSION_DEADLINE

    def due(self, scan: Scan) -> Iterator[Due]:
        now = scan.now
        meetings = list(
            Meeting.objects.filter(
                state=MeetingState.PLANNED, submission_deadline__gt=now, body__kind="cluster"
            ).select_related("body__region")
        )

        def due_at(meeting: Meeting) -> dt.datetime | None:
            lead = dt.timedelta(days=meeting.body.lead_days("submission_lead_days"))
            due_at = meeting.submission_deadline - lead
            return None if due_at > now else due_at

        return self.remind(meetings, due_at)

    def recipients(self, objects: Sequence[Meeting]) -> dict[int, list[int]]:
        preparing: dict[int | None, set[int]] = {}
        for cluster, person in (
            Membership.objects.active()
            .filter(body__prepares_for__in={m.body_id for m in objects})
            .values_list("body__prepares_for_id", "person_id")
        ):
            preparing.setdefault(cluster, set()).add(person)
        return {m.pk: sorted(preparing.get(m.body_id, set())) for m in objects}

    def holds(self, obj: Meeting, now: dt.datetime) -> bool:
        return obj.state == MeetingState.PLANNED and now < obj.submission_deadline

    def text(self, obj: Meeting) -> str:
        return _("Items for %(body)s can be submitted until %(when)s.") % {
            "body": obj.body.name,
            "when": _when(obj.submission_deadline),
        }


@register
class Invitation(MeetingMembers):
    """To the members of the body: when its meeting is convened."""

    kind = Kind.INVITATION
    sentence = gettext_lazy("You are invited to %(body)s on %(when)s in %(place)s.")

    def due(self, scan: Scan) -> Iterator[Due]:
        now = scan.now
        meetings = list(
            Meeting.objects.filter(state=MeetingState.CONVENED, starts_at__gt=now).annotate(
                convened_at=TransitionLog.objects.last_at(Meeting, "convene")
            )
        )
        return self.remind(meetings, lambda meeting: meeting.convened_at or now)

    def holds(self, obj: Meeting, now: dt.datetime) -> bool:
        return obj.state in (MeetingState.CONVENED, MeetingState.IN_SESSION)


@register
class MeetingReminder(MeetingMembers):
    """To the members of the body who have not excused themselves: the day before."""

    kind = Kind.MEETING_REMINDER
    sentence = gettext_lazy("Tomorrow: %(body)s on %(when)s in %(place)s.")

    def due(self, scan: Scan) -> Iterator[Due]:
        now = scan.now
        meetings = list(
            Meeting.objects.filter(
                state=MeetingState.CONVENED,
                starts_at__gt=now,
                starts_at__lte=now + dt.timedelta(days=1),
            )
        )
        return self.remind(meetings, lambda meeting: meeting.starts_at - dt.timedelta(days=1))

    def recipients(self, objects: Sequence[Meeting]) -> dict[int, list[int]]:
        everyone = super().recipients(objects)
        excused = set(
            Attendance.objects.filter(meeting__in=objects, status="excused").values_list(
                "meeting_id", "person_id"
            )
        )
        return {
            pk: [person for person in people if (pk, person) not in excused]
            for pk, people in everyone.items()
        }

    def holds(self, obj: Meeting, now: dt.datetime) -> bool:
        return obj.state == MeetingState.CONVENED and now < obj.starts_at


@register
class MinutesReady(MeetingMembers):
    """To the members of the body: when its meeting is closed (for two weeks after)."""

    kind = Kind.MINUTES_READY
    sentence = gettext_lazy("The draft minutes of %(body)s of %(when)s are ready.")

    def due(self, scan: Scan) -> Iterator[Due]:
        now = scan.now
        meetings = list(
            Meeting.objects.filter(
                state=MeetingState.CLOSED, closed_at__gte=now - dt.timedelta(days=14)
            )
        )
        return self.remind(meetings, lambda meeting: meeting.closed_at)

    def holds(self, obj: Meeting, now: dt.datetime) -> bool:
        return obj.state in MeetingState.held()


# --- Actions ------------------------------------------------------------------------------


class OpenAction(ReminderKind):
    """A reminder about an action, while it is not finished."""

    def holds(self, obj: Action, now: dt.datetime) -> bool:
        return obj.state in ActionState.unfinished()


class ActionOwners(OpenAction):
    """A reminder about an action to its assignee, or else to its service's staff."""

    def recipients(self, objects: Sequence[Action]) -> dict[int, list[int]]:
        staff: dict[int, list[int]] = {}
        services = {a.service_id for a in objects if a.assignee_id is None and a.service_id}
        for service, person in Person.objects.filter(
            service__in=services, is_active=True
        ).values_list("service_id", "pk"):
            staff.setdefault(service, []).append(person)
        return {
            a.pk: [a.assignee_id] if a.assignee_id else sorted(staff.get(a.service_id or 0, []))
            for a in objects
        }


@register
class ActionDue(ActionOwners):
    """Some days before the action's due date, in the morning."""

    kind = Kind.ACTION_DUE

    def due(self, scan: Scan) -> Iterator[Due]:
        now = scan.now
        today = timezone.localdate(now)
        # The longest lead time of any body bounds the rows read (an index on due_date).
        horizon = today + dt.timedelta(days=longest_lead("action_due_lead_days"))
        actions = list(
            open_actions()
            .filter(due_date__gte=today, due_date__lte=horizon)
            .filter(not_yet(self.kind, Action))
        )

        def due_at(action: Action) -> dt.datetime | None:
            due_at = at_morning(
                action.due_date - dt.timedelta(days=lead(action, "action_due_lead_days"))
            )
            return due_at if due_at <= now and today <= action.due_date else None

        return self.remind(actions, due_at)

    def text(self, obj: Action) -> str:
        return _("The action “%(title)s” is due on %(day)s.") % {
            "title": obj.title,
            "day": _day(obj.due_date),
        }


@register
class ActionOverdue(ActionOwners):
    """The morning after the action's due date."""

    kind = Kind.ACTION_OVERDUE

    def due(self, scan: Scan) -> Iterator[Due]:
        now = scan.now

        def due_at(action: Action) -> dt.datetime | None:
            overdue_at = at_morning(action.due_date + dt.timedelta(days=1))
            return overdue_at if overdue_at <= now else None

        return self.remind(scan.overdue_actions, due_at)

    def text(self, obj: Action) -> str:
        return _("The action “%(title)s” was due on %(day)s and is not done.") % {
            "title": obj.title,
            "day": _day(obj.due_date),
        }


@register
class Escalation(OpenAction):
    """To the coordinators of the item's region: some days after an open action's due
    date."""

    kind = Kind.ESCALATION

    def due(self, scan: Scan) -> Iterator[Due]:
        now = scan.now

        def due_at(action: Action) -> dt.datetime | None:
            escalate_at = at_morning(
                action.due_date + dt.timedelta(days=lead(action, "escalation_after_days"))
            )
            return escalate_at if escalate_at <= now else None

        return self.remind(scan.overdue_actions, due_at)

    def recipients(self, objects: Sequence[Action]) -> dict[int, list[int]]:
        coordinators = coordinators_by_region()
        return {a.pk: coordinators.get(a.item.intervision_group.region_id, []) for a in objects}

    def text(self, obj: Action) -> str:
        return _("The action “%(title)s” on “%(item)s” is overdue since %(day)s.") % {
            "title": obj.title,
            "item": obj.item.title,
            "day": _day(obj.due_date),
        }


# --- Ratifications and the digest ----------------------------------------------------------


@register
class RatificationPending(ReminderKind):
    """To the general director of the municipality: some days after the decision, while
    the ratification is pending."""

    kind = Kind.RATIFICATION_PENDING

    def due(self, scan: Scan) -> Iterator[Due]:
        now = scan.now
        pending = list(
            Ratification.objects.filter(
                state=RatificationState.PENDING,
                decision__decided_at__lte=now
                - dt.timedelta(days=min_lead("ratification_after_days")),
            )
            .filter(not_yet(self.kind, Ratification))
            .select_related("decision__body__region", "decision__item", "municipality")
        )

        def due_at(ratification: Ratification) -> dt.datetime | None:
            days = ratification.decision.body.lead_days("ratification_after_days")
            due_at = ratification.decision.decided_at + dt.timedelta(days=days)
            return due_at if due_at <= now else None

        return self.remind(pending, due_at)

    def recipients(self, objects: Sequence[Ratification]) -> dict[int, list[int]]:
        directors: dict[int | None, list[Person]] = {}
        for person in Person.objects.filter(
            function=Person.Function.GENERAL_DIRECTOR,
            is_active=True,
            municipality__in={r.municipality_id for r in objects},
        ):
            directors.setdefault(person.municipality_id, []).append(person)
        # A confidential decision is not announced to a director who may not see it; the
        # coordinator follows it up.
        return {
            r.pk: [
                person.pk
                for person in directors.get(r.municipality_id, [])
                if not r.decision.item.confidential or may_see(person, r)
            ]
            for r in objects
        }

    def holds(self, obj: Ratification, now: dt.datetime) -> bool:
        return obj.state == RatificationState.PENDING

    def text(self, obj: Ratification) -> str:
        return _("%(municipality)s has not yet ratified decision %(number)s.") % {
            "municipality": obj.municipality.name,
            "number": obj.decision.number,
        }


@register
class Digest(ReminderKind):
    """To the coordinators of a region: every Monday morning."""

    kind = Kind.DIGEST

    def due(self, scan: Scan) -> Iterator[Due]:
        now = scan.now
        today = timezone.localdate(now)
        monday = today - dt.timedelta(days=today.weekday())
        due_at = at_morning(monday)
        if due_at > now:
            return iter(())
        regions = list(
            Region.objects.filter(
                pk__in=Person.objects.filter(is_coordinator=True, is_active=True).values(
                    "region_id"
                )
            )
        )
        return self.remind(regions, lambda region: due_at)

    def recipients(self, objects: Sequence[Region]) -> dict[int, list[int]]:
        coordinators = coordinators_by_region()
        return {region.pk: coordinators.get(region.pk, []) for region in objects}

    def holds(self, obj: Region, now: dt.datetime) -> bool:
        return True

    def text(self, obj: Region) -> str:
        return _("Your weekly follow-up summary of %(region)s.") % {"region": obj.name}


# --- Legal publication terms ------------------------------------------------------------


class PublicationTerm(ReminderKind):
    """To the body's secretaries and the region's coordinators: two days before a legal
    publication term of a meeting ends, while it is not met."""

    document: ClassVar[str]  # as in backend.meetings.terms: "agenda" or "besluitenlijst"

    def due(self, scan: Scan) -> Iterator[Due]:
        now = scan.now
        terms = {t.meeting.pk: t for t in scan.terms_ending if t.document == self.document}

        def due_at(meeting: Meeting) -> dt.datetime | None:
            term = terms[meeting.pk]
            return None if self.lapsed(term, now) else term.deadline - TERM_LEAD

        return self.remind([t.meeting for t in terms.values()], due_at)

    def lapsed(self, term: Term, now: dt.datetime) -> bool:
        """Whether a reminder of the term no longer helps."""
        return now > term.deadline + TERM_GIVE_UP

    def recipients(self, objects: Sequence[Meeting]) -> dict[int, list[int]]:
        """Who answers for the meeting's publication: the body's secretaries and the
        coordinators of its region."""
        secretaries: dict[int, set[int]] = {}
        for body, person in (
            Membership.objects.active()
            .filter(body__in={m.body_id for m in objects}, role=Membership.Role.SECRETARY)
            .values_list("body_id", "person_id")
        ):
            secretaries.setdefault(body, set()).add(person)
        coordinators = coordinators_by_region()
        return {
            m.pk: sorted(
                secretaries.get(m.body_id, set()) | set(coordinators.get(m.body.region_id, []))
            )
            for m in objects
        }

    def holds(self, obj: Meeting, now: dt.datetime) -> bool:
        return still_open(obj, self.document)


@register
class AgendaTerm(PublicationTerm):
    kind = Kind.AGENDA_TERM
    document = "agenda"

    def lapsed(self, term: Term, now: dt.datetime) -> bool:
        # Once the meeting has begun, an agenda reminder no longer helps.
        return now >= term.meeting.starts_at or super().lapsed(term, now)

    def text(self, obj: Meeting) -> str:
        return _("The agenda of %(body)s of %(when)s must be public by %(deadline)s.") % {
            "body": obj.body.name,
            "when": _when(obj.starts_at),
            "deadline": _when(agenda_deadline(obj)),
        }


@register
class DecisionListTerm(PublicationTerm):
    kind = Kind.DECISION_LIST_TERM
    document = "besluitenlijst"

    def text(self, obj: Meeting) -> str:
        return _(
            "The decision list of %(body)s of %(when)s must be public by %(deadline)s; "
            "close the meeting to publish it."
        ) % {
            "body": obj.body.name,
            "when": _when(obj.starts_at),
            "deadline": _when(decision_list_deadline(obj)),
        }


# --- Told at once ------------------------------------------------------------------------


@register
class ActionAssigned(ActionOwners):
    """To whoever carries out a new action: at once, so nobody learns of it from a
    reminder that it is due."""

    kind = Kind.ACTION_ASSIGNED

    def due(self, scan: Scan) -> Iterator[Due]:
        actions = list(
            open_actions()
            .filter(created_at__gte=scan.now - ASSIGNED_WITHIN, created_at__lte=scan.now)
            .filter(not_yet(self.kind, Action))
        )
        return self.remind(actions, lambda action: action.created_at)

    def text(self, obj: Action) -> str:
        return _("You have a new action: “%(title)s”, due on %(day)s.") % {
            "title": obj.title,
            "day": _day(obj.due_date),
        }


# --- The entry points -----------------------------------------------------------------------


def due(now: dt.datetime) -> Iterator[Due]:
    """Yield the reminders of every kind whose time has come."""
    scan = Scan(now)
    for kind in KINDS.values():
        yield from kind.due(scan)


def still_relevant(notification: Notification, now: dt.datetime) -> bool:
    """Whether the reminder still makes sense now (the object may have moved on)."""
    kind = KINDS.get(notification.kind)
    return kind is not None and kind.still_relevant(notification, now)


def describe(notification: Notification) -> str:
    """Return one Dutch sentence that says what the reminder is about."""
    kind = KINDS.get(notification.kind)
    if kind is None:
        return notification.get_kind_display()
    return kind.describe(notification)
