"""Attendance per entry: someone who leaves (or arrives) during the meeting is absent for
the entries treated then. Each entry's quorum, who votes on it and the open data follow who
was there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from backend.agenda.models import AgendaItem, Decision
from backend.audit.models import TransitionLog
from backend.documents.data import minutes_data
from backend.documents.render import render
from backend.documents.services import template_path
from backend.meetings.models import AgendaEntry, Meeting
from backend.meetings.selectors import quorum_of
from backend.meetings.services import attendance_record
from backend.opendata.export import Sitting
from tests.conftest import World
from tests.documents.samples import all_text, read
from workflows.engine import fire

pytestmark = pytest.mark.django_db

Api = Callable[[str | None], APIClient]


def entry_of(item: AgendaItem) -> AgendaEntry:
    entry = item.current_entry()
    assert entry is not None
    return entry


def three_entries(world: World) -> tuple[Meeting, list[AgendaItem]]:
    """A convened meeting with three items, the three municipalities' members present."""
    items = [world.prepared_item(title=f"Punt {n}") for n in (1, 2, 3)]
    meeting = world.meeting()
    for item in items:
        fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    for member in (world.cluster_chair, world.cluster_member, world.third_member):
        attendance_record(meeting=meeting, person=member, status="present", actor=world.coordinator)
    meeting.refresh_from_db()
    return meeting, items


def record(api: Api, meeting: Meeting, **body: Any) -> Any:
    return api("coordinator").post(
        f"/api/v1/meetings/{meeting.pk}/attendance/", body | {"status": "present"}, format="json"
    )


def test_who_left_before_an_entry_does_not_count_for_it_nor_vote_on_it(
    world: World, api: Api
) -> None:
    roeselare, tielt, izegem = world.municipalities
    meeting, items = three_entries(world)
    answer = record(api, meeting, person=world.third_member.pk, left_before_entry=2)
    assert answer.status_code == 200, answer.json()
    assert answer.json()["left_before_entry"] == 2
    # Leaving is a change of its own in the history, though the status stays "present".
    edit = TransitionLog.objects.for_object(meeting).filter(kind="edit").last()
    assert edit is not None
    assert edit.params["fields"] == [f"attendance:{world.third_member.pk}:left_before_entry"]
    assert edit.params["changes"][edit.params["fields"][0]] == {"old": None, "new": 2}
    first, second, third = (entry_of(item) for item in items)
    assert quorum_of(meeting, first).present == {roeselare.pk, tielt.pk, izegem.pk}
    assert quorum_of(meeting, second).present == {roeselare.pk, tielt.pk}
    assert quorum_of(meeting, third).present == {roeselare.pk, tielt.pk}
    assert quorum_of(meeting).present == {roeselare.pk, tielt.pk, izegem.pk}

    fire(meeting, "open", actor=world.cluster_chair)
    everyone = [
        {"municipality": roeselare.pk, "vote": "for"},
        {"municipality": tielt.pk, "vote": "for"},
        {"municipality": izegem.pk, "vote": "against"},
    ]
    decide = f"/api/v1/agenda-items/{items[1].pk}/transitions/approve/"
    for language, says in (("en", "none of its members was present"), ("nl", "geen van haar")):
        refused = api("cluster_chair").post(
            decide, {"text": "Ja.", "votes": everyone}, format="json", HTTP_ACCEPT_LANGUAGE=language
        )
        assert refused.status_code == 400
        assert says in str(refused.json()) and "Izegem" in str(refused.json())
    assert not Decision.objects.exists()
    # A secret vote on the second entry counts two voters, on the first three.
    too_many = api("cluster_chair").post(
        decide,
        {"text": "Ja.", "secret": True, "for": 2, "against": 1, "abstain": 0},
        format="json",
    )
    assert too_many.status_code == 400
    assert (
        api("cluster_chair")
        .post(decide, {"text": "Ja.", "votes": everyone[:2]}, format="json")
        .status_code
        == 200
    )
    assert (
        api("cluster_chair")
        .post(
            f"/api/v1/agenda-items/{items[0].pk}/transitions/approve/",
            {"text": "Ja.", "votes": everyone},
            format="json",
        )
        .status_code
        == 200
    )
    # Open data names the voters who were there for each decision.
    sitting = Sitting.read(meeting)
    voters = {
        decision.item_id: {a.person_id for a in sitting.voters(decision)}
        for decision in Decision.objects.filter(meeting=meeting)
    }
    everybody = {world.cluster_chair.pk, world.cluster_member.pk, world.third_member.pk}
    assert voters[items[0].pk] == everybody
    assert voters[items[1].pk] == everybody - {world.third_member.pk}


def test_who_arrived_later_counts_from_that_entry_on(world: World, api: Api) -> None:
    roeselare, _tielt, izegem = world.municipalities
    meeting, items = three_entries(world)
    attendance_record(
        meeting=meeting, person=world.third_member, status="absent", actor=world.coordinator
    )
    attendance_record(
        meeting=meeting, person=world.cluster_member, status="absent", actor=world.coordinator
    )
    assert (
        record(api, meeting, person=world.third_member.pk, arrived_before_entry=3).status_code
        == 200
    )
    first, _second, third = (entry_of(item) for item in items)
    assert quorum_of(meeting, first).present == {roeselare.pk}
    assert quorum_of(meeting, third).present == {roeselare.pk, izegem.pk}
    # Two of three municipalities are needed: the first entry cannot be decided.
    fire(meeting, "open", actor=world.cluster_chair)
    refused = api("cluster_chair").post(
        f"/api/v1/agenda-items/{items[0].pk}/transitions/approve/",
        {"text": "Ja.", "consensus": True},
        format="json",
    )
    assert refused.status_code == 400
    assert "quorum" in str(refused.json()).lower()
    decided = api("cluster_chair").post(
        f"/api/v1/agenda-items/{items[2].pk}/transitions/approve/",
        {"text": "Ja.", "consensus": True},
        format="json",
    )
    assert decided.status_code == 200, decided.json()


@pytest.mark.parametrize(
    ("body", "english", "dutch"),
    [
        ({"left_before_entry": 7}, "There is no entry 7", "Er is geen punt 7"),
        ({"arrived_before_entry": 4}, "There is no entry 4", "Er is geen punt 4"),
        (
            {"arrived_before_entry": 3, "left_before_entry": 2},
            "arrives before the entry before which they leave",
            "voor het punt waarvoor",
        ),
        (
            {"arrived_before_entry": 2, "left_before_entry": 2},
            "arrives before the entry before which they leave",
            "voor het punt waarvoor",
        ),
        ({"status": "excused", "left_before_entry": 2}, "Only someone present", "Enkel wie"),
        (
            {"left_before_entry": 0},
            "greater than or equal to 1",
            "groter is dan of gelijk is aan 1",
        ),
    ],
)
def test_attendance_per_entry_outside_the_agenda_is_refused_and_nothing_changes(
    world: World, api: Api, body: dict[str, Any], english: str, dutch: str
) -> None:
    meeting, _items = three_entries(world)
    before = (
        list(meeting.attendances.order_by("person").values_list()),
        TransitionLog.objects.count(),
    )
    for language, says in (("en", english), ("nl", dutch)):
        answer = api("coordinator").post(
            f"/api/v1/meetings/{meeting.pk}/attendance/",
            {"person": world.third_member.pk, "status": "present"} | body,
            format="json",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert answer.status_code == 400, answer.json()
        assert says in str(answer.json()), answer.json()
    after = (
        list(meeting.attendances.order_by("person").values_list()),
        TransitionLog.objects.count(),
    )
    assert after == before


def test_the_minutes_say_who_replaced_whom_and_who_came_and_went_before_which_entry(
    world: World,
) -> None:
    alderman = world.substitute("schepen", 1, name="Sofie Schepers")
    items = [world.prepared_item(title=f"Punt {n}") for n in (1, 2, 3)]
    meeting = world.meeting()
    for item in items:
        fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    for member in (world.cluster_chair, world.third_member):
        attendance_record(meeting=meeting, person=member, status="present", actor=world.coordinator)
    attendance_record(
        meeting=meeting,
        person=alderman,
        status="present",
        replacing=world.cluster_member,
        arrived_before_entry=2,
        actor=world.coordinator,
    )
    attendance_record(
        meeting=meeting,
        person=world.third_member,
        status="present",
        left_before_entry=3,
        actor=world.coordinator,
    )
    fire(meeting, "open", actor=world.cluster_chair)
    for item in items:
        item.refresh_from_db()
        fire(item, "approve", actor=world.cluster_chair, text="Ja.", consensus=True)
    fire(meeting, "close", actor=world.cluster_chair)
    lines = all_text(
        read(render(minutes_data(meeting, public=False, version=1), template_path("minutes")))
    )
    substitute = next(line for line in lines if line.startswith("Sofie Schepers"))
    assert substitute.endswith("(vervangt Clustermember)")
    assert any(line.startswith("Clustermember") for line in lines)  # among the excused
    joined = lines.index("Sofie Schepers vervoegt de vergadering.")
    left = lines.index("Third_Member verlaat de vergadering.")
    assert lines.index("1. Punt 1") < joined < lines.index("2. Punt 2") < left
    assert left < lines.index("3. Punt 3")
