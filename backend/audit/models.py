"""The history of every state change (TransitionLog) and the security events around it
(AuditEvent: sign-ins, failures, sign-outs, refusals, changes to credentials): both
append-only. And the API tokens (ApiToken), stored as a digest."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.settings import CONSTANTS


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete history."""


class AppendOnly(models.Model):
    """A row that is only ever added: saving it again or deleting it raises, with the
    model's `refusal`."""

    refusal: ClassVar[str]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(self.refusal)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(self.refusal)


Row = TypeVar("Row", bound=AppendOnly)


class AppendOnlyQuerySet(models.QuerySet[Row]):
    """The rows of an append-only model: a queryset neither updates nor deletes them."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(self.model.refusal)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(self.model.refusal)


class TransitionLogQuerySet(AppendOnlyQuerySet["TransitionLog"]):
    def steps(self) -> TransitionLogQuerySet:
        """Return the state changes only, without the content edits between them."""
        return self.filter(kind=TransitionLog.Kind.TRANSITION)

    def last_at(self, model: type[models.Model], transition: str | None = None) -> Subquery:
        """A subquery for a queryset of `model`: when its object last took a step (that
        step, when named); content edits are not steps."""
        steps = self.steps().filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id=Cast(OuterRef("pk"), output_field=models.CharField()),
        )
        if transition is not None:
            steps = steps.filter(transition=transition)
        return Subquery(steps.order_by("-at").values("at")[:1], output_field=models.DateTimeField())

    def for_object(self, obj: models.Model) -> TransitionLogQuerySet:
        """Return the history of one object, oldest first."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        ).order_by("at", "id")


class TransitionLog(AppendOnly):
    """Who moved what from which state to which, when, with which comment and parameters;
    and, between the steps, who changed which fields of its content (kind `edit`: the
    fields with their old and new values, long texts as a digest and a length)."""

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("transition")
        EDIT = "edit", _("edit")

    content_type = models.ForeignKey(ContentType, models.PROTECT)
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TRANSITION)
    transition = models.CharField(_("transition"), max_length=50)
    source = models.CharField(_("from"), max_length=30)
    target = models.CharField(_("to"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("actor"),
        help_text=_("Empty when the system itself fired the transition."),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    cause = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="consequences",
        verbose_name=_("caused by"),
    )

    objects = TransitionLogQuerySet.as_manager()
    refusal = "The transition history is append-only."

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.transition}: {self.source} → {self.target}"


class LoginFailure(models.Model):
    """One failed sign-in: counted per account and per address to pause guessing."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.username} @ {self.address} ({self.at:%Y-%m-%d %H:%M})"


class AuditEvent(AppendOnly):
    """A sign-in, a failed sign-in, a sign-out or a refusal (403/404 to a signed-in
    person). Fields, not a line of text: what people typed is stored with its control
    characters escaped, so it can never fake another entry."""

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", _("signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("failed sign-in")
        SIGN_OUT = "sign_out", _("signed out")
        REFUSED = "refused", _("refused")
        SECOND_STEP_CHANGED = "second_step_changed", _("two-step sign-in set up")
        RECOVERY_CODES_RENEWED = "recovery_codes_renewed", _("new recovery codes")
        TOKEN_CREATED = "token_created", _("API key made")
        TOKEN_REVOKED = "token_revoked", _("API keys revoked")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("person"),
    )
    username = models.CharField(_("username given"), max_length=600, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(_("path"), max_length=2000, blank=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet["AuditEvent"].as_manager()
    refusal = "The audit log is append-only."

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username} {self.path}"


class ApiToken(models.Model):
    """An API token of a person, with a name they chose: django-rest-knox's token model
    (KNOX_TOKEN_MODEL), with an id, a name and when it was last used.

    Only a digest of the secret is stored, with its first characters (`token_key`) to
    find the row and to tell the person's tokens apart. `expiry` moves on with each use,
    up to the absolute limit (see `backend.audit.tokens`).
    """

    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    token_key = models.CharField(
        max_length=CONSTANTS.MAXIMUM_TOKEN_PREFIX_LENGTH + CONSTANTS.TOKEN_KEY_LENGTH,
        db_index=True,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="auth_token_set",  # the name knox looks for
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    created = models.DateTimeField(_("made"), auto_now_add=True)
    expiry = models.DateTimeField(_("ends"), null=True, blank=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.name or self.token_key[:8]} ({self.user})"
