"""Reads about generated documents, limited to what a person may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from backend.agenda.selectors import items_visible_to
from backend.documents.models import GeneratedDocument
from backend.meetings.selectors import meetings_visible_to


def documents_visible_to(user: Any) -> QuerySet[GeneratedDocument]:
    """Return the documents the person may see and download.

    The public version of every meeting of the person's region; a full version only when
    the person may see every confidential item in it.
    """
    documents = GeneratedDocument.objects.filter(meeting__in=meetings_visible_to(user))
    hidden = GeneratedDocument.confidential_items.through.objects.filter(
        generateddocument=OuterRef("pk")
    ).exclude(agendaitem__in=items_visible_to(user))
    return documents.filter(Q(public=True) | ~Exists(hidden))
