"""The distinct answers of the workflow entry point when a transition does not happen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class FieldReason(str):
    """A reason that names the form field it is about, so a page can show it beside that
    field and link to it from the error summary; anywhere else it reads as the sentence."""

    field: str

    def __new__(cls, text: str | Promise, field: str) -> FieldReason:
        reason = super().__new__(cls, str(text))
        reason.field = field
        return reason

    def __reduce__(self) -> tuple[Any, ...]:
        return (FieldReason, (str(self), self.field))


class TransitionError(Exception):
    """A transition was refused; `status` is the HTTP answer it maps to."""

    status = 400
    code = "refused"
    default_message: str | Promise = _("The transition was refused.")

    def __init__(self, message: str | Promise | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(str(self.message))


class NotVisible(TransitionError):
    """The actor may not see the object (its existence must not leak)."""

    status = 404
    code = "not_visible"
    default_message = _("Not found.")


class UnknownTransition(NotVisible):
    code = "unknown_transition"
    default_message = _("This transition does not exist.")


class NotPossible(TransitionError):
    """The object's current state does not offer the transition."""

    status = 409
    code = "not_possible"
    default_message = _("This is not possible in the current state.")


class ConcurrentChange(NotPossible):
    """Someone else changed the object since the actor loaded it."""

    code = "concurrent_change"
    default_message = _("Someone else changed this in the meantime; reload and try again.")


class NotPermitted(TransitionError):
    status = 403
    code = "not_permitted"
    default_message = _("You are not permitted to do this.")


class GuardFailed(TransitionError):
    """A parameter is wrong or a guard failed; `reasons` says why, in the user's language."""

    status = 400
    code = "guard_failed"
    default_message = _("This cannot be done yet.")

    def __init__(self, reasons: Sequence[str | Promise], message: str | Promise | None = None):
        self.reasons = list(reasons)
        super().__init__(message)

    def __str__(self) -> str:
        return "; ".join(str(reason) for reason in self.reasons) or str(self.message)
