"""Filters of the list endpoints (django-filter); `assignee=me` and `overdue=true` included."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from backend.agenda.models import AgendaItem, Decision
from backend.followup.models import Action, Ratification
from backend.meetings.models import Meeting
from backend.organisations.models import Body, Membership
from workflows.action import ActionState


class BodyFilter(filters.FilterSet):
    class Meta:
        model = Body
        fields = ["kind", "prepares_for"]


class MembershipFilter(filters.FilterSet):
    class Meta:
        model = Membership
        fields = ["body", "person", "role", "municipality"]


class MeetingFilter(filters.FilterSet):
    starts_after = filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Meeting
        fields = ["body", "state"]


class AgendaItemFilter(filters.FilterSet):
    meeting = filters.NumberFilter(field_name="entries__meeting", distinct=True)
    municipality = filters.NumberFilter(field_name="municipalities", distinct=True)

    class Meta:
        model = AgendaItem
        fields = ["state", "kind", "intervision_group", "target_cluster", "confidential"]


class DecisionFilter(filters.FilterSet):
    class Meta:
        model = Decision
        fields = ["meeting", "item", "body", "outcome"]


class ActionFilter(filters.FilterSet):
    assignee = filters.CharFilter(method="filter_assignee", help_text="A person id, or `me`.")
    overdue = filters.BooleanFilter(method="filter_overdue")
    due_before = filters.DateFilter(field_name="due_date", lookup_expr="lt")

    class Meta:
        model = Action
        fields = ["item", "state", "service"]

    def filter_assignee(self, queryset: QuerySet[Action], name: str, value: str) -> Any:
        if value == "me":
            return queryset.filter(assignee=self.request.user.pk)
        if not value.isdigit():
            raise ValidationError({"assignee": [_("Give a person id or me.")]})
        return queryset.filter(assignee=int(value))

    def filter_overdue(self, queryset: QuerySet[Action], name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        late = Q(state__in=ActionState.unfinished(), due_date__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


class RatificationFilter(filters.FilterSet):
    body = filters.NumberFilter(field_name="decision__body")
    coalition = filters.NumberFilter(field_name="municipality__coalitions", distinct=True)
    decided_after = filters.IsoDateTimeFilter(field_name="decision__decided_at", lookup_expr="gte")
    decided_before = filters.IsoDateTimeFilter(field_name="decision__decided_at", lookup_expr="lt")

    class Meta:
        model = Ratification
        fields = ["decision", "municipality", "state"]
