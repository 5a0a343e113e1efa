"""The one entry point that fires a transition: `fire(obj, name, actor=..., **params)`.

Checks, in this order: the actor may see the object (NotVisible, 404), the
transition exists (UnknownTransition, 404), the object is unchanged since it was
loaded (ConcurrentChange, 409), the state offers the transition (NotPossible, 409),
the actor is permitted (NotPermitted, 403), the parameters and guards pass
(GuardFailed with reasons, 400). Then, in one transaction with the row locked, it
changes the state, writes the TransitionLog row and runs the transition's effect.
Anything external hangs on `transition_committed`, sent only after commit.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.dispatch import Signal
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from backend.audit.models import TransitionLog
from workflows import params as p
from workflows.errors import (
    ConcurrentChange,
    GuardFailed,
    NotPermitted,
    NotPossible,
    NotVisible,
    UnknownTransition,
)
from workflows.machine import Firing, Machine, Step, registered
from workflows.params import as_json, only
from workflows.stateful import lock_unchanged

transition_committed = Signal()
"""Sent after a transition's transaction commits, with `sender` (the model) and `firing`."""


def machine_of(obj: Any) -> Machine:
    """Return the state machine of a stateful object."""
    return machine_of_model(type(obj))


def machine_of_model(model: type) -> Machine:
    """Return the state machine of a stateful model (registered by its app's steps)."""
    meta = getattr(model, "_meta", None)
    machine = registered(meta.label) if meta is not None else None
    if machine is None:
        raise TypeError(f"{model.__name__} has no state machine")
    return machine


def can_view(obj: Any, actor: Any) -> bool:
    """Whether the actor may see the object."""
    return bool(machine_of(obj).can_view.test(actor, obj))


def available_transitions(obj: Any, actor: Any) -> list[str]:
    """Return the transitions the actor may fire now (guards are not evaluated)."""
    machine = machine_of(obj)
    if not machine.can_view.test(actor, obj):
        return []
    return [
        name
        for name in offered_from(obj._meta.label, obj.state)
        if has_transition_perm(getattr(obj, name), actor)
    ]


@functools.cache
def offered_from(model_label: str, state: str) -> tuple[str, ...]:
    """The transitions someone may fire from a state of a model ("agenda.AgendaItem"),
    permissions aside, in the machine's order: a list asks this for every row."""
    model = apps.get_model(model_label)
    return tuple(
        name
        for name, step in machine_of_model(model).steps.items()
        if not step.internal and getattr(model, name)._django_fsm.has_transition(state)
    )


def fire(
    obj: Any,
    name: str,
    *,
    actor: Any,
    comment: str = "",
    params: Mapping[str, Any] | None = None,
    **more: Any,
) -> Any:
    """Fire transition `name` on `obj` for `actor`; return the object in its new state.

    Parameters come as keywords (`fire(item, "schedule", actor=u, meeting=3)`) or, from
    clients whose keys are not to be trusted as Python names, as the `params` mapping.
    """
    machine = machine_of(obj)
    if not machine.can_view.test(actor, obj):
        raise NotVisible()
    step = machine.steps.get(name)
    if step is None or step.internal:
        raise UnknownTransition()
    comment = p.text(comment, required_reason=None, max_length=p.MAX_COMMENT, field="comment")
    with _restoring(obj), transaction.atomic():
        lock_unchanged(obj)
        method = getattr(obj, name)
        if not can_proceed(method, check_conditions=False):
            raise NotPossible()
        if not has_transition_perm(method, actor):
            raise NotPermitted()
        raw = {**(params or {}), **more}
        cleaned = step.params.parse(obj, raw, actor) if step.params else only(raw, ())
        reasons = [reason for guard in step.guards if (reason := guard(obj, cleaned, actor))]
        if reasons:
            raise GuardFailed(reasons)
        _run(obj, name, step, actor=actor, params=cleaned, comment=comment)
    return obj


def fire_as_consequence(obj: Any, name: str, *, cause: Firing) -> Any:
    """Fire a transition that another one brings with it, in the caller's transaction.

    The permission was checked for the cause; the state is checked here, and the
    history row points at the cause's row.
    """
    step = machine_of(obj).steps[name]
    lock_unchanged(obj)
    if not can_proceed(getattr(obj, name), check_conditions=False):
        raise NotPossible()
    _run(obj, name, step, actor=cause.actor, params={}, comment="", cause=cause.log)
    return obj


def _run(
    obj: Any,
    name: str,
    step: Step,
    *,
    actor: Any,
    params: dict[str, Any],
    comment: str,
    cause: TransitionLog | None = None,
) -> None:
    source = obj.state
    getattr(obj, name)()
    obj.version += 1
    try:
        obj.save(update_fields=["state", "version"])
    except ConcurrentTransition:
        raise ConcurrentChange() from None
    firing = Firing(
        obj=obj,
        name=name,
        actor=actor,
        params=params,
        comment=comment,
        source=source,
        target=obj.state,
    )
    firing.log = record_step(
        obj, name, source, obj.state, actor=actor, comment=comment, params=params, cause=cause
    )
    if step.effect is not None:
        step.effect(firing)
    transaction.on_commit(lambda: transition_committed.send(sender=type(obj), firing=firing))


def record_step(
    obj: Any,
    name: str,
    source: str,
    target: str,
    *,
    actor: Any,
    comment: str = "",
    params: Mapping[str, Any] | None = None,
    cause: TransitionLog | None = None,
    kind: str = TransitionLog.Kind.TRANSITION,
) -> TransitionLog:
    """Write the history row of one step of an object (the one place that does)."""
    return TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        kind=kind,
        transition=name,
        source=source,
        target=target,
        actor=actor if getattr(actor, "pk", None) else None,
        comment=comment,
        params=as_json(dict(params or {})),
        cause=cause,
    )


EDIT = "edit"
SHORT_VALUE = 200
"""Texts up to this length are kept in an edit's history row; longer ones as a digest."""


def record_edit(
    obj: Any, *, actor: Any, changes: Mapping[str, tuple[Any, Any]]
) -> TransitionLog | None:
    """Write the history row of a content edit: per field its old and new value (a long
    text as its SHA-256 and length). Nothing changed, nothing written. Call inside the
    transaction of the edit."""
    summary = {
        name: {"old": _edited_value(old), "new": _edited_value(new)}
        for name, (old, new) in changes.items()
        if old != new
    }
    if not summary:
        return None
    state = getattr(obj, "state", "")
    return record_step(
        obj,
        EDIT,
        state,
        state,
        actor=actor,
        params={"fields": sorted(summary), "changes": summary},
        kind=TransitionLog.Kind.EDIT,
    )


def text_digest(value: str) -> dict[str, Any]:
    """A text as the history keeps it when its words must not be repeated there."""
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    return {"sha256": digest, "length": len(value)}


def _edited_value(value: Any) -> Any:
    if isinstance(value, str) and len(value) > SHORT_VALUE:
        return text_digest(value)
    if isinstance(value, set | frozenset):
        return sorted(as_json({"v": list(value)})["v"])
    return as_json({"v": value})["v"]


class _restoring:
    """Put the in-memory state and version back when the transaction fails."""

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def __enter__(self) -> None:
        self.saved: Mapping[str, Any] = {
            "state": self.obj.__dict__.get("state"),
            "version": self.obj.version,
        }

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None:
            # The protected field refuses assignment; the rollback restores the row,
            # this restores the copy in memory.
            self.obj.__dict__["state"] = self.saved["state"]
            self.obj.version = self.saved["version"]
            self.obj._update_initial_state()
