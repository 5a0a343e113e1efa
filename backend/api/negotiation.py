"""Content negotiation for answers that are files."""

from __future__ import annotations

from typing import Any

from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request


class IgnoreClientAccept(BaseContentNegotiation):
    """Answer errors as JSON whatever the client accepts: the download's success is a
    file response that bypasses the renderers, so an Accept for .docx is never a 406."""

    def select_parser(self, request: Request, parsers: list[Any]) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: Request, renderers: list[Any], format_suffix: str | None = None
    ) -> tuple[Any, str]:
        return renderers[0], renderers[0].media_type
