"""An upload handler that stops reading an upload once it is larger than an attachment may
be: a 1 GB body is refused after its first megabytes (or at once, when its declared length
already says so), never spooled to disk in full."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

# Room for the other form fields and the multipart boundaries around the file.
ENVELOPE = 1024 * 1024


class BoundedUpload(FileUploadHandler):
    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict[str, Any]] | None:
        self.limit = int(settings.ATTACHMENT_MAX_BYTES)
        self.received = 0
        if content_length > self.limit + ENVELOPE:
            # The declared length alone rules it out: parse nothing, keep nothing.
            self.refuse()
            return QueryDict(), MultiValueDict()
        return None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.refuse()
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def refuse(self) -> None:
        """Let the view say why the file is missing."""
        if self.request is not None:
            self.request.upload_too_large = True  # type: ignore[attr-defined]


def too_large(request: Any) -> bool:
    """Whether the upload handler refused a file of this request for its size."""
    return bool(getattr(request, "upload_too_large", False))
