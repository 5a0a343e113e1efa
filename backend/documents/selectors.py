"""Reads about generated documents, limited to what a person may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from backend.agenda.selectors import items_visible_to
from backend.documents.models import DocumentRequest, GeneratedDocument
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


def with_minutes_approval(
    documents: QuerySet[GeneratedDocument],
) -> QuerySet[GeneratedDocument]:
    """Annotate each document with `minutes_approved_at`: when its minutes were approved,
    for the version the step `approve_minutes` made (both its editions); None for a draft
    of the minutes and for every other kind."""
    approving = DocumentRequest.objects.filter(
        meeting=OuterRef("meeting"),
        kind=OuterRef("kind"),
        approving=True,
        document__version=OuterRef("version"),
    )
    return documents.annotate(
        minutes_approved_at=Subquery(approving.order_by("-id").values("cause__at")[:1])
    )


def minutes_approved_at(document: GeneratedDocument) -> dt.datetime | None:
    """When the minutes this document holds were approved (None: a draft, or no minutes),
    from the annotation of `with_minutes_approval` or else asked."""
    if document.kind != GeneratedDocument.Kind.MINUTES:
        return None
    if hasattr(document, "minutes_approved_at"):
        return document.minutes_approved_at  # type: ignore[no-any-return]
    found = (
        DocumentRequest.objects.filter(
            meeting=document.meeting_id,
            kind=document.kind,
            approving=True,
            document__version=document.version,
        )
        .order_by("-id")
        .values_list("cause__at", flat=True)
        .first()
    )
    return found


def version_label(document: GeneratedDocument) -> str:
    """What a version of the minutes is, in words: "ontwerp" for a draft, "goedgekeurd op
    7 april 2026" for the approved minutes; "" for the other kinds."""
    if document.kind != GeneratedDocument.Kind.MINUTES:
        return ""
    approved = minutes_approved_at(document)
    if approved is None:
        return pgettext("minutes", "draft")
    day = formats.date_format(timezone.localtime(approved).date(), "j F Y")
    return _("approved on %(day)s") % {"day": day}
