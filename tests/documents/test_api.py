"""GET /api/v1/documents/ and …/{id}/download/: the HTTP contract."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from backend.agenda.models import AgendaItem
from backend.documents.models import GeneratedDocument
from backend.documents.render import DOCX_CONTENT_TYPE
from backend.documents.services import document_generate
from backend.meetings.models import Meeting
from backend.organisations.models import Body
from tests.conftest import World
from tests.documents.samples import all_text, read
from workflows.engine import fire

Api = Callable[[str | None], APIClient]
URL = "/api/v1/documents/"


def convened(world: World, *items: AgendaItem) -> Meeting:
    meeting = world.meeting()
    for item in items or (world.prepared_item(),):
        fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    return meeting


def ids(answer) -> set[int]:  # type: ignore[no-untyped-def]
    assert answer.status_code == 200, answer.content
    return {row["id"] for row in answer.json()["results"]}


def test_convening_through_the_api_answers_when_the_agenda_exists(world: World, api: Api) -> None:
    meeting = world.meeting()
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    answer = api("cluster_chair").post(
        f"/api/v1/meetings/{meeting.pk}/transitions/convene/", {}, format="json"
    )
    assert answer.status_code == 200, answer.content
    listed = api("cluster_member").get(f"{URL}?meeting={meeting.pk}&kind=agenda").json()
    assert listed["count"] == 1
    row = listed["results"][0]
    assert {key: row[key] for key in ("kind", "meeting", "version", "public")} == {
        "kind": "agenda",
        "meeting": meeting.pk,
        "version": 1,
        "public": True,
    }
    assert len(row["sha256"]) == 64 and row["created_at"]


def test_download_gives_the_word_file_with_a_dutch_name_and_the_stored_checksum(
    world: World, api: Api
) -> None:
    meeting = convened(world)
    document = document_generate(meeting=meeting, kind="agenda", actor=world.coordinator)
    answer = api("group_member").get(f"{URL}{document.pk}/download/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == DOCX_CONTENT_TYPE
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    assert answer["Content-Disposition"] == (
        f'attachment; filename="agenda-CL-RUIMTE-{day}-v2.docx"'
    )
    content = b"".join(answer.streaming_content)
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert "Uitnodiging en agenda" in all_text(read(content))


def test_the_minutes_download_under_their_dutch_name(world: World, api: Api) -> None:
    item = world.prepared_item()
    meeting = world.meeting_in_session(item)
    fire(item, "postpone", actor=world.cluster_chair)
    fire(meeting, "close", actor=world.coordinator)
    minutes = GeneratedDocument.objects.get(meeting=meeting, kind="minutes")
    answer = api("coordinator").get(f"{URL}{minutes.pk}/download/")
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    assert f'filename="notulen-CL-RUIMTE-{day}-v1.docx"' in answer["Content-Disposition"]


def test_an_accept_header_for_word_files_is_not_refused(world: World, api: Api) -> None:
    document = GeneratedDocument.objects.get(meeting=convened(world))
    answer = api("coordinator").get(f"{URL}{document.pk}/download/", HTTP_ACCEPT=DOCX_CONTENT_TYPE)
    assert answer.status_code == 200
    missing = api("coordinator").get(f"{URL}999999/download/", HTTP_ACCEPT=DOCX_CONTENT_TYPE)
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_the_list_filters_by_meeting_and_kind(world: World, api: Api) -> None:
    first = convened(world)
    second = convened(world)
    report = document_generate(meeting=first, kind="followup_report", actor=world.coordinator)
    client = api("coordinator")
    everything = ids(client.get(URL))
    assert everything == set(GeneratedDocument.objects.values_list("pk", flat=True))
    assert ids(client.get(f"{URL}?meeting={second.pk}")) == set(
        second.documents.values_list("pk", flat=True)
    )
    assert ids(client.get(f"{URL}?meeting={first.pk}&kind=followup_report")) == {report.pk}
    assert ids(client.get(f"{URL}?meeting=99999999")) == set()
    assert client.get(f"{URL}?meeting=abc").status_code == 400
    assert client.get(f"{URL}?kind=poster").status_code == 400


def test_a_document_of_another_region_is_404(world: World, api: Api) -> None:
    document = GeneratedDocument.objects.get(meeting=convened(world))
    stranger = api("stranger")
    assert stranger.get(URL).json()["count"] == 0
    assert stranger.get(f"{URL}{document.pk}/").status_code == 404
    assert stranger.get(f"{URL}{document.pk}/download/").status_code == 404
    assert stranger.get(f"{URL}?meeting={document.meeting_id}").json()["count"] == 0


def test_a_document_of_another_region_s_meeting_stays_hidden_from_everyone_here(
    world: World, api: Api
) -> None:
    westhoek = world.stranger.region
    body = Body.objects.create(region=westhoek, kind=Body.Kind.CLUSTER, name="W", code="CL-W")
    meeting = Meeting.objects.create(
        body=body,
        starts_at=timezone.now() + dt.timedelta(days=3),
        submission_deadline=timezone.now() + dt.timedelta(days=1),
    )
    foreign = document_generate(meeting=meeting, kind="followup_report", actor=world.stranger)
    for persona in ("coordinator", "cluster_chair", "author"):
        assert api(persona).get(f"{URL}{foreign.pk}/download/").status_code == 404
    assert api("stranger").get(f"{URL}{foreign.pk}/download/").status_code == 200


def test_the_full_version_is_only_for_people_who_may_see_every_confidential_item(
    world: World, api: Api
) -> None:
    secret = world.prepared_item(title="Zwakke plekken", confidential=True)
    meeting = convened(world, world.prepared_item(title="Openbaar"), secret)
    public = meeting.documents.get(public=True)
    full = meeting.documents.get(public=False)
    # Who may see the confidential item: its group, the cluster it went to, the coordinator.
    for persona in ("coordinator", "cluster_chair", "cluster_member", "group_member", "author"):
        client = api(persona)
        assert ids(client.get(f"{URL}?meeting={meeting.pk}")) == {public.pk, full.pk}, persona
        assert client.get(f"{URL}{full.pk}/download/").status_code == 200, persona
    # People of the region outside those bodies see the public version only.
    for persona in ("director", "dvv"):
        client = api(persona)
        assert ids(client.get(f"{URL}?meeting={meeting.pk}")) == {public.pk}, persona
        assert client.get(f"{URL}{full.pk}/").status_code == 404, persona
        assert client.get(f"{URL}{full.pk}/download/").status_code == 404, persona
        content = b"".join(client.get(f"{URL}{public.pk}/download/").streaming_content)
        assert not any("Zwakke plekken" in line for line in all_text(read(content)))


def test_anonymous_callers_are_asked_to_sign_in(world: World, api: Api) -> None:
    document = GeneratedDocument.objects.get(meeting=convened(world))
    assert api(None).get(URL).status_code == 401
    assert api(None).get(f"{URL}{document.pk}/download/").status_code == 401


def test_a_missing_file_is_404_not_a_server_error(world: World, api: Api) -> None:
    document = GeneratedDocument.objects.get(meeting=convened(world))
    document.file.storage.delete(document.file.name)
    detail = api("coordinator").get(f"{URL}{document.pk}/")
    assert detail.status_code == 200 and detail.json()["size"] is None
    answer = api("coordinator").get(f"{URL}{document.pk}/download/")
    assert answer.status_code == 404
    assert answer.json()["detail"]


def test_a_stored_document_cannot_be_changed_or_deleted(world: World, api: Api) -> None:
    document = GeneratedDocument.objects.get(meeting=convened(world))
    client = api("coordinator")
    assert client.patch(f"{URL}{document.pk}/", {"version": 9}).status_code == 405
    assert client.put(f"{URL}{document.pk}/", {"version": 9}).status_code == 405
    assert client.delete(f"{URL}{document.pk}/").status_code == 405
    assert GeneratedDocument.objects.get(pk=document.pk).version == 1


def closed(world: World) -> Meeting:
    item = world.prepared_item()
    meeting = world.meeting_in_session(item)
    fire(item, "approve", actor=world.cluster_chair, text="Goed.", consensus=True)
    meeting.refresh_from_db()
    fire(meeting, "close", actor=world.cluster_chair)
    meeting.refresh_from_db()
    return meeting


def test_the_secretariat_generates_the_next_version_of_the_minutes(world: World, api: Api) -> None:
    meeting = closed(world)
    meeting.entries.update(note="Roeselare vraagt een evaluatie na een jaar.")
    answer = api("coordinator").post(URL, {"meeting": meeting.pk, "kind": "minutes"}, format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["version"] == 2 and answer.json()["kind"] == "minutes"
    latest = GeneratedDocument.objects.get(pk=answer.json()["id"])
    assert "Roeselare vraagt een evaluatie na een jaar." in all_text(read(latest.file.read()))
    first = GeneratedDocument.objects.get(meeting=meeting, kind="minutes", version=1)
    assert "Roeselare vraagt een evaluatie na een jaar." not in all_text(read(first.file.read()))


def test_generating_is_refused_as_the_rules_of_the_meeting_say(world: World, api: Api) -> None:
    meeting = closed(world)
    before = GeneratedDocument.objects.count()
    member = api("cluster_member").post(
        URL, {"meeting": meeting.pk, "kind": "minutes"}, format="json"
    )
    assert member.status_code == 403, member.content
    stranger = api("stranger").post(URL, {"meeting": meeting.pk, "kind": "minutes"}, format="json")
    assert stranger.status_code == 404, stranger.content
    fire(meeting, "approve_minutes", actor=world.cluster_chair)
    frozen = api("coordinator").post(URL, {"meeting": meeting.pk, "kind": "minutes"}, format="json")
    assert frozen.status_code == 409, frozen.content
    assert "goedgekeurd" in frozen.json()["detail"].lower()
    assert GeneratedDocument.objects.count() == before + 1  # only the approved minutes


def test_a_bad_generation_request_is_400(world: World, api: Api) -> None:
    meeting = convened(world)
    client = api("coordinator")
    for body in (
        {},
        {"meeting": meeting.pk},
        {"meeting": meeting.pk, "kind": "brief"},
        {"meeting": "een", "kind": "agenda"},
        {"meeting": 2**64, "kind": "agenda"},
    ):
        answer = client.post(URL, body, format="json")
        assert answer.status_code == 400, (body, answer.content)
        assert answer.json()["reasons"]
    assert client.post(URL, {"meeting": 2**62, "kind": "agenda"}, format="json").status_code == 404


def test_the_list_costs_the_same_queries_for_two_documents_as_for_ten(
    world: World, api: Api
) -> None:
    secret = world.prepared_item(title="Zwakke plekken", confidential=True)
    meeting = convened(world, world.prepared_item(), secret)  # a public and a full version
    client = api("cluster_member")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    queries()  # the first request also reads the caller's roles, then kept on the user
    few = queries()
    for _ in range(4):
        document_generate(meeting=meeting, kind="agenda", actor=world.coordinator)
    assert GeneratedDocument.objects.count() == 10
    assert queries() == few
