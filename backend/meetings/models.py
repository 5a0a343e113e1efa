"""Meetings of a body, their agenda entries and the attendance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise
else:
    StrOrPromise = str

from backend.organisations.models import Body, Municipality
from workflows.meeting import MeetingTransitions
from workflows.stateful import StatefulModel, state_field
from workflows.states import MeetingState


class Meeting(MeetingTransitions, StatefulModel):
    """A meeting of one body, with its agenda and attendance."""

    body = models.ForeignKey(Body, models.PROTECT, related_name="meetings", verbose_name=_("body"))
    starts_at = models.DateTimeField(_("starts at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    submission_deadline = models.DateTimeField(
        _("submission deadline"), help_text=_("Items can be scheduled until this moment.")
    )
    standing_entries = models.JSONField(
        _("standing entries"),
        default=list,
        blank=True,
        help_text=_("The points this meeting starts with, taken from its body when planned."),
    )
    state = state_field(MeetingState, MeetingState.PLANNED)
    opened_at = models.DateTimeField(
        _("opened at"), null=True, blank=True, editable=False, help_text=_("Set by `open`.")
    )
    closed_at = models.DateTimeField(
        _("closed at"), null=True, blank=True, editable=False, help_text=_("Set by `close`.")
    )
    presiding = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="meetings_presided",
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("presiding chair"),
        help_text=_("The chair of the body who presided, chosen when the meeting opened."),
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="meetings_as_secretary",
        null=True,
        blank=True,
        verbose_name=_("secretary"),
        help_text=_("A secretary of the body, or the coordinator; signs the minutes."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        indexes = [
            # The reminder scan looks for meetings by state and by start or deadline.
            models.Index(fields=["state", "starts_at"], name="meeting_state_start"),
            models.Index(fields=["state", "submission_deadline"], name="meeting_state_deadline"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(submission_deadline__lte=models.F("starts_at")),
                name="meeting_deadline_before_start",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True)
                | (Q(opened_at__isnull=False) & Q(closed_at__gte=models.F("opened_at"))),
                name="meeting_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} – {self.starts_at:%d/%m/%Y}"

    @property
    def region_id(self) -> int:
        return self.body.region_id

    def pending_entries(self) -> models.QuerySet[AgendaEntry]:
        """Return the entries still waiting for an outcome, in agenda order."""
        return self.entries.filter(outcome=AgendaEntry.Outcome.PENDING).order_by("position")


class AgendaEntry(models.Model):
    """An item placed on a meeting's agenda, at a position, with its outcome there."""

    class Session(models.TextChoices):
        PUBLIC = "public", _("public session")
        CLOSED = "closed", _("closed session")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        NOTED = "noted", _("noted")
        POSTPONED = "postponed", _("postponed")
        RETURNED = "returned", _("returned for rework")
        WITHDRAWN = "withdrawn", _("withdrawn")
        CANCELLED = "cancelled", _("meeting cancelled")

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="entries")
    item = models.ForeignKey("agenda.AgendaItem", models.PROTECT, related_name="entries")
    position = models.PositiveIntegerField(_("position"))
    session = models.CharField(
        _("session"), max_length=10, choices=Session.choices, default=Session.PUBLIC
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    urgency_reason = models.TextField(
        _("reason for the urgency"),
        blank=True,
        help_text=_("Given when the item was added after the invitation went out."),
    )
    urgency_accepted_at = models.DateTimeField(
        _("urgency accepted at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set by `accept_urgency`; an urgent entry is decided only after it."),
    )
    urgency_votes_for = models.PositiveSmallIntegerField(
        _("votes for the urgency"), null=True, blank=True, editable=False
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    note = models.TextField(_("discussion note"), blank=True)

    class Meta:
        verbose_name = _("agenda entry")
        verbose_name_plural = _("agenda entries")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "item"], name="entry_item_once_per_meeting"),
            models.UniqueConstraint(fields=["meeting", "position"], name="entry_unique_position"),
            models.CheckConstraint(condition=Q(position__gte=1), name="entry_position_positive"),
            models.UniqueConstraint(
                fields=["item"], condition=Q(outcome="pending"), name="entry_one_pending_per_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.item}"

    @property
    def confidential(self) -> bool:
        """Whether the entry belongs only to who may see it all: in closed session, or its
        item confidential (the public versions and everything that leaves the product
        leave it out)."""
        return self.session == AgendaEntry.Session.CLOSED or self.item.confidential

    @property
    def awaits_urgency(self) -> bool:
        """Whether the entry is urgent and the body has not yet accepted its urgency."""
        return self.urgent and self.urgency_accepted_at is None


def entry_position(
    name: StrOrPromise, help_text: StrOrPromise
) -> models.PositiveIntegerField[int | None, int | None]:
    """An optional agenda position at which someone's presence changed."""
    return models.PositiveIntegerField(name, null=True, blank=True, help_text=help_text)


class Attendance(models.Model):
    """Whether a member attended a meeting, and which municipality they represented."""

    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        EXCUSED = "excused", _("excused")
        ABSENT = "absent", _("absent")

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="attendances")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="attendances")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    municipality = models.ForeignKey(
        Municipality,
        models.PROTECT,
        related_name="attendances",
        null=True,
        blank=True,
        verbose_name=_("municipality represented"),
    )
    replacing = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="replaced_at",
        null=True,
        blank=True,
        verbose_name=_("replacing"),
        help_text=_("For a substitute: the absent member they replace at this meeting."),
    )
    arrived_before_entry = entry_position(
        _("arrived before entry"),
        _("Agenda position of the first entry this person was present for."),
    )
    left_before_entry = entry_position(
        _("left before entry"),
        _("Agenda position of the first entry this person was no longer present for."),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["meeting", "person"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_unique"),
            models.UniqueConstraint(
                fields=["meeting", "replacing"],
                condition=models.Q(replacing__isnull=False),
                name="attendance_one_substitute_per_member",
            ),
            models.CheckConstraint(
                condition=models.Q(arrived_before_entry__isnull=True)
                | models.Q(left_before_entry__isnull=True)
                | models.Q(arrived_before_entry__lt=models.F("left_before_entry")),
                name="attendance_arrives_before_leaving",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_status_display()}"

    def present_for(self, position: int) -> bool:
        """Whether the person was there for the entry at this agenda position."""
        return (
            self.status == self.Status.PRESENT
            and (self.arrived_before_entry is None or self.arrived_before_entry <= position)
            and (self.left_before_entry is None or position < self.left_before_entry)
        )

    @classmethod
    def present_for_q(cls, position: int, prefix: str = "") -> models.Q:
        """The same as `present_for`, as a filter (`prefix`: the path to the attendance)."""
        return (
            models.Q(**{f"{prefix}status": cls.Status.PRESENT})
            & (
                models.Q(**{f"{prefix}arrived_before_entry__isnull": True})
                | models.Q(**{f"{prefix}arrived_before_entry__lte": position})
            )
            & (
                models.Q(**{f"{prefix}left_before_entry__isnull": True})
                | models.Q(**{f"{prefix}left_before_entry__gt": position})
            )
        )


class CalendarFeed(models.Model):
    """A person's secret address for the calendar of their meetings; revoking makes a new one."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.person}"


class Conflict(models.Model):
    """A member's conflict of interest on one agenda entry (art. 27 Decreet Lokaal Bestuur):
    they take no part in its deliberation and vote, and do not count for its quorum."""

    entry = models.ForeignKey(AgendaEntry, models.CASCADE, related_name="conflicts")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="conflicts",
        verbose_name=_("person"),
    )
    reason = models.CharField(_("reason"), max_length=1000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="conflicts_recorded",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["entry", "person__last_name", "person__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "person"], name="conflict_once_per_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.entry}"
