"""The one failure of the file store that callers answer for themselves: it does not answer."""

from __future__ import annotations

from django.utils.translation import gettext as _


class StoreUnavailable(Exception):
    """The object store did not answer in time, or answered with an error of its own.

    Raised instead of the client library's many exceptions, so the API and the pages answer
    503 with one message, and nothing that failed to be written is referred to.
    """


RETRY_AFTER = "5"
"""Seconds a client is asked to wait before it tries again (the Retry-After of the 503)."""


def unavailable_message() -> str:
    """The sentence a person reads when the file store does not answer."""
    return _("The file store cannot be reached right now. Try again in a moment.")


def unavailable_body() -> dict[str, str]:
    """The API's answer (with 503) when the file store does not answer."""
    return {"detail": unavailable_message(), "code": "store_unavailable"}
