"""The one way files leave the server, for the API and the pages alike: attachments and
decision excerpts, always as a download."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse

from backend.agenda.models import Attachment, Decision
from backend.documents.render import DOCX_CONTENT_TYPE
from backend.documents.services import excerpt_file_name, excerpt_render, excerpts_zip
from backend.organisations.models import Municipality


def attachment_response(attachment: Attachment) -> FileResponse:
    """Send the file as a download (never shown inline) with the type read at upload."""
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


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


def excerpts_zip_response(decision: Decision) -> HttpResponse:
    """Every municipality's excerpt of the decision, as one zip download."""
    name = f"uittreksels-{decision.number.replace('/', '-')}.zip"
    return download(excerpts_zip(decision), "application/zip", name)
