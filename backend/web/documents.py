"""A meeting's documents on its page: each version with its Word file and its PDF/A, who
signed it and whether each signature is valid, and "Ondertekenen" for whose turn it is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.audit import second_factor
from backend.documents.models import GeneratedDocument
from backend.documents.pdf import conversion_available
from backend.documents.requests import open_requests
from backend.documents.selectors import (
    documents_visible_to,
    version_label,
    with_minutes_approval,
)
from backend.documents.signing import (
    SIGNED_STATES,
    SignatureView,
    SignedFile,
    current_pdf,
    document_sign,
    may_sign,
    signatures_checked,
    signers_of,
)
from backend.meetings.models import Meeting
from backend.web.forms import attempt
from workflows import predicates as can


@dataclass(frozen=True)
class DocumentRow:
    """One stored document as the meeting page lists it."""

    document: GeneratedDocument
    pdf: SignedFile | None
    superseded_by: int | None
    label: str
    """What a version of the minutes is: "ontwerp" or "goedgekeurd op 7 april 2026"."""
    signatures: list[SignatureView]
    signed_by_all: bool
    may_sign: bool
    asks_code: bool


def document_rows(user: Any, meeting: Meeting) -> list[DocumentRow]:
    """Return the meeting's documents the person may see, newest version of a kind first
    (the approved minutes before their drafts)."""
    documents = list(
        with_minutes_approval(documents_visible_to(user).filter(meeting=meeting))
        .select_related("pdf", "meeting__body")
        .order_by("kind", F("minutes_approved_at").desc(nulls_last=True), "-version", "-public")
    )
    newest: dict[str, int] = {}
    for document in documents:
        newest.setdefault(document.kind, document.version)
    signer_count = (
        len(signers_of(meeting)) if any(d.kind in SIGNED_STATES for d in documents) else 0
    )
    asks_code = second_factor.authenticator_of(user) is not None
    rows = []
    for document in documents:
        latest = newest[document.kind]
        checked = signatures_checked(document)
        rows.append(
            DocumentRow(
                document=document,
                pdf=current_pdf(document),
                superseded_by=latest if latest != document.version else None,
                label=version_label(document),
                signatures=checked,
                signed_by_all=bool(checked) and len(checked) >= signer_count,
                may_sign=may_sign(document, user),
                asks_code=asks_code,
            )
        )
    return rows


def documents_context(user: Any, meeting: Meeting) -> dict[str, Any]:
    """What the documents section of the meeting page shows."""
    rows = document_rows(user, meeting)
    return {
        "documents": rows,
        # Documents a step requested that the worker is making (or retrying); why one
        # failed is told to those who run the meeting (the coordinator among them).
        "requested": list(open_requests().filter(meeting=meeting)),
        "sees_errors": can.can_run_meeting(user, meeting),
        "pdf_available": conversion_available(),
        "pdf_missing": any(row.pdf is None for row in rows),
    }


@login_required
@require_POST
def document_sign_view(request: HttpRequest, pk: int, document: int) -> HttpResponse:
    """Sign one document as the person signed in: the SHA-256 of the PDF the page showed
    and, for someone with a second step, their code come with the form."""
    found = documents_visible_to(request.user).filter(pk=document, meeting=pk).first()
    if found is None:
        raise Http404
    attempt(
        request,
        lambda: document_sign(
            document=found,
            actor=request.user,
            shown_sha256=request.POST.get("sha256", "")[:128],
            code=request.POST.get("code", "")[:64],
        ),
        _("You signed the document."),
    )
    return HttpResponseRedirect(reverse("web:meeting", args=[pk]) + "#documents")
