"""The answers that are files: their content negotiation, and how an action declares one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request

View = TypeVar("View", bound=Callable[..., Any])


class IgnoreClientAccept(BaseContentNegotiation):
    """Answer errors as JSON whatever the client accepts: the download's success is a
    file response that bypasses the renderers, so an Accept for .docx is never a 406."""

    def select_parser(self, request: Request, parsers: list[Any]) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: Request, renderers: list[Any], format_suffix: str | None = None
    ) -> tuple[Any, str]:
        return renderers[0], renderers[0].media_type


def file_action(
    *,
    content_type: str,
    summary: str,
    url_path: str | None = None,
    operation_id: str | None = None,
) -> Callable[[View], View]:
    """Declare a viewset action that answers one object's file: a GET, described as the
    binary of `content_type`, whose errors are JSON whatever the client accepts."""

    def declare(view: View) -> View:
        view = action(
            detail=True,
            methods=["get"],
            url_path=url_path,
            pagination_class=None,
            filter_backends=[],
            content_negotiation_class=IgnoreClientAccept,
        )(view)
        return extend_schema(
            responses={(200, content_type): OpenApiTypes.BINARY},
            summary=summary,
            operation_id=operation_id,
        )(view)

    return declare
