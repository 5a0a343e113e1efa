"""How a state machine is described beside its django-fsm transitions.

The chart of each machine (`workflows/<machine>.py`) declares the states and the
transitions (sources, targets, permission) with django-fsm and imports nothing of the
apps; the `Machine` in the app's `steps` module says, per transition, which parameters
it takes, which guards must pass and what effect it has, and registers itself under the
model's label when the app is ready. The engine finds a model's machine here.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import rules
from django.utils.functional import Promise

from workflows.declared import Declared


@dataclass
class Firing:
    """One transition being fired: what effects and after-commit receivers get."""

    obj: Any
    name: str
    actor: Any
    params: dict[str, Any]
    comment: str
    source: str
    target: str
    log: Any = None


Reason = str | Promise
Guard = Callable[[Any, dict[str, Any], Any], Reason | None]
Effect = Callable[[Firing], None]


@dataclass(frozen=True)
class Step:
    """What the engine does for one transition besides changing the state."""

    params: Declared | None = None
    """The parameters it takes, declared once: parser, page field and API description."""
    guards: tuple[Guard, ...] = ()
    effect: Effect | None = None
    internal: bool = False
    """Fired only as the consequence of another transition, never by a person."""
    applies: Callable[[Any], bool] | None = None
    """Whether the step is meant for this object at all (noting is for an information
    item, deciding for the others): one that is not is not offered; firing it anyway is
    refused by its guard, which says why."""


@dataclass(frozen=True)
class Machine:
    """A state machine: who may see its objects and what each transition needs."""

    name: str
    can_view: rules.Predicate
    steps: Mapping[str, Step] = field(default_factory=dict)
    relation: Callable[[Any, Any], Hashable | None] | None = None
    """`(actor, obj)`: everything the permissions of the machine's transitions read of
    the actor and the object, as one value (None when it cannot tell without a query).
    Two objects with the same value get the same answers, so a list asks each
    permission once per distinct value instead of once per row."""


_MACHINES: dict[str, Machine] = {}


def register(model_label: str, machine: Machine) -> Machine:
    """Make `machine` the machine of the model with that label ("agenda.AgendaItem")."""
    _MACHINES[model_label] = machine
    return machine


def registered(model_label: str) -> Machine | None:
    """Return the machine registered for a model label, if any."""
    return _MACHINES.get(model_label)


def registered_labels() -> list[str]:
    """Return the labels of the models that have a machine, in registration order."""
    return list(_MACHINES)
