"""The transition forms of the pages: what each one asks, and the raw parameters it sends.

Both come from the parameters each step declares (`workflows.declared`): the fields, their
labels, limits and choices, and how a posted form becomes the request the parser reads.
The forms only collect; the workflow's parser and guards judge what was sent, exactly as
for the API, and their reasons are shown beside the form, which keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from backend.transitions.kinds import kind_of
from backend.transitions.labels import transition_label
from workflows import params as p
from workflows.declared import Param
from workflows.engine import available_transitions, machine_of

# Transitions whose button needs a second look: they cannot be undone.
FINAL = {"approve", "reject", "withdraw", "cancel", "approve_minutes", "waive", "decline"}


@dataclass(frozen=True)
class Field:
    """One field of a transition form, as its declaration describes it."""

    param: Param
    id: str
    value: Any
    choices: list[tuple[str, str]]
    voters: list[Any]
    posted: Mapping[str, Any]

    @property
    def vote_rows(self) -> list[tuple[Any, str]]:
        """Each municipality present with the vote picked for it (when the form returns)."""
        return [(m, str(self.posted.get(f"vote_{m.pk}", ""))) for m in self.voters]

    @property
    def name(self) -> str:
        return self.param.name

    @property
    def label(self) -> str:
        return str(self.param.label)

    @property
    def widget(self) -> str:
        return self.param.widget

    @property
    def required(self) -> bool:
        return self.param.required is not None

    @property
    def max_length(self) -> int | None:
        return getattr(self.param, "max_length", None)

    @property
    def latest(self) -> str:
        """The last day a date field offers (today, where a later one makes no sense)."""
        if getattr(self.param, "not_after_today", False):
            return timezone.localdate().isoformat()
        return ""

    @property
    def empty(self) -> str:
        """Why there is nothing to choose from, when there is nothing."""
        return str(getattr(self.param, "empty", "")) if not self.choices else ""


@dataclass
class TransitionForm:
    """One transition button with the small form it may need, as a template shows it."""

    kind: str
    obj: Any
    name: str
    values: Mapping[str, Any]
    errors: list[str]
    actor: Any = None

    @property
    def label(self) -> str:
        return transition_label(self.name)

    @property
    def final(self) -> bool:
        return self.name in FINAL

    @property
    def field_id(self) -> str:
        return f"{self.kind}-{self.obj.pk}-{self.name}"

    @property
    def fields(self) -> list[Field]:
        """The fields of the transition's declared parameters, holding what was typed."""
        step = machine_of(self.obj).steps.get(self.name)
        if step is None or step.params is None:
            return []
        return [
            Field(
                param=param,
                id=f"{self.field_id}-{param.name}",
                value=self.values.get(param.name, param.initial(self.obj)),
                choices=param.choices(self.obj, self.actor),
                voters=param.present(self.obj),
                posted=self.values,
            )
            for param in step.params.params
        ]

    @property
    def comment_limit(self) -> int:
        return p.MAX_COMMENT

    @property
    def comment(self) -> str:
        return str(self.values.get("comment", ""))

    @property
    def by_vote(self) -> bool:
        return self.values.get("mode") == "votes"


def forms_for(obj: Any, user: Any) -> list[TransitionForm]:
    """The transition forms of the object that the person may fire now."""
    kind = kind_of(obj)
    return [
        TransitionForm(kind=kind, obj=obj, name=name, values={}, errors=[], actor=user)
        for name in available_transitions(obj, user)
    ]


def raw_params(obj: Any, name: str, post: Mapping[str, Any], actor: Any) -> dict[str, Any]:
    """Turn a posted form into the parameters the transition's declaration reads (a name
    the object's machine does not know gets none; the workflow then answers 404)."""
    step = machine_of(obj).steps.get(name)
    if step is None or step.params is None:
        return {}
    return step.params.from_form(post, obj, actor)
