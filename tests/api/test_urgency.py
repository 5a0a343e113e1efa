"""Urgency: an item added after the invitation went out is urgent, with a reason, and is
treated only once the body accepted the urgency by the majority its setting asks."""

from __future__ import annotations

from typing import Any

import pytest

from backend.agenda.models import AgendaItem
from backend.meetings.models import Meeting
from backend.meetings.services import attendance_record
from backend.organisations.models import Body, Membership
from tests.api.test_bad_input import nl, nothing_written, refused
from tests.conftest import World
from workflows.engine import fire

pytestmark = pytest.mark.django_db

REASON = "De subsidieaanvraag moet vrijdag ingediend zijn."


def convened(world: World, *present: Any) -> Meeting:
    """A convened meeting of the cluster, with one item on it and those present."""
    meeting = world.meeting()
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    for person in present or (world.cluster_chair, world.cluster_member):
        attendance_record(meeting=meeting, person=person, status="present", actor=world.coordinator)
    return meeting


def urgent_in_session(world: World, *present: Any) -> tuple[AgendaItem, Meeting]:
    """An item added as urgent to a convened meeting, then opened by the cluster chair."""
    meeting = convened(world, *present)
    item = world.prepared_item()
    fire(
        item, "schedule", actor=world.cluster_chair, meeting=meeting.pk, urgent=True, reason=REASON
    )
    fire(meeting, "open", actor=world.cluster_chair)
    item.refresh_from_db()
    return item, meeting


def post(api: Any, persona: str, item: AgendaItem, name: str, params: dict[str, Any]) -> Any:
    return api(persona).post(
        f"/api/v1/agenda-items/{item.pk}/transitions/{name}/", params, format="json"
    )


def test_bodies_get_the_majority_of_their_kind(world: World) -> None:
    assert world.cluster.urgency_majority == Body.UrgencyMajority.SIMPLE
    assembly = Body.objects.create(
        region=world.region, kind=Body.Kind.GENERAL_ASSEMBLY, name="Algemene vergadering", code="AV"
    )
    forum = Body.objects.create(region=world.region, kind=Body.Kind.FORUM, name="F", code="F")
    assert assembly.urgency_majority == Body.UrgencyMajority.TWO_THIRDS
    assert forum.urgency_majority == Body.UrgencyMajority.NONE


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        (
            {},
            "The invitation to this meeting has gone out: an item added now is urgent; "
            "mark it urgent and give the reason.",
        ),
        (
            {"urgent": False, "reason": REASON},
            "The invitation to this meeting has gone out: "
            "an item added now is urgent; mark it urgent and give the reason.",
        ),
        ({"urgent": True}, "Give the reason for the urgency."),
        ({"urgent": True, "reason": "   "}, "Give the reason for the urgency."),
    ],
)
def test_a_convened_meeting_takes_an_item_only_as_urgent_with_a_reason(
    world: World, api: Any, params: dict[str, Any], reason: str
) -> None:
    meeting = convened(world)
    item = world.prepared_item()
    with nothing_written(item, meeting):
        answer = post(api, "cluster_chair", item, "schedule", {"meeting": meeting.pk, **params})
    assert nl(reason) in refused(answer, 400)["reasons"]


def test_an_urgent_flag_on_a_planned_meeting_is_refused(world: World, api: Any) -> None:
    meeting = world.meeting()
    item = world.prepared_item()
    params = {"meeting": meeting.pk, "urgent": True, "reason": REASON}
    with nothing_written(item, meeting):
        answer = post(api, "cluster_chair", item, "schedule", params)
    assert (
        nl("The invitation to this meeting has not gone out yet: schedule the item without urgent.")
        in refused(answer, 400)["reasons"]
    )
    # Without the flag, a reason is ignored: the entry is an ordinary one.
    answer = post(api, "cluster_chair", item, "schedule", {"meeting": meeting.pk, "reason": "x"})
    assert answer.status_code == 200, answer.content
    entry = meeting.entries.get(item=item)
    assert (entry.urgent, entry.urgency_reason) == (False, "")


def test_an_opened_meeting_takes_an_urgent_item_from_a_chair(world: World, api: Any) -> None:
    meeting = convened(world)
    fire(meeting, "open", actor=world.cluster_chair)
    item = world.prepared_item()
    answer = post(
        api,
        "cluster_chair",
        item,
        "schedule",
        {"meeting": meeting.pk, "urgent": True, "reason": REASON},
    )
    assert answer.status_code == 200, answer.content
    entry = meeting.entries.get(item=item)
    assert (entry.urgent, entry.urgency_reason, entry.urgency_accepted_at) == (True, REASON, None)


@pytest.mark.parametrize("name", ["approve", "reject"])
def test_an_urgent_item_is_not_decided_before_its_urgency_is_accepted(
    world: World, api: Any, name: str
) -> None:
    item, meeting = urgent_in_session(world)
    with nothing_written(item, meeting):
        answer = post(api, "cluster_chair", item, name, {"text": "Ja.", "consensus": True})
    assert (
        nl(
            "The item was added to the meeting as urgent: the body must first accept the "
            "urgency (accept_urgency)."
        )
        in refused(answer, 400)["reasons"]
    )


def test_an_urgent_information_item_is_not_noted_before_acceptance(world: World, api: Any) -> None:
    meeting = convened(world)
    item = world.prepared_item(kind="information")
    fire(
        item, "schedule", actor=world.cluster_chair, meeting=meeting.pk, urgent=True, reason=REASON
    )
    fire(meeting, "open", actor=world.cluster_chair)
    with nothing_written(item):
        answer = post(api, "cluster_chair", item, "take_note", {})
    assert refused(answer, 400)["reasons"]
    fire(item, "accept_urgency", actor=world.cluster_chair, votes_for=2)
    assert post(api, "cluster_chair", item, "take_note", {}).status_code == 200


def test_the_presiding_chair_accepts_the_urgency_then_the_item_is_decided(
    world: World, api: Any
) -> None:
    item, meeting = urgent_in_session(world)
    assert meeting.presiding == world.cluster_chair
    answer = post(api, "cluster_chair", item, "accept_urgency", {"votes_for": 2})
    assert answer.status_code == 200, answer.content
    entry = item.current_entry()
    assert entry.urgency_accepted_at is not None
    assert entry.urgency_votes_for == 2
    shown = api("coordinator").get(f"/api/v1/meetings/{meeting.pk}/").json()["entries"]
    assert [(e["urgent"], e["urgency_votes_for"]) for e in shown if e["item"] == item.pk] == [
        (True, 2)
    ]
    item.refresh_from_db()
    assert item.state == "scheduled"
    # Accepted once: a second acceptance is refused, nothing changes.
    with nothing_written(item, entry):
        answer = post(api, "cluster_chair", item, "accept_urgency", {"votes_for": 2})
    assert (
        nl("The urgency of this item has already been accepted.") in refused(answer, 400)["reasons"]
    )
    answer = post(api, "cluster_chair", item, "approve", {"text": "Ja.", "consensus": True})
    assert answer.status_code == 200, answer.content


@pytest.mark.parametrize("persona", ["coordinator", "cluster_member", "third_member"])
def test_only_the_presiding_chair_accepts_the_urgency(world: World, api: Any, persona: str) -> None:
    # Izegem's member is a second chair of the cluster, present, but not presiding.
    Membership.objects.filter(person=world.third_member, body=world.cluster).update(
        role=Membership.Role.CHAIR
    )
    present = (world.cluster_chair, world.cluster_member, world.third_member)
    item, meeting = urgent_in_session(world, *present)
    assert meeting.presiding == world.cluster_chair
    entry = item.current_entry()
    with nothing_written(item, entry):
        answer = post(api, persona, item, "accept_urgency", {"votes_for": 2})
    assert answer.status_code == 403, answer.content


def test_too_few_votes_for_a_simple_majority_are_refused_with_the_count(
    world: World, api: Any
) -> None:
    item, _meeting = urgent_in_session(world)  # 2 municipalities present
    entry = item.current_entry()
    with nothing_written(item, entry):
        answer = post(api, "cluster_chair", item, "accept_urgency", {"votes_for": 1})
    reasons = refused(answer, 400)["reasons"]
    assert "1 van de 2 aanwezigen stemden voor de dringendheid; meer dan de helft is 2." in reasons


def test_two_thirds_of_those_present_are_counted(world: World, api: Any) -> None:
    world.cluster.urgency_majority = Body.UrgencyMajority.TWO_THIRDS
    world.cluster.save()
    present = (world.cluster_chair, world.cluster_member, world.third_member)
    item, _meeting = urgent_in_session(world, *present)
    entry = item.current_entry()
    with nothing_written(item, entry):
        answer = post(api, "cluster_chair", item, "accept_urgency", {"votes_for": 1})
    reasons = refused(answer, 400)["reasons"]
    assert "1 van de 3 aanwezigen stemden voor de dringendheid; tweederde is 2." in reasons
    with nothing_written(item, entry):
        answer = post(api, "cluster_chair", item, "accept_urgency", {"votes_for": 4})
    assert "4 stemmen voor, maar slechts 3 aanwezig." in refused(answer, 400)["reasons"]
    with nothing_written(item, entry):
        answer = post(api, "cluster_chair", item, "accept_urgency", {})
    assert nl("Give the number of votes for the urgency.") in refused(answer, 400)["reasons"]
    assert post(api, "cluster_chair", item, "accept_urgency", {"votes_for": 2}).status_code == 200


@pytest.mark.parametrize("votes", [-1, "twee", True, 2.5, [2]])
def test_votes_for_must_be_a_whole_number(world: World, api: Any, votes: Any) -> None:
    item, _meeting = urgent_in_session(world)
    entry = item.current_entry()
    with nothing_written(item, entry):
        answer = post(api, "cluster_chair", item, "accept_urgency", {"votes_for": votes})
    assert refused(answer, 400)["reasons"]


def test_without_a_vote_the_chair_accepts(world: World, api: Any) -> None:
    world.cluster.urgency_majority = Body.UrgencyMajority.NONE
    world.cluster.save()
    item, _meeting = urgent_in_session(world)
    assert post(api, "cluster_chair", item, "accept_urgency", {}).status_code == 200
    assert item.current_entry().urgency_votes_for is None


def test_an_entry_not_urgent_has_no_urgency_to_accept(world: World, api: Any) -> None:
    item = world.prepared_item()
    world.meeting_in_session(item)
    with nothing_written(item):
        answer = post(api, "cluster_chair", item, "accept_urgency", {"votes_for": 2})
    assert nl("The item is not on the agenda as urgent.") in refused(answer, 400)["reasons"]
