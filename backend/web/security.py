"""Security headers and session timeouts that Django 5.2 does not set by itself.

Every answer carries a Content-Security-Policy: scripts and styles only from this site
(htmx, Mermaid and the pages' own script are vendored), no plugins, no <base>, and no
framing. A signed-in session ends after SESSION_IDLE_TIMEOUT seconds without a request,
and SESSION_ABSOLUTE_TIMEOUT seconds after the sign-in, whatever happens in between.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # Mermaid and htmx set inline style attributes on the elements they draw.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
SIGNED_IN_AT, SEEN_AT = "midwest_signed_in_at", "midwest_seen_at"
# The last-seen time is written at most this often, not on every request.
SEEN_RESOLUTION = 60


class SecurityHeaders:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


@receiver(user_logged_in)
def remember_sign_in(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[SEEN_AT] = now


class SessionTimeouts:
    """End a session that sat idle too long or outlived its absolute lifetime."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            session.setdefault(SIGNED_IN_AT, now)
            session.setdefault(SEEN_AT, now)
            idle = now - int(session.get(SEEN_AT, 0)) > settings.SESSION_IDLE_TIMEOUT
            expired = now - int(session[SIGNED_IN_AT]) > settings.SESSION_ABSOLUTE_TIMEOUT
            if idle or expired:
                logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
            elif now - int(session.get(SEEN_AT, 0)) >= SEEN_RESOLUTION:
                session[SEEN_AT] = now
        return self.get_response(request)
