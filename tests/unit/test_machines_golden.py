"""The full transition table of each machine: any change to a machine is a visible diff."""

from __future__ import annotations

from backend.agenda.models import AgendaItem
from backend.followup.models import Action, Ratification
from backend.meetings.models import Meeting
from backend.transitions.diagrams import transitions_of
from workflows.engine import offered_from

BEFORE_DECISION = ["draft", "submitted", "in_preparation", "prepared", "scheduled"]


def table(model: type) -> set[tuple[str, str, str]]:
    return set(transitions_of(model))


def test_agenda_item_machine_is_exactly_the_contract() -> None:
    assert table(AgendaItem) == {
        ("submit", "draft", "submitted"),
        ("start_preparation", "submitted", "in_preparation"),
        ("send_back", "in_preparation", "draft"),
        ("endorse", "in_preparation", "prepared"),
        ("schedule", "prepared", "scheduled"),
        ("accept_urgency", "scheduled", "scheduled"),
        ("postpone", "scheduled", "prepared"),
        ("unschedule", "scheduled", "prepared"),
        ("return_for_rework", "scheduled", "in_preparation"),
        ("approve", "scheduled", "approved"),
        ("reject", "scheduled", "rejected"),
        ("take_note", "scheduled", "completed"),
        ("start_execution", "approved", "in_execution"),
        ("complete", "in_execution", "completed"),
        *{("withdraw", source, "withdrawn") for source in BEFORE_DECISION},
        *{("forward", state, state) for state in ("approved", "in_execution", "completed")},
    }


def test_meeting_machine_is_exactly_the_contract() -> None:
    assert table(Meeting) == {
        ("convene", "planned", "convened"),
        ("open", "convened", "in_session"),
        ("close", "in_session", "closed"),
        ("approve_minutes", "closed", "minutes_approved"),
        ("cancel", "planned", "cancelled"),
        ("cancel", "convened", "cancelled"),
    }


def test_action_machine_is_exactly_the_contract() -> None:
    assert table(Action) == {
        ("start", "open", "in_progress"),
        ("complete", "in_progress", "done"),
        ("block", "open", "blocked"),
        ("block", "in_progress", "blocked"),
        ("resume", "blocked", "in_progress"),
        ("cancel", "open", "cancelled"),
        ("cancel", "in_progress", "cancelled"),
        ("cancel", "blocked", "cancelled"),
        ("reopen", "done", "in_progress"),
    }


def test_ratification_machine_is_exactly_the_contract() -> None:
    assert table(Ratification) == {
        ("ratify", "pending", "ratified"),
        ("decline", "pending", "declined"),
        ("waive", "pending", "not_required"),
    }


def test_every_transition_has_a_step_and_every_step_a_transition() -> None:
    for model in (AgendaItem, Meeting, Action, Ratification):
        names = {name for name, _source, _target in table(model)}
        assert names == set(model.workflow.steps), model.__name__


def test_every_state_field_is_protected() -> None:
    for model in (AgendaItem, Meeting, Action, Ratification):
        assert model._meta.get_field("state").protected, model.__name__


def test_the_transitions_offered_from_a_state_are_those_of_the_table() -> None:
    """`available_transitions` only asks the permission of these: the table's transitions
    out of the state, without those fired only as a consequence of another."""
    for model in (AgendaItem, Meeting, Action, Ratification):
        states = [value for value, _label in model._meta.get_field("state").choices]
        for state in states:
            expected = {
                name
                for name, source, _target in table(model)
                if source in (state, "*", "+") and not model.workflow.steps[name].internal
            }
            offered = offered_from(model._meta.label, state)
            assert set(offered) == expected, (model.__name__, state)
            assert list(offered) == [n for n in model.workflow.steps if n in expected]
