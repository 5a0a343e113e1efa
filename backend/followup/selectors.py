"""Reads about actions and ratifications, limited to what a person may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from backend.agenda.selectors import items_visible_to
from backend.followup.models import Action, Ratification


def actions_visible_to(user: Any) -> QuerySet[Action]:
    """Return the actions on items the person may see."""
    return Action.objects.filter(item__in=items_visible_to(user))


def ratifications_visible_to(user: Any) -> QuerySet[Ratification]:
    """Return the ratifications of decisions on items the person may see."""
    return Ratification.objects.filter(decision__item__in=items_visible_to(user))
