"""The base of every model that has a state machine."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from workflows.errors import ConcurrentChange, NotVisible
from workflows.machine import Machine, registered


class MachineOf:
    """`Model.workflow`: the machine its app registered for the model (see
    `workflows.machine.register`)."""

    def __get__(self, obj: Any, owner: type) -> Machine:
        machine = registered(owner._meta.label)  # type: ignore[attr-defined]
        if machine is None:
            raise AttributeError(f"{owner.__name__} has no registered state machine")
        return machine


class StatefulModel(ConcurrentTransitionMixin, models.Model):
    """A model whose `state` only changes through `workflows.engine.fire`.

    `version` grows with every transition and every content edit, so a stale copy
    is refused even when the state went A→B→A meanwhile (ConcurrentTransitionMixin
    alone only compares the state).
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    workflow = MachineOf()

    class Meta:
        abstract = True


def state_field(states: type[models.TextChoices], initial: str) -> FSMField:
    """The `state` of a StatefulModel: one of `states`, `initial` when the object is made,
    and protected, so that only a transition changes it."""
    return FSMField(
        _("state"), max_length=20, choices=states.choices, default=initial, protected=True
    )


def locked_row(obj: Any) -> tuple[str, int] | None:
    """Lock the object's row and return its state and version as stored now (None when
    it is gone).

    On PostgreSQL the row is locked with SELECT … FOR UPDATE; on SQLite the IMMEDIATE
    transaction already holds the database's write lock. Call inside a transaction.
    """
    return (
        type(obj)
        ._default_manager.select_for_update()
        .filter(pk=obj.pk)
        .values_list("state", "version")
        .first()
    )


def lock_unchanged(obj: Any, expected_version: int | None = None) -> None:
    """Lock the object's row and refuse a copy whose state or version is behind it.
    Call inside a transaction."""
    current = locked_row(obj)
    if current is None:
        raise NotVisible()
    version = obj.version if expected_version is None else expected_version
    if current != (obj.state, version):
        raise ConcurrentChange()


def content_save(
    obj: Any,
    changes: dict[str, Any],
    *,
    expected_version: int | None = None,
    also_update: Iterable[str] = (),
) -> dict[str, tuple[Any, Any]]:
    """Write content changes to a stateful object unless someone changed it meanwhile;
    return the fields whose value changed, each with its old and new value.

    `expected_version` is the version the client edited (its copy's by default); the
    version grows with the change. Nothing to change is not a change.
    """
    if not changes and not also_update:
        return {}
    with transaction.atomic():
        lock_unchanged(obj, expected_version)
        return content_write(obj, changes, also_update=also_update)


def content_write(
    obj: Any, changes: Mapping[str, Any], *, also_update: Iterable[str] = ()
) -> dict[str, tuple[Any, Any]]:
    """Write content changes to a stateful object whose row the caller locked and
    checked; the version grows. Return the fields whose value changed (old, new)."""
    changed = {}
    for name, value in changes.items():
        old = getattr(obj, name)
        if old != value:
            changed[name] = (old, value)
        setattr(obj, name, value)
    obj.version += 1
    obj.save(update_fields=[*changes, "version", *also_update])
    return changed
