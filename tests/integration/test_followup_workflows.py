"""The Action and Ratification machines."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.followup.models import Action, Ratification
from tests.conftest import World
from workflows.engine import available_transitions, fire
from workflows.errors import GuardFailed, NotPermitted, NotPossible, NotVisible


@pytest.fixture
def approved(world: World):
    item = world.prepared_item(municipalities=world.municipalities[:2])
    world.meeting_in_session(item)
    item.refresh_from_db()
    fire(item, "approve", actor=world.cluster_chair, text="Goedgekeurd.", consensus=True)
    return item


def test_the_assignee_service_staff_and_coordinator_work_on_an_action(
    world: World, approved
) -> None:
    for_person = Action.objects.create(
        item=approved, title="Nota", assignee=world.author, due_date=dt.date.today()
    )
    for_service = Action.objects.create(
        item=approved, title="GIS-laag", service=world.service, due_date=dt.date.today()
    )
    assert available_transitions(for_person, world.author) == ["start", "block"]
    assert available_transitions(for_person, world.dvv) == []
    assert available_transitions(for_service, world.dvv) == ["start", "block"]
    assert available_transitions(for_service, world.coordinator) == ["start", "block", "cancel"]
    with pytest.raises(NotPermitted):
        fire(for_person, "start", actor=world.dvv)
    with pytest.raises(NotPermitted):
        fire(for_service, "cancel", actor=world.dvv)
    fire(for_service, "start", actor=world.dvv)
    fire(for_service, "complete", actor=world.dvv)
    with pytest.raises(NotPermitted):
        fire(for_service, "reopen", actor=world.dvv)
    fire(for_service, "reopen", actor=world.coordinator)
    assert for_service.state == "in_progress"


def test_blocking_needs_a_reason_and_resuming_clears_it(world: World, approved) -> None:
    action = Action.objects.create(
        item=approved, title="Nota", assignee=world.author, due_date=dt.date.today()
    )
    with pytest.raises(GuardFailed) as refused:
        fire(action, "block", actor=world.author, reason="   ")
    assert refused.value.reasons == [_("Give a reason.")]
    fire(action, "block", actor=world.author, reason="Wacht op offerte")
    action.refresh_from_db()
    assert (action.state, action.blocked_reason) == ("blocked", "Wacht op offerte")
    with pytest.raises(NotPossible):
        fire(action, "complete", actor=world.author)
    fire(action, "resume", actor=world.author)
    action.refresh_from_db()
    assert (action.state, action.blocked_reason) == ("in_progress", "")


def test_overdue_is_derived_from_the_due_date(world: World, approved) -> None:
    action = Action.objects.create(
        item=approved,
        title="Nota",
        assignee=world.author,
        due_date=dt.date.today() - dt.timedelta(days=1),
    )
    assert action.is_overdue
    fire(action, "cancel", actor=world.coordinator)
    assert not action.is_overdue


def test_an_action_of_a_confidential_item_is_hidden_like_the_item(world: World) -> None:
    item = world.item(confidential=True)
    action = Action.objects.create(
        item=item, title="Geheim", service=world.service, due_date=dt.date.today()
    )
    with pytest.raises(NotVisible):
        fire(action, "start", actor=world.director)


def test_the_general_director_of_the_municipality_ratifies(world: World, approved) -> None:
    roeselare, tielt = world.municipalities[:2]
    ratification = Ratification.objects.get(decision__item=approved, municipality=roeselare)
    other = Ratification.objects.get(decision__item=approved, municipality=tielt)
    assert available_transitions(ratification, world.director) == ["ratify", "decline"]
    assert available_transitions(other, world.director) == []
    assert available_transitions(ratification, world.coordinator) == ["ratify", "decline", "waive"]
    today = timezone.localdate()
    fire(
        ratification,
        "ratify",
        actor=world.director,
        date=today.isoformat(),
        deciding_body="gemeenteraad",
        reference="GR-2026-114",
    )
    ratification.refresh_from_db()
    assert (ratification.state, ratification.date, ratification.deciding_body) == (
        "ratified",
        today,
        "gemeenteraad",
    )
    with pytest.raises(NotPermitted):
        fire(other, "waive", actor=world.director)


@pytest.mark.parametrize(
    ("params", "reasons"),
    [
        (
            {},
            ["Give the date of the decision.", "Give the deciding body.", "Give the reference."],
        ),
        (
            {"date": "gisteren", "deciding_body": "college", "reference": "x"},
            ["Give the date as YYYY-MM-DD."],
        ),
        (
            {"date": "2999-01-01", "deciding_body": "college", "reference": "x"},
            ["The date of the decision cannot be in the future."],
        ),
        (
            {"date": "2001-01-01", "deciding_body": "college", "reference": "x"},
            ["The municipality cannot ratify before the decision was taken."],
        ),
    ],
)
def test_ratify_refuses_wrong_parameters(world: World, approved, params, reasons) -> None:
    ratification = Ratification.objects.filter(decision__item=approved).first()
    with pytest.raises(GuardFailed) as refused:
        fire(ratification, "ratify", actor=world.coordinator, **params)
    assert refused.value.reasons == [_(reason) for reason in reasons]
    ratification.refresh_from_db()
    assert ratification.state == "pending"


def test_ratify_refuses_an_unknown_deciding_body(world: World, approved) -> None:
    ratification = Ratification.objects.filter(decision__item=approved).first()
    with pytest.raises(GuardFailed) as refused:
        fire(
            ratification,
            "ratify",
            actor=world.coordinator,
            date=timezone.localdate().isoformat(),
            deciding_body="parliament",
            reference="x",
        )
    assert "parliament" in str(refused.value.reasons[0])


def test_decline_keeps_the_reason_and_waive_is_for_the_coordinator(world: World, approved) -> None:
    first, second = Ratification.objects.filter(decision__item=approved)
    fire(first, "decline", actor=world.coordinator, reason="Raad stemde tegen")
    first.refresh_from_db()
    assert (first.state, first.reason) == ("declined", "Raad stemde tegen")
    fire(second, "waive", actor=world.coordinator)
    assert second.state == "not_required"
