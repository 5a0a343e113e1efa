"""The discussion of each agenda entry, written on the meeting page while the meeting is in
session: saved as it is typed, never lost on a refused step, printed in the minutes."""

from __future__ import annotations

import pytest

from backend.audit.models import TransitionLog
from backend.meetings.models import AgendaEntry, Attendance
from backend.meetings.services import attendance_record
from tests.conftest import World
from tests.web.pages import signed_in, text
from workflows.engine import fire

pytestmark = pytest.mark.django_db


def test_the_chair_writes_the_discussion_and_it_is_saved_as_typed(world: World) -> None:
    item = world.prepared_item(title="Regionale woonwijzer")
    meeting = world.meeting_in_session(item)
    entry = meeting.entries.get()
    client = signed_in(world.cluster_chair)
    page = text(client.get(f"/vergaderingen/{meeting.pk}/"))
    url = f"/vergaderingen/{meeting.pk}/punten/{entry.pk}/bespreking/"
    assert f'hx-post="{url}"' in page and 'name="note"' in page
    answer = client.post(url, {"note": "Tielt vraagt een proefperiode."}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and "Bewaard om" in text(answer)
    entry.refresh_from_db()
    assert entry.note == "Tielt vraagt een proefperiode."
    [log] = [
        log
        for log in TransitionLog.objects.for_object(meeting).filter(kind="edit")
        if log.params["fields"] == [f"note:{entry.pk}"]
    ]
    assert "Tielt" not in str(log.params)  # the history keeps a digest, not the words
    # A refused step leaves the note as it is, and the page shows it again.
    client.post(
        f"/overgang/item/{item.pk}/approve/",
        {"text": "", "mode": "votes"},
        HTTP_HX_REQUEST="true",
    )
    assert "Tielt vraagt een proefperiode." in text(client.get(f"/vergaderingen/{meeting.pk}/"))


def test_too_long_a_note_comes_back_as_typed_with_the_reason(world: World) -> None:
    item = world.prepared_item()
    meeting = world.meeting_in_session(item)
    entry = meeting.entries.get()
    long = "Lang verslag. " * 1500
    answer = signed_in(world.cluster_chair).post(
        f"/vergaderingen/{meeting.pk}/punten/{entry.pk}/bespreking/",
        {"note": long},
        HTTP_HX_REQUEST="true",
    )
    page = text(answer)
    assert "hoogstens 20000 tekens" in page and long.strip() in page
    assert AgendaEntry.objects.get(pk=entry.pk).note == ""


def test_a_member_reads_but_does_not_write_the_discussion(world: World) -> None:
    item = world.prepared_item()
    meeting = world.meeting_in_session(item)
    entry = meeting.entries.get()
    signed_in(world.cluster_chair).post(
        f"/vergaderingen/{meeting.pk}/punten/{entry.pk}/bespreking/", {"note": "Akkoord."}
    )
    client = signed_in(world.cluster_member)
    page = text(client.get(f"/vergaderingen/{meeting.pk}/"))
    assert "Akkoord." in page and 'name="note"' not in page
    answer = client.post(
        f"/vergaderingen/{meeting.pk}/punten/{entry.pk}/bespreking/", {"note": "Ik ook."}
    )
    assert answer.status_code == 302
    assert AgendaEntry.objects.get(pk=entry.pk).note == "Akkoord."


def test_the_note_is_frozen_once_the_minutes_are_approved(world: World) -> None:
    item = world.prepared_item()
    meeting = world.meeting_in_session(item)
    entry = meeting.entries.get()
    fire(item, "approve", actor=world.cluster_chair, text="Ja.", consensus=True)
    fire(meeting, "close", actor=world.cluster_chair)
    client = signed_in(world.cluster_chair)
    url = f"/vergaderingen/{meeting.pk}/punten/{entry.pk}/bespreking/"
    assert text(client.post(url, {"note": "Na de zitting."}, HTTP_HX_REQUEST="true")).count(
        "Bewaard om"
    )
    fire(meeting, "approve_minutes", actor=world.cluster_chair)
    answer = client.post(url, {"note": "Te laat."}, HTTP_HX_REQUEST="true")
    assert "tot de notulen goedgekeurd zijn" in text(answer)
    assert AgendaEntry.objects.get(pk=entry.pk).note == "Na de zitting."


def test_everyone_present_keeps_who_sent_apologies_as_one_edit(world: World) -> None:
    meeting = world.meeting()
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    attendance_record(
        meeting=meeting, person=world.third_member, status="excused", actor=world.coordinator
    )
    before = TransitionLog.objects.for_object(meeting).count()
    answer = signed_in(world.coordinator).post(
        f"/vergaderingen/{meeting.pk}/aanwezigheid/", {"everyone": "1"}, HTTP_HX_REQUEST="true"
    )
    assert "Quorum bereikt." in text(answer)
    statuses = dict(Attendance.objects.filter(meeting=meeting).values_list("person", "status"))
    assert statuses == {
        world.third_member.pk: "excused",
        world.cluster_chair.pk: "present",
        world.cluster_member.pk: "present",
        world.group_chair.pk: "present",
    }
    assert TransitionLog.objects.for_object(meeting).count() == before + 1
    # A member cannot do it.
    answer = signed_in(world.cluster_member).post(
        f"/vergaderingen/{meeting.pk}/aanwezigheid/", {"everyone": "1"}
    )
    assert answer.status_code == 302


def test_the_meeting_page_says_when_it_was_opened_and_closed(world: World) -> None:
    item = world.prepared_item()
    meeting = world.meeting_in_session(item)
    client = signed_in(world.cluster_member)
    page = text(client.get(f"/vergaderingen/{meeting.pk}/"))
    assert "Geopend op" in page and "gesloten op" not in page
    fire(item, "approve", actor=world.cluster_chair, text="Ja.", consensus=True)
    fire(meeting, "close", actor=world.cluster_chair)
    page = text(client.get(f"/vergaderingen/{meeting.pk}/"))
    assert "Geopend op" in page and "gesloten op" in page


def test_the_chairs_remark_stays_with_the_decision(world: World) -> None:
    item = world.prepared_item()
    world.meeting_in_session(item)
    fire(
        item,
        "approve",
        actor=world.cluster_chair,
        text="Ja.",
        consensus=True,
        comment="Onder voorbehoud van de begroting.",
    )
    page = text(signed_in(world.cluster_member).get(f"/punten/{item.pk}/"))
    decision = page[page.index('aria-labelledby="decision"') :]
    decision = decision[: decision.index("</section>")]
    assert "Opmerking van de voorzitter:</strong> Onder voorbehoud van de begroting." in decision
