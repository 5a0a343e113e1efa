"""Parsing a transition's parameters into clean values, or reasons why they are wrong."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from workflows.errors import GuardFailed

MAX_COMMENT = 20000
"""The longest comment a transition takes (every transition takes one)."""

LONG_TEXT = 100_000
"""The longest rationale, proposed decision or decision text: the motivation of a
regulation runs that long."""


def only(raw: Mapping[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    """Return the parameters as a dict, refusing names the transition does not take."""
    if not isinstance(raw, Mapping):
        raise GuardFailed([_("The parameters must be an object.")])
    allowed = set(allowed)
    # A name is echoed in the answer: one that cannot be encoded is shown with "?" in place.
    unknown = sorted(
        str(key).encode("utf-8", "replace").decode("utf-8").replace("\x00", "?")
        for key in raw
        if key not in allowed
    )
    if unknown:
        raise GuardFailed([_("Unknown parameter: %(name)s.") % {"name": name} for name in unknown])
    return dict(raw)


def unstorable_at(value: str) -> int | None:
    """Return the position of the first character no database stores (NUL, or half of a
    surrogate pair, which has no UTF-8 form), or None when every character is fine."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        first: int | None = error.start
    else:
        first = None
    nul = value.find("\x00")
    if nul != -1 and (first is None or nul < first):
        first = nul
    return first


def unstorable_reason(field: str, position: int) -> str:
    """Say which text holds a character that cannot be stored, and where."""
    return _("%(field)s contains a character that cannot be stored (at position %(position)d).") % {
        "field": field,
        "position": position + 1,
    }


def text(
    value: Any, *, required_reason: str | None, max_length: int = 20000, field: str = "text"
) -> str:
    """Return a stripped text, refusing a non-text, a too long one or one with a character
    that cannot be stored (the reason names `field`), and a missing one unless
    `required_reason` is None (then an empty text is fine). Every text that enters goes
    through here or through `unstorable_at`."""
    if value is None and required_reason is None:
        return ""
    if not isinstance(value, str) and value is not None:
        raise GuardFailed([_("A text was expected.")])
    if isinstance(value, str):
        position = unstorable_at(value)
        if position is not None:
            raise GuardFailed([unstorable_reason(field, position)])
    if value is None or not value.strip():
        if required_reason is None:
            return ""
        raise GuardFailed([required_reason])
    if len(value) > max_length:
        raise GuardFailed(
            [_("The text is too long (at most %(n)d characters).") % {"n": max_length}]
        )
    return value.strip()


def date(value: Any, *, required_reason: str) -> dt.date:
    """Return a date from a date or an ISO string (YYYY-MM-DD)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value in (None, ""):
        raise GuardFailed([required_reason])
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise GuardFailed([_("Give the date as YYYY-MM-DD.")]) from None


def choice(value: Any, choices: type[models.TextChoices], *, required_reason: str) -> str:
    """Return one of the values of a TextChoices enum."""
    if value in (None, ""):
        raise GuardFailed([required_reason])
    if value not in choices.values:
        raise GuardFailed(
            [
                _("%(value)s is not one of: %(choices)s.")
                % {"value": str(value)[:50], "choices": ", ".join(choices.values)}
            ]
        )
    return str(value)


def instance(
    value: Any, queryset: models.QuerySet[Any], *, required_reason: str, unknown_reason: str
) -> Any:
    """Return the object with that id (or the object itself) from the queryset."""
    if value in (None, ""):
        raise GuardFailed([required_reason])
    if isinstance(value, models.Model):
        value = value.pk
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise GuardFailed([unknown_reason])
    try:
        return queryset.get(pk=int(value))
    except (ValueError, TypeError, OverflowError, queryset.model.DoesNotExist):
        raise GuardFailed([unknown_reason]) from None


def as_json(params: Mapping[str, Any]) -> dict[str, Any]:
    """Return parameters in a form the history can store (ids for objects, ISO dates)."""

    def convert(value: Any) -> Any:
        if isinstance(value, models.Model):
            return value.pk
        if isinstance(value, dt.date | dt.datetime):
            return value.isoformat()
        if isinstance(value, Mapping):
            return {str(k): convert(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [convert(v) for v in value]
        return value

    return {str(k): convert(v) for k, v in params.items()}
