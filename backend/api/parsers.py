"""JSON bodies that cannot take the server down."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from workflows.params import unstorable_at, unstorable_reason


class SafeJSONParser(JSONParser):
    """A JSON parser that answers 400 for nesting too deep to read, and for a text (a
    value or a name) with a character no database stores — JSON can spell half of a
    surrogate pair (\\ud800), which has no UTF-8 form — naming where it is."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON is nested too deeply.")) from None
        try:
            found = first_unstorable(data)
        except RecursionError:
            raise ParseError(_("The JSON is nested too deeply.")) from None
        if found is not None:
            raise ParseError(unstorable_reason(*found))
        return data


def first_unstorable(data: Any, path: str = "") -> tuple[str, int] | None:
    """Return where the first unstorable character is (a dotted path such as
    `votes.0.municipality`, and the position in that text), or None."""
    if isinstance(data, str):
        position = unstorable_at(data)
        return None if position is None else (path or "body", position)
    if isinstance(data, dict):
        items: Any = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return None
    for key, value in items:
        name = str(key) if isinstance(key, int) else key
        position = unstorable_at(name)
        if position is not None:
            return (_("A name in %(path)s") % {"path": path or "body"}, position)
        found = first_unstorable(value, f"{path}.{name}" if path else name)
        if found is not None:
            return found
    return None
