"""The versions of the minutes: a draft says "ontwerp" and the approved minutes the day
they were approved, in the document itself, on the meeting page (the approved ones
first), in the API and on the public site; and what the minutes hold of a meeting as it
was held: conflicts, the discussion note, the chair's remarks, the outcome of every
entry."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import formats, timezone
from rest_framework.test import APIClient

from backend.audit.models import TransitionLog
from backend.documents.data import dutch_date
from backend.documents.models import GeneratedDocument
from backend.meetings.models import AgendaEntry, Meeting
from backend.meetings.services import conflict_record, entry_note_write
from tests.conftest import World
from tests.documents.samples import all_text, read
from tests.web.pages import signed_in, text
from workflows.engine import fire

pytestmark = pytest.mark.django_db


def lines_of(document: GeneratedDocument) -> list[str]:
    with document.file.open("rb") as handle:
        return all_text(read(handle.read()))


def minutes(meeting: Meeting, version: int) -> GeneratedDocument:
    return GeneratedDocument.objects.get(
        meeting=meeting, kind="minutes", version=version, public=True
    )


@pytest.fixture
def held(world: World) -> SimpleNamespace:
    """A closed meeting: one item approved by vote with the chair's remark and a
    discussion note; one postponed with the chair's remark and a conflict of interest (its
    reason ending in a full stop)."""
    decided = world.prepared_item(title="Regionale fietsroute")
    postponed = world.prepared_item(title="Gezamenlijke aankoop van strooizout")
    meeting = world.meeting_in_session(decided, postponed)
    entry = AgendaEntry.objects.get(meeting=meeting, item=decided)
    conflict_record(
        entry=AgendaEntry.objects.get(meeting=meeting, item=postponed),
        person=world.cluster_member,
        reason="Zijn broer is de aannemer.",
        actor=world.coordinator,
    )
    entry_note_write(entry=entry, actor=world.coordinator, note="Tielt vraagt een tweede lezing.")
    roeselare, tielt, _izegem = world.municipalities
    fire(
        decided,
        "approve",
        actor=world.cluster_chair,
        comment="Met dank aan de intervisiegroep.",
        text="De cluster keurt het tracé goed.",
        votes=[
            {"municipality": roeselare.pk, "vote": "for"},
            {"municipality": tielt.pk, "vote": "abstain"},
        ],
    )
    fire(
        postponed,
        "postpone",
        actor=world.cluster_chair,
        comment="De offertes komen pas volgende maand binnen.",
    )
    fire(meeting, "close", actor=world.cluster_chair)
    meeting.refresh_from_db()
    return SimpleNamespace(meeting=meeting, decided=decided, postponed=postponed)


def approved(world: World, meeting: Meeting) -> TransitionLog:
    fire(meeting, "approve_minutes", actor=world.cluster_chair)
    return TransitionLog.objects.for_object(meeting).get(transition="approve_minutes")


def test_the_draft_minutes_say_ontwerp_at_the_top(held: SimpleNamespace) -> None:
    lines = lines_of(minutes(held.meeting, 1))
    assert lines[0] == "Notulen (ontwerp)"
    assert "Ontwerp: deze notulen zijn nog niet goedgekeurd." in lines[:4]
    assert not any(line.startswith("Goedgekeurd") for line in lines)


def test_the_approved_minutes_say_the_day_they_were_approved(
    world: World, held: SimpleNamespace
) -> None:
    step = approved(world, held.meeting)
    lines = lines_of(minutes(held.meeting, 2))
    assert lines[0] == "Notulen"
    assert f"Goedgekeurd op {dutch_date(step.at)}." in lines[:4]
    assert not any("ntwerp" in line for line in lines)
    # The draft stays what it was.
    assert lines_of(minutes(held.meeting, 1))[0] == "Notulen (ontwerp)"


def test_the_meeting_page_labels_the_versions_with_the_approved_minutes_first(
    world: World, held: SimpleNamespace
) -> None:
    client = signed_in(world.cluster_chair)
    page = text(client.get(f"/vergaderingen/{held.meeting.pk}/"))
    assert "data-version-label>ontwerp</span>" in page
    step = approved(world, held.meeting)
    page = text(client.get(f"/vergaderingen/{held.meeting.pk}/"))
    day = formats.date_format(timezone.localtime(step.at).date(), "j F Y")
    label = f"data-version-label>goedgekeurd op {day}</span>"
    assert label in page
    approved_at = page.index(label)
    draft_at = page.index("data-version-label>ontwerp</span>")
    assert approved_at < draft_at
    # The other kinds carry no such label.
    section = page[page.index('id="documents"') :]
    assert section.count("data-version-label") == 2


def test_the_api_says_which_version_of_the_minutes_is_approved_and_when(
    world: World, held: SimpleNamespace
) -> None:
    step = approved(world, held.meeting)
    client = APIClient()
    client.force_authenticate(world.cluster_chair)
    answer = client.get(f"/api/v1/documents/?meeting={held.meeting.pk}&kind=minutes")
    assert answer.status_code == 200
    rows = {row["version"]: row for row in answer.json()["results"]}
    day = formats.date_format(timezone.localtime(step.at).date(), "j F Y")
    assert rows[2]["label"] == f"goedgekeurd op {day}"
    assert rows[2]["minutes_approved_at"] is not None
    assert rows[1]["label"] == "ontwerp"
    assert rows[1]["minutes_approved_at"] is None
    decision_list = client.get(f"/api/v1/documents/?meeting={held.meeting.pk}&kind=decision_list")
    assert [row["label"] for row in decision_list.json()["results"]] == [""]


def test_the_public_site_labels_the_approved_minutes(world: World, held: SimpleNamespace) -> None:
    step = approved(world, held.meeting)
    page = text(APIClient().get(f"/open/zittingen/{held.meeting.pk}/"))
    day = formats.date_format(timezone.localtime(step.at).date(), "j F Y")
    assert f"data-version-label>(goedgekeurd op {day})</span>" in page


def test_the_minutes_hold_conflicts_notes_remarks_and_every_outcome(
    held: SimpleNamespace,
) -> None:
    lines = lines_of(minutes(held.meeting, 1))
    text = "\n".join(lines)
    assert (
        "Clustermember neemt niet deel aan de beraadslaging en de stemming (art. 27 DLB): "
        "Zijn broer is de aannemer." in lines
    )
    assert "Bespreking\nTielt vraagt een tweede lezing." in text
    assert "Opmerking van de voorzitter: Met dank aan de intervisiegroep." in lines
    assert "Stemming: 1 stem voor, 0 stemmen tegen, 1 onthouding." in lines
    assert "Voor: Roeselare" in lines and "Onthouding: Tielt" in lines
    # The postponed entry: its outcome and what the chair said.
    assert "2. Gezamenlijke aankoop van strooizout" in lines
    assert "Opmerking van de voorzitter: De offertes komen pas volgende maand binnen." in lines
    assert any(line.startswith("ter beslissing · uitgesteld") for line in lines)
    assert "Aanwezig" in lines and "Verontschuldigd" in lines and "Afwezig" in lines


def test_the_decision_list_gives_each_entry_its_outcome_and_tally(
    held: SimpleNamespace,
) -> None:
    document = GeneratedDocument.objects.get(meeting=held.meeting, kind="decision_list")
    text = "\n".join(lines_of(document))
    assert "goedgekeurd\n1 stem voor, 0 stemmen tegen, 1 onthouding" in text
    assert "Gezamenlijke aankoop van strooizout\nuitgesteld" in text
