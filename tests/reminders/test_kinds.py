"""One object per kind of reminder: the registry and the notifications' kind choices name
the same kinds, each once, and each object declares all a kind is made of."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import ImproperlyConfigured

from backend.reminders import kinds
from backend.reminders.models import Notification

DECLARED = ("due", "recipients", "holds", "text")


def test_every_kind_choice_has_exactly_one_registered_object_and_vice_versa() -> None:
    assert list(kinds.KINDS) == Notification.Kind.values  # the scan runs in this order
    assert Counter(kind.kind for kind in kinds.KINDS.values()) == Counter(Notification.Kind.values)
    assert all(key == kind.kind for key, kind in kinds.KINDS.items())
    assert len({id(kind) for kind in kinds.KINDS.values()}) == len(kinds.KINDS)


@pytest.mark.parametrize("value", Notification.Kind.values)
def test_every_kind_declares_its_scan_recipients_state_and_text(value: str) -> None:
    kind = type(kinds.KINDS[value])
    missing = [
        name for name in DECLARED if getattr(kind, name) is getattr(kinds.ReminderKind, name)
    ]
    assert missing == []


def test_a_kind_is_registered_once() -> None:
    with pytest.raises(ImproperlyConfigured, match="'digest' is registered twice"):

        @kinds.register
        class Again(kinds.ReminderKind):
            kind = Notification.Kind.DIGEST

    assert type(kinds.KINDS[Notification.Kind.DIGEST]) is kinds.Digest
