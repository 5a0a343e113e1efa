"""Who gets which answer, for every role, collection and transition: generated from tables.

Roles: the coordinator, a cluster chair, a cluster member, the intervision group's chair
and a member, DVV staff, someone of another region, and an anonymous caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from backend.followup.models import Action, Ratification
from backend.meetings.services import attendance_record
from backend.organisations.models import Coalition
from tests.conftest import World
from workflows.engine import fire

ROLES = {
    "coordinator": "coordinator",
    "cluster_chair": "cluster_chair",
    "cluster_member": "cluster_member",
    "intervision_chair": "group_chair",
    "intervision_member": "group_member",
    "dvv_staff": "dvv",
    "other_region": "stranger",
    "anonymous": None,
}


def client_for(world: World, role: str) -> APIClient:
    client = APIClient()
    persona = ROLES[role]
    if persona is not None:
        client.force_authenticate(getattr(world, persona))
    return client


def expected(role: str, allowed: set[str], when_allowed: int = 200, refused: int = 403) -> int:
    """The contract's order: 401 anonymous, 404 invisible, then permission, then the rest."""
    if role == "anonymous":
        return 401
    if role == "other_region":
        return 404
    return when_allowed if role in allowed else refused


# --- Builders: each returns (collection, object, parameters) fresh for one request ---------


def item_in(world: World, state: str) -> Any:
    item = world.item()
    road = [
        ("submitted", lambda: fire(item, "submit", actor=world.author)),
        ("in_preparation", lambda: fire(item, "start_preparation", actor=world.group_chair)),
        ("prepared", lambda: fire(item, "endorse", actor=world.group_chair)),
        ("scheduled", lambda: world.meeting_in_session(item)),
        (
            "approved",
            lambda: fire(item, "approve", actor=world.cluster_chair, text="Ja.", consensus=True),
        ),
        ("in_execution", lambda: start_execution(world, item)),
    ]
    for reached, step in road:
        if item.state == state:
            break
        step()
        assert item.state == reached
    return item


def urgent_in_session(world: World) -> Any:
    """An item added as urgent to a convened meeting, opened by the cluster chair, who
    presides."""
    meeting = meeting_in(world, "convened")
    item = item_in(world, "prepared")
    fire(
        item,
        "schedule",
        actor=world.cluster_chair,
        meeting=meeting.pk,
        urgent=True,
        reason="Subsidie vervalt vrijdag.",
    )
    fire(meeting, "open", actor=world.cluster_chair)
    item.refresh_from_db()
    return item


def start_execution(world: World, item: Any) -> None:
    action = Action.objects.create(
        item=item, title="Uitvoering", service=world.service, due_date=timezone.localdate()
    )
    fire(item, "start_execution", actor=world.coordinator)
    fire(action, "cancel", actor=world.coordinator)


def meeting_in(world: World, state: str) -> Any:
    meeting = world.meeting()
    item = world.prepared_item()
    fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    if state == "planned":
        return meeting
    fire(meeting, "convene", actor=world.coordinator)
    for person in (world.cluster_chair, world.cluster_member):
        attendance_record(meeting=meeting, person=person, status="present", actor=world.coordinator)
    if state == "convened":
        return meeting
    fire(meeting, "open", actor=world.coordinator)
    item.refresh_from_db()
    fire(item, "postpone", actor=world.cluster_chair)
    if state == "in_session":
        return meeting
    fire(meeting, "close", actor=world.coordinator)
    return meeting


def action_in(world: World, state: str) -> Any:
    action = Action.objects.create(
        item=item_in(world, "approved"),
        title="GIS-laag fietsroutes",
        service=world.service,
        due_date=timezone.localdate() + dt.timedelta(days=20),
    )
    if state in ("in_progress", "done"):
        fire(action, "start", actor=world.dvv)
    if state == "done":
        fire(action, "complete", actor=world.dvv)
    return action


def ratification(world: World) -> Any:
    item = world.prepared_item(municipalities=world.municipalities[:1])
    world.meeting_in_session(item)
    item.refresh_from_db()
    fire(item, "approve", actor=world.cluster_chair, text="Ja.", consensus=True)
    return Ratification.objects.get(decision__item=item)


@dataclass(frozen=True)
class Case:
    collection: str
    build: Callable[[World], Any]
    transition: str
    allowed: set[str]
    params: Callable[[World, Any], dict[str, Any]] = field(default=lambda w, o: {})
    when_allowed: int = 200
    refused: int = 403

    def __str__(self) -> str:
        return f"{self.collection}-{self.transition}"


def state(kind: Callable[[World, str], Any], name: str) -> Callable[[World], Any]:
    return lambda world: kind(world, name)


TODAY = lambda w, o: {  # noqa: E731
    "date": timezone.localdate().isoformat(),
    "deciding_body": "college",
    "reference": "CBS/2026/12",
}

CASES = [
    Case(
        "agenda-items",
        state(item_in, "draft"),
        "submit",
        {"intervision_member", "intervision_chair"},
    ),
    Case(
        "agenda-items",
        state(item_in, "submitted"),
        "start_preparation",
        {"intervision_chair", "coordinator"},
    ),
    Case(
        "agenda-items",
        state(item_in, "in_preparation"),
        "send_back",
        {"intervision_chair", "coordinator"},
    ),
    Case(
        "agenda-items",
        state(item_in, "in_preparation"),
        "endorse",
        {"intervision_chair", "coordinator"},
    ),
    Case(
        "agenda-items",
        state(item_in, "prepared"),
        "schedule",
        {"cluster_chair", "coordinator"},
        params=lambda w, o: {"meeting": w.meeting().pk},
    ),
    Case("agenda-items", state(item_in, "scheduled"), "postpone", {"cluster_chair"}),
    Case("agenda-items", state(item_in, "scheduled"), "return_for_rework", {"cluster_chair"}),
    Case(
        "agenda-items",
        urgent_in_session,
        "accept_urgency",
        {"cluster_chair"},
        params=lambda w, o: {"votes_for": 2},
    ),
    Case(
        "agenda-items",
        state(item_in, "scheduled"),
        "approve",
        {"cluster_chair"},
        params=lambda w, o: {"text": "Goedgekeurd.", "consensus": True},
    ),
    Case(
        "agenda-items",
        state(item_in, "scheduled"),
        "reject",
        {"cluster_chair"},
        params=lambda w, o: {"text": "Afgewezen.", "consensus": True},
    ),
    Case("agenda-items", state(item_in, "in_execution"), "complete", {"coordinator"}),
    Case("agenda-items", state(item_in, "submitted"), "withdraw", {"coordinator"}),
    # A transition the state does not offer: 409 for everyone who can see the item.
    Case(
        "agenda-items",
        state(item_in, "draft"),
        "approve",
        set(),
        params=lambda w, o: {"text": "x", "consensus": True},
        refused=409,
    ),
    # An unknown transition name: 404 for everyone.
    Case("agenda-items", state(item_in, "draft"), "explode", set(), refused=404),
    Case("meetings", state(meeting_in, "planned"), "convene", {"coordinator", "cluster_chair"}),
    Case("meetings", state(meeting_in, "planned"), "cancel", {"coordinator", "cluster_chair"}),
    Case("meetings", state(meeting_in, "convened"), "open", {"coordinator", "cluster_chair"}),
    Case("meetings", state(meeting_in, "in_session"), "close", {"coordinator", "cluster_chair"}),
    Case("meetings", state(meeting_in, "closed"), "approve_minutes", {"cluster_chair"}),
    Case("meetings", state(meeting_in, "closed"), "convene", set(), refused=409),
    Case("actions", state(action_in, "open"), "start", {"coordinator", "dvv_staff"}),
    Case(
        "actions",
        state(action_in, "in_progress"),
        "block",
        {"coordinator", "dvv_staff"},
        params=lambda w, o: {"reason": "Wacht op de luchtfoto's"},
    ),
    Case("actions", state(action_in, "in_progress"), "complete", {"coordinator", "dvv_staff"}),
    Case("actions", state(action_in, "open"), "cancel", {"coordinator"}),
    Case("actions", state(action_in, "done"), "reopen", {"coordinator"}),
    Case("ratifications", ratification, "ratify", {"coordinator"}, params=TODAY),
    Case(
        "ratifications",
        ratification,
        "decline",
        {"coordinator"},
        params=lambda w, o: {"reason": "De raad stemde tegen."},
    ),
    Case("ratifications", ratification, "waive", {"coordinator"}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_role_gets_the_contracts_answer_for_each_transition(world: World, case: Case) -> None:
    answers = {}
    for role in ROLES:
        obj = case.build(world)
        url = f"/api/v1/{case.collection}/{obj.pk}/transitions/{case.transition}/"
        answer = client_for(world, role).post(url, case.params(world, obj), format="json")
        answers[role] = answer.status_code
    assert answers == {
        role: expected(role, case.allowed, case.when_allowed, case.refused) for role in ROLES
    }


COLLECTIONS = [
    "regions",
    "municipalities",
    "bodies",
    "memberships",
    "services",
    "coalitions",
    "meetings",
    "agenda-items",
    "decisions",
    "actions",
    "ratifications",
]


def test_every_role_lists_every_collection_and_sees_only_its_region(world: World) -> None:
    ratification(world)  # an item, a meeting, a decision and a ratification
    Coalition.objects.create(region=world.region, name="Midwest+").municipalities.set(
        world.municipalities[:2]
    )
    Action.objects.create(
        item=item_in(world, "approved"), title="x", service=world.service, due_date=dt.date.today()
    )
    for role in ROLES:
        client = client_for(world, role)
        for collection in COLLECTIONS:
            answer = client.get(f"/api/v1/{collection}/")
            if role == "anonymous":
                assert answer.status_code == 401, collection
                continue
            assert answer.status_code == 200, (role, collection)
            count = answer.json()["count"]
            if role == "other_region":
                # the stranger's own region has no rows of these kinds except itself
                assert count == (1 if collection == "regions" else 0), collection
            else:
                assert count > 0, (role, collection)


def test_details_are_visible_in_the_region_and_not_found_elsewhere(world: World) -> None:
    rat = ratification(world)
    objects = {
        "agenda-items": rat.decision.item_id,
        "meetings": rat.decision.meeting_id,
        "decisions": rat.decision_id,
        "ratifications": rat.pk,
        "bodies": world.cluster.pk,
        "municipalities": world.municipalities[0].pk,
    }
    for role in ROLES:
        client = client_for(world, role)
        for collection, pk in objects.items():
            answer = client.get(f"/api/v1/{collection}/{pk}/")
            assert answer.status_code == expected(role, set(ROLES)), (role, collection)
            history = client.get(f"/api/v1/{collection}/{pk}/history/")
            if collection in ("agenda-items", "meetings", "ratifications"):
                assert history.status_code == expected(role, set(ROLES)), (role, collection)


CREATES = {
    "agenda-items": (
        {"coordinator", "intervision_chair", "intervision_member"},
        lambda w: {
            "title": "Gezamenlijke aankoop van fietsenstallingen",
            "rationale": "Schaalvoordeel.",
            "intervision_group": w.group.pk,
            "target_cluster": w.cluster.pk,
        },
    ),
    "meetings": (
        {"coordinator", "cluster_chair"},
        lambda w: {
            "body": w.cluster.pk,
            "starts_at": (timezone.now() + dt.timedelta(days=20)).isoformat(),
            "submission_deadline": (timezone.now() + dt.timedelta(days=10)).isoformat(),
            "location": "Stadhuis Izegem",
        },
    ),
    "actions": (
        {"coordinator"},
        lambda w: {
            "item": item_in(w, "approved").pk,
            "title": "Offertes opvragen",
            "assignee": w.dvv.pk,
            "due_date": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
        },
    ),
}


@pytest.mark.parametrize("collection", list(CREATES))
def test_every_role_gets_the_contracts_answer_when_creating(world: World, collection: str) -> None:
    allowed, body = CREATES[collection]
    for role in ROLES:
        answer = client_for(world, role).post(f"/api/v1/{collection}/", body(world), format="json")
        if role == "other_region":
            # the ids of another region do not resolve for this caller
            assert answer.status_code == 400, (role, answer.content)
        else:
            assert answer.status_code == expected(role, allowed, 201), (role, answer.content)
