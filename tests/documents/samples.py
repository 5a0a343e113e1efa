"""Example data of each kind of document, built in memory (no database), and helpers to
read a rendered document back."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
from docx.document import Document

from backend.documents.data import (
    ActionInfo,
    AgendaData,
    AttendanceInfo,
    DecisionInfo,
    DecisionListData,
    DocumentInfo,
    EntryInfo,
    ExcerptData,
    FollowupReportData,
    MeetingInfo,
    MinutesData,
    MunicipalityFollowup,
    PersonInfo,
    RatificationInfo,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "docs_templates"
TEMPLATE_OF = {
    "agenda": TEMPLATES / "agenda.docx",
    "minutes": TEMPLATES / "notulen.docx",
    "decision_list": TEMPLATES / "besluitenlijst.docx",
    "followup_report": TEMPLATES / "opvolgingsrapport.docx",
    "excerpt": TEMPLATES / "uittreksel.docx",
}

DOCUMENT = DocumentInfo(
    kind="minutes", version=2, public=True, left_out=0, generated_on="dinsdag 3 maart 2026"
)
MEETING = MeetingInfo(
    region="Midwest",
    body="Ruimtelijke ordening en mobiliteit",
    body_code="CL-RUIMTE",
    date="dinsdag 3 maart 2026",
    time="19:30",
    location="Raadzaal stadhuis Roeselare",
    submission_deadline="dinsdag 24 februari 2026, 12:00",
    chairs="Kurt Himpe en Luc Vannieuwenhuyze",
    state="gesloten",
    minutes_approved=False,
    held_on="maandag 2 maart 2026",
    moved=True,
    opened_at="19:34",
    closed_at="21:12",
    presiding="Kurt Himpe",
    secretary="Ann Coördinator",
)
ACTION = ActionInfo(
    title="Subsidiedossier indienen",
    description="Bij de provincie.",
    owner="Leen Verbeke (GIS-coördinator)",
    due_date="vrijdag 3 april 2026",
    state="open",
    overdue=False,
    item="Fietsostrade Roeselare–Tielt",
    decision_number="2026/CL-RUIMTE/002",
)
DECISION = DecisionInfo(
    number="2026/CL-RUIMTE/002",
    outcome="goedgekeurd",
    text="De cluster keurt de gezamenlijke subsidieaanvraag goed.",
    consensus=False,
    votes_for=2,
    votes_against=1,
    votes_abstain=0,
    municipalities_for="Izegem en Tielt",
    municipalities_against="Roeselare",
    municipalities_abstain="",
    tally="2 stemmen voor, 1 stem tegen, 0 onthoudingen",
    decided_at="maandag 2 maart 2026, 19:52",
)
ENTRY = EntryInfo(
    number=1,
    title="Fietsostrade Roeselare–Tielt",
    kind="ter beslissing",
    closed=False,
    urgent=False,
    municipalities="Izegem, Roeselare en Tielt",
    prepared_by="Intervisiegroep RO en mobiliteit",
    rationale="Het provinciale fietsfonds subsidieert bovenlokale fietsroutes.",
    proposed_decision="De cluster keurt de gezamenlijke subsidieaanvraag goed.",
    note="Tielt trekt het dossier.",
    outcome="goedgekeurd",
    decision=DECISION,
    actions=(ACTION,),
)
ATTENDANCE = AttendanceInfo(
    present=(PersonInfo("Kurt Himpe", "Roeselare", "burgemeester"),),
    excused=(PersonInfo("Luc Vannieuwenhuyze", "Tielt", "burgemeester"),),
    absent=(),
    municipalities_present=1,
    quorum_required=2,
)


def sample(kind: str, **entry_fields: Any) -> Any:
    """Return example data of a kind, with the entry's fields replaced as given."""
    entry = replace(ENTRY, **entry_fields)
    document = replace(DOCUMENT, kind=kind)
    if kind == "agenda":
        return AgendaData(document=document, meeting=MEETING, entries=(entry,))
    if kind == "minutes":
        return MinutesData(
            document=document, meeting=MEETING, attendance=ATTENDANCE, entries=(entry,)
        )
    if kind == "decision_list":
        return DecisionListData(document=document, meeting=MEETING, entries=(entry,))
    if kind == "excerpt":
        return ExcerptData(
            document=document,
            meeting=MEETING,
            municipality="Tielt",
            title=entry.title,
            rationale=entry.rationale,
            decision=DECISION,
            vote="voor",
            ratification="in afwachting",
            actions=tuple(replace(action, title=entry.title) for action in entry.actions),
        )
    group = MunicipalityFollowup(
        municipality="Tielt",
        ratifications=(
            RatificationInfo(
                decision_number=DECISION.number,
                title=entry.title,
                decided_on="dinsdag 3 maart 2026",
                pending_days=12,
            ),
        ),
        actions=(replace(ACTION, title=entry.title),),
    )
    return FollowupReportData(
        document=document,
        meeting=MEETING,
        groups=(group,),
        regional_actions=(ACTION,),
        open_actions=2,
        pending_ratifications=1,
    )


def read(content: bytes) -> Document:
    return docx.Document(io.BytesIO(content))


def all_text(document: Document) -> list[str]:
    """Return the text of every paragraph: body, table cells, header and footer."""
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs]
    for section in document.sections:
        lines += [p.text for p in section.header.paragraphs]
        lines += [p.text for p in section.footer.paragraphs]
    return lines


def after_label(document: Document, label: str) -> str:
    """Return the text of the paragraph that follows the first one reading `label`."""
    paragraphs = document.paragraphs
    for index, paragraph in enumerate(paragraphs):
        if paragraph.text == label and paragraph.style.name == "Midwest Label":
            return paragraphs[index + 1].text
    raise AssertionError(f"no paragraph {label!r}")


def heading(document: Document) -> str:
    """Return the text of the first entry heading ("1. <title>")."""
    return next(p.text for p in document.paragraphs if p.style.name == "Heading 2")
