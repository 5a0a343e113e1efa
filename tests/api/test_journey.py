"""A proposal's whole road through the API alone, with tokens, as the people would walk it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import World, authenticator_for, code_of


def signed_in(username: str, code: str = "") -> APIClient:
    client = APIClient()
    body = {"username": username, "password": "pw"} | ({"code": code} if code else {})
    answer = client.post("/api/v1/auth/token/", body, format="json")
    assert answer.status_code == 200, answer.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    return client


def ok(answer, status: int = 200) -> dict:
    assert answer.status_code == status, answer.content
    return answer.json()


def test_a_proposal_travels_from_draft_to_completed(world: World) -> None:
    author = signed_in("author")
    group_chair = signed_in("groupchair")
    coordinator = signed_in("coordinator", code_of(authenticator_for(world.coordinator)))
    chair = signed_in("clusterchair")
    director = signed_in("director")
    dvv = signed_in("dvv")
    roeselare, tielt, _izegem = world.municipalities

    item = ok(
        author.post(
            "/api/v1/agenda-items/",
            {
                "title": "Regionaal fietsroutenetwerk",
                "rationale": "Veilige functionele fietsroutes tussen de Midwestgemeenten.",
                "proposed_decision": "De cluster keurt het netwerk goed.",
                "kind": "decision",
                "intervision_group": world.group.pk,
                "target_cluster": world.cluster.pk,
                "municipalities": [roeselare.pk, tielt.pk],
            },
            format="json",
        ),
        201,
    )
    assert item["state"] == "draft"
    assert item["author"]["username"] == "author"
    assert "submit" in item["available_transitions"]
    url = f"/api/v1/agenda-items/{item['id']}"

    def fire(client: APIClient, name: str, status: int = 200, **body) -> dict:
        return ok(client.post(f"{url}/transitions/{name}/", body, format="json"), status)

    assert fire(author, "submit")["state"] == "submitted"
    assert fire(group_chair, "start_preparation")["state"] == "in_preparation"
    assert fire(group_chair, "endorse", comment="Klaar voor de cluster")["state"] == "prepared"

    starts = timezone.now() + dt.timedelta(days=10)
    meeting = ok(
        coordinator.post(
            "/api/v1/meetings/",
            {
                "body": world.cluster.pk,
                "starts_at": starts.isoformat(),
                "submission_deadline": (starts - dt.timedelta(days=3)).isoformat(),
                "location": "Stadhuis Tielt",
            },
            format="json",
        ),
        201,
    )
    assert fire(coordinator, "schedule", meeting=meeting["id"])["meeting"] == meeting["id"]
    murl = f"/api/v1/meetings/{meeting['id']}"
    assert (
        ok(coordinator.post(f"{murl}/transitions/convene/", {}, format="json"))["state"]
        == "convened"
    )
    for person in (world.cluster_chair, world.cluster_member):
        ok(
            coordinator.post(
                f"{murl}/attendance/", {"person": person.pk, "status": "present"}, format="json"
            )
        )
    ok(
        coordinator.post(
            f"{murl}/attendance/",
            {"person": world.third_member.pk, "status": "excused"},
            format="json",
        )
    )
    assert len(ok(chair.get(f"{murl}/attendance/"))) == 3
    assert ok(chair.post(f"{murl}/transitions/open/", {}, format="json"))["state"] == "in_session"

    approved = fire(
        chair,
        "approve",
        text="De cluster keurt het regionaal fietsroutenetwerk goed.",
        votes=[
            {"municipality": roeselare.pk, "vote": "for"},
            {"municipality": tielt.pk, "vote": "for"},
        ],
    )
    assert approved["state"] == "approved"
    decision = ok(chair.get(f"/api/v1/decisions/{approved['decision']}/"))
    assert decision["number"].endswith("/CL-RUIMTE/001")
    assert sorted(v["municipality"] for v in decision["votes"]) == [roeselare.pk, tielt.pk]
    ratifications = ok(coordinator.get(f"/api/v1/ratifications/?decision={decision['id']}"))
    assert ratifications["count"] == 2
    mine = ok(
        director.get(
            f"/api/v1/ratifications/?decision={decision['id']}&municipality={roeselare.pk}"
        )
    )
    ratified = ok(
        director.post(
            f"/api/v1/ratifications/{mine['results'][0]['id']}/transitions/ratify/",
            {
                "date": timezone.localdate().isoformat(),
                "deciding_body": "gemeenteraad",
                "reference": "GR/2026/77",
            },
            format="json",
        )
    )
    assert ratified["state"] == "ratified"

    action = ok(
        coordinator.post(
            "/api/v1/actions/",
            {
                "item": item["id"],
                "title": "Routes intekenen in het GIS",
                "service": world.service.pk,
                "due_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
            },
            format="json",
        ),
        201,
    )
    assert fire(coordinator, "start_execution")["state"] == "in_execution"
    aurl = f"/api/v1/actions/{action['id']}"
    assert ok(dvv.post(f"{aurl}/transitions/start/", {}, format="json"))["state"] == "in_progress"
    assert ok(dvv.post(f"{aurl}/transitions/complete/", {}, format="json"))["state"] == "done"
    assert fire(coordinator, "complete")["state"] == "completed"

    history = ok(author.get(f"{url}/history/"))
    assert [(h["transition"], h["actor"]["username"]) for h in history] == [
        ("submit", "author"),
        ("start_preparation", "groupchair"),
        ("endorse", "groupchair"),
        ("schedule", "coordinator"),
        ("approve", "clusterchair"),
        ("start_execution", "coordinator"),
        ("complete", "coordinator"),
    ]
    assert history[2]["comment"] == "Klaar voor de cluster"
