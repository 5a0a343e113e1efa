"""`Authorization: Token <token>`: knox's tokens, with the limits of `backend.audit.tokens`."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from knox.settings import knox_settings
from rest_framework import exceptions

from backend.audit.models import ApiToken
from backend.audit.tokens import expiry_after_use, outlived


class ExpiringTokenAuthentication(TokenAuthentication):  # type: ignore[misc]
    """Refuse a token past the idle or the absolute limit; note when it was last used.

    knox deletes a token whose expiry has passed; this also refuses (and deletes) one
    older than API_TOKEN_TTL_SECONDS, whatever its expiry says, so a change of that
    setting applies to the tokens already given out.
    """

    def renew_token(self, auth_token: ApiToken) -> None:
        now = timezone.now()
        previous = auth_token.last_used
        auth_token.expiry = expiry_after_use(auth_token, now)
        auth_token.last_used = now
        # Written at most once a minute: a busy client does not write on every request.
        interval = knox_settings.MIN_REFRESH_INTERVAL
        if previous is None or (now - previous).total_seconds() >= interval:
            auth_token.save(update_fields=["expiry", "last_used"])

    def validate_user(self, auth_token: ApiToken) -> tuple[Any, ApiToken]:
        if outlived(auth_token, timezone.now()):
            auth_token.delete()
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().validate_user(auth_token)  # type: ignore[no-any-return]
