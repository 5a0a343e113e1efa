"""Dutch by default on the pages, whatever language the browser asks for."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


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
