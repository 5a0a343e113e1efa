"""Conflicts of interest on the meeting page: per entry the small form "Belangenconflict
melden" for who may report one, the list of conflicts, and in session a remove button;
through the same services as the API, refusals said in Dutch."""

from __future__ import annotations

import pytest

from backend.agenda.models import AgendaItem
from backend.meetings.models import AgendaEntry, Conflict, Meeting
from backend.meetings.services import attendance_record
from tests.conftest import World
from tests.web.pages import signed_in, text
from workflows.engine import fire

pytestmark = pytest.mark.django_db


def convened(world: World, item: AgendaItem) -> tuple[Meeting, AgendaEntry]:
    meeting = world.meeting()
    fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    for person in (world.cluster_chair, world.cluster_member):
        attendance_record(meeting=meeting, person=person, status="present", actor=world.coordinator)
    attendance_record(
        meeting=meeting, person=world.third_member, status="excused", actor=world.coordinator
    )
    meeting.refresh_from_db()
    return meeting, AgendaEntry.objects.get(meeting=meeting, item=item)


def test_a_member_reports_their_own_conflict_and_the_page_shows_it(world: World) -> None:
    meeting, entry = convened(world, world.prepared_item())
    client = signed_in(world.cluster_member)
    page = client.get(f"/vergaderingen/{meeting.pk}/").content.decode()
    assert "Belangenconflict melden" in page
    # A member reports only for themself: the select offers no one else.
    assert f'<option value="{world.cluster_member.pk}">' in page
    assert f'<option value="{world.cluster_chair.pk}">' not in page
    answer = client.post(
        f"/vergaderingen/{meeting.pk}/punten/{entry.pk}/belangenconflicten/",
        {"person": world.cluster_member.pk, "reason": "Bestuurder van de vzw"},
        follow=True,
    )
    shown = text(answer)
    assert "Het belangenconflict is geregistreerd." in shown
    assert (
        f"{world.cluster_member} neemt niet deel aan de beraadslaging en de stemming "
        "(art. 27 DLB): Bestuurder van de vzw" in shown
    )
    assert Conflict.objects.filter(entry=entry, person=world.cluster_member).exists()


def test_the_secretariat_sees_who_is_expected_and_a_refusal_is_said_in_dutch(
    world: World,
) -> None:
    meeting, entry = convened(world, world.prepared_item())
    client = signed_in(world.coordinator)
    page = client.get(f"/vergaderingen/{meeting.pk}/").content.decode()
    assert f'<option value="{world.cluster_chair.pk}">' in page
    # Excused: not expected, not offered.
    assert f'<option value="{world.third_member.pk}">' not in page
    answer = client.post(
        f"/vergaderingen/{meeting.pk}/punten/{entry.pk}/belangenconflicten/",
        {"person": world.author.pk},
        follow=True,
    )
    assert "Deze persoon is geen lid van het orgaan." in text(answer)
    assert not Conflict.objects.exists()


def test_the_chair_removes_a_conflict_in_session(world: World) -> None:
    item = world.prepared_item()
    meeting, entry = convened(world, item)
    chair = signed_in(world.cluster_chair)
    chair.post(
        f"/vergaderingen/{meeting.pk}/punten/{entry.pk}/belangenconflicten/",
        {"person": world.cluster_member.pk},
    )
    remove = f"/punten/{entry.pk}/belangenconflicten/{world.cluster_member.pk}/verwijderen/"
    # Removed only in session: no button while convened.
    assert remove not in chair.get(f"/vergaderingen/{meeting.pk}/").content.decode()
    fire(meeting, "open", actor=world.cluster_chair)
    assert remove in chair.get(f"/vergaderingen/{meeting.pk}/").content.decode()
    answer = chair.post(f"/vergaderingen/{meeting.pk}{remove}", follow=True)
    assert "Het belangenconflict is verwijderd." in text(answer)
    assert not Conflict.objects.exists()
