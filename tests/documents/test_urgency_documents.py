"""An urgent item in the minutes and on the meeting page: its reason, and the body's
acceptance of the urgency with the votes for it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from backend.meetings.models import Meeting
from backend.meetings.services import attendance_record
from tests.conftest import World
from tests.documents.test_held_documents import lines_of
from tests.web.pages import signed_in, text
from workflows.engine import fire

pytestmark = pytest.mark.django_db

REASON = "De subsidieaanvraag moet vrijdag ingediend zijn."


def urgent_meeting(world: World, *, accept: bool) -> Meeting:
    meeting = world.meeting()
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    for person in (world.cluster_chair, world.cluster_member):
        attendance_record(meeting=meeting, person=person, status="present", actor=world.coordinator)
    urgent = world.prepared_item(title="Subsidie fietsstallingen")
    fire(
        urgent,
        "schedule",
        actor=world.cluster_chair,
        meeting=meeting.pk,
        urgent=True,
        reason=REASON,
    )
    fire(meeting, "open", actor=world.cluster_chair)
    if accept:
        urgent.refresh_from_db()
        fire(urgent, "accept_urgency", actor=world.cluster_chair, votes_for=2)
        fire(urgent, "approve", actor=world.cluster_chair, text="Goedgekeurd.", consensus=True)
    meeting.refresh_from_db()
    return meeting


def test_the_minutes_give_the_reason_and_the_acceptance_of_an_urgent_item(
    world: World,
) -> None:
    meeting = urgent_meeting(world, accept=True)
    for entry in list(meeting.pending_entries()):
        fire(entry.item, "postpone", actor=world.cluster_chair)
    fire(meeting, "close", actor=world.coordinator)
    minutes = lines_of(meeting.documents.get(kind="minutes"))
    at = minutes.index("Dringendheid")
    assert minutes[at + 1] == f"{REASON} De dringendheid werd aanvaard (2 stemmen voor)."
    # Only the urgent entry has one.
    assert minutes.count("Dringendheid") == 1


def test_the_meeting_page_marks_an_urgent_entry_and_offers_the_acceptance(
    world: World,
) -> None:
    meeting = urgent_meeting(world, accept=False)
    page = text(signed_in(world.cluster_chair).get(reverse("web:meeting", args=[meeting.pk])))
    assert "dringend" in page
    assert REASON in page
    assert "De dringendheid is nog niet aanvaard" in page
    assert "De dringendheid aanvaarden" in page
    entry = meeting.entries.get(urgent=True)
    fire(entry.item, "accept_urgency", actor=world.cluster_chair, votes_for=2)
    page = text(signed_in(world.cluster_chair).get(reverse("web:meeting", args=[meeting.pk])))
    assert "De dringendheid werd aanvaard (2 stemmen voor)." in page
    assert "De dringendheid aanvaarden" not in page


def test_the_schedule_form_asks_for_urgency_only_when_a_meeting_was_convened(
    world: World,
) -> None:
    item = world.prepared_item()
    meeting = world.meeting()
    page = text(signed_in(world.cluster_chair).get(reverse("web:item", args=[item.pk])))
    assert 'name="meeting"' in page
    assert 'name="urgent"' not in page
    assert "Reden van de dringendheid" not in page
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    page = text(signed_in(world.cluster_chair).get(reverse("web:item", args=[item.pk])))
    assert 'name="urgent"' in page
    assert "Reden van de dringendheid" in page
