"""A meeting as the Decreet Lokaal Bestuur reads it: when it was opened and closed, who
presided and who was secretary, decisions dated between the two, secret votes by their
counts only, and every decision with its tally."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.utils import timezone
from rest_framework.test import APIClient

from backend.agenda.models import AgendaItem, Decision, Vote
from backend.audit.models import TransitionLog
from backend.meetings.models import Meeting
from backend.meetings.services import attendance_record
from backend.organisations.models import Membership
from tests.conftest import World, member
from workflows.engine import fire

pytestmark = pytest.mark.django_db

Api = Callable[[str | None], APIClient]


def convened(world: World, *items: AgendaItem, present: tuple[Any, ...] = ()) -> Meeting:
    """A convened meeting of the cluster with the items, the people given present."""
    meeting = world.meeting()
    for item in items or (world.prepared_item(),):
        fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    for person in present or (world.cluster_chair, world.cluster_member):
        attendance_record(meeting=meeting, person=person, status="present", actor=world.coordinator)
    return meeting


def second_chair(world: World) -> None:
    """Make the cluster's member for Izegem its second chair."""
    Membership.objects.filter(person=world.third_member, body=world.cluster).update(
        role=Membership.Role.CHAIR
    )


def open_url(meeting: Meeting) -> str:
    return f"/api/v1/meetings/{meeting.pk}/transitions/open/"


def decide_url(item: AgendaItem, name: str = "approve") -> str:
    return f"/api/v1/agenda-items/{item.pk}/transitions/{name}/"


# --- 1. Dates -----------------------------------------------------------------------------


def test_open_and_close_record_their_moments_and_the_decision_lies_between(
    world: World, api: Api
) -> None:
    item = world.prepared_item()
    meeting = convened(world, item)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        answer = api("coordinator").post(open_url(meeting), {}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["opened_at"] is not None and answer.json()["closed_at"] is None
    with time_machine.travel(start + dt.timedelta(minutes=20), tick=False):
        decided = api("cluster_chair").post(
            decide_url(item), {"text": "Ja.", "consensus": True}, format="json"
        )
    assert decided.status_code == 200, decided.json()
    with time_machine.travel(start + dt.timedelta(minutes=45), tick=False):
        closed = api("coordinator").post(
            f"/api/v1/meetings/{meeting.pk}/transitions/close/", {}, format="json"
        )
    assert closed.status_code == 200, closed.json()
    meeting.refresh_from_db()
    decision = Decision.objects.get(item=item)
    assert meeting.opened_at == start
    assert meeting.closed_at == start + dt.timedelta(minutes=45)
    assert meeting.opened_at < decision.decided_at < meeting.closed_at
    assert decision.decided_at == start + dt.timedelta(minutes=20)
    shown = api("cluster_member").get(f"/api/v1/decisions/{decision.pk}/").json()
    assert shown["decided_at"].startswith(timezone.localtime(decision.decided_at).isoformat()[:16])


def test_the_moments_and_the_presiding_chair_cannot_be_written_by_a_client(
    world: World, api: Api
) -> None:
    meeting = world.meeting()
    answer = api("coordinator").patch(
        f"/api/v1/meetings/{meeting.pk}/",
        {
            "opened_at": "2026-01-01T10:00:00Z",
            "closed_at": "2026-01-01T11:00:00Z",
            "presiding": world.cluster_chair.pk,
        },
        format="json",
    )
    assert answer.status_code == 200
    meeting.refresh_from_db()
    assert (meeting.opened_at, meeting.closed_at, meeting.presiding) == (None, None, None)


def test_the_migration_fills_the_moments_and_the_chair_of_meetings_held_before(
    world: World,
) -> None:
    item = world.prepared_item()
    meeting = world.meeting_in_session(item)
    fire(item, "postpone", actor=world.cluster_chair)
    meeting.refresh_from_db()
    fire(meeting, "close", actor=world.coordinator)
    logs = TransitionLog.objects.for_object(meeting)
    opened = logs.get(transition="open").at
    closed = logs.get(transition="close").at
    Meeting.objects.filter(pk=meeting.pk).update(opened_at=None, closed_at=None, presiding=None)
    migration = importlib.import_module("backend.meetings.migrations.0007_fill_held_times")
    migration.fill(apps, None)
    meeting.refresh_from_db()
    assert (meeting.opened_at, meeting.closed_at) == (opened, closed)
    assert meeting.presiding == world.cluster_chair


def test_the_tally_migration_counts_the_votes_and_a_consensus(world: World) -> None:
    voted, agreed = world.prepared_item(), world.prepared_item()
    world.meeting_in_session(voted, agreed)
    roeselare, tielt, _izegem = world.municipalities
    fire(
        voted,
        "approve",
        actor=world.cluster_chair,
        text="Ja.",
        votes=[
            {"municipality": roeselare.pk, "vote": "for"},
            {"municipality": tielt.pk, "vote": "abstain"},
        ],
    )
    fire(agreed, "approve", actor=world.cluster_chair, text="Ja.", consensus=True)
    Decision.objects.update(votes_for=0, votes_against=0, votes_abstain=0)
    migration = importlib.import_module("backend.agenda.migrations.0007_fill_tallies")
    migration.fill(apps, None)
    assert Decision.objects.get(item=voted).tally == {"for": 1, "against": 0, "abstain": 1}
    assert Decision.objects.get(item=agreed).tally == {"for": 2, "against": 0, "abstain": 0}


# --- 2. Presiding and secretary ----------------------------------------------------------


def test_open_takes_the_first_chair_present_by_default(world: World, api: Api) -> None:
    meeting = convened(world)
    assert api("coordinator").post(open_url(meeting), {}, format="json").status_code == 200
    meeting.refresh_from_db()
    assert meeting.presiding == world.cluster_chair
    shown = api("cluster_member").get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert shown["presiding"] == world.cluster_chair.pk


def test_open_takes_another_chair_present_when_named(world: World, api: Api) -> None:
    second_chair(world)
    meeting = convened(world, present=(world.cluster_chair, world.third_member))
    answer = api("coordinator").post(
        open_url(meeting), {"presiding": world.third_member.pk}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    meeting.refresh_from_db()
    assert meeting.presiding == world.third_member


@pytest.mark.parametrize("who", ["cluster_member", "absent_chair", "stranger", "nobody"])
def test_a_presiding_chair_not_a_chair_or_not_present_is_refused(
    world: World, api: Api, who: str
) -> None:
    second_chair(world)
    meeting = convened(world)  # cluster_chair and cluster_member present
    presiding = {
        "cluster_member": world.cluster_member.pk,
        "absent_chair": world.third_member.pk,
        "stranger": world.stranger.pk,
        "nobody": 999999,
    }[who]
    answer = api("coordinator").post(open_url(meeting), {"presiding": presiding}, format="json")
    assert answer.status_code == 400
    assert answer.json()["reasons"] == [
        "De voorzitter van de vergadering moet een aanwezige voorzitter van het orgaan zijn."
    ]
    meeting.refresh_from_db()
    assert (meeting.state, meeting.opened_at, meeting.presiding) == ("convened", None, None)
    assert not TransitionLog.objects.for_object(meeting).filter(transition="open").exists()


def test_without_a_chair_present_the_meeting_does_not_open(world: World, api: Api) -> None:
    meeting = convened(world, present=(world.cluster_member, world.third_member))
    answer = api("coordinator").post(open_url(meeting), {}, format="json")
    assert answer.status_code == 400
    assert (
        "Er is geen voorzitter van het orgaan als aanwezig genoteerd: noteer eerst wie voorzit."
        in answer.json()["reasons"]
    )
    meeting.refresh_from_db()
    assert meeting.state == "convened"


def test_the_secretary_is_set_while_planned_or_convened(world: World, api: Api) -> None:
    member(world.group_member, world.cluster, "secretary", None)
    meeting = world.meeting()
    url = f"/api/v1/meetings/{meeting.pk}/"
    answer = api("coordinator").patch(url, {"secretary": world.group_member.pk}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["secretary"] == world.group_member.pk
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    meeting.refresh_from_db()
    fire(meeting, "convene", actor=world.coordinator)
    answer = api("cluster_chair").patch(url, {"secretary": world.coordinator.pk}, format="json")
    assert answer.status_code == 200, answer.json()
    meeting.refresh_from_db()
    assert meeting.secretary == world.coordinator
    edit = TransitionLog.objects.for_object(meeting).filter(kind="edit").last()
    assert edit.params["changes"]["secretary"] == {
        "old": world.group_member.pk,
        "new": world.coordinator.pk,
    }
    # Its date no longer moves once convened, its secretary does.
    moved = api("coordinator").patch(url, {"location": "Elders"}, format="json")
    assert moved.status_code == 409


@pytest.mark.parametrize("who", ["director", "cluster_member", "stranger"])
def test_a_secretary_who_is_not_of_the_body_is_refused(world: World, api: Api, who: str) -> None:
    meeting = world.meeting()
    before = meeting.version
    answer = api("coordinator").patch(
        f"/api/v1/meetings/{meeting.pk}/", {"secretary": getattr(world, who).pk}, format="json"
    )
    assert answer.status_code == 400
    # Someone of another region is not even known here.
    expected = "bestaat niet" if who == "stranger" else "De secretaris moet een secretaris"
    assert expected in str(answer.json())
    meeting.refresh_from_db()
    assert (meeting.secretary, meeting.version) == (None, before)


def test_a_meeting_is_planned_with_its_secretary_or_refused(world: World, api: Api) -> None:
    starts = timezone.now() + dt.timedelta(days=20)
    data = {
        "body": world.cluster.pk,
        "starts_at": starts.isoformat(),
        "submission_deadline": (starts - dt.timedelta(days=7)).isoformat(),
    }
    refused = api("coordinator").post(
        "/api/v1/meetings/", {**data, "secretary": world.director.pk}, format="json"
    )
    assert refused.status_code == 400
    assert not Meeting.objects.exists()
    made = api("coordinator").post(
        "/api/v1/meetings/", {**data, "secretary": world.coordinator.pk}, format="json"
    )
    assert made.status_code == 201, made.json()
    assert Meeting.objects.get().secretary == world.coordinator


def test_the_secretary_is_not_changed_once_in_session(world: World, api: Api) -> None:
    meeting = world.meeting_in_session(world.prepared_item())
    answer = api("coordinator").patch(
        f"/api/v1/meetings/{meeting.pk}/", {"secretary": world.coordinator.pk}, format="json"
    )
    assert answer.status_code == 409
    meeting.refresh_from_db()
    assert meeting.secretary is None


# --- 5. Secret votes and tally ------------------------------------------------------------


def in_session(world: World) -> tuple[AgendaItem, Meeting]:
    """An item on a meeting in session with Roeselare, Tielt and Izegem present."""
    item = world.prepared_item(title="Voordracht van een bestuurder")
    meeting = convened(
        world, item, present=(world.cluster_chair, world.cluster_member, world.third_member)
    )
    fire(meeting, "open", actor=world.coordinator)
    item.refresh_from_db()
    return item, meeting


def test_a_secret_vote_keeps_only_its_counts(world: World, api: Api) -> None:
    item, _meeting = in_session(world)
    answer = api("cluster_chair").post(
        decide_url(item),
        {"text": "Voorgedragen.", "secret": True, "for": 2, "against": 0, "abstain": 1},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    decision = Decision.objects.get(item=item)
    assert not Vote.objects.filter(decision=decision).exists()
    shown = api("cluster_member").get(f"/api/v1/decisions/{decision.pk}/").json()
    assert shown["secret"] is True and shown["consensus"] is False
    assert shown["tally"] == {"for": 2, "against": 0, "abstain": 1}
    assert shown["votes"] == []
    # The history keeps the counts; no municipality is named anywhere in it.
    log = TransitionLog.objects.for_object(item).get(transition="approve")
    assert log.params["votes"] == {} and log.params["tally"] == shown["tally"]
    history = api("cluster_member").get(f"/api/v1/agenda-items/{item.pk}/history/").json()
    text = str(history) + str(log.params)
    for municipality in world.municipalities:
        assert municipality.name not in text
        assert f"'{municipality.pk}'" not in str(log.params)


def test_every_decision_shows_its_tally(world: World, api: Api) -> None:
    voted, agreed = world.prepared_item(), world.prepared_item()
    world.meeting_in_session(voted, agreed)
    roeselare, tielt, _izegem = world.municipalities
    fire(
        voted,
        "reject",
        actor=world.cluster_chair,
        text="Nee.",
        votes=[
            {"municipality": roeselare.pk, "vote": "against"},
            {"municipality": tielt.pk, "vote": "abstain"},
        ],
    )
    fire(agreed, "approve", actor=world.cluster_chair, text="Ja.", consensus=True)
    by_item = {
        row["item"]: row
        for row in api("cluster_member").get("/api/v1/decisions/").json()["results"]
    }
    assert by_item[voted.pk]["tally"] == {"for": 0, "against": 1, "abstain": 1}
    assert by_item[voted.pk]["secret"] is False and len(by_item[voted.pk]["votes"]) == 2
    # By consensus: every municipality present for.
    assert by_item[agreed.pk]["tally"] == {"for": 2, "against": 0, "abstain": 0}


MIXED = "Een geheime stemming geeft alleen de aantallen: geen consensus en geen stemmen erbij."
SUM = "De aantallen tellen op tot {sum}; ze moeten optellen tot de 3 aanwezige gemeenten."


@pytest.mark.parametrize(
    ("params", "reasons"),
    [
        ({"for": 1, "against": 0, "abstain": 1}, [SUM.format(sum=2)]),
        ({"for": 2, "against": 1, "abstain": 1}, [SUM.format(sum=4)]),
        ({"for": -1, "against": 3, "abstain": 1}, ["Voor: geef een geheel getal, 0 of meer."]),
        ({"for": 4, "against": 0, "abstain": 0}, ["Voor: meer dan de 3 aanwezige gemeenten."]),
        ({"for": "2", "against": 1, "abstain": 0}, ["Voor: geef een geheel getal, 0 of meer."]),
        ({"for": True, "against": 2, "abstain": 0}, ["Voor: geef een geheel getal, 0 of meer."]),
        ({"for": 3, "against": 0}, ["Onthouding: geef een geheel getal, 0 of meer."]),
        (
            {"for": 3, "against": 0, "abstain": 0, "consensus": True},
            [MIXED],
        ),
        (
            {"for": 3, "against": 0, "abstain": 0, "votes": []},
            [MIXED],
        ),
    ],
)
def test_secret_counts_that_do_not_hold_are_refused_and_nothing_changes(
    world: World, api: Api, params: dict[str, Any], reasons: list[str]
) -> None:
    item, _meeting = in_session(world)
    answer = api("cluster_chair").post(
        decide_url(item), {"text": "Ja.", "secret": True, **params}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["reasons"] == reasons
    item.refresh_from_db()
    assert item.state == "scheduled"
    assert not Decision.objects.exists()


def test_counts_without_a_secret_vote_are_refused(world: World, api: Api) -> None:
    item, _meeting = in_session(world)
    answer = api("cluster_chair").post(
        decide_url(item), {"text": "Ja.", "consensus": True, "for": 3}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["reasons"] == [
        "Aantallen worden alleen gegeven bij een geheime stemming (secret: true)."
    ]
    assert not Decision.objects.exists()


def test_the_english_reason_of_a_secret_count_that_does_not_add_up(world: World, api: Api) -> None:
    item, _meeting = in_session(world)
    answer = api("cluster_chair").post(
        decide_url(item),
        {"text": "Ja.", "secret": True, "for": 1, "against": 0, "abstain": 0},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400
    assert answer.json()["reasons"] == [
        "The counts add up to 1; they must add up to the 3 municipalities present."
    ]


def test_the_schema_describes_the_new_parameters_and_fields(api: Api) -> None:
    schema = api(None).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    bodies = schema["components"]["schemas"]

    def request_body(path: str) -> dict[str, Any]:
        operation = schema["paths"][path]["post"]
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return bodies[ref.rsplit("/", 1)[1]]

    approve = request_body("/api/v1/agenda-items/{id}/transitions/approve/")
    assert {"secret", "for", "against", "abstain"} <= set(approve["properties"])
    opening = request_body("/api/v1/meetings/{id}/transitions/open/")
    assert {"presiding", "other_day"} <= set(opening["properties"])
    assert "required" not in opening
    assert {"opened_at", "closed_at", "presiding", "secretary"} <= set(
        bodies["Meeting"]["properties"]
    )
    assert {"secret", "tally"} <= set(bodies["Decision"]["properties"])


def test_a_membership_role_of_secretary_is_what_makes_a_secretary(world: World) -> None:
    """The body's secretary role, not any membership, makes someone eligible."""
    from backend.meetings.selectors import secretaries_possible

    meeting = world.meeting()
    assert list(secretaries_possible(meeting)) == [world.coordinator]
    member(world.group_member, world.cluster, Membership.Role.SECRETARY, None)
    assert set(secretaries_possible(meeting)) == {world.coordinator, world.group_member}
