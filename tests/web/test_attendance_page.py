"""The attendance block of the meeting page: a substitute recorded in place of the member
they replace, and who arrived late or left early, by the entry; a refused line comes back
as it was sent, with the reason first."""

from __future__ import annotations

import re

import pytest

from backend.meetings.models import Attendance, Meeting
from backend.meetings.services import attendance_record
from tests.conftest import World
from tests.web.pages import signed_in, text
from workflows.engine import fire

pytestmark = pytest.mark.django_db


def convened(world: World, count: int = 2) -> Meeting:
    meeting = world.meeting()
    for n in range(count):
        item = world.prepared_item(title=f"Punt nummer {n + 1}")
        fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    return meeting


def test_the_secretariat_records_a_substitute_in_place_of_the_member(world: World) -> None:
    alderman = world.substitute("schepen_tielt", 1, name="Sofie Schepen")
    meeting = convened(world)
    client = signed_in(world.coordinator)
    page = text(client.get(f"/vergaderingen/{meeting.pk}/"))
    # Only the substitute's line asks whom they replace, offering Tielt's members.
    assert page.count('name="replacing"') == 1
    row = re.search(rf'data-person="{alderman.pk}".*?</tr>', page, re.S)
    assert row is not None and f'value="{world.cluster_member.pk}"' in row.group(0)
    assert f'value="{world.third_member.pk}"' not in row.group(0)
    url = f"/vergaderingen/{meeting.pk}/aanwezigheid/"
    refused = client.post(url, {"person": alderman.pk, "status": "present"}, HTTP_HX_REQUEST="true")
    assert "kies wie hij of zij vervangt" in text(refused)
    assert not Attendance.objects.filter(meeting=meeting, person=alderman).exists()
    answer = client.post(
        url,
        {"person": alderman.pk, "status": "present", "replacing": world.cluster_member.pk},
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code == 200
    row_after = re.search(rf'data-person="{alderman.pk}".*?</tr>', text(answer), re.S)
    assert row_after is not None
    assert f'value="{world.cluster_member.pk}" selected' in row_after.group(0)
    recorded = Attendance.objects.get(meeting=meeting, person=alderman)
    assert recorded.replacing == world.cluster_member
    assert Attendance.objects.get(meeting=meeting, person=world.cluster_member).status == "excused"
    # A member reads it.
    read = text(signed_in(world.third_member).get(f"/vergaderingen/{meeting.pk}/"))
    assert "in de plaats van Clustermember" in read


def test_who_left_early_is_recorded_by_the_entry_and_a_wrong_order_comes_back(
    world: World,
) -> None:
    meeting = convened(world, count=3)
    attendance_record(
        meeting=meeting, person=world.third_member, status="present", actor=world.coordinator
    )
    client = signed_in(world.coordinator)
    page = text(client.get(f"/vergaderingen/{meeting.pk}/"))
    assert "Later toegekomen of vroeger vertrokken" in page
    assert "2. Punt nummer 2" in page
    url = f"/vergaderingen/{meeting.pk}/aanwezigheid/"
    sent = {
        "person": world.third_member.pk,
        "status": "present",
        "arrived_before_entry": 3,
        "left_before_entry": 2,
    }
    refused = text(client.post(url, sent, HTTP_HX_REQUEST="true"))
    assert "Wie toekomt, doet dat voor het punt waarvoor" in refused
    row = re.search(rf'data-person="{world.third_member.pk}".*?</tr>', refused, re.S)
    assert row is not None
    # The line shows what was sent, open, to be corrected.
    assert '<option value="3" selected' in row.group(0)
    assert '<option value="2" selected' in row.group(0)
    assert "<details open>" in row.group(0)
    attendance = Attendance.objects.get(meeting=meeting, person=world.third_member)
    assert attendance.arrived_before_entry is None and attendance.left_before_entry is None
    answer = client.post(url, sent | {"arrived_before_entry": ""}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and "errors" not in text(answer)
    attendance.refresh_from_db()
    assert attendance.left_before_entry == 2
    read = text(signed_in(world.cluster_member).get(f"/vergaderingen/{meeting.pk}/"))
    assert "vertrokken voor punt 2" in read
