"""The states of the four machines, and the sets of them the product asks about.

One home for every state name and every "which states count as …": the charts, the
permission rules, the steps, the pages and the reminders all ask here.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy


class ItemState(models.TextChoices):
    DRAFT = "draft", gettext_lazy("draft")
    SUBMITTED = "submitted", gettext_lazy("submitted")
    IN_PREPARATION = "in_preparation", gettext_lazy("in preparation")
    PREPARED = "prepared", gettext_lazy("prepared")
    SCHEDULED = "scheduled", gettext_lazy("scheduled")
    APPROVED = "approved", gettext_lazy("approved")
    REJECTED = "rejected", gettext_lazy("rejected")
    IN_EXECUTION = "in_execution", gettext_lazy("in execution")
    COMPLETED = "completed", gettext_lazy("completed")
    WITHDRAWN = "withdrawn", gettext_lazy("withdrawn")

    @classmethod
    def in_the_group(cls) -> tuple[str, ...]:
        """The states in which an item has not yet reached its target cluster."""
        return (cls.DRAFT, cls.SUBMITTED, cls.IN_PREPARATION)

    @classmethod
    def before_decision(cls) -> tuple[str, ...]:
        """The states from which an item can still be withdrawn."""
        return (*cls.in_the_group(), cls.PREPARED, cls.SCHEDULED)

    @classmethod
    def after_approval(cls) -> tuple[str, ...]:
        """The states of an approved item, which may be forwarded."""
        return (cls.APPROVED, cls.IN_EXECUTION, cls.COMPLETED)

    @classmethod
    def followed_up(cls) -> tuple[str, ...]:
        """The states in which actions are created for an item."""
        return (cls.APPROVED, cls.IN_EXECUTION)

    @classmethod
    def decided(cls) -> tuple[str, ...]:
        """The states after which an item's content is a record, not a draft."""
        return (cls.APPROVED, cls.REJECTED, cls.IN_EXECUTION, cls.COMPLETED, cls.WITHDRAWN)

    @classmethod
    def undecided(cls) -> tuple[str, ...]:
        """The states in which an item's content (and its files) can still change."""
        return tuple(state for state in cls.values if state not in cls.decided())

    @classmethod
    def finished(cls) -> tuple[str, ...]:
        """The states in which nothing waits for anyone any more."""
        return (cls.COMPLETED, cls.WITHDRAWN, cls.REJECTED)


class MeetingState(models.TextChoices):
    PLANNED = "planned", gettext_lazy("planned")
    CONVENED = "convened", gettext_lazy("convened")
    IN_SESSION = "in_session", gettext_lazy("in session")
    CLOSED = "closed", gettext_lazy("closed")
    MINUTES_APPROVED = "minutes_approved", gettext_lazy("minutes approved")
    CANCELLED = "cancelled", gettext_lazy("cancelled")

    @classmethod
    def takes_items(cls) -> tuple[str, ...]:
        """The states of a meeting that items can still be put on (a convened one only by
        a chair, as urgent)."""
        return (cls.PLANNED, cls.CONVENED)

    @classmethod
    def attendance_open(cls) -> tuple[str, ...]:
        """The states in which attendance is still recorded."""
        return (cls.PLANNED, cls.CONVENED, cls.IN_SESSION)

    @classmethod
    def notes_open(cls) -> tuple[str, ...]:
        """The states in which the discussion notes are written (until the minutes are
        approved)."""
        return (cls.IN_SESSION, cls.CLOSED)

    @classmethod
    def agenda_published(cls) -> tuple[str, ...]:
        """The states in which a meeting's agenda is public."""
        return (cls.CONVENED, cls.IN_SESSION, cls.CLOSED, cls.MINUTES_APPROVED)

    @classmethod
    def held(cls) -> tuple[str, ...]:
        """The states of a meeting that took place: its decisions are public."""
        return (cls.CLOSED, cls.MINUTES_APPROVED)

    @classmethod
    def not_cancelled(cls) -> tuple[str, ...]:
        return tuple(state for state in cls.values if state != cls.CANCELLED)

    @classmethod
    def unfinished(cls) -> tuple[str, ...]:
        """The states of a meeting that still asks for a step (until its minutes are
        approved)."""
        return (cls.PLANNED, cls.CONVENED, cls.IN_SESSION, cls.CLOSED)


class ActionState(models.TextChoices):
    OPEN = "open", gettext_lazy("open")
    IN_PROGRESS = "in_progress", gettext_lazy("in progress")
    BLOCKED = "blocked", gettext_lazy("blocked")
    DONE = "done", gettext_lazy("done")
    CANCELLED = "cancelled", gettext_lazy("cancelled")

    @classmethod
    def unfinished(cls) -> list[str]:
        """Return the states in which an action still needs work."""
        return [cls.OPEN, cls.IN_PROGRESS, cls.BLOCKED]


class RatificationState(models.TextChoices):
    PENDING = "pending", gettext_lazy("pending")
    RATIFIED = "ratified", gettext_lazy("ratified")
    DECLINED = "declined", gettext_lazy("declined")
    NOT_REQUIRED = "not_required", gettext_lazy("not required")


class DecidingBody(models.TextChoices):
    GEMEENTERAAD = "gemeenteraad", gettext_lazy("municipal council")
    COLLEGE = "college", gettext_lazy("college of mayor and aldermen")
    VAST_BUREAU = "vast_bureau", gettext_lazy("permanent bureau")
    RAAD_MAATSCHAPPELIJK_WELZIJN = (
        "raad_maatschappelijk_welzijn",
        gettext_lazy("council for social welfare"),
    )
