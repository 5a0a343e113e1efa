"""Notifications: one reminder to one person about one object, due at a time, sent once.

The row is the truth; the queue only wakes the worker. The unique constraint on
(recipient, kind, object, due time) is what makes a repeated or concurrent scan harmless.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        SUBMISSION_DEADLINE = "submission_deadline", _("submission deadline")
        INVITATION = "invitation", _("invitation")
        MEETING_REMINDER = "meeting_reminder", _("meeting reminder")
        MINUTES_READY = "minutes_ready", _("minutes ready")
        ACTION_DUE = "action_due", _("action due")
        ACTION_OVERDUE = "action_overdue", _("action overdue")
        ESCALATION = "escalation", _("escalation")
        RATIFICATION_PENDING = "ratification_pending", _("ratification pending")
        DIGEST = "digest", _("weekly digest")
        AGENDA_TERM = "agenda_term", _("agenda publication term")
        DECISION_LIST_TERM = "decision_list_term", _("decision list publication term")
        ACTION_ASSIGNED = "action_assigned", _("new action")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    content_type = models.ForeignKey(ContentType, models.CASCADE)
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    due_at = models.DateTimeField(_("due at"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    dropped_at = models.DateTimeField(
        _("dropped at"),
        null=True,
        blank=True,
        help_text=_("Set when the reminder no longer made sense at send time."),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(
        _("next attempt at"), null=True, blank=True, help_text=_("After a failed delivery.")
    )
    last_error = models.TextField(_("last error"), blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-due_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "content_type", "object_id", "due_at"],
                name="notification_once",
            ),
        ]
        indexes = [
            # The sender's question: what is due and not yet sent or dropped?
            models.Index(
                fields=["due_at"],
                name="notification_waiting",
                condition=Q(sent_at__isnull=True, dropped_at__isnull=True),
            ),
            models.Index(fields=["recipient", "read_at"], name="notification_inbox"),
            # The scan's question: has this object had a reminder of this kind yet?
            models.Index(fields=["kind", "content_type", "object_id"], name="notification_object"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient} ({self.due_at:%Y-%m-%d %H:%M})"
