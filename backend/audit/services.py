"""Sign-in with a pause after repeated failures, per account and per address."""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.db.models import Q
from django.utils import timezone

from backend.audit.models import LoginFailure

if TYPE_CHECKING:
    # Only named in annotations: the views hand their request over, the service answers none.
    from django.http import HttpRequest


class TooManyFailures(Exception):
    """Sign-in is paused for this account or address; `retry_after` is in seconds."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(retry_after)


def client_address(request: HttpRequest) -> str | None:
    """Return the address of the client.

    Behind TRUSTED_PROXY_COUNT proxies, each of which appends the address it received the
    request from to X-Forwarded-For, the client is the entry that many places from the
    right; everything left of it was written by the client and proves nothing. Without
    trusted proxies (the default) the header is ignored. A header shorter than the chain
    of proxies, or an entry that is not an address, is not believed either.
    """
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    entries = [e.strip() for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    entries = [e for e in entries if e]
    if len(entries) < hops:
        return remote
    return _address(entries[-hops]) or remote


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def pause_of(request: HttpRequest, username: str) -> None:
    """Raise TooManyFailures while sign-in is paused for this account or address.

    After LOGIN_FAILURE_LIMIT failures within the window (a wrong password or a wrong
    second-step code), for the account or the address.
    """
    address = client_address(request)
    window = dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    since = timezone.now() - window
    recent = LoginFailure.objects.filter(at__gte=since)
    for lookup in (Q(username__iexact=username), Q(address=address) if address else None):
        if lookup is None:
            continue
        failures = recent.filter(lookup).order_by("-at")
        if failures.count() >= settings.LOGIN_FAILURE_LIMIT:
            oldest = failures[settings.LOGIN_FAILURE_LIMIT - 1].at
            retry = int((oldest + window - timezone.now()).total_seconds()) + 1
            raise TooManyFailures(max(retry, 1))


def failure_record(request: HttpRequest, username: str) -> None:
    """Count one failed sign-in against the account and the address."""
    LoginFailure.objects.create(username=username[:150], address=client_address(request))


def second_step_refused(request: HttpRequest, username: str) -> None:
    """A wrong second-step code: counted like a wrong password, logged as a failed sign-in."""
    failure_record(request, username)
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def sign_in(request: HttpRequest, username: str, password: str) -> Any | None:
    """Return the person for these credentials, or None; record failures.

    While sign-in is paused (see `pause_of`), refuse with TooManyFailures without
    checking the password. Successful sign-ins are never counted, so a busy client that
    knows its password is never paused.
    """
    pause_of(request, username)
    person = authenticate(request, username=username, password=password)
    if person is None:
        failure_record(request, username)
    return person
