"""Reads about the organisation, and the region scope every other read starts from."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import QuerySet

Row = TypeVar("Row", bound=models.Model)


def within_a_region(user: Any) -> bool:
    """Whether the person sees the rows of one region (their own), and within it what the
    rules allow: signed in, active, of a region and no administrator (who sees them all)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and not user.is_superuser
        and user.region_id is not None
    )


def in_region(queryset: QuerySet[Row], user: Any, path: str = "region") -> QuerySet[Row]:
    """Return the rows of the person's region (`path` leads from a row to its region): all
    of them for an administrator, none for someone signed out, inactive or of no region."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    if user.region_id is None:
        return queryset.none()
    return queryset.filter(**{path: user.region_id})
