"""Meetings in people's calendars: one .ics per meeting and a personal, revocable feed."""

from __future__ import annotations

from icalendar import Calendar
from rest_framework.test import APIClient

from tests.conftest import World
from workflows.engine import fire


def events(body: bytes) -> list[tuple[str, str]]:
    calendar = Calendar.from_ical(body)
    return sorted(
        (str(event["uid"]), str(event.get("status", "CONFIRMED")))
        for event in calendar.walk("VEVENT")
    )


def test_a_meeting_downloads_as_an_ics_with_a_dutch_file_name(world: World, api) -> None:
    meeting = world.meeting(days=10)
    answer = api("cluster_member").get(f"/api/v1/meetings/{meeting.pk}/ics/")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/calendar")
    assert answer["Content-Disposition"].startswith('attachment; filename="vergadering-CL-RUIMTE-')
    assert events(answer.content) == [(f"meeting-{meeting.pk}@midwest.invalid", "CONFIRMED")]
    assert api("stranger").get(f"/api/v1/meetings/{meeting.pk}/ics/").status_code == 404


def test_the_personal_feed_holds_the_meetings_of_ones_bodies_and_can_be_revoked(
    world: World, api
) -> None:
    mine = world.meeting(days=10)
    cancelled = world.meeting(days=12)
    fire(cancelled, "cancel", actor=world.coordinator)
    other = world.meeting(body=world.other_cluster, days=11)
    client = api("cluster_member")
    url = client.get("/api/v1/me/calendar/").json()["url"]
    assert url == client.get("/api/v1/me/calendar/").json()["url"]  # stable until revoked
    path = url.split("testserver", 1)[1]
    feed = APIClient().get(path)  # no login: the secret address is the key
    assert feed.status_code == 200
    assert events(feed.content) == sorted(
        [
            (f"meeting-{mine.pk}@midwest.invalid", "CONFIRMED"),
            (f"meeting-{cancelled.pk}@midwest.invalid", "CANCELLED"),
        ]
    )
    assert f"meeting-{other.pk}@" not in feed.content.decode()
    renewed = client.post("/api/v1/me/calendar/").json()["url"]
    assert renewed != url
    assert APIClient().get(path).status_code == 404
    assert APIClient().get(renewed.split("testserver", 1)[1]).status_code == 200
    assert APIClient().get("/api/v1/me/calendar/").status_code == 401


def test_the_invitation_calendar_entry_holds_the_agenda_and_the_link(
    world: World, api, settings
) -> None:
    settings.SITE_URL = "https://besluiten.midwest.example"
    meeting = world.meeting(days=10)
    fire(
        world.prepared_item(title="Laadpalen"),
        "schedule",
        actor=world.coordinator,
        meeting=meeting.pk,
    )
    fire(
        world.prepared_item(title="Personeelsdossier", confidential=True),
        "schedule",
        actor=world.coordinator,
        meeting=meeting.pk,
    )
    body = api("cluster_member").get(f"/api/v1/meetings/{meeting.pk}/ics/").content
    [event] = Calendar.from_ical(body).walk("VEVENT")
    description = str(event["description"])
    assert "1. Laadpalen" in description
    assert "Personeelsdossier" not in description and "en 1 vertrouwelijk punt" in description
    link = f"https://besluiten.midwest.example/vergaderingen/{meeting.pk}/"
    assert link in description and str(event["url"]) == link


def test_an_entry_in_closed_session_is_only_counted_in_the_invitation(world: World, api) -> None:
    meeting = world.meeting(days=10)
    item = world.prepared_item(title="Aankoop van een gebouw")
    fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    meeting.entries.update(session="closed")
    body = api("cluster_member").get(f"/api/v1/meetings/{meeting.pk}/ics/").content
    [event] = Calendar.from_ical(body).walk("VEVENT")
    assert "Aankoop van een gebouw" not in str(event["description"])
    assert "en 1 vertrouwelijk punt" in str(event["description"])
