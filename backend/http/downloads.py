"""The one way files leave the server, for the API and the pages alike: attachments and
decision excerpts, always as a download."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _

from backend.agenda.models import Attachment, Decision
from backend.documents.models import GeneratedDocument
from backend.documents.pdf import (
    PDF_CONTENT_TYPE,
    ConversionFailed,
    conversion_available,
    docx_to_pdfa,
)
from backend.documents.render import DOCX_CONTENT_TYPE
from backend.documents.services import excerpt_file_name, excerpt_render, excerpts_zip
from backend.documents.signing import SignedFile
from backend.organisations.models import Municipality
from workflows.errors import NotPossible

# Read from the storage in pieces of this size while the answer is being sent.
BLOCK = 64 * 1024


def stored_file_response(stored: FieldFile, *, filename: str, content_type: str) -> FileResponse:
    """Send a stored file as a download (never shown inline), read from its storage while it
    is sent: never held whole in memory, never a redirect to where it is stored.

    Raises OSError when the file is gone, StoreUnavailable when the store does not answer.
    """
    handle = stored.storage.open(str(stored.name), "rb")
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response.block_size = BLOCK
    if not response.has_header("Content-Length") and not handle.seekable():
        # A stream from the object store knows its length; it cannot seek to find it.
        response["Content-Length"] = str(handle.size)
    return response


def document_pdf_response(document: GeneratedDocument, pdf: SignedFile) -> FileResponse:
    """Send a document's PDF as it stands (`current_pdf`), named after its Word file.

    Raises OSError when the file is gone, StoreUnavailable when the store does not answer.
    """
    return stored_file_response(
        pdf.file,
        filename=document.download_name().removesuffix(".docx") + ".pdf",
        content_type=PDF_CONTENT_TYPE,
    )


def attachment_response(attachment: Attachment) -> FileResponse:
    """Send the attachment with the type read at upload."""
    try:
        return stored_file_response(
            attachment.file, filename=attachment.name, content_type=attachment.content_type
        )
    except OSError:
        raise Http404 from None


def download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def excerpt_response(decision: Decision, municipality: Municipality) -> HttpResponse:
    """One municipality's excerpt of the decision, as a Word download."""
    return download(
        excerpt_render(decision, municipality),
        DOCX_CONTENT_TYPE,
        excerpt_file_name(decision, municipality),
    )


def excerpt_pdf_response(decision: Decision, municipality: Municipality) -> HttpResponse:
    """One municipality's excerpt as PDF/A, converted now (an excerpt is never stored: it
    says how the decision stands today)."""
    if not conversion_available():
        raise NotPossible(
            _(
                "The PDF versions are not available: the PDF converter (LibreOffice) is not "
                "installed."
            )
        )
    try:
        content = docx_to_pdfa(excerpt_render(decision, municipality))
    except ConversionFailed as error:
        raise NotPossible(_("The PDF could not be made.")) from error
    name = excerpt_file_name(decision, municipality).removesuffix(".docx") + ".pdf"
    return download(content, PDF_CONTENT_TYPE, name)


def excerpts_zip_response(decision: Decision) -> HttpResponse:
    """Every municipality's excerpt of the decision, as one zip download."""
    name = f"uittreksels-{decision.number.replace('/', '-')}.zip"
    return download(excerpts_zip(decision), "application/zip", name)
