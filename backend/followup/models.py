"""Follow-up of decisions: actions executed by DVV, ratifications per municipality."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.agenda.models import AgendaItem, Decision
from backend.organisations.models import Municipality, Service
from workflows.action import ActionTransitions
from workflows.ratification import RatificationTransitions
from workflows.stateful import StatefulModel, state_field
from workflows.states import ActionState, DecidingBody, RatificationState


class Action(ActionTransitions, StatefulModel):
    """Follow-up work after a decision, for a person and/or a DVV service."""

    item = models.ForeignKey(AgendaItem, models.PROTECT, related_name="actions")
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="assigned_actions",
        null=True,
        blank=True,
        verbose_name=_("assignee"),
    )
    service = models.ForeignKey(
        Service,
        models.PROTECT,
        related_name="actions",
        null=True,
        blank=True,
        verbose_name=_("service"),
    )
    due_date = models.DateField(_("due date"))
    municipalities = models.ManyToManyField(
        Municipality,
        related_name="actions",
        blank=True,
        verbose_name=_("municipalities concerned"),
        help_text=_("Of the item's municipalities, those this action is for; none: all."),
    )
    state = state_field(ActionState, ActionState.OPEN)
    blocked_reason = models.TextField(_("reason blocked"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(assignee__isnull=False) | Q(service__isnull=False),
                name="action_has_owner",
            ),
        ]
        indexes = [models.Index(fields=["state", "due_date"], name="action_open_by_due_date")]

    def __str__(self) -> str:
        return self.title

    @property
    def region_id(self) -> int:
        return self.item.region_id

    @property
    def is_overdue(self) -> bool:
        """Whether the due date has passed while the action is still open."""
        return self.state in ActionState.unfinished() and self.due_date < timezone.localdate()

    @property
    def owner_label(self) -> str:
        """Who carries the action out, as people read it: the person and/or the service."""
        names = [
            self.assignee.get_full_name() or self.assignee.username if self.assignee else "",
            self.service.name if self.service else "",
        ]
        return " · ".join(name for name in names if name) or "—"


class Ratification(RatificationTransitions, StatefulModel):
    """Whether a municipality concerned still has to approve a decision in its own body."""

    decision = models.ForeignKey(Decision, models.PROTECT, related_name="ratifications")
    municipality = models.ForeignKey(Municipality, models.PROTECT, related_name="ratifications")
    state = state_field(RatificationState, RatificationState.PENDING)
    date: models.DateField[dt.date | None, dt.date | None] = models.DateField(
        _("date of the municipal decision"), null=True, blank=True
    )
    deciding_body = models.CharField(
        _("deciding body"), max_length=40, choices=DecidingBody.choices, blank=True
    )
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("ratification")
        verbose_name_plural = _("ratifications")
        ordering = ["decision", "municipality"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "municipality"], name="ratification_one_per_municipality"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} – {self.municipality}"

    @property
    def region_id(self) -> int:
        return self.decision.region_id


class ActionNote(models.Model):
    """A progress note on an action: what happened, by whom, when. Never edited."""

    action = models.ForeignKey(Action, models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.text[:40]}"
