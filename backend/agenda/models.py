"""The proposal that travels (AgendaItem), the decision on it and the votes."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.organisations.models import Body, Municipality
from workflows.agenda_item import AgendaItemTransitions
from workflows.stateful import StatefulModel, state_field
from workflows.states import ItemState


class AgendaItem(AgendaItemTransitions, StatefulModel):
    """A proposal prepared by an intervision group for a cluster's decision."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("for decision")
        INFORMATION = "information", _("for information")

    title = models.CharField(_("title"), max_length=250)
    rationale = models.TextField(_("rationale"), blank=True)
    proposed_decision = models.TextField(_("proposed decision"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DECISION)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="authored_items"
    )
    intervision_group = models.ForeignKey(
        Body,
        models.PROTECT,
        related_name="prepared_items",
        verbose_name=_("intervision group"),
        limit_choices_to={"kind": Body.Kind.INTERVISION_GROUP},
    )
    target_cluster = models.ForeignKey(
        Body,
        models.PROTECT,
        related_name="targeted_items",
        null=True,
        blank=True,
        verbose_name=_("target cluster"),
        limit_choices_to={"kind": Body.Kind.CLUSTER},
    )
    municipalities = models.ManyToManyField(
        Municipality,
        related_name="agenda_items",
        blank=True,
        verbose_name=_("municipalities concerned"),
    )
    confidential = models.BooleanField(_("confidential"), default=False)
    forwarded_from = models.ForeignKey(
        "agenda.Decision",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="forwarded_items",
        verbose_name=_("forwarded from the decision"),
        help_text=_("For an item forwarded to the next body: the decision it carries on."),
    )
    state = state_field(ItemState, ItemState.DRAFT)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state"]),
            # Lists show the newest items first: a page is read from this index instead
            # of sorting every item of every region (docs/benchmarks.md, scale).
            models.Index(fields=["-created_at", "-id"], name="item_newest_first"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def region_id(self) -> int:
        return self.intervision_group.region_id

    def current_entry(self):  # type: ignore[no-untyped-def]
        """Return the agenda entry on which the item waits for an outcome, if any (from the
        prefetched entries when a list loaded them, so a page of items asks nothing more)."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("entries")
        if prefetched is not None:
            return next((e for e in prefetched if e.outcome == "pending"), None)
        return self.entries.filter(outcome="pending").select_related("meeting__body").first()


class Decision(models.Model):
    """What a body decided on an item; never edited after it is recorded."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    item = models.OneToOneField(AgendaItem, models.PROTECT, related_name="decision")
    meeting = models.ForeignKey("meetings.Meeting", models.PROTECT, related_name="decisions")
    body = models.ForeignKey(
        Body, models.PROTECT, related_name="decisions", verbose_name=_("deciding body")
    )
    number = models.CharField(_("number"), max_length=40)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    text = models.TextField(_("decision text"))
    consensus = models.BooleanField(_("by consensus"), default=False)
    secret = models.BooleanField(
        _("secret vote"),
        default=False,
        help_text=_("Only the counts are known: no vote per municipality is kept."),
    )
    votes_for = models.PositiveSmallIntegerField(_("votes for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("votes against"), default=0)
    votes_abstain = models.PositiveSmallIntegerField(_("abstentions"), default=0)
    municipalities = models.ManyToManyField(
        Municipality, related_name="decisions", blank=True, verbose_name=_("municipalities")
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="recorded_decisions"
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_at", "-id"]
        constraints = [
            # The number (2026/CL-RUIMTE/014) is unique per body; body codes repeat across regions.
            models.UniqueConstraint(fields=["body", "number"], name="decision_number_per_body"),
            # A secret vote is counted, never taken by consensus.
            models.CheckConstraint(
                condition=~(Q(secret=True) & Q(consensus=True)),
                name="decision_secret_not_consensus",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def region_id(self) -> int:
        return self.item.region_id

    @property
    def tally(self) -> dict[str, int]:
        """How many voted for, against and abstained (by consensus: everyone present for)."""
        return {"for": self.votes_for, "against": self.votes_against, "abstain": self.votes_abstain}


class Vote(models.Model):
    """How one municipality voted on a decision."""

    class Choice(models.TextChoices):
        FOR = "for", _("for")
        AGAINST = "against", _("against")
        ABSTAIN = "abstain", _("abstain")

    decision = models.ForeignKey(Decision, models.CASCADE, related_name="votes")
    municipality = models.ForeignKey(Municipality, models.PROTECT, related_name="votes")
    vote = models.CharField(_("vote"), max_length=10, choices=Choice.choices)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["decision", "municipality"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "municipality"], name="vote_one_per_municipality"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.get_vote_display()}"


def attachment_path(attachment: Any, filename: str) -> str:
    """Where an attachment is stored: ids, a random token and the extension of the type
    read from the content; nothing the uploader typed, so the name is safe."""
    return f"attachments/{attachment.item_id}/{secrets.token_hex(12)}.{attachment.extension}"


class Attachment(models.Model):
    """A file that goes with a proposal: PDF, Word, Excel or an image."""

    item = models.ForeignKey(AgendaItem, models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["item", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def region_id(self) -> int:
        return self.item.region_id
