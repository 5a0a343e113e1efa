"""Writes about meetings that are not state changes: planning and attendance."""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import secrets
from typing import Any

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.meetings.models import AgendaEntry, Attendance, CalendarFeed, Conflict, Meeting
from backend.meetings.selectors import secretaries_possible
from backend.organisations.models import Body, Membership, Person
from workflows import predicates as can
from workflows.engine import EditRule, edit, text_digest
from workflows.errors import FieldReason, GuardFailed, NotPermitted, NotPossible, NotVisible
from workflows.states import MeetingState


def deadline_after_start() -> FieldReason:
    return FieldReason(
        _("The submission deadline must be before the meeting starts."), "submission_deadline"
    )


def starts_in_past() -> FieldReason:
    return FieldReason(_("A meeting is planned in the future."), "starts_at")


def meeting_plan(
    *,
    body: Body,
    starts_at: dt.datetime,
    submission_deadline: dt.datetime,
    location: str = "",
    secretary: Person | None = None,
    actor: Person,
) -> Meeting:
    """Plan a meeting of a body (by the coordinator or a chair or secretary of the body)."""
    probe = Meeting(body=body, starts_at=starts_at, submission_deadline=submission_deadline)
    if not can.can_view_meeting(actor, probe):
        raise NotVisible()
    if not can.can_run_meeting(actor, probe):
        raise NotPermitted()
    reasons = []
    if submission_deadline > starts_at:
        reasons.append(deadline_after_start())
    if starts_at <= timezone.now():
        reasons.append(starts_in_past())
    if refused := secretary_refused(probe, secretary):
        reasons.append(refused)
    if reasons:
        raise GuardFailed(reasons)
    return Meeting.objects.create(
        body=body,
        starts_at=starts_at,
        submission_deadline=submission_deadline,
        location=location,
        secretary=secretary,
        # A new meeting starts with the standing entries its body has.
        standing_entries=body.standing(),
    )


PLANNING = ("starts_at", "location", "submission_deadline")
"""What can change about a meeting while it is planned, and no longer once convened."""

MEETING_EDIT = EditRule(
    permitted=can.can_run_meeting,
    states=(MeetingState.PLANNED, MeetingState.CONVENED),
    wrong_state=gettext_lazy("Only a planned or convened meeting can be changed."),
)


def secretary_refused(meeting: Meeting, person: Person | None) -> FieldReason | None:
    """Say why a person cannot be the meeting's secretary, or None when they can."""
    if person is None or secretaries_possible(meeting).filter(pk=person.pk).exists():
        return None
    return FieldReason(
        _("The secretary must be a secretary of the body or the coordinator."), "secretary"
    )


def meeting_update(
    meeting: Meeting, *, actor: Any, expected_version: int | None = None, **changes: Any
) -> Meeting:
    """Change a planned meeting's date, place or submission deadline, or the secretary of
    a planned or convened one."""
    with edit(meeting, MEETING_EDIT, actor=actor) as change:
        change.only(changes, {*PLANNING, "secretary"})
        moved = [name for name in PLANNING if name in changes]
        if moved and change.stored[0] != MeetingState.PLANNED:
            raise NotPossible(_("Only a planned meeting can be changed."))
        starts_at = changes.get("starts_at", meeting.starts_at)
        deadline = changes.get("submission_deadline", meeting.submission_deadline)
        reasons = []
        if deadline > starts_at:
            reasons.append(deadline_after_start())
        if "starts_at" in changes and starts_at <= timezone.now():
            reasons.append(starts_in_past())
        if "secretary" in changes and (refused := secretary_refused(meeting, changes["secretary"])):
            reasons.append(refused)
        if reasons:
            raise GuardFailed(reasons)
        change.save(changes, expected_version=expected_version)
    return meeting


ATTENDANCE = EditRule(
    permitted=can.can_run_meeting,
    states=MeetingState.attendance_open(),
    wrong_state=gettext_lazy("Attendance can no longer be changed for this meeting."),
)
"""Who records attendance, and until when."""


def attendance_record(
    *,
    meeting: Meeting,
    person: Person,
    status: str,
    actor: Any,
    replacing: Person | None = None,
    arrived_before_entry: int | None = None,
    left_before_entry: int | None = None,
) -> Attendance:
    """Record (or replace) whether a member of the meeting's body is present: a substitute
    present `replacing` an absent member of their municipality (who is then recorded as
    excused), and who arrived or left during the meeting (the agenda position of the first
    entry they were there for, and of the first they were not)."""
    with edit(meeting, ATTENDANCE, actor=actor) as change:
        if status not in Attendance.Status.values:
            raise GuardFailed(
                [FieldReason(_("The status is present, excused or absent."), "status")]
            )
        membership = attending_membership(meeting, person)
        if membership is None:
            raise GuardFailed(
                [FieldReason(_("This person is not a member of the body."), "person")]
            )
        present = status == Attendance.Status.PRESENT
        reasons = [
            *substitute_refused(meeting, membership, replacing, present=present),
            *moments_refused(meeting, arrived_before_entry, left_before_entry, present=present),
        ]
        if reasons:
            raise GuardFailed(reasons)
        moments = ("replacing_id", "arrived_before_entry", "left_before_entry")
        before = (
            Attendance.objects.select_for_update()
            .filter(meeting=meeting, person=person)
            .values("status", *moments)
            .first()
        ) or {}
        attendance, _created = Attendance.objects.update_or_create(
            meeting=meeting,
            person=person,
            defaults={
                "status": status,
                "municipality": membership.municipality,
                "replacing": replacing if present else None,
                "arrived_before_entry": arrived_before_entry if present else None,
                "left_before_entry": left_before_entry if present else None,
            },
        )
        change.record(f"attendance:{person.pk}", before.get("status"), status)
        # Whom a substitute replaces, and when someone came or went: each its own line.
        for name in moments:
            change.record(
                f"attendance:{person.pk}:{name.removesuffix('_id')}",
                before.get(name),
                getattr(attendance, name),
            )
        if present and replacing is not None:
            replaced, created = Attendance.objects.get_or_create(
                meeting=meeting,
                person=replacing,
                defaults={
                    "status": Attendance.Status.EXCUSED,
                    "municipality": membership.municipality,
                },
            )
            if created:
                change.record(f"attendance:{replacing.pk}", None, replaced.status)
    return attendance


def attending_membership(meeting: Meeting, person: Person) -> Membership | None:
    """The person's membership of the meeting's body on the day of the meeting."""
    return (
        Membership.objects.active(timezone.localdate(meeting.starts_at))
        .filter(body=meeting.body_id, person=person)
        .order_by("start_date")
        .first()
    )


def substitute_refused(
    meeting: Meeting, membership: Membership, replacing: Person | None, *, present: bool
) -> list[FieldReason]:
    """Why a substitute may not be recorded so: a substitute is present only in place of an
    absent member of their own municipality (their designated one, if any); a member whose
    substitute is present is not present themselves."""
    substitute = membership.role == Membership.Role.SUBSTITUTE
    if not present:
        return []
    if not substitute:
        if replacing is not None:
            return [FieldReason(_("Only a substitute replaces another member."), "replacing")]
        taken = (
            Attendance.objects.filter(meeting=meeting, replacing=membership.person_id)
            .select_related("person")
            .first()
        )
        if taken is not None:
            return [
                FieldReason(
                    _("%(member)s is replaced at this meeting by %(substitute)s.")
                    % {"member": membership.person, "substitute": taken.person},
                    "status",
                )
            ]
        return []
    if replacing is None:
        return [
            FieldReason(
                _("A substitute is present in place of an absent member: name whom they replace."),
                "replacing",
            )
        ]
    replaced = attending_membership(meeting, replacing)
    if replaced is None:
        # Not named: whoever it is, they are no member of this body.
        return [FieldReason(_("This person is not a member of the body."), "replacing")]
    if (
        replaced.role == Membership.Role.SUBSTITUTE
        or replaced.municipality_id != membership.municipality_id
    ):
        return [
            FieldReason(
                _("%(person)s is not a member of the body for %(municipality)s.")
                % {"person": replacing, "municipality": membership.municipality},
                "replacing",
            )
        ]
    if membership.substitutes_for_id not in (None, replacing.pk):
        return [
            FieldReason(
                _("%(substitute)s is the substitute of %(member)s, not of %(person)s.")
                % {
                    "substitute": membership.person,
                    "member": membership.substitutes_for,
                    "person": replacing,
                },
                "replacing",
            )
        ]
    if Attendance.objects.filter(
        meeting=meeting, person=replacing, status=Attendance.Status.PRESENT
    ).exists():
        return [
            FieldReason(
                _("%(person)s is present: a substitute replaces an absent member.")
                % {"person": replacing},
                "replacing",
            )
        ]
    other = (
        Attendance.objects.filter(meeting=meeting, replacing=replacing)
        .exclude(person=membership.person_id)
        .select_related("person")
        .first()
    )
    if other is not None:
        return [
            FieldReason(
                _("%(member)s is replaced at this meeting by %(substitute)s.")
                % {"member": replacing, "substitute": other.person},
                "replacing",
            )
        ]
    return []


def moments_refused(
    meeting: Meeting, arrived: int | None, left: int | None, *, present: bool
) -> list[FieldReason]:
    """Why the entries before which someone arrived or left cannot be recorded: only of
    someone present, positions on the meeting's agenda, arriving before leaving."""
    if arrived is None and left is None:
        return []
    if not present:
        return [
            FieldReason(
                _("Only someone present arrives or leaves during the meeting."),
                "left_before_entry" if arrived is None else "arrived_before_entry",
            )
        ]
    positions = set(meeting.entries.values_list("position", flat=True))
    reasons = [
        FieldReason(
            _("There is no entry %(position)s on this meeting's agenda.") % {"position": value},
            field,
        )
        for field, value in (("arrived_before_entry", arrived), ("left_before_entry", left))
        if value is not None and value not in positions
    ]
    if not reasons and arrived is not None and left is not None and arrived >= left:
        reasons.append(
            FieldReason(
                _("Someone arrives before the entry before which they leave."),
                "left_before_entry",
            )
        )
    return reasons


def attendance_everyone_present(*, meeting: Meeting, actor: Any) -> int:
    """Record every member of the body whose attendance is not recorded yet as present
    (who is already excused or absent stays so), as one edit; return how many."""
    with edit(meeting, ATTENDANCE, actor=actor) as change:
        recorded = set(
            Attendance.objects.select_for_update()
            .filter(meeting=meeting)
            .values_list("person", flat=True)
        )
        members = (
            Membership.objects.active(timezone.localdate(meeting.starts_at))
            .filter(body=meeting.body_id)
            .exclude(role=Membership.Role.SUBSTITUTE)
            .exclude(person__in=recorded)
            .order_by("person", "start_date")
        )
        added: dict[int, Attendance] = {}
        for membership in members:
            added.setdefault(
                membership.person_id,
                Attendance(
                    meeting=meeting,
                    person_id=membership.person_id,
                    status=Attendance.Status.PRESENT,
                    municipality=membership.municipality,
                ),
            )
        Attendance.objects.bulk_create(added.values())
        for person_id in added:
            change.record(f"attendance:{person_id}", None, Attendance.Status.PRESENT)
    return len(added)


def calendar_feed_for(person: Person, *, renew: bool = False) -> CalendarFeed:
    """Return the person's calendar feed, with a new secret token when `renew` (revoke)."""
    token = secrets.token_urlsafe(32)
    if renew:
        feed, _created = CalendarFeed.objects.update_or_create(
            person=person, defaults={"token": token}
        )
        return feed
    feed, _created = CalendarFeed.objects.get_or_create(person=person, defaults={"token": token})
    return feed


def agenda_arrange(*, meeting: Meeting, actor: Any, entries: list[dict[str, Any]]) -> Meeting:
    """Put a planned meeting's agenda in the given order, each entry in a public or closed
    session. `entries` lists every entry still on the agenda once: `{"id", "session"}`."""
    rule = EditRule(
        permitted=can.can_run_meeting,
        states=(MeetingState.PLANNED,),
        wrong_state=_("The agenda is frozen once the meeting is convened."),
    )
    with edit(meeting, rule, actor=actor) as change:
        change.unchanged()
        current = {entry.pk: entry for entry in meeting.pending_entries()}
        wanted = [entry["id"] for entry in entries]
        if sorted(wanted) != sorted(current) or len(set(wanted)) != len(wanted):
            raise GuardFailed([_("List every entry of the agenda exactly once.")])
        closed_items = [
            current[e["id"]].item.title
            for e in entries
            if current[e["id"]].item.confidential and e["session"] != AgendaEntry.Session.CLOSED
        ]
        if closed_items:
            raise GuardFailed(
                [
                    _("A confidential item stays in the closed session: %(title)s")
                    % {"title": title}
                    for title in closed_items
                ]
            )
        # Positions are unique per meeting: move every entry past the last position used
        # first, then into place, so no two ever share one within the transaction.
        before = [[e.pk, e.session] for e in current.values()]
        top = meeting.entries.aggregate(top=Max("position"))["top"] or 0
        for offset, entry in enumerate(current.values(), start=1):
            AgendaEntry.objects.filter(pk=entry.pk).update(position=top + offset)
        for position, spec in enumerate(entries, start=1):
            AgendaEntry.objects.filter(pk=spec["id"]).update(
                position=position, session=spec["session"]
            )
        change.bump()
        # Entries, not items: the region reads this history, confidential items included.
        change.record("agenda", before, [[spec["id"], spec["session"]] for spec in entries])
    return meeting


NOTE_STATES = MeetingState.notes_open()
NOTES = EditRule(
    permitted=can.can_run_meeting,
    states=NOTE_STATES,
    wrong_state=gettext_lazy(
        "A discussion note is written during the session and until the minutes are approved."
    ),
)
"""Who writes the discussion notes, and until when (an entry's note also asks that its
item may be seen)."""


def entry_note_write(*, entry: AgendaEntry, actor: Any, note: str) -> AgendaEntry:
    """Write the discussion note of an agenda entry, which the minutes print.

    The secretariat (a chair or secretary of the body, or the coordinator) writes it during
    the session and until the minutes are approved; then the note is frozen with them.
    """
    rule = dataclasses.replace(
        NOTES,
        visible=lambda actor, meeting: bool(
            can.can_view_meeting(actor, meeting) and can.can_view_item(actor, entry.item)
        ),
    )
    # The meeting's row lock orders this write after a transition of the same meeting
    # (closing it, approving its minutes), so a note never slips past the freeze.
    with edit(entry.meeting, rule, actor=actor) as change:
        before = AgendaEntry.objects.filter(pk=entry.pk).values_list("note", flat=True).get()
        AgendaEntry.objects.filter(pk=entry.pk).update(note=note)
        # The meeting's history is read by the whole region: a note (perhaps on a
        # confidential entry) is kept there as a digest, never as its words.
        change.record(f"note:{entry.pk}", text_digest(before), text_digest(note))
    entry.note = note
    return entry


# --- Planning ahead ----------------------------------------------------------------------


def proposed_deadline(body: Body, starts_at: dt.datetime) -> dt.datetime:
    """The submission deadline proposed for a meeting: the body's (or region's) number of
    days before it, at the same time of day."""
    return starts_at - dt.timedelta(days=body.lead_days("submission_deadline_days"))


class Repeat(models.TextChoices):
    """How a series of meetings repeats."""

    WEEKLY = "weekly", _("every week")
    FORTNIGHTLY = "fortnightly", _("every two weeks")
    MONTHLY = "monthly", _("every month on the same weekday (e.g. every first Monday)")


MAX_SERIES = 12


def series_dates(first: dt.datetime, repeat: str, count: int) -> list[dt.datetime]:
    """The start of each meeting of a series, the first one included. Monthly keeps the
    weekday and its place in the month (the first Monday stays the first Monday; a fifth
    one becomes the last one of a shorter month)."""
    if repeat in (Repeat.WEEKLY, Repeat.FORTNIGHTLY):
        step = dt.timedelta(weeks=1 if repeat == Repeat.WEEKLY else 2)
        return [first + step * n for n in range(count)]
    nth = (first.day - 1) // 7
    starts = []
    for n in range(count):
        month_index = first.month - 1 + n
        year, month = first.year + month_index // 12, month_index % 12 + 1
        day_one = first.replace(year=year, month=month, day=1)
        offset = (first.weekday() - day_one.weekday()) % 7
        days_in_month = calendar.monthrange(year, month)[1]
        day = 1 + offset + 7 * nth
        while day > days_in_month:
            day -= 7
        starts.append(day_one.replace(day=day))
    return starts


def meeting_plan_series(
    *,
    body: Body,
    starts_at: dt.datetime,
    submission_deadline: dt.datetime,
    repeat: str,
    count: int,
    location: str = "",
    actor: Person,
) -> list[Meeting]:
    """Plan `count` meetings of a body that repeat (all or none): each one's submission
    deadline lies as far before it as the first one's does."""
    if repeat not in Repeat.values:
        raise GuardFailed([FieldReason(_("Choose how the meetings repeat."), "repeat")])
    if not 1 <= count <= MAX_SERIES:
        raise GuardFailed(
            [
                FieldReason(
                    _("A series has between 1 and %(most)d meetings.") % {"most": MAX_SERIES},
                    "count",
                )
            ]
        )
    lead = starts_at - submission_deadline
    # Local wall-clock time: a series at 19:00 stays at 19:00 across the change to summer time.
    local = timezone.localtime(starts_at).replace(tzinfo=None)
    zone = timezone.get_current_timezone()
    with transaction.atomic():
        return [
            meeting_plan(
                body=body,
                starts_at=(start := timezone.make_aware(naive, zone)),
                submission_deadline=start - lead,
                location=location,
                actor=actor,
            )
            for naive in series_dates(local, repeat, count)
        ]


CONFLICT_REASON_MAX = 1000


def may_record_conflicts(actor: Any, meeting: Meeting) -> bool:
    """Who records conflicts of interest for others: the presiding chair, the secretary,
    the secretariat of the body (its chairs and secretaries) and the coordinator."""
    return bool(
        can.can_run_meeting(actor, meeting)
        or (actor.pk is not None and actor.pk in (meeting.presiding_id, meeting.secretary_id))
    )


def may_declare_conflict(actor: Any, meeting: Meeting) -> bool:
    """Who may come to the door of a conflict of interest: the recorders above and any
    member of the body (for themself)."""
    if may_record_conflicts(actor, meeting):
        return True
    day = timezone.localdate(meeting.starts_at)
    return bool(
        actor.pk is not None
        and Membership.objects.active(day).filter(body=meeting.body_id, person=actor.pk).exists()
    )


CONFLICTS = EditRule(
    permitted=may_declare_conflict,
    states=(MeetingState.CONVENED, MeetingState.IN_SESSION),
    wrong_state=gettext_lazy(
        "A conflict of interest is recorded while the meeting is convened or in session."
    ),
)
"""Who records a conflict of interest (art. 27 DLB), and when."""

CONFLICTS_REMOVE = EditRule(
    permitted=may_record_conflicts,
    states=(MeetingState.IN_SESSION,),
    wrong_state=gettext_lazy("A conflict of interest is removed only while in session."),
)
"""Who removes a conflict of interest recorded by mistake, and when."""


def entry_rule(rule: EditRule, entry: AgendaEntry) -> EditRule:
    """The rule with the entry's visibility: its meeting and its item may be seen."""
    return dataclasses.replace(
        rule,
        visible=lambda actor, meeting: bool(
            can.can_view_meeting(actor, meeting) and can.can_view_item(actor, entry.item)
        ),
    )


def conflict_record(*, entry: AgendaEntry, person: Person, reason: str, actor: Any) -> Conflict:
    """Record that a member has a conflict of interest on an agenda entry: they take no
    part in its deliberation and vote (art. 27 Decreet Lokaal Bestuur).

    The person themself, the presiding chair, the secretary (or the secretariat of the body,
    or the coordinator) records it while the meeting is convened or in session; the person
    is a member of the body, and once in session is present. The reason may stay empty.
    """
    meeting = entry.meeting
    with edit(meeting, entry_rule(CONFLICTS, entry), actor=actor) as change:
        if person.pk != actor.pk and not may_record_conflicts(actor, meeting):
            raise NotPermitted(
                _(
                    "Only the person themself, the presiding chair or the secretary records a "
                    "conflict of interest."
                )
            )
        if entry.outcome != AgendaEntry.Outcome.PENDING:
            raise NotPossible(_("This entry has been dealt with already."))
        reasons: list[str | FieldReason] = []
        if not isinstance(reason, str):
            reasons.append(FieldReason(_("The reason must be a text."), "reason"))
        elif len(reason) > CONFLICT_REASON_MAX:
            reasons.append(
                FieldReason(
                    _("The reason is at most %(n)d characters.") % {"n": CONFLICT_REASON_MAX},
                    "reason",
                )
            )
        day = timezone.localdate(meeting.starts_at)
        member = Membership.objects.active(day).filter(body=meeting.body_id, person=person).exists()
        if not member:
            reasons.append(FieldReason(_("This person is not a member of the body."), "person"))
        elif meeting.state == MeetingState.IN_SESSION and not (
            Attendance.objects.filter(
                meeting=meeting, person=person, status=Attendance.Status.PRESENT
            ).exists()
        ):
            reasons.append(FieldReason(_("This person is not present at the meeting."), "person"))
        if reasons:
            raise GuardFailed(reasons)
        if Conflict.objects.filter(entry=entry, person=person).exists():
            raise NotPossible(
                _("A conflict of interest of this person on this entry is already recorded.")
            )
        conflict = Conflict.objects.create(
            entry=entry, person=person, reason=reason.strip(), recorded_by=actor
        )
        # The history keeps who and which entry; the reason (perhaps personal) stays on
        # the record itself.
        change.record(f"conflict:{entry.pk}:{person.pk}", None, "recorded")
    return conflict


def conflict_remove(*, entry: AgendaEntry, person: Person, actor: Any) -> None:
    """Remove a conflict of interest recorded on an entry by mistake (in session)."""
    meeting = entry.meeting
    with edit(meeting, entry_rule(CONFLICTS_REMOVE, entry), actor=actor) as change:
        if entry.outcome != AgendaEntry.Outcome.PENDING:
            raise NotPossible(_("This entry has been dealt with already."))
        deleted, _rows = Conflict.objects.filter(entry=entry, person=person).delete()
        if not deleted:
            raise NotVisible()
        change.record(f"conflict:{entry.pk}:{person.pk}", "recorded", None)
