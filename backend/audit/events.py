"""What goes into the audit log, and when: sign-ins, failures and sign-outs from Django's
auth signals (pages, admin, API), refusals from a middleware."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import DatabaseError, transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from backend.audit.models import AuditEvent
from backend.audit.services import client_address

logger = logging.getLogger(__name__)
REFUSALS = (403, 404)


def one_line(value: object, limit: int) -> str:
    """The text with every control character (newlines included) written as an escape."""
    text = "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(value)
    )
    return text[:limit]


def record(
    kind: str,
    request: HttpRequest | None,
    *,
    person: Any = None,
    username: object = "",
    status: int | None = None,
) -> None:
    """Write one event; never let the log break the answer it describes."""
    try:
        with transaction.atomic():
            AuditEvent.objects.create(
                kind=kind,
                person=person if getattr(person, "pk", None) else None,
                username=one_line(username or getattr(person, "username", ""), 600),
                address=client_address(request) if request is not None else None,
                method=one_line(request.method or "", 10) if request is not None else "",
                path=one_line(request.get_full_path(), 2000) if request is not None else "",
                status=status,
            )
    except DatabaseError:
        logger.exception("Audit event %s not written", kind)


@receiver(user_logged_in)
def signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(AuditEvent.Kind.SIGN_IN, request, person=user)


@receiver(user_login_failed)
def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    record(AuditEvent.Kind.SIGN_IN_FAILED, request, username=credentials.get("username", ""))


@receiver(user_logged_out)
def signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(AuditEvent.Kind.SIGN_OUT, request, person=user)


class AuditRefusals:
    """Record every 403 and 404 answered to a signed-in person (an object of someone
    else's, or one that does not exist: the log does not tell them apart either)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if response.status_code in REFUSALS and getattr(user, "is_authenticated", False):
            record(AuditEvent.Kind.REFUSED, request, person=user, status=response.status_code)
        return response
