"""Every text parameter of every transition takes any code point and answers with a
result or a reason, never a crash: half a surrogate pair or a NUL is refused with the
parameter named, anything else is stored as given (trimmed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.agenda.models import AgendaItem
from backend.followup.models import Action, Ratification
from backend.meetings.models import Meeting
from tests.conftest import World
from workflows.engine import fire, machine_of_model
from workflows.errors import GuardFailed, TransitionError
from workflows.params import unstorable_at, unstorable_reason

ANY_TEXT = st.text(st.characters(exclude_categories=[]), max_size=40)
PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Rollback(Exception):
    """Leave the example's savepoint without keeping what it did."""


def attempt(run: Callable[[], Any]) -> Exception | None:
    """Run a transition in a savepoint that is always rolled back; return its refusal."""
    try:
        with transaction.atomic():
            run()
            raise Rollback
    except Rollback:
        return None
    except TransitionError as refusal:
        return refusal


def check(refusal: Exception | None, value: str, field: str) -> None:
    position = unstorable_at(value)
    if position is not None:
        assert isinstance(refusal, GuardFailed), refusal
        assert unstorable_reason(field, position) in [str(r) for r in refusal.reasons]
    else:
        assert not (
            isinstance(refusal, GuardFailed)
            and any("cannot be stored" in str(r) or "bewaard" in str(r) for r in refusal.reasons)
        )


@pytest.fixture
def objects(world: World, decided: Any) -> dict[type, Any]:
    item = world.prepared_item(title="Stemming")
    world.meeting_in_session(item)
    item.refresh_from_db()
    return {
        AgendaItem: item,
        Meeting: decided.meeting,
        Action: decided.action,
        Ratification: decided.ratification,
    }


@pytest.mark.parametrize("model", [AgendaItem, Meeting, Action, Ratification])
@PROPERTY
@given(value=ANY_TEXT)
def test_the_comment_of_every_transition_takes_any_text(
    world: World, objects: dict[type, Any], model: type, value: str
) -> None:
    obj = objects[model]
    for name, step in machine_of_model(model).steps.items():
        if step.internal:
            continue
        refusal = attempt(lambda: fire(obj, name, actor=world.coordinator, comment=value))
        check(refusal, value, "comment")
        obj.refresh_from_db()


TEXT_PARAMETERS: list[tuple[type, str, str, dict[str, Any], str]] = [
    (AgendaItem, "approve", "text", {"consensus": True}, "cluster_chair"),
    (AgendaItem, "reject", "text", {"consensus": True}, "cluster_chair"),
    (Action, "block", "reason", {}, "dvv"),
    (Ratification, "decline", "reason", {}, "coordinator"),
    (
        Ratification,
        "ratify",
        "reference",
        {"date": dt.date.today().isoformat(), "deciding_body": "college"},
        "coordinator",
    ),
]


@pytest.mark.parametrize(("model", "name", "field", "others", "persona"), TEXT_PARAMETERS)
@PROPERTY
@given(value=ANY_TEXT)
def test_every_text_parameter_takes_any_text(
    world: World,
    objects: dict[type, Any],
    model: type,
    name: str,
    field: str,
    others: dict[str, Any],
    persona: str,
    value: str,
) -> None:
    obj = objects[model]
    actor = getattr(world, persona)
    refusal = attempt(lambda: fire(obj, name, actor=actor, params={**others, field: value}))
    check(refusal, value, field)
    if refusal is None:
        assert value.strip() and unstorable_at(value) is None
    obj.refresh_from_db()
