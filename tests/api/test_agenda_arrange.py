"""The secretariat orders a planned meeting's agenda and picks each entry's session."""

from __future__ import annotations

from tests.conftest import World
from workflows.engine import fire


def planned_with(world: World, *items):
    meeting = world.meeting()
    for item in items:
        fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    return meeting


def test_the_agenda_is_reordered_and_sessions_chosen_while_planned(world: World, api) -> None:
    first, second, secret = (
        world.prepared_item(title="Eerste"),
        world.prepared_item(title="Tweede"),
        world.prepared_item(title="Besloten", confidential=True),
    )
    meeting = planned_with(world, first, second, secret)
    entries = {e.item_id: e.pk for e in meeting.entries.all()}
    order = [
        {"id": entries[secret.pk], "session": "closed"},
        {"id": entries[second.pk], "session": "closed"},
        {"id": entries[first.pk], "session": "public"},
    ]
    answer = api("cluster_chair").post(
        f"/api/v1/meetings/{meeting.pk}/agenda/", {"entries": order}, format="json"
    )
    assert answer.status_code == 200, answer.content
    assert [(e["item"], e["position"], e["session"]) for e in answer.json()["entries"]] == [
        (secret.pk, 1, "closed"),
        (second.pk, 2, "closed"),
        (first.pk, 3, "public"),
    ]
    assert answer.json()["version"] == meeting.version + 1


def test_the_agenda_refuses_missing_entries_open_confidential_items_and_outsiders(
    world: World, api
) -> None:
    item, secret = world.prepared_item(), world.prepared_item(confidential=True)
    meeting = planned_with(world, item, secret)
    entries = {e.item_id: e.pk for e in meeting.entries.all()}
    url = f"/api/v1/meetings/{meeting.pk}/agenda/"
    chair = api("cluster_chair")
    missing = chair.post(
        url, {"entries": [{"id": entries[item.pk], "session": "public"}]}, format="json"
    )
    assert missing.status_code == 400
    opened = chair.post(
        url,
        {
            "entries": [
                {"id": entries[secret.pk], "session": "public"},
                {"id": entries[item.pk], "session": "public"},
            ]
        },
        format="json",
    )
    assert opened.status_code == 400
    assert "besloten zitting" in opened.json()["reasons"][0]
    body = {
        "entries": [
            {"id": entries[item.pk], "session": "public"},
            {"id": entries[secret.pk], "session": "closed"},
        ]
    }
    assert api("cluster_member").post(url, body, format="json").status_code == 403
    assert api("stranger").post(url, body, format="json").status_code == 404
    assert list(meeting.entries.order_by("position").values_list("item", flat=True)) == [
        item.pk,
        secret.pk,
    ]
    fire(meeting, "convene", actor=world.coordinator)
    assert chair.post(url, body, format="json").status_code == 409
