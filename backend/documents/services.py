"""Store a new version of a meeting's document: build its data, render it, keep the bytes
and their checksums, in the caller's transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.agenda.models import Decision
from backend.documents.data import BUILDERS, DocumentData, ExcerptData, excerpt_data
from backend.documents.models import (
    FILE_STEMS,
    DocumentSignature,
    GeneratedDocument,
)
from backend.documents.pdf import pdf_requested
from backend.documents.render import RenderError, render
from backend.files.sweep import orphans
from backend.meetings.models import Meeting
from backend.organisations.models import Municipality
from workflows import predicates as can
from workflows.engine import EditRule, check_edit, edit
from workflows.errors import GuardFailed, NotPossible, NotVisible
from workflows.states import MeetingState

Kind = GeneratedDocument.Kind

# Which meeting states each kind is made in. The agenda exists from the convocation on;
# minutes only between closing and their approval, which freezes them.
ALLOWED_STATES: dict[str, tuple[str, ...]] = {
    Kind.AGENDA: MeetingState.not_cancelled(),
    Kind.MINUTES: (MeetingState.CLOSED,),
    Kind.DECISION_LIST: MeetingState.held(),
    Kind.FOLLOWUP_REPORT: MeetingState.not_cancelled(),
}


class TemplateBroken(NotPossible):
    """The Word template of the kind is missing or cannot be filled in."""

    code = "template_broken"


def templates_dir() -> Path:
    """Return the folder of the Word templates (setting DOCS_TEMPLATES_DIR, or docs_templates/)."""
    return Path(getattr(settings, "DOCS_TEMPLATES_DIR", settings.BASE_DIR / "docs_templates"))


def template_path(kind: str) -> Path:
    """Return the Word template of a kind of document."""
    return templates_dir() / f"{FILE_STEMS[kind]}.docx"


def _template_bytes(template: Path) -> bytes:
    """Read the template once: what is rendered is what is checksummed."""
    try:
        return template.read_bytes()
    except OSError as error:
        raise TemplateBroken(
            _("The Word template %(template)s is missing.") % {"template": template.name}
        ) from error


def _refusal(meeting_state: str, kind: str) -> str | None:
    """Say why a document of this kind cannot be made in the meeting's state, if so."""
    if meeting_state in ALLOWED_STATES[kind]:
        return None
    if meeting_state == MeetingState.CANCELLED:
        return _("A cancelled meeting gets no new documents.")
    if kind == Kind.MINUTES and meeting_state == MeetingState.MINUTES_APPROVED:
        return _("The minutes are approved and can no longer be regenerated.")
    if kind in (Kind.MINUTES, Kind.DECISION_LIST):
        return _("Minutes and decision lists are made once the meeting is closed.")
    return _("This document cannot be made in the meeting's current state.")


def _render(data: DocumentData | ExcerptData, template: Path, template_bytes: bytes) -> bytes:
    try:
        # Render the very bytes whose checksum is stored, even if the file changes meanwhile.
        return render(data, BytesIO(template_bytes))
    except RenderError as error:
        raise TemplateBroken(
            _("The Word template %(template)s cannot be filled in: %(error)s")
            % {"template": template.name, "error": error}
        ) from error


def last_version(meeting: Meeting, kind: str) -> int:
    """Return the number of the meeting's latest version of the kind (0: none yet)."""
    last = GeneratedDocument.objects.filter(meeting=meeting, kind=kind).aggregate(
        last=Max("version")
    )["last"]
    return int(last or 0)


def signed_refusal(meeting: Meeting, kind: str) -> str | None:
    """Say why a new version of the kind is refused (its latest version is signed), if so."""
    signed = DocumentSignature.objects.filter(
        document__meeting=meeting,
        document__kind=kind,
        document__version=last_version(meeting, kind),
    ).exists()
    if not signed:
        return None
    return _(
        "This document is signed and cannot be regenerated; a correction makes "
        "a new version that is signed again."
    )


def edition_written(
    *,
    meeting_id: int,
    kind: str,
    version: int,
    data: DocumentData,
    template: Path,
    template_bytes: bytes,
    created_by_id: int | None,
) -> GeneratedDocument:
    """Render one edition and write its file; return its row, not saved yet.

    The file is written before the row: a rollback then leaves an orphan file (harmless,
    unreachable, swept) rather than a row that points at nothing."""
    content = _render(data, template, template_bytes)
    document = GeneratedDocument(
        meeting_id=meeting_id,
        kind=kind,
        version=version,
        public=data.document.public,
        sha256=hashlib.sha256(content).hexdigest(),
        template_sha256=hashlib.sha256(template_bytes).hexdigest(),
        created_by_id=created_by_id,
    )
    document.file.save(FILE_STEMS[kind] + ".docx", ContentFile(content), save=False)
    return document


MAX_RACES = 5
"""How often a generation renders again because another claimed its version meanwhile."""


def editions_written(
    meeting: Meeting,
    kind: str,
    version: int,
    *,
    created_by_id: int | None,
    described: Callable[[DocumentData], DocumentData] = lambda data: data,
) -> tuple[list[GeneratedDocument], list[DocumentData]]:
    """Render a version of the meeting's document and write its files, with no lock held
    (the long part): the public edition, and the full one beside it when the meeting has
    confidential entries. Return the rows (not saved yet) and their data, public first;
    `described` adjusts the data (a request renders the meeting as it was requested)."""
    template = template_path(kind)
    template_bytes = _template_bytes(template)
    build = BUILDERS[kind]
    public = described(build(meeting, public=True, version=version))
    editions = [public]
    if public.document.left_out:
        editions.append(described(build(meeting, public=False, version=version)))
    documents = [
        edition_written(
            meeting_id=meeting.pk,
            kind=kind,
            version=version,
            data=data,
            template=template,
            template_bytes=template_bytes,
            created_by_id=created_by_id,
        )
        for data in editions
    ]
    return documents, editions


def edition_saved(document: GeneratedDocument, data: DocumentData) -> None:
    """Insert the row of a written edition with the confidential items it holds, and ask
    for its PDF."""
    document.save()
    if data.confidential_items:
        document.confidential_items.set(data.confidential_items)
    pdf_requested(document)


def document_generate(
    *,
    meeting: Meeting,
    kind: str,
    actor: Any,
    approving: bool = False,
    correction: str = "",
) -> GeneratedDocument:
    """Store the next version of a meeting's document and return its public version.

    When the meeting has confidential (closed-session) entries, a full version with the
    same number is stored beside it (`GeneratedDocument.public` False). Runs in the
    caller's transaction: when the caller rolls back, no version is kept. `approving` is
    for `approve_minutes` alone: it stores the approved minutes, the last version ever.

    A signed version is frozen: a new version of it is refused (409) unless it is a
    `correction`, whose reason goes into the meeting's history; the new version needs
    new signatures and the signed one stays, superseded.
    """
    if kind not in Kind.values:
        raise GuardFailed([_("Unknown kind of document: %(kind)s.") % {"kind": kind}])
    states = ALLOWED_STATES[kind]
    if approving and kind == Kind.MINUTES:
        states = (*states, MeetingState.MINUTES_APPROVED)
    rule = EditRule(
        permitted=can.can_run_meeting,
        states=states,
        wrong_state=lambda state: _refusal(state, kind),
    )
    correction = correction.strip()
    created_by_id = actor.pk if getattr(actor, "pk", None) else None
    check_edit(meeting, rule, actor=actor)
    for _race in range(MAX_RACES):
        last = last_version(meeting, kind)
        refuse_regeneration(meeting, kind, correction)
        # Rendered with no lock held: other writers of the meeting (and, on SQLite, of
        # the whole installation) do not wait for it.
        documents, editions = editions_written(meeting, kind, last + 1, created_by_id=created_by_id)
        # The meeting's lock for the short part: the state and the signatures checked
        # again, the version number claimed, the rows inserted.
        with edit(meeting, rule, actor=actor) as change:
            refuse_regeneration(meeting, kind, correction)
            if last_version(meeting, kind) != last:
                continue  # another version came in between: render with the next number
            if correction:
                change.record(f"correction:{kind}", "", correction[:1000])
            for document, data in zip(documents, editions, strict=True):
                edition_saved(document, data)
            return documents[0]
    raise NotPossible(_("Other versions of this document kept coming in; try again."))


def refuse_regeneration(meeting: Meeting, kind: str, correction: str) -> None:
    """Refuse a new version of a signed document without a correction (409), and a
    correction of one that is not signed (400)."""
    refusal = signed_refusal(meeting, kind)
    if refusal and not correction:
        raise NotPossible(refusal)
    if correction and not refusal:
        raise GuardFailed([_("Only a signed document is corrected.")])


def document_full_version(document: GeneratedDocument) -> GeneratedDocument | None:
    """Return the full version stored beside a public one, if the meeting needed one."""
    if not document.public:
        return document
    return GeneratedDocument.objects.filter(
        meeting=document.meeting_id, kind=document.kind, version=document.version, public=False
    ).first()


ORPHAN_GRACE = dt.timedelta(hours=1)


def orphan_files_sweep(*, grace: dt.timedelta = ORPHAN_GRACE, dry_run: bool = False) -> list[str]:
    """Delete the stored files no row points at (documents and attachments), and return
    their names.

    A generation writes its file before its row, so a transition that rolls back leaves a
    file behind that nobody can reach; so does an upload whose process died before its row
    was written. Only files older than `grace` go: a generation still in progress has
    written its file but not yet committed its row. Works alike on a folder and on an
    object store.
    """
    storage: Storage = GeneratedDocument._meta.get_field("file").storage  # type: ignore[attr-defined]
    # The folders of stored_name (documents) and of agenda's attachment_path.
    swept = orphans(storage, ("documents", "attachments"), written_before=timezone.now() - grace)
    if not dry_run:
        for name in swept:
            storage.delete(name)
    return swept


# --- Excerpts per municipality ---------------------------------------------------------------


def excerpt_file_name(decision: Decision, municipality: Municipality) -> str:
    """The Dutch file name of an excerpt: uittreksel-2026-CL-RUIMTE-001-tielt.docx."""
    return f"uittreksel-{decision.number.replace('/', '-')}-{municipality.slug}.docx"


def excerpt_render(decision: Decision, municipality: Municipality) -> bytes:
    """The excerpt of a decision for one municipality concerned, as it stands now."""
    if not decision.municipalities.filter(pk=municipality.pk).exists():
        raise NotVisible()
    template = template_path("excerpt")
    template_bytes = _template_bytes(template)
    return _render(excerpt_data(decision, municipality), template, template_bytes)


def excerpts_zip(decision: Decision) -> bytes:
    """Every municipality's excerpt of the decision in one zip, one file per municipality."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for municipality in decision.municipalities.order_by("name"):
            archive.writestr(
                excerpt_file_name(decision, municipality),
                excerpt_render(decision, municipality),
            )
    return out.getvalue()
