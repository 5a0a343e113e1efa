"""The one entry point that fires a transition: `fire(obj, name, actor=..., **params)`.

Checks, in this order: the actor may see the object (NotVisible, 404), the
transition exists (UnknownTransition, 404), the object is unchanged since it was
loaded (ConcurrentChange, 409), the state offers the transition (NotPossible, 409),
the actor is permitted (NotPermitted, 403), the parameters and guards pass
(GuardFailed with reasons, 400). Then, in one transaction with the row locked, it
changes the state, writes the TransitionLog row and runs the transition's effect.
Anything external hangs on `transition_committed`, sent only after commit.

Edits that are not transitions (an item's content, its files, a meeting's agenda and
attendance, an action's due date) come in through `edit(obj, rule, actor=...)`: the
same checks in the same order, the row locked, and the history row of the edit.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from backend.audit.models import TransitionLog
from workflows import params as p
from workflows.errors import (
    ConcurrentChange,
    GuardFailed,
    NotPermitted,
    NotPossible,
    NotVisible,
    TransitionError,
    UnknownTransition,
)
from workflows.machine import Firing, Machine, Reason, Step, registered
from workflows.params import as_json, only
from workflows.stateful import content_write, lock_unchanged, locked_row

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


def available_transitions(
    obj: Any,
    actor: Any,
    *,
    seen: bool = False,
    answers: dict[Any, bool] | None = None,
) -> list[str]:
    """Return the transitions the actor may fire now (guards are not evaluated).

    `seen`: the caller read the object through the machine's visibility rule in SQL (a
    list or a detail of the API), which a test holds equal to `can_view`; it is not asked
    again for every row. `answers`: a dict kept across the rows of one list for one
    actor, where the permissions are remembered per transition and per value of the
    machine's `relation` (the same state and the same relation of the actor to the row
    give the same answer)."""
    machine = machine_of(obj)
    if not seen and not machine.can_view.test(actor, obj):
        return []
    relation = None
    if answers is not None and machine.relation is not None:
        relation = machine.relation(actor, obj)
    offered = []
    for name in offered_from(obj._meta.label, obj.state):
        if not _applies(machine.steps[name], obj):
            continue
        if relation is None or answers is None:
            permitted = bool(has_transition_perm(getattr(obj, name), actor))
        else:
            key = (obj._meta.label, name, relation)
            remembered = answers.get(key)
            if remembered is None:
                remembered = answers[key] = bool(has_transition_perm(getattr(obj, name), actor))
            permitted = remembered
        if permitted:
            offered.append(name)
    return offered


def _applies(step: Step, obj: Any) -> bool:
    return step.applies is None or step.applies(obj)


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


Check = Callable[[Any, Any], bool]
"""A predicate `(actor, obj)`, as the rules of `workflows.predicates` are."""


@dataclass(frozen=True)
class EditRule:
    """Who may make one kind of edit that is not a transition, and in which states.

    `permitted` and `visible` are `(actor, obj)` predicates, `visible` the machine's
    unless given. `states` are the states the edit is possible in (any when None).
    A refusal says `wrong_state` (a text, or a function of the state giving one) or
    `not_permitted`, else the engine's general sentence.
    """

    permitted: Check
    states: Collection[str] | None = None
    wrong_state: Reason | Callable[[str], Reason | None] | None = None
    not_permitted: Reason | None = None
    visible: Check | None = None

    def refuse_unseen(self, obj: Any, actor: Any) -> None:
        """Raise NotVisible (404) unless the actor may see the object."""
        visible = self.visible or machine_of(obj).can_view.test
        if not visible(actor, obj):
            raise NotVisible()

    def refuse_now(self, obj: Any, actor: Any, state: str) -> None:
        """Raise NotPossible (409) in a state the edit is not made in, then NotPermitted
        (403) unless the actor is permitted."""
        if self.states is not None and state not in self.states:
            message = self.wrong_state
            raise NotPossible(message(state) if callable(message) else message)
        if not self.permitted(actor, obj):
            raise NotPermitted(self.not_permitted)


def check_edit(obj: Any, rule: EditRule, *, actor: Any) -> None:
    """Refuse an edit the rule does not allow, on the copy in memory and without a lock:
    to turn a request away before reading what it carries. `edit` checks again."""
    rule.refuse_unseen(obj, actor)
    rule.refuse_now(obj, actor, obj.state)


def may_edit(obj: Any, rule: EditRule, *, actor: Any) -> bool:
    """Whether the rule allows the actor the edit now (for a page to offer it or not)."""
    try:
        check_edit(obj, rule, actor=actor)
    except TransitionError:
        return False
    return True


@contextmanager
def edit(obj: Any, rule: EditRule, *, actor: Any) -> Iterator[Edit]:
    """Make an edit that is not a transition: the one front door for them.

    Checks, in the order `fire` does: the actor may see the object (404); then, in one
    transaction with the row locked, its state as stored allows the edit (409) and the
    actor is permitted (403). The body of the `with` checks what the edit carries
    (GuardFailed, 400) and writes through the `Edit` it gets; when it ends without an
    exception, the fields it changed become the edit's history row, in the same
    transaction. What must happen only after the commit goes to `Edit.after_commit`.
    """
    rule.refuse_unseen(obj, actor)
    with transaction.atomic():
        stored = locked_row(obj)
        if stored is None:
            raise NotVisible()
        rule.refuse_now(obj, actor, stored[0])
        change = Edit(obj, stored)
        yield change
        record_edit(obj, actor=actor, changes=change.changes)


class Edit:
    """An edit under way, its row locked: what it changed becomes its history row."""

    def __init__(self, obj: Any, stored: tuple[str, int]) -> None:
        self.obj = obj
        self.stored = stored
        self.changes: dict[str, tuple[Any, Any]] = {}

    def only(self, fields: Iterable[str], allowed: Collection[str]) -> None:
        """Refuse the names of fields this edit does not change (400)."""
        unknown = sorted(set(fields) - set(allowed))
        if unknown:
            raise GuardFailed([_("Unknown field: %(name)s.") % {"name": n} for n in unknown])

    def unchanged(self, expected_version: int | None = None) -> None:
        """Refuse a copy (or a client's `expected_version`) that is behind the row (409)."""
        version = self.obj.version if expected_version is None else expected_version
        if self.stored != (self.obj.state, version):
            raise ConcurrentChange()

    def save(
        self,
        changes: Mapping[str, Any],
        *,
        expected_version: int | None = None,
        also_update: Iterable[str] = (),
    ) -> None:
        """Write content fields of the object unless its copy is stale; the version grows.
        Nothing to change is not a change (and is not checked)."""
        also_update = list(also_update)
        if not changes and not also_update:
            return
        self.unchanged(expected_version)
        self.changes.update(content_write(self.obj, changes, also_update=also_update))
        self.stored = (self.stored[0], self.obj.version)

    def bump(self) -> None:
        """Count a change written to rows of its own (an agenda's entries): the object's
        version grows, so a copy loaded before it is stale."""
        self.obj.version += 1
        self.obj.save(update_fields=["version"])
        self.stored = (self.stored[0], self.obj.version)

    def record(self, name: str, old: Any, new: Any) -> None:
        """Add a change written outside the object's own fields to the history row."""
        self.changes[name] = (old, new)

    def after_commit(self, func: Callable[[], Any]) -> None:
        """Run `func` once the edit is committed (never when it rolls back)."""
        transaction.on_commit(func)


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
