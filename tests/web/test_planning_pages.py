"""Planning meetings in the pages: a new meeting, a series, a change while planned; the
schedule step that has no meeting to offer says so and leads to planning one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from backend.audit.models import TransitionLog
from backend.documents.data import agenda_data
from backend.meetings.models import Meeting
from backend.meetings.services import series_dates
from backend.organisations.models import Body
from tests.conftest import World
from tests.web.pages import signed_in, text
from workflows.engine import fire

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime(LOCAL)


def in_days(days: int, hour: int = 19) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def test_the_coordinator_plans_a_meeting_with_the_deadline_proposed_by_the_body(
    world: World,
) -> None:
    world.cluster.submission_deadline_days = 9
    world.cluster.save()
    client = signed_in(world.coordinator)
    assert "Nieuwe vergadering" in text(client.get("/vergaderingen/"))
    form = text(client.get("/vergaderingen/nieuw/"))
    assert f"{world.cluster.pk}:9" in form and f"{world.other_cluster.pk}:10" in form
    starts = in_days(30)
    answer = client.post(
        "/vergaderingen/nieuw/",
        {"body": world.cluster.pk, "starts_at": local(starts), "location": "Het Perron, Ieper"},
    )
    meeting = Meeting.objects.get(body=world.cluster)
    assert answer.status_code == 302 and answer["Location"] == f"/vergaderingen/{meeting.pk}/"
    assert meeting.starts_at == starts and meeting.location == "Het Perron, Ieper"
    assert meeting.submission_deadline == starts - dt.timedelta(days=9)
    assert meeting.state == "planned"
    page = text(client.get(answer["Location"]))
    assert "De vergadering is gepland." in page and "Datum of plaats wijzigen" in page


def test_a_series_plans_every_first_monday_at_the_same_hour(world: World) -> None:
    today = timezone.localdate()
    month = dt.date(today.year + (today.month // 12), today.month % 12 + 1, 1)
    first_monday = month + dt.timedelta(days=(0 - month.weekday()) % 7)
    starts = timezone.make_aware(dt.datetime.combine(first_monday, dt.time(19, 0)))
    answer = signed_in(world.coordinator).post(
        "/vergaderingen/nieuw/",
        {
            "body": world.cluster.pk,
            "starts_at": local(starts),
            "submission_deadline": local(starts - dt.timedelta(days=7)),
            "repeat": "monthly",
            "count": "4",
        },
    )
    assert answer.status_code == 302
    meetings = list(Meeting.objects.filter(body=world.cluster).order_by("starts_at"))
    assert len(meetings) == 4
    for meeting in meetings:
        start = timezone.localtime(meeting.starts_at)
        assert start.weekday() == 0 and start.day <= 7 and (start.hour, start.minute) == (19, 0)
        assert meeting.starts_at - meeting.submission_deadline == dt.timedelta(days=7)


def test_series_dates_keep_the_place_of_the_weekday_in_the_month() -> None:
    fifth_friday = dt.datetime(2027, 1, 29, 19, 0)
    assert [d.date() for d in series_dates(fifth_friday, "monthly", 3)] == [
        dt.date(2027, 1, 29),
        dt.date(2027, 2, 26),
        dt.date(2027, 3, 26),
    ]
    assert series_dates(fifth_friday, "fortnightly", 2)[1] == dt.datetime(2027, 2, 12, 19, 0)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"starts_at": ""}, "starts_at", "Datum en uur: Geef een datum en een uur."),
        ({"starts_at": "morgen"}, "starts_at", "Geef een datum en een uur, bv. 9/12/2026 19:00."),
        ({"body": ""}, "body", "Kies het orgaan dat vergadert."),
        ({"location": "x" * 201}, "location", "hoogstens 200 tekens"),
        ({"repeat": "weekly", "count": "40"}, "count", "hoogstens 12 vergaderingen"),
        ({"repeat": "weekly", "count": ""}, "count", "hoeveel vergaderingen"),
        ({"starts_at": "2020-01-06T19:00"}, "starts_at", "in de toekomst"),
    ],
)
def test_a_refused_plan_keeps_what_was_typed_and_names_the_field(
    world: World, fields: dict[str, str], field: str, message: str
) -> None:
    posted = {
        "body": str(world.cluster.pk),
        "starts_at": local(in_days(20)),
        "location": "Stadhuis Tielt",
        "submission_deadline": "",
    } | fields
    answer = signed_in(world.coordinator).post("/vergaderingen/nieuw/", posted)
    page = text(answer)
    assert answer.status_code == 400
    assert message in page
    assert "data-error-summary" in page and f'href="#id_{field}"' in page
    if field != "location":
        assert 'value="Stadhuis Tielt"' in page
    # One reason per fault: a wrong number is not also called a missing one.
    assert not ("hoogstens 12" in page and "hoeveel vergaderingen" in page)
    assert not Meeting.objects.exists()


def test_another_regions_body_is_refused(world: World) -> None:
    # The coordinator of Westhoek, whose region has a body of its own.
    Body.objects.create(region=world.stranger.region, kind="cluster", name="Westhoek", code="W")
    answer = signed_in(world.stranger).post(
        "/vergaderingen/nieuw/", {"body": world.cluster.pk, "starts_at": local(in_days(20))}
    )
    assert answer.status_code == 400
    assert "Kies een van de organen waarvoor u vergaderingen plant." in text(answer)
    assert not Meeting.objects.exists()


def test_a_deadline_after_the_start_is_refused_beside_the_deadline(world: World) -> None:
    starts = in_days(20)
    answer = signed_in(world.coordinator).post(
        "/vergaderingen/nieuw/",
        {
            "body": world.cluster.pk,
            "starts_at": local(starts),
            "submission_deadline": local(starts + dt.timedelta(hours=1)),
        },
    )
    assert answer.status_code == 400
    assert 'href="#id_submission_deadline"' in text(answer)
    assert not Meeting.objects.exists()


def test_a_mayor_who_is_no_chair_plans_nothing(world: World) -> None:
    client = signed_in(world.cluster_member)
    assert "Nieuwe vergadering" not in text(client.get("/vergaderingen/"))
    assert client.get("/vergaderingen/nieuw/").status_code == 403


def test_the_chair_plans_for_their_own_body_only(world: World) -> None:
    form = text(signed_in(world.cluster_chair).get("/vergaderingen/nieuw/"))
    assert f'value="{world.cluster.pk}"' in form
    assert f'value="{world.other_cluster.pk}"' not in form


def test_a_planned_meeting_is_changed_and_the_change_is_on_the_record(world: World) -> None:
    meeting = world.meeting(days=20)
    client = signed_in(world.coordinator)
    later = meeting.starts_at + dt.timedelta(days=1)
    answer = client.post(
        f"/vergaderingen/{meeting.pk}/bewerken/",
        {
            "starts_at": local(later),
            "location": "Zaal De Kring",
            "submission_deadline": local(meeting.submission_deadline),
            "version": meeting.version,
        },
    )
    assert answer.status_code == 302
    meeting.refresh_from_db()
    assert meeting.starts_at == later.replace(second=0, microsecond=0)
    assert meeting.location == "Zaal De Kring"
    [edit] = TransitionLog.objects.for_object(meeting).filter(kind="edit")
    assert set(edit.params["fields"]) == {"starts_at", "location"}


def test_a_stale_change_keeps_what_was_typed(world: World) -> None:
    meeting = world.meeting(days=20)
    version = meeting.version
    signed_in(world.coordinator).post(
        f"/vergaderingen/{meeting.pk}/bewerken/",
        {
            "starts_at": local(meeting.starts_at),
            "location": "Eerst",
            "submission_deadline": local(meeting.submission_deadline),
            "version": version,
        },
    )
    answer = signed_in(world.coordinator).post(
        f"/vergaderingen/{meeting.pk}/bewerken/",
        {
            "starts_at": local(meeting.starts_at),
            "location": "Later",
            "submission_deadline": local(meeting.submission_deadline),
            "version": version,
        },
    )
    assert answer.status_code == 400
    assert "intussen gewijzigd" in text(answer) and 'value="Later"' in text(answer)
    meeting.refresh_from_db()
    assert meeting.location == "Eerst"


def test_a_convened_meeting_is_no_longer_changed(world: World) -> None:
    meeting = world.meeting(days=20)
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    client = signed_in(world.coordinator)
    assert "Datum of plaats wijzigen" not in text(client.get(f"/vergaderingen/{meeting.pk}/"))
    answer = client.post(f"/vergaderingen/{meeting.pk}/bewerken/", {"location": "Elders"})
    assert answer.status_code == 302
    meeting.refresh_from_db()
    assert meeting.location == "Stadhuis Roeselare"


def test_the_schedule_step_without_a_meeting_leads_to_planning_one(world: World) -> None:
    item = world.prepared_item()
    page = text(signed_in(world.coordinator).get(f"/punten/{item.pk}/"))
    assert "De doelcluster heeft nog geen vergadering" in page
    assert f'href="/vergaderingen/nieuw/?body={world.cluster.pk}"' in page
    chosen = text(
        signed_in(world.coordinator).get(f"/vergaderingen/nieuw/?body={world.cluster.pk}")
    )
    assert f'<option value="{world.cluster.pk}" selected>' in chosen


def test_a_new_meeting_starts_with_its_bodys_standing_entries(world: World) -> None:
    world.cluster.standing_entries = (
        "Goedkeuring van de notulen van de vorige vergadering\n\n  Mededelingen  \n"
    )
    world.cluster.save()
    signed_in(world.coordinator).post(
        "/vergaderingen/nieuw/", {"body": world.cluster.pk, "starts_at": local(in_days(20))}
    )
    meeting = Meeting.objects.get(body=world.cluster)
    standing = ["Goedkeuring van de notulen van de vorige vergadering", "Mededelingen"]
    assert meeting.standing_entries == standing
    page = text(signed_in(world.cluster_member).get(f"/vergaderingen/{meeting.pk}/"))
    assert "Vaste punten" in page and "<li>Mededelingen</li>" in page
    assert agenda_data(meeting, public=True, version=1).meeting.standing == tuple(standing)
    api = APIClient()
    api.force_authenticate(world.cluster_member)
    assert api.get(f"/api/v1/meetings/{meeting.pk}/").json()["standing_entries"] == standing
    # Changing the body later leaves the planned meeting as it was planned.
    world.cluster.standing_entries = ""
    world.cluster.save()
    meeting.refresh_from_db()
    assert meeting.standing_entries == standing
