"""A forum (overlegforum) meets, keeps minutes and follows up actions, but decides
nothing: on its meetings items are noted, never approved or rejected; no decision
number, no ratification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone, translation
from rest_framework.test import APIClient

from backend.agenda.models import AgendaItem, Decision
from backend.audit.models import TransitionLog
from backend.followup.models import Action, Ratification
from backend.meetings.models import AgendaEntry
from backend.organisations.models import Body
from tests.conftest import World
from tests.forum import Forum, build_forum
from workflows.engine import available_transitions, fire

Api = Callable[[str | None], APIClient]


@pytest.fixture
def forum(world: World) -> Forum:
    return build_forum(world)


def test_a_forum_is_a_kind_of_body_in_the_api(world: World, forum: Forum, api: Api) -> None:
    answer = api("coordinator").get("/api/v1/bodies/", {"kind": "forum"})
    assert answer.status_code == 200
    assert [b["code"] for b in answer.json()["results"]] == ["OCMW-VZ"]
    assert answer.json()["results"][0]["kind"] == "forum"
    assert not forum.body.decides and world.cluster.decides
    with translation.override("nl"):
        assert str(Body.Kind.FORUM.label) == "overlegforum"
    with translation.override("en"):
        assert str(Body.Kind.FORUM.label) == "forum"


def test_an_item_can_be_drafted_for_a_forum_but_not_for_a_group(
    world: World, forum: Forum, api: Api
) -> None:
    body = {
        "title": "Stand van zaken leefloondossiers",
        "rationale": "Overzicht per bestuur.",
        "kind": "information",
        "intervision_group": world.group.pk,
        "target_cluster": forum.body.pk,
    }
    answer = api("author").post("/api/v1/agenda-items/", body, format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["target_cluster"] == forum.body.pk
    refused = api("author").post(
        "/api/v1/agenda-items/",
        {**body, "target_cluster": world.group.pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert refused.status_code == 400
    assert "Kies een cluster of een overlegforum van uw regio als doel." in str(refused.json())
    assert AgendaItem.objects.count() == 1


def test_approve_and_reject_are_refused_at_a_forum_and_change_nothing(
    world: World, forum: Forum, api: Api
) -> None:
    item = world.prepared_item(target_cluster=forum.body)
    meeting = forum.in_session(item)
    chair = forum.chair
    assert available_transitions(item, chair) == ["postpone", "return_for_rework", "take_note"]
    version = item.version
    client = APIClient()
    client.force_authenticate(chair)
    for name in ("approve", "reject"):
        answer = client.post(
            f"/api/v1/agenda-items/{item.pk}/transitions/{name}/",
            {"text": "Goedgekeurd.", "consensus": True},
            format="json",
            HTTP_ACCEPT_LANGUAGE="nl",
        )
        assert answer.status_code == 400, answer.content
        assert answer.json()["reasons"][0] == (
            "Een overlegforum neemt akte van zijn punten en beslist niets: op zijn "
            "vergaderingen wordt niets goedgekeurd of afgewezen."
        )
        english = client.post(
            f"/api/v1/agenda-items/{item.pk}/transitions/{name}/",
            {"text": "Goedgekeurd.", "consensus": True},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert "A forum takes note of its items and decides nothing" in str(english.json())
    item.refresh_from_db()
    assert item.state == "scheduled" and item.version == version
    assert not Decision.objects.exists() and not Ratification.objects.exists()
    assert meeting.entries.get().outcome == AgendaEntry.Outcome.PENDING
    assert not TransitionLog.objects.filter(transition__in=["approve", "reject"]).exists()


def test_a_forum_notes_an_item_without_number_or_ratification_then_follows_it_up(
    world: World, forum: Forum, api: Api
) -> None:
    # Even an item written for decision is noted at a forum's meeting.
    item = world.prepared_item(target_cluster=forum.body, municipalities=world.municipalities)
    meeting = forum.in_session(item)
    client = APIClient()
    client.force_authenticate(forum.chair)
    answer = client.post(
        f"/api/v1/agenda-items/{item.pk}/transitions/take_note/", {}, format="json"
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["state"] == "completed"
    assert answer.json()["decision"] is None
    assert not Decision.objects.exists() and not Ratification.objects.exists()
    assert meeting.entries.get().outcome == AgendaEntry.Outcome.NOTED

    due = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    action = {"item": item.pk, "title": "Modelreglement rondsturen", "due_date": due}
    assert (
        api("author").post("/api/v1/actions/", {**action, "assignee": world.author.pk}).status_code
        == 403
    )
    created = api("coordinator").post(
        "/api/v1/actions/", {**action, "assignee": world.author.pk}, format="json"
    )
    assert created.status_code == 201, created.content
    followed = Action.objects.get(item=item)
    fire(followed, "start", actor=world.author)
    fire(followed, "complete", actor=world.author)
    assert followed.state == "done"

    answer = client.post(f"/api/v1/meetings/{meeting.pk}/transitions/close/", {}, format="json")
    assert answer.status_code == 200, answer.content
    assert meeting.documents.filter(kind="minutes").exists()


def test_a_cluster_still_takes_no_actions_on_a_noted_item(world: World, api: Api) -> None:
    item = world.prepared_item(kind=AgendaItem.Kind.INFORMATION)
    world.meeting_in_session(item)
    fire(item, "take_note", actor=world.cluster_chair)
    due = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    answer = api("coordinator").post(
        "/api/v1/actions/",
        {"item": item.pk, "title": "Opvolgen", "due_date": due, "assignee": world.author.pk},
        format="json",
    )
    assert answer.status_code == 409
    assert not Action.objects.exists()
