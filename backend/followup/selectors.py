"""Reads about actions and ratifications, limited to what a person may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from backend.agenda.selectors import decisions_visible_to, items_visible_to
from backend.followup.models import Action, Ratification
from backend.organisations.models import Municipality


def actions_visible_to(user: Any) -> QuerySet[Action]:
    """Return the actions on items the person may see, and those the person (or the
    person's service) carries out."""
    visible = Q(item__in=items_visible_to(user))
    if getattr(user, "is_authenticated", False) and user.is_active and user.region_id:
        theirs = Q(assignee=user.pk)
        if user.service_id:
            theirs |= Q(service=user.service_id)
        visible |= theirs & Q(item__intervision_group__region=user.region_id)
    return Action.objects.filter(visible)


def ratifications_visible_to(user: Any) -> QuerySet[Ratification]:
    """Return the ratifications of decisions on items the person may see."""
    return Ratification.objects.filter(decision__item__in=items_visible_to(user))


@dataclass(frozen=True)
class Matrix:
    """Decisions × municipalities: each cell the ratification's state, or None."""

    municipalities: list[Municipality]
    rows: list[dict[str, Any]]


def ratification_matrix(
    user: Any,
    *,
    body: int | None = None,
    coalition: int | None = None,
    decided_after: dt.datetime | None = None,
    decided_before: dt.datetime | None = None,
) -> Matrix:
    """Return the ratification matrix of the decisions the person may see (three queries)."""
    decisions = decisions_visible_to(user).filter(ratifications__isnull=False).distinct()
    if body is not None:
        decisions = decisions.filter(body=body)
    if decided_after is not None:
        decisions = decisions.filter(decided_at__gte=decided_after)
    if decided_before is not None:
        decisions = decisions.filter(decided_at__lt=decided_before)
    municipalities = Municipality.objects.filter(region=getattr(user, "region_id", None))
    if getattr(user, "is_superuser", False):
        municipalities = Municipality.objects.all()
    if coalition is not None:
        municipalities = municipalities.filter(coalitions=coalition)
    columns = list(municipalities.order_by("name"))
    decision_rows = list(
        decisions.select_related("item")
        .order_by("-decided_at", "-id")
        .values("id", "number", "item__title", "body_id", "decided_at")
    )
    states = {
        (decision, municipality): state
        for decision, municipality, state in Ratification.objects.filter(
            decision__in=[row["id"] for row in decision_rows]
        ).values_list("decision_id", "municipality_id", "state")
    }
    rows = [
        {
            "decision": row["id"],
            "number": row["number"],
            "title": row["item__title"],
            "body": row["body_id"],
            "decided_at": row["decided_at"],
            "cells": {str(m.pk): states.get((row["id"], m.pk)) for m in columns},
        }
        for row in decision_rows
    ]
    return Matrix(municipalities=columns, rows=rows)
