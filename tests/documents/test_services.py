"""Documents are stored by the meeting's transitions and by `document_generate`: versions,
checksums, permissions, the frozen minutes and the confidential entries."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backend.agenda.models import AgendaItem
from backend.documents.data import (
    agenda_data,
    decision_list_data,
    dutch_date,
    followup_report_data,
    minutes_data,
)
from backend.documents.models import GeneratedDocument
from backend.documents.pictures import plain
from backend.documents.services import (
    document_full_version,
    document_generate,
    template_path,
)
from backend.followup.services import action_create
from backend.meetings.models import AgendaEntry, Meeting
from tests.conftest import World
from tests.documents.samples import after_label, all_text, read
from workflows.engine import fire
from workflows.errors import GuardFailed, NotPermitted, NotPossible, NotVisible


def text_of(document: GeneratedDocument) -> list[str]:
    with document.file.open("rb") as handle:
        return all_text(read(handle.read()))


def convened(world: World, *items: AgendaItem) -> Meeting:
    meeting = world.meeting()
    for item in items or (world.prepared_item(),):
        fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    return meeting


def closed(world: World) -> tuple[Meeting, AgendaItem, AgendaItem]:
    """A closed meeting: one item approved by vote, one information item noted."""
    decided = world.prepared_item(title="Regionale fietsroute")
    noted = world.prepared_item(title="Stand van zaken kanaal", kind="information")
    meeting = world.meeting_in_session(decided, noted)
    roeselare, tielt = world.municipalities[0], world.municipalities[1]
    fire(
        decided,
        "approve",
        actor=world.cluster_chair,
        text="De cluster keurt het tracé goed.",
        votes=[
            {"municipality": roeselare.pk, "vote": "for"},
            {"municipality": tielt.pk, "vote": "against"},
        ],
    )
    fire(noted, "take_note", actor=world.cluster_chair)
    fire(meeting, "close", actor=world.cluster_chair)
    return meeting, decided, noted


def test_convene_stores_version_1_of_the_agenda_with_its_checksums(world: World) -> None:
    item = world.prepared_item(title="Regionale fietsroute")
    meeting = convened(world, item)
    document = GeneratedDocument.objects.get(meeting=meeting)
    assert (document.kind, document.version, document.public) == ("agenda", 1, True)
    assert document.created_by == world.coordinator
    content = document.file.read()
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    template = template_path("agenda").read_bytes()
    assert document.template_sha256 == hashlib.sha256(template).hexdigest()
    text = text_of(document)
    assert "1. Regionale fietsroute" in text
    assert dutch_date(meeting.starts_at) in " ".join(text)
    assert document.confidential_items.count() == 0


def test_the_stored_file_name_is_safe_and_the_download_name_dutch(world: World) -> None:
    meeting = convened(world, world.prepared_item(title="../../etc/passwd"))
    document = GeneratedDocument.objects.get(meeting=meeting)
    assert Path(document.file.name).parent == Path("documents") / str(meeting.pk)
    assert Path(document.file.name).name.startswith("agenda-v1-openbaar-")
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    assert document.download_name() == f"agenda-CL-RUIMTE-{day}-v1.docx"


def test_close_stores_the_minutes_and_the_decision_list(world: World) -> None:
    meeting, decided, _noted = closed(world)
    kinds = set(meeting.documents.values_list("kind", "version"))
    assert kinds == {("agenda", 1), ("minutes", 1), ("decision_list", 1)}
    number = decided.decision.number
    minutes = text_of(meeting.documents.get(kind="minutes"))
    for expected in (
        "Clusterchair, Roeselare (burgemeester)",
        "Clustermember, Tielt (burgemeester)",
        "1. Regionale fietsroute",
        f"Besluit {number}: goedgekeurd",
        "De cluster keurt het tracé goed.",
        "Stemming: 1 stem voor, 1 stem tegen, 0 onthoudingen.",
        "Voor: Roeselare",
        "Tegen: Tielt",
        "2. Stand van zaken kanaal",
    ):
        assert expected in minutes, expected
    decisions = text_of(meeting.documents.get(kind="decision_list"))
    assert number in decisions
    # Per decision its outcome with the tally; a noted entry its outcome alone.
    assert "goedgekeurd\n1 stem voor, 1 stem tegen, 0 onthoudingen" in decisions
    assert "akte genomen" in decisions


def test_documents_are_written_in_dutch_whoever_asks(world: World) -> None:
    with translation.override("en"):
        meeting, _decided, _noted = closed(world)
    minutes = text_of(meeting.documents.get(kind="minutes"))
    assert any("goedgekeurd" in line for line in minutes)
    assert not any("approved" in line for line in minutes)


def test_regenerating_stores_the_next_version_and_keeps_the_earlier_one(world: World) -> None:
    meeting = convened(world)
    second = document_generate(meeting=meeting, kind="agenda", actor=world.cluster_chair)
    third = document_generate(meeting=meeting, kind="agenda", actor=world.coordinator)
    assert (second.version, third.version) == (2, 3)
    assert list(meeting.documents.values_list("version", flat=True)) == [3, 2, 1]
    report = document_generate(meeting=meeting, kind="followup_report", actor=world.coordinator)
    assert report.version == 1


def test_the_minutes_of_an_approved_meeting_cannot_be_regenerated(world: World) -> None:
    meeting, _decided, _noted = closed(world)
    document_generate(meeting=meeting, kind="minutes", actor=world.coordinator)
    fire(meeting, "approve_minutes", actor=world.cluster_chair)
    with pytest.raises(NotPossible) as refused:
        document_generate(meeting=meeting, kind="minutes", actor=world.coordinator)
    assert refused.value.message == _("The minutes are approved and can no longer be regenerated.")
    # the draft, a regenerated draft, and the approved minutes stored by approve_minutes
    assert meeting.documents.filter(kind="minutes").count() == 3
    # The decision list of an approved meeting can still be printed again.
    assert document_generate(meeting=meeting, kind="decision_list", actor=world.coordinator)


def test_minutes_wait_until_the_meeting_is_closed(world: World) -> None:
    meeting = convened(world)
    with pytest.raises(NotPossible) as refused:
        document_generate(meeting=meeting, kind="minutes", actor=world.coordinator)
    assert refused.value.message == _(
        "Minutes and decision lists are made once the meeting is closed."
    )


def test_a_cancelled_meeting_gets_no_new_documents(world: World) -> None:
    meeting = convened(world)
    fire(meeting, "cancel", actor=world.coordinator)
    with pytest.raises(NotPossible) as refused:
        document_generate(meeting=meeting, kind="agenda", actor=world.coordinator)
    assert refused.value.message == _("A cancelled meeting gets no new documents.")


def test_only_the_coordinator_and_the_officers_of_the_body_generate(world: World) -> None:
    meeting = convened(world)
    for persona in ("cluster_member", "author", "group_chair", "dvv", "director"):
        with pytest.raises(NotPermitted):
            document_generate(meeting=meeting, kind="agenda", actor=getattr(world, persona))
    with pytest.raises(NotVisible):
        document_generate(meeting=meeting, kind="agenda", actor=world.stranger)
    with pytest.raises(GuardFailed):
        document_generate(meeting=meeting, kind="poster", actor=world.coordinator)
    assert meeting.documents.count() == 1


def test_closed_session_entries_are_only_in_the_full_version(world: World) -> None:
    public = world.prepared_item(title="Openbaar punt")
    secret = world.prepared_item(title="Zwakke plekken in de beveiliging", confidential=True)
    meeting = convened(world, public, secret)
    assert meeting.entries.get(item=secret).session == AgendaEntry.Session.CLOSED
    documents = meeting.documents.filter(kind="agenda", version=1)
    assert documents.count() == 2
    open_version, full = documents.get(public=True), documents.get(public=False)
    assert document_full_version(open_version) == full
    public_text, full_text = text_of(open_version), text_of(full)
    assert "1. Openbaar punt" in public_text
    assert not any("beveiliging" in line for line in public_text)
    assert any(line.startswith("Openbare versie: 1 agendapunt(en)") for line in public_text)
    assert "2. Zwakke plekken in de beveiliging" in full_text
    assert any(line.startswith("Volledige versie") for line in full_text)
    assert list(full.confidential_items.all()) == [secret]
    assert full.download_name().endswith("-v1-volledig.docx")


def test_a_meeting_without_confidential_entries_has_only_a_public_version(world: World) -> None:
    meeting = convened(world)
    assert meeting.documents.get().public
    assert document_full_version(meeting.documents.get()) is None


def test_the_minutes_leave_out_confidential_items_in_the_public_version(world: World) -> None:
    secret = world.prepared_item(title="Vertrouwelijk dossier", confidential=True)
    meeting = world.meeting_in_session(secret)
    fire(secret, "postpone", actor=world.cluster_chair)
    fire(meeting, "close", actor=world.coordinator)
    minutes = meeting.documents.filter(kind="minutes")
    assert not any("Vertrouwelijk dossier" in line for line in text_of(minutes.get(public=True)))
    assert "1. Vertrouwelijk dossier" in text_of(minutes.get(public=False))


def test_the_follow_up_report_lists_open_actions_and_pending_ratifications(
    world: World,
) -> None:
    meeting, decided, _noted = closed(world)
    action_create(
        actor=world.coordinator,
        item=decided,
        title="Tracé uittekenen",
        due_date=timezone.localdate() + dt.timedelta(days=30),
        service=world.service,
    )
    document = document_generate(meeting=meeting, kind="followup_report", actor=world.coordinator)
    text = text_of(document)
    # The item concerns Roeselare and Tielt: each has a ratification to do and the action.
    assert "Roeselare" in text and "Tielt" in text
    assert "1 open actiepunten en 2 bekrachtigingen in afwachting, voor de besluiten van " in (
        " ".join(text)
    )
    assert text.count(decided.decision.number) >= 2
    assert any(line.startswith("Tracé uittekenen") for line in text)


def test_people_s_text_with_line_breaks_keeps_its_lines(world: World) -> None:
    item = world.prepared_item(rationale="Eerste lijn\r\nTweede lijn\x07")
    meeting = convened(world, item)
    with meeting.documents.get().file.open("rb") as handle:
        document = read(handle.read())
    assert after_label(document, "Toelichting") == "Eerste lijn\nTweede lijn"


def test_building_a_document_costs_the_same_queries_for_one_entry_as_for_five(
    world: World,
) -> None:
    def queries(count: int) -> int:
        items = [world.prepared_item(title=f"Punt {n}") for n in range(count)]
        meeting = world.meeting_in_session(*items)
        for item in items:
            fire(item, "approve", actor=world.cluster_chair, text="Goed.", consensus=True)
            action_create(
                actor=world.coordinator,
                item=item,
                title="Uitvoeren",
                due_date=timezone.localdate(),
                assignee=world.dvv,
            )
        with CaptureQueriesContext(connection) as captured:
            for build in (agenda_data, minutes_data, decision_list_data, followup_report_data):
                build(meeting, public=False, version=1)
        return len(captured)

    assert queries(1) == queries(5)


def test_approving_the_minutes_stores_them_once_more_without_the_draft_banner(
    world: World,
) -> None:
    meeting, _decided, _noted = closed(world)
    draft = meeting.documents.get(kind="minutes", public=True)
    assert any("Ontwerp" in line for line in text_of(draft))
    fire(meeting, "approve_minutes", actor=world.cluster_chair)
    approved = meeting.documents.filter(kind="minutes", public=True).order_by("-version").first()
    assert approved.version == draft.version + 1
    assert not any("Ontwerp" in line for line in text_of(approved))
    with pytest.raises(NotPossible):
        document_generate(meeting=meeting, kind="minutes", actor=world.coordinator)


def test_the_follow_up_report_lists_an_action_under_the_municipalities_it_is_for(
    world: World,
) -> None:
    meeting, decided, _noted = closed(world)
    tielt = world.municipalities[1]
    action_create(
        actor=world.coordinator,
        item=decided,
        title="Alleen in Tielt",
        due_date=timezone.localdate() + dt.timedelta(days=30),
        service=world.service,
        municipalities=[tielt],
    )
    data = followup_report_data(meeting, public=False, version=1)
    listed = {group.municipality: [a.title for a in group.actions] for group in data.groups}
    assert listed["Tielt"] == ["Alleen in Tielt"]
    assert "Alleen in Tielt" not in listed.get("Roeselare", [])


def test_the_minutes_keep_the_chairs_remark_with_the_decision(world: World) -> None:
    item = world.prepared_item(title="Met een opmerking")
    meeting = world.meeting_in_session(item)
    fire(
        item,
        "approve",
        actor=world.cluster_chair,
        text="Goed.",
        consensus=True,
        comment="Onder voorbehoud van de begroting.",
    )
    fire(meeting, "close", actor=world.cluster_chair)
    data = minutes_data(meeting, public=False, version=1)
    [entry] = [e for e in data.entries if e.title == "Met een opmerking"]
    assert entry.decision is not None
    assert entry.decision.remark == "Onder voorbehoud van de begroting."
    minutes = meeting.documents.filter(kind="minutes").order_by("-version").first()
    assert "Opmerking van de voorzitter: Onder voorbehoud van de begroting." in text_of(minutes)


def test_the_follow_up_report_carries_the_overviews_charts_as_pictures(world: World) -> None:
    meeting, decided, _noted = closed(world)
    action_create(
        actor=world.coordinator,
        item=decided,
        title="Tracé uittekenen",
        due_date=timezone.localdate() + dt.timedelta(days=30),
        service=world.service,
    )
    data = followup_report_data(meeting, public=True, version=1)
    assert [chart.title for chart in data.charts] == [
        "Dagen van ontwerp tot beslissing",
        "Open acties per week waarin ze klaar moeten zijn",
        "Bekrachtigingen per gemeente",
    ]
    assert all(chart.picture.png.startswith(b"\x89PNG") for chart in data.charts)
    document = document_generate(meeting=meeting, kind="followup_report", actor=world.coordinator)
    with document.file.open("rb") as handle:
        word = read(handle.read())
    pictures = [rel for rel in word.part.rels.values() if "image" in rel.reltype]
    assert len(pictures) == 3
    assert "Bekrachtigingen per gemeente" in text_of(document)


def test_a_chart_painted_without_an_accented_font_keeps_the_letters_readable() -> None:
    assert plain("Ardooie – GIS-coördinator’s") == "Ardooie - GIS-coordinator's"
