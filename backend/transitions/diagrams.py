"""Mermaid diagrams of the state machines, drawn from the code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _

from backend.transitions.kinds import KINDS
from backend.transitions.labels import transition_label

MACHINES = [kind.model._meta.label for kind in KINDS.values()]
README = Path(__file__).resolve().parents[2] / "README.md"
START, END = "<!-- diagrams:start -->", "<!-- diagrams:end -->"


def transitions_of(model: type[models.Model]) -> list[tuple[str, str, str]]:
    """Return every (transition, source, target) of the model's state field, sorted."""
    field: Any = model._meta.get_field("state")
    return sorted(
        # A transition without a target keeps the state: drawn as a loop.
        (t.name, str(t.source), str(t.source if t.target is None else t.target))
        for t in field.get_all_transitions(model)
    )


def mermaid(model: type[models.Model], *, readable: bool = False) -> str:
    """Return a Mermaid state diagram of the model's machine: by the names in the code
    (for the README), or `readable`, by the names people read in the pages, in the
    active language (for the help page)."""
    field: Any = model._meta.get_field("state")
    internal = {name for name, step in model.workflow.steps.items() if step.internal}  # type: ignore[attr-defined]
    lines = ["stateDiagram-v2"]
    if readable:
        lines += [f'    state "{label}" as {value}' for value, label in field.choices]
    lines.append(f"    [*] --> {field.default}")
    for name, source, target in sorted(transitions_of(model), key=lambda t: (t[1], t[0])):
        shown = transition_label(name) if readable else name
        if name in internal:
            shown = f"{shown} ({_('automatic') if readable else 'automatic'})"
        lines.append(f"    {source} --> {target}: {shown}")
    return "\n".join(lines)


def section() -> str:
    """Return the README section with the diagrams of every machine."""
    parts = [START]
    for label in MACHINES:
        model = apps.get_model(label)
        parts += [f"\n### {model.__name__}\n", "```mermaid", mermaid(model), "```"]
    parts.append(END)
    return "\n".join(parts)


def write(path: Path = README) -> bool:
    """Write the diagrams into the file between the markers; return whether it changed."""
    text = path.read_text(encoding="utf-8")
    updated = re.sub(
        re.escape(START) + ".*?" + re.escape(END), lambda _m: section(), text, flags=re.S
    )
    if updated == text:
        return False
    path.write_text(updated, encoding="utf-8")
    return True


def is_current(path: Path = README) -> bool:
    """Whether the file holds exactly the diagrams the code draws."""
    return section() in path.read_text(encoding="utf-8")
