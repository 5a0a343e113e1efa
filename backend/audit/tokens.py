"""API tokens: several per person, each with a name, stored as a digest (django-rest-knox).

A token ends like a session: API_TOKEN_IDLE_SECONDS after its last request and
API_TOKEN_TTL_SECONDS after it was made, whatever happens. A new password or a change to
the second step revokes all of the person's tokens; so can the person, one or all at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from knox.models import get_digest_token
from knox.settings import CONSTANTS

from backend.audit.events import record
from backend.audit.models import ApiToken, AuditEvent

NAME_LENGTH = 100


def idle_limit() -> dt.timedelta:
    return dt.timedelta(seconds=settings.API_TOKEN_IDLE_SECONDS)


def absolute_limit() -> dt.timedelta:
    return dt.timedelta(seconds=settings.API_TOKEN_TTL_SECONDS)


def expiry_after_use(token: ApiToken, now: dt.datetime) -> dt.datetime:
    """The idle limit from now, but never past the absolute limit from its making."""
    return min(now + idle_limit(), token.created + absolute_limit())


def outlived(token: ApiToken, now: dt.datetime) -> bool:
    """Whether the token has ended (idle too long, or older than the absolute limit)."""
    expired = token.expiry is not None and token.expiry <= now
    return expired or token.created <= now - absolute_limit()


def tokens_of(person: Any) -> QuerySet[ApiToken]:
    """Return the person's tokens that still work, newest first."""
    now = timezone.now()
    return ApiToken.objects.filter(
        user=person, expiry__gt=now, created__gt=now - absolute_limit()
    ).order_by("-created", "-id")


def token_create(
    person: Any, *, name: str = "", request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """Make a token for the person; return it and its secret (shown once, never stored)."""
    digest, secret = get_digest_token()
    token = ApiToken.objects.create(
        user=person,
        digest=digest,
        token_key=secret[: CONSTANTS.TOKEN_KEY_LENGTH],
        name=name[:NAME_LENGTH],
        expiry=timezone.now() + min(idle_limit(), absolute_limit()),
    )
    record(AuditEvent.Kind.TOKEN_CREATED, request, person=person)
    return token, secret


def token_revoke(person: Any, token_id: int, request: HttpRequest | None = None) -> bool:
    """Revoke one of the person's tokens; False when they have no such token."""
    deleted, _rows = ApiToken.objects.filter(user=person, pk=token_id).delete()
    if deleted:
        record(AuditEvent.Kind.TOKEN_REVOKED, request, person=person)
    return bool(deleted)


def tokens_revoke_all(person: Any, request: HttpRequest | None = None) -> int:
    """Revoke every token of the person; return how many there were."""
    deleted, _rows = ApiToken.objects.filter(user=person).delete()
    if deleted:
        record(AuditEvent.Kind.TOKEN_REVOKED, request, person=person)
    return deleted


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def revoke_tokens_on_new_password(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """A new password ends every token of the person, whoever set it: the admin,
    `changepassword`, a form. `set_password` leaves the new password in `_password` until
    the save is done (Django then tells the validators); a rehash at sign-in clears it
    first, so it keeps the tokens."""
    if not created and getattr(instance, "_password", None) is not None:
        tokens_revoke_all(instance)
