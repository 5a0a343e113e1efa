"""Conflicts of interest (art. 27 Decreet Lokaal Bestuur): a member with a personal interest
in an agenda entry takes no part in its deliberation and vote. Recorded per entry through
the API; the entry's quorum and voters leave the person out; the minutes say so and open
data does not name them among the voters."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from rdflib import Graph, Namespace, URIRef
from rest_framework.test import APIClient

from backend.agenda.models import AgendaItem, Decision, Vote
from backend.audit.models import TransitionLog
from backend.documents.data import minutes_data
from backend.documents.render import render
from backend.documents.services import template_path
from backend.meetings.models import AgendaEntry, Conflict, Meeting
from backend.meetings.selectors import quorum_of
from backend.meetings.services import attendance_record, conflict_record
from backend.opendata.export import export, iri
from tests.conftest import World
from tests.documents.samples import all_text, read
from workflows.engine import fire

pytestmark = pytest.mark.django_db

Api = Callable[[str | None], APIClient]
BESLUIT = Namespace("http://data.vlaanderen.be/ns/besluit#")


def url(meeting: Meeting, entry: AgendaEntry, person: Any = None) -> str:
    base = f"/api/v1/meetings/{meeting.pk}/entries/{entry.pk}/conflicts/"
    return f"{base}{person.pk}/" if person is not None else base


def convened(world: World, item: AgendaItem, *present: Any) -> Meeting:
    meeting = world.meeting()
    fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    for person in present or (world.cluster_chair, world.cluster_member):
        attendance_record(meeting=meeting, person=person, status="present", actor=world.coordinator)
    meeting.refresh_from_db()
    return meeting


def in_session(world: World, item: AgendaItem, *present: Any) -> Meeting:
    meeting = convened(world, item, *present)
    fire(meeting, "open", actor=world.cluster_chair)
    meeting.refresh_from_db()
    item.refresh_from_db()
    return meeting


def entry_of(item: AgendaItem) -> AgendaEntry:
    entry = item.current_entry()
    assert entry is not None
    return entry


def snapshot() -> tuple[list[tuple[int, int, str]], int]:
    """What a refused request must leave as it was: the conflicts and the history."""
    rows = list(Conflict.objects.order_by("pk").values_list("entry", "person", "reason"))
    return rows, TransitionLog.objects.count()


# --- Recording, listing, removing ----------------------------------------------------------


def test_a_member_declares_their_own_conflict_and_everyone_sees_it(world: World, api: Api) -> None:
    item = world.prepared_item()
    meeting = in_session(world, item)
    entry = entry_of(item)
    answer = api("cluster_member").post(
        url(meeting, entry),
        {"person": world.cluster_member.pk, "reason": "Zaakvoerder van de aannemer."},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["person"] == world.cluster_member.pk
    assert answer.json()["recorded_by"] == world.cluster_member.pk
    listed = api("third_member").get(url(meeting, entry))
    assert listed.status_code == 200
    assert [(c["person"], c["reason"]) for c in listed.json()] == [
        (world.cluster_member.pk, "Zaakvoerder van de aannemer.")
    ]
    history = TransitionLog.objects.for_object(meeting).filter(kind="edit").last()
    assert history is not None
    assert f"conflict:{entry.pk}:{world.cluster_member.pk}" in history.params["fields"]


def test_the_secretariat_records_one_while_convened_with_an_empty_reason(
    world: World, api: Api
) -> None:
    """The reason may stay empty: the decree asks that the member withdraws, not that the
    interest is spelled out."""
    item = world.prepared_item()
    meeting = convened(world, item)
    answer = api("coordinator").post(
        url(meeting, entry_of(item)), {"person": world.third_member.pk}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    assert Conflict.objects.get().reason == ""


def test_the_presiding_chair_removes_one_in_session_and_not_before(world: World, api: Api) -> None:
    item = world.prepared_item()
    meeting = convened(world, item)
    entry = entry_of(item)
    conflict_record(entry=entry, person=world.cluster_member, reason="", actor=world.coordinator)
    before = snapshot()
    early = api("cluster_chair").delete(url(meeting, entry, world.cluster_member))
    assert early.status_code == 409
    assert snapshot() == before
    fire(meeting, "open", actor=world.cluster_chair)
    before = snapshot()
    member = api("cluster_member").delete(url(meeting, entry, world.cluster_member))
    assert member.status_code == 403
    assert snapshot() == before
    answer = api("cluster_chair").delete(url(meeting, entry, world.cluster_member))
    assert answer.status_code == 204
    assert not Conflict.objects.exists()
    again = api("cluster_chair").delete(url(meeting, entry, world.cluster_member))
    assert again.status_code == 404


# --- Bad input: each refused, nothing changed ----------------------------------------------


@pytest.mark.parametrize(
    ("persona", "whom", "status", "says"),
    [
        # Not a member of the body.
        ("coordinator", "author", 400, "not a member of the body"),
        # A member, but not present once the meeting is in session.
        ("coordinator", "third_member", 400, "not present"),
        # A member may declare only their own conflict.
        ("cluster_member", "cluster_chair", 403, "themself"),
        # Someone of the region outside the body records nothing.
        ("author", "cluster_member", 403, ""),
    ],
)
def test_a_conflict_that_cannot_be_recorded_is_refused(
    world: World, api: Api, persona: str, whom: str, status: int, says: str
) -> None:
    item = world.prepared_item()
    meeting = in_session(world, item)
    before = snapshot()
    answer = api(persona).post(
        url(meeting, entry_of(item)),
        {"person": getattr(world, whom).pk, "reason": "Familie."},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == status, answer.json()
    assert says in str(answer.json())
    assert snapshot() == before


def test_the_refusal_is_said_in_dutch_too(world: World, api: Api) -> None:
    item = world.prepared_item()
    meeting = in_session(world, item)
    answer = api("coordinator").post(
        url(meeting, entry_of(item)),
        {"person": world.third_member.pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert answer.status_code == 400
    assert "niet aanwezig" in str(answer.json())


@pytest.mark.parametrize("state", ["planned", "closed"])
def test_a_conflict_outside_the_convened_meeting_or_the_session_is_refused(
    world: World, api: Api, state: str
) -> None:
    item = world.prepared_item()
    if state == "planned":
        meeting = world.meeting()
        fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    else:
        meeting = in_session(world, item)
        fire(item, "postpone", actor=world.cluster_chair)
        meeting.refresh_from_db()
        fire(meeting, "close", actor=world.coordinator)
    entry = AgendaEntry.objects.get(meeting=meeting, item=item)
    before = snapshot()
    answer = api("coordinator").post(
        url(meeting, entry), {"person": world.cluster_member.pk}, format="json"
    )
    assert answer.status_code == 409, answer.json()
    assert snapshot() == before


def test_an_entry_of_another_meeting_is_not_found(world: World, api: Api) -> None:
    item = world.prepared_item()
    meeting = in_session(world, item)
    other = world.meeting(days=21)
    before = snapshot()
    answer = api("coordinator").post(
        url(other, entry_of(item)), {"person": world.cluster_member.pk}, format="json"
    )
    assert answer.status_code == 404
    assert api("coordinator").get(url(other, entry_of(item))).status_code == 404
    assert snapshot() == before
    assert meeting.pk != other.pk


def test_the_same_conflict_twice_is_refused(world: World, api: Api) -> None:
    item = world.prepared_item()
    meeting = in_session(world, item)
    entry = entry_of(item)
    first = api("cluster_member").post(
        url(meeting, entry), {"person": world.cluster_member.pk, "reason": "A"}, format="json"
    )
    assert first.status_code == 201
    before = snapshot()
    second = api("coordinator").post(
        url(meeting, entry), {"person": world.cluster_member.pk, "reason": "B"}, format="json"
    )
    assert second.status_code == 409, second.json()
    assert snapshot() == before


@pytest.mark.parametrize(
    "body",
    [{}, {"person": "x"}, {"person": 10**9}, {"person": 1, "reason": 5}, {"reason": "x" * 1001}],
)
def test_malformed_requests_are_refused(world: World, api: Api, body: dict[str, Any]) -> None:
    item = world.prepared_item()
    meeting = in_session(world, item)
    if "person" in body and body["person"] == 1:
        body = {**body, "person": world.cluster_member.pk}
    before = snapshot()
    answer = api("coordinator").post(url(meeting, entry_of(item)), body, format="json")
    assert answer.status_code == 400, answer.json()
    assert snapshot() == before


# --- Quorum and vote ------------------------------------------------------------------------


def test_the_entry_quorum_leaves_out_who_has_a_conflict(world: World, api: Api) -> None:
    """Two of three municipalities present: Tielt's only member present withdraws, and the
    entry has no quorum, although the meeting has."""
    item = world.prepared_item()
    meeting = in_session(world, item)
    entry = entry_of(item)
    conflict_record(entry=entry, person=world.cluster_member, reason="", actor=world.cluster_member)
    assert len(quorum_of(meeting).present) == 2
    assert len(quorum_of(meeting, entry).present) == 1
    answer = api("cluster_chair").post(
        f"/api/v1/agenda-items/{item.pk}/transitions/approve/",
        {"text": "Ja.", "consensus": True},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400
    assert "quorum is not present (1 of 2" in str(answer.json())
    assert not Decision.objects.exists()


def test_a_vote_for_a_municipality_whose_only_member_present_has_a_conflict_is_refused(
    world: World, api: Api
) -> None:
    item = world.prepared_item()
    meeting = in_session(world, item, world.cluster_chair, world.cluster_member, world.third_member)
    entry = entry_of(item)
    roeselare, tielt, izegem = world.municipalities
    conflict_record(entry=entry, person=world.cluster_member, reason="", actor=world.cluster_chair)
    votes = [
        {"municipality": roeselare.pk, "vote": "for"},
        {"municipality": tielt.pk, "vote": "for"},
        {"municipality": izegem.pk, "vote": "against"},
    ]
    decide = f"/api/v1/agenda-items/{item.pk}/transitions/approve/"
    for language, says in (("en", "cannot vote on this entry"), ("nl", "kan niet stemmen")):
        answer = api("cluster_chair").post(
            decide, {"text": "Ja.", "votes": votes}, format="json", HTTP_ACCEPT_LANGUAGE=language
        )
        assert answer.status_code == 400
        assert says in str(answer.json()) and tielt.name in str(answer.json())
    assert not Decision.objects.exists()
    # A secret vote counts the two municipalities left.
    too_many = api("cluster_chair").post(
        decide,
        {"text": "Ja.", "secret": True, "for": 2, "against": 1, "abstain": 0},
        format="json",
    )
    assert too_many.status_code == 400
    answer = api("cluster_chair").post(
        decide, {"text": "Ja.", "votes": [votes[0], votes[2]]}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    decision = Decision.objects.get(item=item)
    assert set(Vote.objects.filter(decision=decision).values_list("municipality", flat=True)) == {
        roeselare.pk,
        izegem.pk,
    }
    assert decision.tally == {"for": 1, "against": 1, "abstain": 0}
    assert meeting.pk == decision.meeting_id


def test_a_secret_vote_counts_the_voters_without_a_conflict(world: World, api: Api) -> None:
    item = world.prepared_item()
    in_session(world, item, world.cluster_chair, world.cluster_member, world.third_member)
    conflict_record(
        entry=entry_of(item), person=world.third_member, reason="", actor=world.third_member
    )
    answer = api("cluster_chair").post(
        f"/api/v1/agenda-items/{item.pk}/transitions/approve/",
        {"text": "Ja.", "secret": True, "for": 1, "against": 1, "abstain": 0},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert Decision.objects.get(item=item).secret


# --- Minutes and open data ------------------------------------------------------------------


@pytest.fixture
def decided(world: World) -> tuple[Meeting, AgendaItem]:
    """A closed meeting with approved minutes; on its one entry Izegem's member (present)
    had a conflict, and the two other municipalities voted for."""
    item = world.prepared_item(title="Aanbesteding van het wegenonderhoud")
    meeting = in_session(world, item, world.cluster_chair, world.cluster_member, world.third_member)
    conflict_record(
        entry=entry_of(item),
        person=world.third_member,
        reason="Verwant met een inschrijver",
        actor=world.cluster_chair,
    )
    roeselare, tielt, _izegem = world.municipalities
    fire(
        item,
        "approve",
        actor=world.cluster_chair,
        text="Goedgekeurd.",
        votes=[
            {"municipality": roeselare.pk, "vote": "for"},
            {"municipality": tielt.pk, "vote": "for"},
        ],
    )
    meeting.refresh_from_db()
    fire(meeting, "close", actor=world.cluster_chair)
    meeting.refresh_from_db()
    fire(meeting, "approve_minutes", actor=world.cluster_chair)
    meeting.refresh_from_db()
    item.refresh_from_db()
    return meeting, item


def test_the_minutes_say_who_takes_no_part(world: World, decided: Any) -> None:
    meeting, _item = decided
    document = render(minutes_data(meeting, public=False, version=1), template_path("minutes"))
    lines = all_text(read(document))
    name = str(world.third_member)
    assert (
        f"{name} neemt niet deel aan de beraadslaging en de stemming (art. 27 DLB): "
        "Verwant met een inschrijver." in lines
    )


def test_open_data_does_not_name_the_conflicted_member_among_the_voters(
    world: World, decided: Any
) -> None:
    meeting, item = decided
    data = Graph().parse(data=json.dumps(export(meeting, "notulen")), format="json-ld")
    vote = URIRef(f"http://127.0.0.1:8000/id/stemmingen/{item.decision.pk}")
    withdrawn = iri("mandatarissen", f"{meeting.body.pk}-{world.third_member.pk}")
    voters = {str(v) for v in data.objects(vote, BESLUIT.heeftStemmer)}
    present = {str(v) for v in data.objects(vote, BESLUIT.heeftAanwezige)}
    assert len(voters) == 2
    assert withdrawn not in voters and withdrawn not in present
    # Present at the sitting all the same.
    assert (None, BESLUIT.heeftAanwezige, URIRef(withdrawn)) in data
