"""The organisation of a region: municipalities, bodies, memberships, services, people."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise
else:
    StrOrPromise = str

FOLLOWS_REGION = _("Empty: the region's default.")


def region_default_override(
    verbose_name: StrOrPromise, help_text: StrOrPromise = FOLLOWS_REGION
) -> models.PositiveSmallIntegerField[int | None, int | None]:
    """A body's own value for one of the region's defaults of the same name (see
    `Body.lead_days`): empty, the body follows its region."""
    return models.PositiveSmallIntegerField(
        verbose_name, null=True, blank=True, help_text=help_text
    )


class Region(models.Model):
    """The tenant root: nothing crosses a region boundary."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    # Reminder lead times: the region's defaults, which each body may override.
    submission_lead_days = models.PositiveSmallIntegerField(
        _("days before a submission deadline to remind"), default=7
    )
    action_due_lead_days = models.PositiveSmallIntegerField(
        _("days before an action's due date to remind"), default=3
    )
    escalation_after_days = models.PositiveSmallIntegerField(
        _("days an action is overdue before the coordinator is told"), default=7
    )
    ratification_after_days = models.PositiveSmallIntegerField(
        _("days a ratification may stay pending before a reminder"), default=30
    )
    submission_deadline_days = models.PositiveSmallIntegerField(
        _("days before a meeting its submission deadline falls"), default=10
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    region = models.ForeignKey(Region, models.PROTECT, related_name="municipalities")
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=50)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="municipality_unique_name"),
            models.UniqueConstraint(fields=["region", "slug"], name="municipality_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A service of the service association (DVV) that executes decisions."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="services")
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=30)
    municipalities: models.ManyToManyField[Municipality, ServiceParticipation] = (
        models.ManyToManyField(
            Municipality, through="ServiceParticipation", related_name="services"
        )
    )

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="service_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceParticipation(models.Model):
    """A municipality for which a service works."""

    service = models.ForeignKey(Service, models.CASCADE, related_name="participations")
    municipality = models.ForeignKey(Municipality, models.PROTECT, related_name="participations")
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        verbose_name = _("service participation")
        verbose_name_plural = _("service participations")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "municipality"], name="participation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} – {self.municipality}"


class Coalition(models.Model):
    """A named group of municipalities that goes further together (kopgroep)."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="coalitions")
    name = models.CharField(_("name"), max_length=100)
    municipalities = models.ManyToManyField(Municipality, related_name="coalitions")

    class Meta:
        verbose_name = _("coalition")
        verbose_name_plural = _("coalitions")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="coalition_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(AbstractUser):
    """A user of the product: a mandatary, a director, staff, DVV staff or the coordinator."""

    class Function(models.TextChoices):
        MAYOR = "mayor", _("mayor")
        ALDERMAN = "alderman", _("alderman")
        GENERAL_DIRECTOR = "general_director", _("general director")
        FINANCIAL_DIRECTOR = "financial_director", _("financial director")
        STAFF = "staff", _("staff member")
        COORDINATOR = "coordinator", _("coordinator")
        DVV_STAFF = "dvv_staff", _("DVV staff member")

    region = models.ForeignKey(Region, models.PROTECT, related_name="people", null=True, blank=True)
    municipality = models.ForeignKey(
        Municipality, models.PROTECT, related_name="people", null=True, blank=True
    )
    organisation = models.CharField(
        _("organisation"), max_length=100, blank=True, help_text=_("e.g. WVI or DVV Midwest")
    )
    function = models.CharField(
        _("function"), max_length=30, choices=Function.choices, default=Function.STAFF
    )
    service = models.ForeignKey(
        Service, models.SET_NULL, related_name="staff", null=True, blank=True
    )
    is_coordinator = models.BooleanField(
        _("coordinator"),
        default=False,
        help_text=_("Follows up everything in the region (coördinator Midwestoverleg)."),
    )

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", _("each reminder at once")
        DAILY = "daily", _("one daily digest")

    delivery = models.CharField(
        _("reminders by e-mail"),
        max_length=10,
        choices=Delivery.choices,
        default=Delivery.IMMEDIATE,
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Body(models.Model):
    """A board, cluster, intervision group, assembly or forum of a region."""

    class Kind(models.TextChoices):
        DAILY_BOARD = "daily_board", _("daily board")
        CLUSTER = "cluster", _("cluster")
        INTERVISION_GROUP = "intervision_group", _("intervision group")
        GENERAL_ASSEMBLY = "general_assembly", _("general assembly")
        BOARD = "board", _("board of directors")
        FORUM = "forum", _("forum")
        """A forum the coordinator serves (Expertise Centrum voor Gemeentesecretarissen,
        OCMW-voorzittersoverleg): it meets, keeps minutes and follows up actions, but
        takes note of its items and decides nothing the municipalities ratify."""

        @classmethod
        def targets(cls) -> tuple[str, ...]:
            """The kinds of body an item can be drafted for: a cluster that decides on
            it, or a forum that takes note of it."""
            return (cls.CLUSTER, cls.FORUM)

    class UrgencyMajority(models.TextChoices):
        """How many of those present must accept an urgent item before it is treated."""

        NONE = "none", _("no vote (the chair accepts)")
        SIMPLE = "simple", _("more than half of those present")
        TWO_THIRDS = "two_thirds", _("two thirds of those present")

        @classmethod
        def for_kind(cls, kind: str) -> str:
            """The default of a kind of body: two thirds in the association's own bodies
            (general assembly, board, daily board), as in a council (art. 20 DLB); a simple
            majority in a cluster or intervision group; no vote at a forum, which decides
            nothing."""
            if kind in ("general_assembly", "board", "daily_board"):
                return cls.TWO_THIRDS
            if kind == "forum":
                return cls.NONE
            return cls.SIMPLE

    region = models.ForeignKey(Region, models.PROTECT, related_name="bodies")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=150)
    code = models.CharField(
        _("code"), max_length=30, help_text=_("Used in decision numbers, e.g. CL-RUIMTE.")
    )
    prepares_for = models.ForeignKey(
        "self",
        models.PROTECT,
        related_name="prepared_by",
        null=True,
        blank=True,
        verbose_name=_("prepares for"),
        limit_choices_to={"kind": Kind.CLUSTER},
    )
    quorum = models.PositiveSmallIntegerField(
        _("quorum"),
        null=True,
        blank=True,
        help_text=_("Municipalities that must be present; empty means a majority of members."),
    )
    submission_lead_days = region_default_override(_("days before a submission deadline to remind"))
    action_due_lead_days = region_default_override(_("days before an action's due date to remind"))
    escalation_after_days = region_default_override(
        _("days an action is overdue before the coordinator is told")
    )
    ratification_after_days = region_default_override(
        _("days a ratification may stay pending before a reminder")
    )
    forwards_to = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="receives_from",
        verbose_name=_("forwards its decisions to"),
        help_text=_("The bodies that take this body's decisions further."),
    )
    submission_deadline_days = region_default_override(
        _("days before a meeting its submission deadline falls"),
        _("Proposed when a meeting is planned. Empty: the region's default."),
    )
    standing_entries = models.TextField(
        _("standing entries"),
        blank=True,
        default="",
        help_text=_(
            "The points every meeting of this body starts with, one per line (e.g. "
            "Goedkeuring van de notulen van de vorige vergadering)."
        ),
    )
    agenda_term_days = models.PositiveSmallIntegerField(
        _("days before the meeting its agenda must be public"),
        null=True,
        blank=True,
        help_text=_("A legal term (8 days for a council); empty: no term applies."),
    )
    decision_list_term_days = models.PositiveSmallIntegerField(
        _("days after the meeting its decision list must be public"),
        null=True,
        blank=True,
        help_text=_("A legal term (10 days, art. 287 Decreet Lokaal Bestuur); empty: none."),
    )
    urgency_majority = models.CharField(
        _("majority to accept an urgent item"),
        max_length=20,
        choices=UrgencyMajority.choices,
        blank=True,
        help_text=_("Empty: by kind (two thirds in the association's own bodies)."),
    )

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="body_unique_code"),
            models.CheckConstraint(
                condition=Q(prepares_for__isnull=True) | Q(kind="intervision_group"),
                name="body_only_groups_prepare",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.urgency_majority:
            self.urgency_majority = self.UrgencyMajority.for_kind(self.kind)
        super().save(*args, **kwargs)

    def standing(self) -> list[str]:
        """The standing entries, one per line, without empty lines."""
        return [line.strip() for line in self.standing_entries.splitlines() if line.strip()]

    @property
    def decides(self) -> bool:
        """Whether the body decides (a forum only takes note: no decision numbers, no
        ratifications)."""
        return self.kind != self.Kind.FORUM

    def lead_days(self, name: str) -> int:
        """Return a reminder lead time of this body, or the region's default."""
        own = getattr(self, name)
        return int(own if own is not None else getattr(self.region, name))


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self, on: dt.date | None = None) -> MembershipQuerySet:
        """Return the memberships that run on the given day (today by default)."""
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day))


class Membership(models.Model):
    """A person in a body, in a role, representing a municipality, for a period."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        MEMBER = "member", _("member")
        SECRETARY = "secretary", _("secretary")
        SUBSTITUTE = "substitute", _("substitute")

    body = models.ForeignKey(Body, models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    municipality = models.ForeignKey(
        Municipality,
        models.PROTECT,
        related_name="memberships",
        null=True,
        blank=True,
        verbose_name=_("municipality represented"),
    )
    substitutes_for = models.ForeignKey(
        Person,
        models.SET_NULL,
        related_name="substitutes",
        null=True,
        blank=True,
        verbose_name=_("substitutes for"),
        help_text=_(
            "For a substitute: the member of the same municipality they replace (empty: any "
            "member of that municipality)."
        ),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["body", "role", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "person", "start_date"], name="membership_unique_start"
            ),
            models.UniqueConstraint(
                fields=["body", "person"],
                condition=Q(end_date__isnull=True),
                name="membership_one_open_per_body",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(substitutes_for__isnull=True) | Q(role="substitute"),
                name="membership_only_substitutes_replace",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.body} ({self.get_role_display()})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.person_id is None or self.body_id is None or self.start_date is None:
            return
        overlapping = Membership.objects.filter(body=self.body_id, person=self.person_id).exclude(
            pk=self.pk
        )
        if self.end_date is not None:
            overlapping = overlapping.filter(start_date__lte=self.end_date)
        overlapping = overlapping.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=self.start_date)
        )
        if overlapping.exists():
            raise ValidationError(
                _("This person already has a membership of this body in that period.")
            )
        if self.role == self.Role.SUBSTITUTE and self.municipality_id is None:
            raise ValidationError(
                {"municipality": _("A substitute represents a municipality: name it.")}
            )
        if self.substitutes_for_id is not None:
            if self.role != self.Role.SUBSTITUTE:
                raise ValidationError(
                    {"substitutes_for": _("Only a substitute replaces another member.")}
                )
            replaced = (
                Membership.objects.filter(body=self.body_id, person=self.substitutes_for_id)
                .exclude(role=self.Role.SUBSTITUTE)
                .exclude(pk=self.pk)
                .first()
            )
            if replaced is None or replaced.municipality_id != self.municipality_id:
                raise ValidationError(
                    {
                        "substitutes_for": _(
                            "A substitute replaces a member of the same body and the same "
                            "municipality."
                        )
                    }
                )
