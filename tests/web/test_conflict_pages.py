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


def test_a_refused_conflict_comes_back_with_what_was_typed_and_an_error_summary(
    world: World,
) -> None:
    meeting, entry = convened(world, world.prepared_item())
    client = signed_in(world.coordinator)
    answer = client.post(
        f"/vergaderingen/{meeting.pk}/punten/{entry.pk}/belangenconflicten/",
        {"person": world.author.pk, "reason": "Zaakvoerder van de aannemer"},
    )
    assert answer.status_code == 400
    page = text(answer)
    # The summary comes first in the open form, takes the focus and names the field.
    form = page[page.index('<details class="conflict-form" open>') :]
    assert form.index("data-error-summary") < form.index('name="person"')
    assert f'<a href="#conflict-person-{entry.pk}">Persoon: Deze persoon is geen lid' in form
    assert 'value="Zaakvoerder van de aannemer"' in form
    assert f'aria-describedby="conflict-person-{entry.pk}-error"' in form
    assert not Conflict.objects.exists()


def test_a_reason_too_long_is_refused_beside_the_reason_and_kept(world: World) -> None:
    meeting, entry = convened(world, world.prepared_item())
    client = signed_in(world.cluster_member)
    long_reason = "Bestuurder van de vzw " * 60
    answer = client.post(
        f"/vergaderingen/{meeting.pk}/punten/{entry.pk}/belangenconflicten/",
        {"person": world.cluster_member.pk, "reason": long_reason},
    )
    assert answer.status_code == 400
    page = text(answer)
    assert f'<a href="#conflict-reason-{entry.pk}">Reden (niet verplicht): ' in page
    assert f'value="{long_reason}"' in page
    # The person chosen stays chosen.
    assert f'<option value="{world.cluster_member.pk}" selected>' in page
    assert not Conflict.objects.exists()


def test_a_conflict_without_a_person_names_the_person_field(world: World) -> None:
    meeting, entry = convened(world, world.prepared_item())
    answer = signed_in(world.coordinator).post(
        f"/vergaderingen/{meeting.pk}/punten/{entry.pk}/belangenconflicten/",
        {"person": "", "reason": "Familie"},
    )
    assert answer.status_code == 400
    page = text(answer)
    assert f'<a href="#conflict-person-{entry.pk}">Persoon: ' in page
    assert 'value="Familie"' in page


def test_a_conflict_on_another_meeting_s_entry_is_not_found(world: World) -> None:
    _meeting, entry = convened(world, world.prepared_item())
    other = world.meeting()
    answer = signed_in(world.coordinator).post(
        f"/vergaderingen/{other.pk}/punten/{entry.pk}/belangenconflicten/",
        {"person": world.cluster_member.pk},
    )
    assert answer.status_code == 404
