"""Follow-up through the API: progress notes, the ratification matrix, notifications."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from backend.followup.models import Action, Ratification
from backend.organisations.models import Coalition
from backend.reminders import services
from backend.reminders.models import Notification
from tests.conftest import World
from workflows.engine import fire


def approved(world: World, municipalities: list) -> object:
    item = world.prepared_item(municipalities=municipalities)
    world.meeting_in_session(item)
    item.refresh_from_db()
    fire(item, "approve", actor=world.cluster_chair, text="Goedgekeurd.", consensus=True)
    return item


def test_people_on_an_action_add_progress_notes_others_may_not(world: World, api) -> None:
    item = approved(world, world.municipalities[:1])
    action = Action.objects.create(
        item=item, title="GIS-laag", service=world.service, due_date=dt.date.today()
    )
    url = f"/api/v1/actions/{action.pk}/notes/"
    answer = api("dvv").post(url, {"text": "Eerste versie van de laag staat klaar."}, format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["author"]["username"] == "dvv"
    assert api("author").post(url, {"text": "Ik ook"}, format="json").status_code == 403
    assert api("dvv").post(url, {"text": ""}, format="json").status_code == 400
    assert api("stranger").get(url).status_code == 404
    notes = api("coordinator").get(url).json()
    assert [n["text"] for n in notes] == ["Eerste versie van de laag staat klaar."]


def test_the_ratification_matrix_shows_each_decision_by_municipality(world: World, api) -> None:
    roeselare, tielt, izegem = world.municipalities
    first = approved(world, [roeselare, tielt])
    second = approved(world, [izegem])
    ratification = Ratification.objects.get(decision__item=first, municipality=roeselare)
    fire(
        ratification,
        "ratify",
        actor=world.director,
        date=timezone.localdate().isoformat(),
        deciding_body="gemeenteraad",
        reference="GR/1",
    )
    matrix = api("coordinator").get("/api/v1/ratifications/matrix/").json()
    assert [m["name"] for m in matrix["municipalities"]] == ["Izegem", "Roeselare", "Tielt"]
    cells = {row["decision"]: row["cells"] for row in matrix["rows"]}
    assert cells[first.decision.pk] == {
        str(roeselare.pk): "ratified",
        str(tielt.pk): "pending",
        str(izegem.pk): None,
    }
    assert cells[second.decision.pk][str(izegem.pk)] == "pending"
    plus = Coalition.objects.create(region=world.region, name="Midwest+")
    plus.municipalities.set([roeselare])
    narrowed = api("coordinator").get(f"/api/v1/ratifications/matrix/?coalition={plus.pk}").json()
    assert [m["name"] for m in narrowed["municipalities"]] == ["Roeselare"]
    later = (timezone.now() + dt.timedelta(days=1)).isoformat()
    empty = api("coordinator").get("/api/v1/ratifications/matrix/", {"decided_after": later})
    assert empty.json()["rows"] == []
    assert api("coordinator").get("/api/v1/ratifications/matrix/?body=x").status_code == 400
    assert api("stranger").get("/api/v1/ratifications/matrix/").json()["rows"] == []


def test_notifications_are_ones_own_with_an_unread_count_and_mark_read(world: World, api) -> None:
    meeting = world.meeting(days=10)
    meeting.submission_deadline = meeting.starts_at - dt.timedelta(days=1)
    meeting.save()
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    services.scan()
    chair = api("cluster_chair")
    listing = chair.get("/api/v1/notifications/").json()
    assert listing["count"] == 1
    (mine,) = listing["results"]
    assert mine["kind"] == "invitation"
    assert mine["text"].startswith("U bent uitgenodigd op Ruimte en mobiliteit")
    assert chair.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}
    assert api("author").get(f"/api/v1/notifications/{mine['id']}/").status_code == 404
    assert api("author").post(
        "/api/v1/notifications/read/", {"ids": [mine["id"]]}, format="json"
    ).json() == {"unread": 0}
    assert chair.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}
    assert chair.post("/api/v1/notifications/read/", {}, format="json").json() == {"unread": 0}
    assert Notification.objects.get(pk=mine["id"]).read_at is not None
    assert chair.get("/api/v1/notifications/?unread=true").json()["count"] == 0
