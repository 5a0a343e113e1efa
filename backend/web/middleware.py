"""Dutch by default on the pages, whatever language the browser asks for; a file store that
does not answer said as such."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from backend.files.errors import (
    RETRY_AFTER,
    StoreUnavailable,
    unavailable_body,
    unavailable_message,
)


class PagesSpeakDutchFirst:
    """Let the pages follow the person's language switch (its cookie), not the browser.

    A civil servant's browser often speaks English while the region works in Dutch, so
    outside the API the Accept-Language header is set aside before LocaleMiddleware runs;
    API clients keep choosing their language with it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class StoreOutage:
    """Answer 503 with a sentence a person understands when the file store does not answer
    (an upload, a download or a document being made); the API says the same in its own
    shape (backend.api.exceptions)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, StoreUnavailable):
            return None
        if request.path_info.startswith("/api/"):
            response: HttpResponse = JsonResponse(unavailable_body(), status=503)
        else:
            response = render(request, "503.html", {"message": unavailable_message()}, status=503)
        response["Retry-After"] = RETRY_AFTER
        return response
