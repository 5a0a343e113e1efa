"""One shape for every error answer: `{"detail": ..., "reasons": [...]}`."""

from __future__ import annotations

from typing import Any

from django.db import DataError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from backend.audit.services import TooManyFailures
from backend.files.errors import RETRY_AFTER, StoreUnavailable, unavailable_body
from workflows.errors import GuardFailed, TransitionError


def _flatten(errors: Any, prefix: str = "") -> list[str]:
    """Return DRF validation errors as readable sentences, `field: message`."""
    if isinstance(errors, dict):
        out: list[str] = []
        for key, value in errors.items():
            name = key if key != "non_field_errors" else ""
            out += _flatten(value, f"{prefix}{name}: " if name else prefix)
        return out
    if isinstance(errors, list):
        return [line for error in errors for line in _flatten(error, prefix)]
    return [f"{prefix}{errors}"]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map workflow refusals, validation errors, a busy database and a file store that does
    not answer to clear answers."""
    if isinstance(exc, TransitionError):
        data: dict[str, Any] = {"detail": str(exc.message), "code": exc.code}
        if isinstance(exc, GuardFailed):
            data["reasons"] = [str(reason) for reason in exc.reasons]
        return Response(data, status=exc.status)
    if isinstance(exc, TooManyFailures):
        return Response(
            {"detail": _("Too many failed sign-ins. Try again later."), "code": "throttled"},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(exc.retry_after)},
        )
    if isinstance(exc, OverflowError | DataError):
        # A value the database cannot store, such as an id beyond 64 bits (SQLite raises
        # OverflowError, PostgreSQL a DataError): the input is wrong, not the server.
        reason = (
            _("A number is out of range.")
            if isinstance(exc, OverflowError) or "out of range" in str(exc)
            else _("A value cannot be stored as given.")
        )
        return Response(
            {"detail": _("The input is not valid."), "code": "invalid", "reasons": [reason]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, OperationalError) and "locked" in str(exc):
        return Response(
            {"detail": _("The database is busy. Try again in a moment."), "code": "busy"},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "1"},
        )
    if isinstance(exc, StoreUnavailable):
        return Response(
            unavailable_body(),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": RETRY_AFTER},
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": _("The input is not valid."),
            "code": "invalid",
            "reasons": _flatten(response.data),
        }
    elif isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data = {"detail": str(detail), "code": getattr(detail, "code", "error")}
        if response.status_code == status.HTTP_400_BAD_REQUEST:
            response.data["reasons"] = [str(detail)]
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer a path that matches nothing: JSON under /api/, the usual page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception or Http404())


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer a request Django refused before any view (e.g. a body over the size limit)."""
    if request.path.startswith("/api/"):
        reason = _("The request is too large or malformed.")
        return JsonResponse(
            {"detail": _("The input is not valid."), "code": "bad_request", "reasons": [reason]},
            status=400,
        )
    return defaults.bad_request(request, exception or Exception())


def server_error(request: HttpRequest) -> HttpResponse:
    """Answer an unexpected error: JSON under /api/, the usual page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": _("Something went wrong on our side."), "code": "server_error"},
            status=500,
        )
    return defaults.server_error(request)
