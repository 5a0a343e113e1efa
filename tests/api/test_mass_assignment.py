"""Mass assignment, through every endpoint that writes: a body that also carries `state`,
`number`, `author`, `region`, `version`, ids, dates or history fields is answered as if
those were not there (a transition, which names its parameters, refuses them with 400).
Nothing of them is stored, and the history grows only by the request's own step, written
by the caller."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from backend.agenda.models import AgendaItem, Decision
from backend.audit.models import TransitionLog
from backend.followup.models import Action, Ratification
from backend.meetings.models import AgendaEntry, Meeting
from backend.organisations.models import Person
from tests.api.test_bad_input import a_new_action, a_new_item, a_new_meeting
from tests.conftest import World


def forged(world: World, decided: SimpleNamespace) -> dict[str, Any]:
    """Every field a caller must never set, with values that would show if taken over."""
    return {
        "id": 987654,
        "pk": 987654,
        "state": "completed",
        "number": "2099/VALS/999",
        "author": world.stranger.pk,
        "author_id": world.stranger.pk,
        "region": world.stranger.region_id,
        "region_id": world.stranger.region_id,
        "version": 77,
        "created_at": "2001-01-01T00:00:00Z",
        "updated_at": "2001-01-01T00:00:00Z",
        "decision": decided.decision.pk,
        "history": [{"transition": "approve", "actor": world.stranger.pk}],
        "transition": "approve",
        "source": "draft",
        "target": "completed",
        "actor": world.stranger.pk,
        "recorded_at": "2001-01-01T00:00:00Z",
        "caused_by": 1,
        "available_transitions": ["complete"],
        "is_staff": True,
        "is_superuser": True,
    }


def facts() -> dict[str, Any]:
    """What no request body may change behind the workflow's back."""
    return {
        "decisions": sorted(Decision.objects.values_list("pk", "number", "item_id")),
        "people": sorted(Person.objects.values_list("pk", "region_id", "is_staff", "is_superuser")),
        "ratifications": sorted(Ratification.objects.values_list("pk", "state", "decision_id")),
    }


def history_since(mark: int) -> list[tuple[str, Any]]:
    """The steps written since the mark (an edit writes its own kind of row, below)."""
    return list(
        TransitionLog.objects.steps().filter(pk__gt=mark).values_list("transition", "actor_id")
    )


def edited_since(mark: int) -> list[tuple[str, Any, list[str]]]:
    """The edits written since the mark: who, and which fields."""
    return [
        (log.transition, log.actor_id, log.params["fields"])
        for log in TransitionLog.objects.filter(pk__gt=mark, kind=TransitionLog.Kind.EDIT)
    ]


def last_history_id() -> int:
    return TransitionLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


CASES = [
    "create item",
    "edit item",
    "create meeting",
    "edit meeting",
    "create action",
    "edit action",
    "entry note",
    "action note",
    "transition",
]


@pytest.mark.parametrize("case", CASES)
def test_forged_fields_are_ignored_by_every_writing_endpoint(
    world: World, api: Any, decided: SimpleNamespace, case: str
) -> None:
    extra = forged(world, decided)
    draft = world.item(title="Een ontwerp")
    meeting = world.meeting()
    action = decided.action
    entry = AgendaEntry.objects.get(meeting=decided.meeting, item=decided.item)
    requests: dict[str, tuple[str, str, str, dict[str, Any]]] = {
        "create item": ("author", "post", "/api/v1/agenda-items/", a_new_item(world)),
        "edit item": (
            "author",
            "patch",
            f"/api/v1/agenda-items/{draft.pk}/",
            {"title": "Nieuwe titel", "version": draft.version},
        ),
        "create meeting": ("coordinator", "post", "/api/v1/meetings/", a_new_meeting(world)),
        "edit meeting": (
            "coordinator",
            "patch",
            f"/api/v1/meetings/{meeting.pk}/",
            {"location": "Stadhuis Izegem", "version": meeting.version},
        ),
        "create action": (
            "coordinator",
            "post",
            "/api/v1/actions/",
            a_new_action(decided.item, world),
        ),
        "edit action": (
            "coordinator",
            "patch",
            f"/api/v1/actions/{action.pk}/",
            {"title": "Andere titel", "version": action.version},
        ),
        "entry note": (
            "coordinator",
            "patch",
            f"/api/v1/meetings/{decided.meeting.pk}/entries/{entry.pk}/",
            {"note": "Besproken."},
        ),
        "action note": (
            "coordinator",
            "post",
            f"/api/v1/actions/{action.pk}/notes/",
            {"text": "Offerte gevraagd."},
        ),
        "transition": (
            "author",
            "post",
            f"/api/v1/agenda-items/{draft.pk}/transitions/submit/",
            {"comment": "Klaar"},
        ),
    }
    persona, method, path, body = requests[case]
    # the forged fields first, so the real ones (version above all) win where both exist
    body = extra | body
    before, mark, started = facts(), last_history_id(), timezone.now()
    caller = getattr(world, persona)

    answer = getattr(api(persona), method)(path, body, format="json")

    assert facts() == before
    if case == "transition":
        # a transition names its parameters: anything else is refused, nothing moves
        assert answer.status_code == 400, answer.content
        assert "Onbekende parameter: state." in answer.json()["reasons"]
        draft.refresh_from_db()
        assert (draft.state, history_since(mark)) == ("draft", [])
        answer = api(persona).post(path, {"comment": "Klaar"}, format="json")
        assert history_since(mark) == [("submit", caller.pk)]
    assert answer.status_code in (200, 201), answer.content
    if case != "transition":
        assert history_since(mark) == []
    # An edit is on the record with the fields really changed, never a forged one.
    edited = {
        "edit item": ["title"],
        "edit meeting": ["location"],
        "edit action": ["title"],
        "entry note": [f"note:{entry.pk}"],
    }
    expected_edits = [("edit", caller.pk, edited[case])] if case in edited else []
    assert edited_since(mark) == expected_edits
    data = answer.json()
    if case in ("create item", "edit item", "transition"):
        item = AgendaItem.objects.get(pk=data["id"] if case == "create item" else draft.pk)
        expected = "submitted" if case == "transition" else "draft"
        assert (item.state, item.author_id, item.intervision_group_id) == (
            expected,
            world.author.pk,
            world.group.pk,
        )
        assert item.pk != 987654 and item.version < 77
        assert item.created_at >= started or case != "create item"
    elif case in ("create meeting", "edit meeting"):
        stored = Meeting.objects.get(pk=data["id"])
        assert (stored.state, stored.body_id) == ("planned", world.cluster.pk)
        assert stored.pk != 987654 and stored.version < 77
    elif case in ("create action", "edit action"):
        stored_action = Action.objects.get(pk=data["id"])
        assert stored_action.state == "open" and stored_action.version < 77
        assert stored_action.item_id == decided.item.pk and stored_action.pk != 987654
    elif case == "entry note":
        entry.refresh_from_db()
        assert entry.note == "Besproken." and entry.item_id == decided.item.pk
