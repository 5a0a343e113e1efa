"""The discussion note of an agenda entry: written by the secretariat during the session and
until the minutes are approved, read only by people who may see the item, printed in the
minutes."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from backend.documents.models import GeneratedDocument
from backend.meetings.models import AgendaEntry
from tests.conftest import World
from tests.documents.samples import all_text, read
from workflows.engine import fire

Client = Callable[[str | None], APIClient]

NOTE = "Tielt vraagt een extra fietsstraat; <b>Izegem</b> & Roeselare volgen — 🚲."


@pytest.fixture
def session(world: World) -> SimpleNamespace:
    """A cluster meeting in session with a public item and a confidential one."""
    public = world.prepared_item(title="Regionaal fietsroutenetwerk")
    secret = world.prepared_item(title="Personeelsdossier", confidential=True)
    meeting = world.meeting_in_session(public, secret)
    entries = {entry.item_id: entry for entry in meeting.entries.all()}
    return SimpleNamespace(
        meeting=meeting,
        public=public,
        secret=secret,
        entry=entries[public.pk],
        secret_entry=entries[secret.pk],
    )


def url(session: SimpleNamespace, entry: AgendaEntry | None = None) -> str:
    target = entry or session.entry
    return f"/api/v1/meetings/{session.meeting.pk}/entries/{target.pk}/"


def stored_note(entry: AgendaEntry) -> str:
    return AgendaEntry.objects.values_list("note", flat=True).get(pk=entry.pk)


def test_the_coordinator_writes_a_note_during_the_session_and_reads_it_back(
    api: Client, session: SimpleNamespace
) -> None:
    answer = api("coordinator").patch(url(session), {"note": NOTE}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["note"] == NOTE
    assert answer.json()["title"] == "Regionaal fietsroutenetwerk"
    assert stored_note(session.entry) == NOTE
    listed = api("coordinator").get(f"/api/v1/meetings/{session.meeting.pk}/entries/").json()
    assert [row["note"] for row in listed if row["id"] == session.entry.pk] == [NOTE]


def test_the_chair_of_the_body_writes_a_note_after_closing_and_the_minutes_print_it(
    world: World, api: Client, session: SimpleNamespace
) -> None:
    fire(session.public, "approve", actor=world.cluster_chair, text="Goed.", consensus=True)
    session.secret.refresh_from_db()
    fire(session.secret, "postpone", actor=world.cluster_chair)
    session.meeting.refresh_from_db()
    fire(session.meeting, "close", actor=world.cluster_chair)
    answer = api("cluster_chair").patch(url(session), {"note": NOTE}, format="json")
    assert answer.status_code == 200, answer.content

    created = api("coordinator").post(
        "/api/v1/documents/",
        {"meeting": session.meeting.pk, "kind": "minutes"},
        format="json",
    )
    assert created.status_code == 201, created.content
    minutes = GeneratedDocument.objects.filter(meeting=session.meeting, kind="minutes").latest(
        "version"
    )
    assert NOTE in all_text(read(minutes.file.read()))


def test_a_member_who_does_not_run_the_meeting_is_refused_and_nothing_changes(
    api: Client, session: SimpleNamespace
) -> None:
    answer = api("cluster_member").patch(url(session), {"note": NOTE}, format="json")
    assert answer.status_code == 403, answer.content
    assert stored_note(session.entry) == ""


def test_someone_of_another_region_finds_neither_meeting_nor_entry(
    api: Client, session: SimpleNamespace
) -> None:
    assert api("stranger").patch(url(session), {"note": NOTE}, format="json").status_code == 404
    assert api("stranger").get(url(session)).status_code == 404
    assert stored_note(session.entry) == ""


def test_a_confidential_entry_is_hidden_from_who_may_not_see_its_item(
    api: Client, session: SimpleNamespace
) -> None:
    dvv = api("dvv")
    listed = dvv.get(f"/api/v1/meetings/{session.meeting.pk}/entries/")
    assert listed.status_code == 200, listed.content
    assert [row["id"] for row in listed.json()] == [session.entry.pk]
    assert dvv.get(url(session, session.secret_entry)).status_code == 404
    assert (
        dvv.patch(url(session, session.secret_entry), {"note": NOTE}, format="json").status_code
        == 404
    )
    coordinator = api("coordinator").get(f"/api/v1/meetings/{session.meeting.pk}/entries/")
    assert {row["id"] for row in coordinator.json()} == {
        session.entry.pk,
        session.secret_entry.pk,
    }


@pytest.mark.parametrize("moment", ["planned", "minutes_approved"])
def test_a_note_is_refused_before_the_session_and_once_the_minutes_are_approved(
    world: World, api: Client, moment: str
) -> None:
    item = world.prepared_item()
    if moment == "planned":
        meeting = world.meeting()
        fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    else:
        meeting = world.meeting_in_session(item)
        AgendaEntry.objects.filter(meeting=meeting).update(note="Vastgelegd.")
        fire(item, "approve", actor=world.cluster_chair, text="Goed.", consensus=True)
        meeting.refresh_from_db()
        fire(meeting, "close", actor=world.cluster_chair)
        meeting.refresh_from_db()
        fire(meeting, "approve_minutes", actor=world.cluster_chair)
    entry = meeting.entries.get()
    before = entry.note
    answer = api("coordinator").patch(
        f"/api/v1/meetings/{meeting.pk}/entries/{entry.pk}/", {"note": NOTE}, format="json"
    )
    assert answer.status_code == 409, answer.content
    assert answer.json()["code"]
    assert stored_note(entry) == before


@pytest.mark.parametrize(
    "body",
    [{}, {"note": 12345}, {"note": None}, {"note": "x" * 20001}, {"note": ["a"]}],
)
def test_a_bad_note_is_refused_with_400_and_nothing_changes(
    api: Client, session: SimpleNamespace, body: dict[str, object]
) -> None:
    answer = api("coordinator").patch(url(session), body, format="json")
    assert answer.status_code == 400, answer.content
    assert answer.json()["reasons"]
    assert stored_note(session.entry) == ""


def test_an_entry_of_another_meeting_or_an_impossible_id_is_not_found(
    world: World, api: Client, session: SimpleNamespace
) -> None:
    other = world.meeting_in_session(world.prepared_item(title="Ander punt"))
    foreign = other.entries.get()
    coordinator = api("coordinator")
    answer = coordinator.patch(url(session, foreign), {"note": NOTE}, format="json")
    assert answer.status_code == 404
    assert stored_note(foreign) == ""
    huge = f"/api/v1/meetings/{session.meeting.pk}/entries/{'9' * 30}/"
    assert coordinator.patch(huge, {"note": NOTE}, format="json").status_code == 404
