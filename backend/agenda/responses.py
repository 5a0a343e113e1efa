"""The one way an attachment leaves the server, for the API and the pages alike."""

from __future__ import annotations

from django.http import FileResponse, Http404

from backend.agenda.models import Attachment


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
