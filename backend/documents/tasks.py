"""Queued tasks. django-q2 stores these dotted names in its schedules: never rename them."""

from __future__ import annotations

from backend.documents.models import GeneratedDocument
from backend.documents.pdf import document_pdf_make
from backend.documents.requests import document_request_make, documents_due_make
from backend.documents.services import orphan_files_sweep


def sweep_orphan_files() -> str:
    """Delete the document files a rolled-back generation left behind."""
    return f"{len(orphan_files_sweep())} orphan files deleted"


def convert_to_pdf(document_id: int) -> str:
    """Make the PDF/A of a stored document (queued after its generation commits)."""
    document = GeneratedDocument.objects.filter(pk=document_id).first()
    if document is None:
        return f"document {document_id} is gone"
    pdf = document_pdf_make(document)
    if pdf is None:
        return f"document {document_id}: no converter"
    return f"document {document_id}: PDF/A in {pdf.seconds} s"


def make_document(request_id: int) -> str:
    """Make the document a transition requested (queued after the transition commits)."""
    document = document_request_make(request_id)
    if document is None:
        return f"document request {request_id}: not made (kept, tried again)"
    return f"document request {request_id}: {document}"


def make_due_documents() -> str:
    """Make the requested documents whose task was lost or failed (every minute)."""
    return f"{documents_due_make()} requested documents made"
