"""The minutes, the decision list and the excerpt of a meeting as it was held: its day and
hours, its presiding chair and secretary (the only ones who sign), each decision's tally
with the right plural forms, a secret vote by its counts only, and long texts whole."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from backend.agenda.models import AgendaItem
from backend.documents.data import dutch_date, dutch_time
from backend.documents.models import GeneratedDocument
from backend.meetings.services import attendance_record, meeting_update
from backend.organisations.models import Membership
from tests.conftest import World, member
from tests.documents.samples import all_text, read
from workflows.engine import fire

pytestmark = pytest.mark.django_db


def lines_of(document: GeneratedDocument) -> list[str]:
    with document.file.open("rb") as handle:
        return all_text(read(handle.read()))


@pytest.fixture
def held(world: World) -> SimpleNamespace:
    """A meeting planned in two weeks, held today: Izegem's mayor is a second chair, the
    secretary a secretary of the cluster; one item decided by secret vote, one by an open
    vote."""
    Membership.objects.filter(person=world.third_member, body=world.cluster).update(
        role=Membership.Role.CHAIR
    )
    member(world.group_member, world.cluster, Membership.Role.SECRETARY, None)
    secret = world.prepared_item(
        title="Voordracht van een bestuurder", municipalities=world.municipalities
    )
    open_vote = world.prepared_item(title="Regionale fietsroute")
    meeting = world.meeting()
    meeting_update(meeting, actor=world.coordinator, secretary=world.group_member)
    for item in (secret, open_vote):
        fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    meeting.refresh_from_db()
    fire(meeting, "convene", actor=world.coordinator)
    for person in (world.cluster_chair, world.cluster_member, world.third_member):
        attendance_record(meeting=meeting, person=person, status="present", actor=world.coordinator)
    fire(meeting, "open", actor=world.coordinator)
    for item in (secret, open_vote):
        item.refresh_from_db()
    fire(
        secret,
        "approve",
        actor=world.cluster_chair,
        text="De cluster draagt de kandidaat voor.",
        params={"secret": True, "for": 2, "against": 0, "abstain": 1},
    )
    roeselare, tielt, izegem = world.municipalities
    fire(
        open_vote,
        "approve",
        actor=world.cluster_chair,
        text="Goedgekeurd.",
        votes=[
            {"municipality": roeselare.pk, "vote": "for"},
            {"municipality": tielt.pk, "vote": "abstain"},
            {"municipality": izegem.pk, "vote": "abstain"},
        ],
    )
    meeting.refresh_from_db()
    fire(meeting, "close", actor=world.coordinator)
    meeting.refresh_from_db()
    secret.refresh_from_db()
    return SimpleNamespace(meeting=meeting, secret=secret, open_vote=open_vote)


def test_the_minutes_say_when_and_by_whom_the_meeting_was_held(
    world: World, held: SimpleNamespace
) -> None:
    meeting = held.meeting
    text = "\n".join(lines_of(meeting.documents.get(kind="minutes")))
    today = dutch_date(meeting.opened_at)
    assert f"Ruimte en mobiliteit · {today}" in text
    assert f"Gehouden op {today}; gepland op {dutch_date(meeting.starts_at)}." in text
    assert f"Geopend om\n{dutch_time(meeting.opened_at)}" in text
    assert f"Gesloten om\n{dutch_time(meeting.closed_at)}" in text
    assert "Voorzitter\nClusterchair" in text
    assert "Secretaris\nGroupmember" in text


def test_the_minutes_and_the_decision_list_are_signed_by_the_chair_and_secretary_only(
    held: SimpleNamespace,
) -> None:
    for kind in ("minutes", "decision_list"):
        document = held.meeting.documents.get(kind=kind)
        with document.file.open("rb") as handle:
            signature = read(handle.read()).tables[-1]
        cells = [cell.text for row in signature.rows for cell in row.cells]
        assert cells == ["De secretaris", "De voorzitter", "", "", "Groupmember", "Clusterchair"]
        # The second chair, present, does not sign.
        assert "Third_Member" not in "".join(cells)


def test_each_decision_has_its_tally_with_the_right_plural_forms(held: SimpleNamespace) -> None:
    minutes = lines_of(held.meeting.documents.get(kind="minutes"))
    assert "Geheime stemming: 2 stemmen voor, 0 stemmen tegen, 1 onthouding." in minutes
    assert "Stemming: 1 stem voor, 0 stemmen tegen, 2 onthoudingen." in minutes
    decisions = lines_of(held.meeting.documents.get(kind="decision_list"))
    assert "goedgekeurd\ngeheime stemming: 2 stemmen voor, 0 stemmen tegen, 1 onthouding" in (
        "\n".join(decisions)
    )
    assert "goedgekeurd\n1 stem voor, 0 stemmen tegen, 2 onthoudingen" in "\n".join(decisions)


def test_a_secret_vote_names_nobody_in_any_document(world: World, held: SimpleNamespace) -> None:
    minutes = lines_of(held.meeting.documents.get(kind="minutes"))
    # Only the open vote says who voted how.
    assert [line for line in minutes if line.startswith(("Voor:", "Tegen:", "Onthouding:"))] == [
        "Voor: Roeselare",
        "Onthouding: Izegem en Tielt",
    ]
    client = APIClient()
    client.force_authenticate(world.coordinator)
    decision = held.secret.decision
    for municipality in world.municipalities:
        answer = client.get(f"/api/v1/decisions/{decision.pk}/excerpts/{municipality.pk}/")
        assert answer.status_code == 200
        text = "\n".join(all_text(read(answer.content)))
        assert "Stem van de gemeente\ngeheime stemming" in text
        assert "Geheime stemming: 2 stemmen voor, 0 stemmen tegen, 1 onthouding." in text
        assert not any(word in text for word in ("\nVoor: ", "\nTegen: ", "\nOnthouding: "))
        held_on = dutch_date(held.meeting.opened_at)
        assert f"Vergadering\n{held_on}, {dutch_time(held.meeting.opened_at)}" in text
        decided = timezone.localtime(decision.decided_at)
        assert f"Beslist op\n{dutch_date(decided)}, {dutch_time(decided)}" in text


def test_a_rationale_of_100000_characters_reaches_the_documents_whole(world: World) -> None:
    words = "Motivering van het reglement, artikel na artikel. "
    rationale = (words * (100_000 // len(words) + 1))[:99_999] + "."
    assert len(rationale) == 100_000
    client = APIClient()
    client.force_authenticate(world.author)
    answer = client.post(
        "/api/v1/agenda-items/",
        {
            "title": "Reglement gemeenschappelijk e-depot",
            "rationale": rationale,
            "proposed_decision": "De cluster keurt het reglement goed. " * 2000,
            "intervision_group": world.group.pk,
            "target_cluster": world.cluster.pk,
            "municipalities": [m.pk for m in world.municipalities],
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    too_long = client.post(
        "/api/v1/agenda-items/",
        {
            "title": "Te lang",
            "rationale": rationale + "x" * 10,
            "intervision_group": world.group.pk,
        },
        format="json",
    )
    assert too_long.status_code == 400
    item = AgendaItem.objects.get(pk=answer.json()["id"])
    assert len(item.rationale) == len(rationale)
    fire(item, "submit", actor=world.author)
    fire(item, "start_preparation", actor=world.group_chair)
    fire(item, "endorse", actor=world.group_chair)
    meeting = world.meeting_in_session(item)
    decision_text = ("Artikel 1. Het reglement treedt in werking. " * 2300)[:100_000]
    fire(item, "approve", actor=world.cluster_chair, text=decision_text, consensus=True)
    meeting.refresh_from_db()
    fire(meeting, "close", actor=world.coordinator)
    for kind, whole in (("agenda", rationale), ("minutes", rationale), ("minutes", decision_text)):
        document = meeting.documents.filter(kind=kind).latest("version")
        assert whole.strip() in "\n".join(lines_of(document)), kind
