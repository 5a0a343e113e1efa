"""How a state machine is described beside its django-fsm transitions.

The model mixin of each machine declares the transitions (states, sources, targets,
permission) with django-fsm; the `Machine` next to it says, per transition, which
parameters it takes, which guards must pass and what effect it has.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import rules
from django.utils.functional import Promise


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
ParamParser = Callable[[Any, Mapping[str, Any], Any], dict[str, Any]]
Effect = Callable[[Firing], None]


@dataclass(frozen=True)
class Step:
    """What the engine does for one transition besides changing the state."""

    params: ParamParser | None = None
    guards: tuple[Guard, ...] = ()
    effect: Effect | None = None
    internal: bool = False
    """Fired only as the consequence of another transition, never by a person."""


@dataclass(frozen=True)
class Machine:
    """A state machine: who may see its objects and what each transition needs."""

    name: str
    can_view: rules.Predicate
    steps: Mapping[str, Step] = field(default_factory=dict)
