"""Filters of the list endpoints (django-filter); `assignee=me` and `overdue=true` included."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError as FormValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from backend.agenda.models import AgendaItem, Decision
from backend.followup.models import Action, Ratification
from backend.meetings.models import Meeting
from backend.organisations.models import Body, Membership, Municipality
from backend.reminders.models import Notification
from workflows.states import ActionState


class IdField(forms.IntegerField):
    """An id as the database stores it: a positive 64-bit whole number."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class InstantField(filters.fields.IsoDateTimeField):
    """An ISO 8601 date and time, read as one instant in UTC.

    Python accepts any offset below 24 hours and every year from 1 to 9999; PostgreSQL
    refuses offsets beyond 15:59 and a value the UTC shift pushes past the calendar cannot
    even be built. Normalising here keeps both from reaching the database.
    """

    def to_python(self, value: Any) -> dt.datetime | None:
        instant = super().to_python(value)
        if instant is None:
            return None
        try:
            return instant.astimezone(dt.UTC)
        except OverflowError:
            raise FormValidationError(
                _("The date and time lie outside the calendar."), code="overflow"
            ) from None


class InstantFilter(filters.IsoDateTimeFilter):
    """Filter on an instant, normalised to UTC (see `InstantField`)."""

    field_class = InstantField


class IdFilter(filters.NumberFilter):
    """Filter on an id: a whole number, never looked up, so an id the caller may not see
    answers exactly like one that does not exist (an empty list)."""

    field_class = IdField


class BodyFilter(filters.FilterSet):
    prepares_for = IdFilter()

    class Meta:
        model = Body
        fields = ["kind"]


class MembershipFilter(filters.FilterSet):
    body = IdFilter()
    person = IdFilter()
    municipality = IdFilter()

    class Meta:
        model = Membership
        fields = ["role"]


class MeetingFilter(filters.FilterSet):
    starts_after = InstantFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = InstantFilter(field_name="starts_at", lookup_expr="lt")
    body = IdFilter()

    class Meta:
        model = Meeting
        fields = ["state"]


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, which builds the FilterSet (and its form) only when the
    request names one of its filters: with none named, every filter would pass the rows
    through unchanged, and a list or detail answer need not pay for the form."""

    def filter_queryset(self, request: Any, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not named(filterset_class, request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


def named(filterset_class: type[filters.FilterSet], params: Any) -> bool:
    """Whether the query names a filter (or one part of a filter with several widgets)."""
    names = tuple(filterset_class.base_filters)
    return any(param == name or param.startswith(f"{name}_") for param in params for name in names)


class AgendaItemFilter(filters.FilterSet):
    meeting = IdFilter(field_name="entries__meeting", distinct=True)
    municipality = IdFilter(field_name="municipalities", distinct=True)
    intervision_group = IdFilter()
    target_cluster = IdFilter()

    class Meta:
        model = AgendaItem
        fields = ["state", "kind", "confidential"]


class DecisionFilter(filters.FilterSet):
    meeting = IdFilter()
    item = IdFilter()
    body = IdFilter()

    class Meta:
        model = Decision
        fields = ["outcome"]


class ActionFilter(filters.FilterSet):
    assignee = filters.CharFilter(method="filter_assignee", help_text="A person id, or `me`.")
    overdue = filters.BooleanFilter(method="filter_overdue")
    due_before = filters.DateFilter(field_name="due_date", lookup_expr="lt")
    item = IdFilter()
    service = IdFilter()

    class Meta:
        model = Action
        fields = ["state"]

    def filter_assignee(self, queryset: QuerySet[Action], name: str, value: str) -> Any:
        if value == "me":
            return queryset.filter(assignee=self.request.user.pk)
        field = IdField()
        try:
            person = field.clean(value)
        except forms.ValidationError:
            raise ValidationError({"assignee": [_("Give a person id or me.")]}) from None
        return queryset.filter(assignee=person)

    def filter_overdue(self, queryset: QuerySet[Action], name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        late = Q(state__in=ActionState.unfinished(), due_date__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


class RatificationFilter(filters.FilterSet):
    body = IdFilter(field_name="decision__body")
    coalition = IdFilter(field_name="municipality__coalitions", distinct=True)
    decision = IdFilter()
    municipality = IdFilter()
    decided_after = InstantFilter(field_name="decision__decided_at", lookup_expr="gte")
    decided_before = InstantFilter(field_name="decision__decided_at", lookup_expr="lt")

    class Meta:
        model = Ratification
        fields = ["state"]


class MunicipalityFilter(filters.FilterSet):
    coalition = IdFilter(field_name="coalitions")

    class Meta:
        model = Municipality
        fields: list[str] = []


class MatrixFilter(serializers.Serializer):  # type: ignore[type-arg]
    """The filters of the ratification matrix."""

    body = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    coalition = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    decided_after = serializers.DateTimeField(required=False)
    decided_before = serializers.DateTimeField(required=False)


class NotificationFilter(filters.FilterSet):
    unread = filters.BooleanFilter(field_name="read_at", lookup_expr="isnull")

    class Meta:
        model = Notification
        fields = ["kind"]
