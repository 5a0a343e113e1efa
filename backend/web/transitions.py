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

from django.urls import reverse
from django.utils import timezone

from backend.meetings.models import Meeting
from backend.transitions.kinds import kind_of
from backend.transitions.labels import transition_label
from backend.web.planning import bodies_planned_by
from workflows import params as p
from workflows.declared import COUNTS, Param
from workflows.engine import available_transitions, fire, machine_of

# Transitions whose button needs a second look: they cannot be undone.
FINAL = {"approve", "reject", "withdraw", "cancel", "approve_minutes", "waive", "decline"}
# Of those, the ones that end something rather than carry it on: shown as a danger.
DANGER = {"reject", "withdraw", "cancel", "waive", "decline"}


@dataclass(frozen=True)
class Field:
    """One field of a transition form, as its declaration describes it."""

    param: Param
    id: str
    value: Any
    choices: list[tuple[str, str]]
    voters: list[Any]
    posted: Mapping[str, Any]
    problems: Mapping[str, list[str]]
    obj: Any = None
    actor: Any = None

    @property
    def vote_rows(self) -> list[tuple[Any, str, list[str]]]:
        """Each municipality present with the vote picked for it (when the form returns)
        and what is wrong with it."""
        return [
            (m, str(self.posted.get(f"vote_{m.pk}", "")), self.problems.get(f"vote_{m.pk}", []))
            for m in self.voters
        ]

    @property
    def errors(self) -> list[str]:
        """What is wrong with this field, shown beside it."""
        return self.problems.get(self.name, [])

    @property
    def name(self) -> str:
        return self.param.name

    @property
    def label(self) -> str:
        return self.param.describe(self.obj)

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
    def counts(self) -> list[tuple[str, str, str, list[str]]]:
        """For a secret vote: each count's name, label, the number typed and what is wrong."""
        labels = dict(self.choices)
        return [
            (
                name,
                labels.get(name, name),
                str(self.posted.get(name, "")),
                self.problems.get(name, []),
            )
            for name in COUNTS
        ]

    @property
    def empty(self) -> str:
        """Why there is nothing to choose from, when there is nothing."""
        return str(getattr(self.param, "empty", "")) if not self.choices else ""

    @property
    def plan_url(self) -> str:
        """Where to plan a meeting, when a step asks for one and none can be chosen (for a
        person who plans meetings of the body the object goes to)."""
        accepted = getattr(self.param, "accepted", None)
        if self.choices or accepted is None or accepted(self.obj, self.actor).model is not Meeting:
            return ""
        body = getattr(self.obj, "target_cluster_id", None)
        if body is None or not bodies_planned_by(self.actor).filter(pk=body).exists():
            return ""
        return f"{reverse('web:meeting-new')}?body={body}"


@dataclass
class TransitionForm:
    """One transition button with the small form it may need, as a template shows it."""

    kind: str
    obj: Any
    name: str
    values: Mapping[str, Any]
    errors: list[str]
    actor: Any = None
    action_url: str = ""
    """Where the form posts, when not to the pages' own step address (the admin's)."""

    @property
    def label(self) -> str:
        return transition_label(self.name)

    @property
    def final(self) -> bool:
        return self.name in FINAL

    @property
    def danger(self) -> bool:
        return self.name in DANGER

    @property
    def problems(self) -> dict[str, list[str]]:
        """The reasons that name a field, by the field's name in the form."""
        found: dict[str, list[str]] = {}
        for reason in self.errors:
            field = getattr(reason, "field", None)
            if field:
                found.setdefault(field, []).append(str(reason))
        return found

    @property
    def summary(self) -> list[tuple[str, str]]:
        """Every reason, with the id of the field it is about ("" for the form as a whole),
        for the error summary at the top of the form."""
        return [(str(reason), self.anchor(getattr(reason, "field", ""))) for reason in self.errors]

    def anchor(self, field: str) -> str:
        """The id of a field of this form, by its name in the form."""
        if not field:
            return ""
        if field.startswith("vote_"):
            return f"{self.field_id}-votes-{field.removeprefix('vote_')}"
        if field in COUNTS:
            return f"{self.field_id}-votes-{field}"
        return f"{self.field_id}-{field}"

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
                problems=self.problems,
                obj=self.obj,
                actor=self.actor,
            )
            for param in step.params.params
            if param.asked(self.obj)
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

    @property
    def by_secret_vote(self) -> bool:
        return self.values.get("mode") == "secret"


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


def fire_posted(obj: Any, name: str, post: Mapping[str, Any], actor: Any) -> None:
    """Fire the transition a form posted (the pages' and the admin's): with its comment and
    the parameters its step declares. A refusal is raised, for the caller to show."""
    fire(
        obj,
        name,
        actor=actor,
        comment=post.get("comment", ""),
        params=raw_params(obj, name, post, actor),
    )
