"""Substitutes: a member who cannot come is replaced by their municipality's substitute
(a designated alderman, or in the DVV bodies the appointed substitute), who then counts for
the quorum and votes for the municipality. Recorded through the attendance of the meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from backend.agenda.models import Decision, Vote
from backend.audit.models import TransitionLog
from backend.meetings.models import Attendance, Meeting
from backend.meetings.selectors import quorum_of
from backend.meetings.services import attendance_record
from backend.organisations.models import Membership
from tests.conftest import World
from workflows.engine import fire

pytestmark = pytest.mark.django_db

Api = Callable[[str | None], APIClient]


def convened(world: World, *items: Any) -> Meeting:
    meeting = world.meeting()
    for item in items:
        fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    meeting.refresh_from_db()
    return meeting


def attendance_url(meeting: Meeting) -> str:
    return f"/api/v1/meetings/{meeting.pk}/attendance/"


def snapshot(meeting: Meeting) -> tuple[list[tuple[Any, ...]], int]:
    """What a refused request must leave as it was: the attendance and the history."""
    rows = list(
        meeting.attendances.order_by("person").values_list(
            "person", "status", "replacing", "arrived_before_entry", "left_before_entry"
        )
    )
    return rows, TransitionLog.objects.count()


def test_a_substitute_replaces_an_absent_mayor_and_votes_for_the_municipality(
    world: World, api: Api
) -> None:
    roeselare, tielt, izegem = world.municipalities
    alderman = world.substitute("schepen_tielt", 1)
    item = world.prepared_item()
    meeting = convened(world, item)
    attendance_record(
        meeting=meeting, person=world.cluster_chair, status="present", actor=world.coordinator
    )
    answer = api("coordinator").post(
        attendance_url(meeting),
        {"person": alderman.pk, "status": "present", "replacing": world.cluster_member.pk},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["replacing"] == world.cluster_member.pk
    assert answer.json()["municipality"] == tielt.pk
    # Whom they replace is recorded as excused, in the same edit.
    replaced = Attendance.objects.get(meeting=meeting, person=world.cluster_member)
    assert replaced.status == Attendance.Status.EXCUSED
    edit = TransitionLog.objects.for_object(meeting).filter(kind="edit").last()
    assert edit is not None
    assert f"attendance:{alderman.pk}" in edit.params["fields"]
    assert f"attendance:{world.cluster_member.pk}" in edit.params["fields"]
    # Tielt counts for the quorum (2 of 3) and its substitute votes for it.
    assert quorum_of(meeting).present == {roeselare.pk, tielt.pk}
    fire(meeting, "open", actor=world.cluster_chair)
    decided = api("cluster_chair").post(
        f"/api/v1/agenda-items/{item.pk}/transitions/approve/",
        {
            "text": "Goedgekeurd.",
            "votes": [
                {"municipality": roeselare.pk, "vote": "for"},
                {"municipality": tielt.pk, "vote": "against"},
            ],
        },
        format="json",
    )
    assert decided.status_code == 200, decided.json()
    votes = dict(
        Vote.objects.filter(decision=Decision.objects.get(item=item)).values_list(
            "municipality", "vote"
        )
    )
    assert votes == {roeselare.pk: "for", tielt.pk: "against"}
    assert izegem.pk not in votes
    listed = api("third_member").get(attendance_url(meeting)).json()
    assert {(row["person"], row["replacing"]) for row in listed} >= {
        (alderman.pk, world.cluster_member.pk)
    }


@pytest.mark.parametrize(
    ("case", "english", "dutch"),
    [
        ("other municipality", "is not a member of the body for Izegem", "voor Izegem"),
        ("present member", "is present: a substitute replaces an absent member", "is aanwezig"),
        ("nobody named", "name whom they replace", "vervangt"),
        (
            "not a substitute",
            "Only a substitute replaces another member",
            "Enkel een plaatsvervanger",
        ),
        ("someone else's", "is the substitute of", "is de plaatsvervanger van"),
        ("another substitute's", "is replaced at this meeting by", "wordt op deze vergadering"),
        ("replaced member present", "is replaced at this meeting by", "wordt op deze vergadering"),
    ],
)
def test_a_substitute_recorded_wrongly_is_refused_and_nothing_changes(
    world: World, api: Api, case: str, english: str, dutch: str
) -> None:
    meeting = convened(world, world.prepared_item())
    izegem_alderman = world.substitute("schepen_izegem", 2)
    tielt_alderman = world.substitute("schepen_tielt", 1)
    body: dict[str, Any] = {"status": "present"}
    if case == "other municipality":
        body |= {"person": izegem_alderman.pk, "replacing": world.cluster_member.pk}
    elif case == "present member":
        attendance_record(
            meeting=meeting, person=world.cluster_member, status="present", actor=world.coordinator
        )
        body |= {"person": tielt_alderman.pk, "replacing": world.cluster_member.pk}
    elif case == "nobody named":
        body |= {"person": tielt_alderman.pk}
    elif case == "not a substitute":
        body |= {"person": world.third_member.pk, "replacing": world.cluster_member.pk}
    elif case == "someone else's":
        designated = world.substitute("schepen_tielt_2", 1, replaces=world.group_chair)
        body |= {"person": designated.pk, "replacing": world.cluster_member.pk}
    elif case == "another substitute's":
        second = world.substitute("schepen_tielt_3", 1)
        attendance_record(
            meeting=meeting,
            person=second,
            status="present",
            replacing=world.cluster_member,
            actor=world.coordinator,
        )
        body |= {"person": tielt_alderman.pk, "replacing": world.cluster_member.pk}
    else:
        attendance_record(
            meeting=meeting,
            person=tielt_alderman,
            status="present",
            replacing=world.cluster_member,
            actor=world.coordinator,
        )
        body = {"person": world.cluster_member.pk, "status": "present"}
    before = snapshot(meeting)
    for language, says in (("en", english), ("nl", dutch)):
        answer = api("coordinator").post(
            attendance_url(meeting), body, format="json", HTTP_ACCEPT_LANGUAGE=language
        )
        assert answer.status_code == 400, answer.json()
        assert says in str(answer.json())
    assert snapshot(meeting) == before


def test_a_substitute_who_cannot_come_either_replaces_nobody(world: World) -> None:
    alderman = world.substitute("schepen_tielt", 1)
    meeting = convened(world, world.prepared_item())
    attendance_record(
        meeting=meeting,
        person=alderman,
        status="present",
        replacing=world.cluster_member,
        actor=world.coordinator,
    )
    attendance_record(meeting=meeting, person=alderman, status="excused", actor=world.coordinator)
    row = Attendance.objects.get(meeting=meeting, person=alderman)
    assert row.replacing_id is None
    assert world.municipalities[1].pk not in quorum_of(meeting).present
    # The member may now come after all.
    attendance_record(
        meeting=meeting, person=world.cluster_member, status="present", actor=world.coordinator
    )


def test_everyone_present_leaves_the_substitutes_out(world: World, api: Api) -> None:
    alderman = world.substitute("schepen_tielt", 1)
    meeting = convened(world, world.prepared_item())
    answer = api("coordinator").post(
        f"/api/v1/meetings/{meeting.pk}/attendance/",
        {"person": world.cluster_member.pk, "status": "excused"},
        format="json",
    )
    assert answer.status_code == 200
    from backend.meetings.services import attendance_everyone_present

    attendance_everyone_present(meeting=meeting, actor=world.coordinator)
    assert not Attendance.objects.filter(meeting=meeting, person=alderman).exists()


def test_the_membership_names_whom_a_substitute_replaces(world: World, api: Api) -> None:
    alderman = world.substitute("schepen_tielt", 1, replaces=world.cluster_member)
    rows = api("coordinator").get("/api/v1/memberships/", {"page_size": 100}).json()["results"]
    row = next(r for r in rows if r["person"]["id"] == alderman.pk)
    assert row["role"] == "substitute"
    assert row["substitutes_for"]["id"] == world.cluster_member.pk
    others = [r for r in rows if r["person"]["id"] != alderman.pk]
    assert all(r["substitutes_for"] is None for r in others)


def test_a_membership_names_a_substitute_of_the_same_body_and_municipality(world: World) -> None:
    from django.core.exceptions import ValidationError

    wrong = Membership(
        body=world.cluster,
        person=world.director,
        role=Membership.Role.SUBSTITUTE,
        municipality=world.municipalities[0],
        substitutes_for=world.cluster_member,  # Tielt's mayor, not Roeselare's
        start_date=dt.date(2024, 1, 1),
    )
    with pytest.raises(ValidationError) as refused:
        wrong.full_clean()
    assert "substitutes_for" in refused.value.message_dict
    wrong.substitutes_for = world.cluster_chair
    wrong.full_clean()
    wrong.role = Membership.Role.MEMBER
    with pytest.raises(ValidationError):
        wrong.full_clean()


def test_a_substitute_for_someone_outside_the_body_does_not_learn_their_name(
    world: World, api: Api
) -> None:
    alderman = world.substitute("schepen_tielt", 1)
    meeting = convened(world, world.prepared_item())
    for outsider, says in (
        (world.stranger, "does not exist"),  # another region's: not even found
        (world.director, "This person is not a member of the body."),
    ):
        answer = api("coordinator").post(
            attendance_url(meeting),
            {"person": alderman.pk, "status": "present", "replacing": outsider.pk},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert answer.status_code == 400
        assert says in str(answer.json())
        assert str(outsider) not in str(answer.json())
    assert not meeting.attendances.exists()
