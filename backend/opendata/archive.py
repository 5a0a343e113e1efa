"""A year of a body's signed documents as one zip, the form an archivist hands on (to the
Flemish e-Depot, for one): the signed PDF/A of each published document's public edition,
and a manifest with each file's SHA-256 and who signed it.

The manifest comes first in the zip and says what the database recorded at signing, not
what is read now: a file changed in the store since then no longer matches its line, and
that is what an archivist's check is for. The zip is written while it is sent, file by
file in pieces, never held whole in memory.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from backend.documents.models import DocumentSignature, GeneratedDocument
from backend.documents.signing import SignedFile, current_pdf
from backend.http.downloads import BLOCK
from backend.opendata.export import KINDS
from backend.opendata.public import public_document, public_meetings
from backend.organisations.models import Body

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class ArchivedFile:
    """One signed document in the archive: its name in the zip and the file as it stands."""

    name: str
    document: GeneratedDocument
    pdf: SignedFile
    signatures: list[DocumentSignature]


def archive_years(body: Body) -> list[int]:
    """Return the years, newest first, in which the body has a signed public document."""
    signed = GeneratedDocument.objects.filter(
        meeting__in=public_meetings().filter(body=body),
        public=True,
        signatures__isnull=False,
    )
    return sorted(
        {
            timezone.localtime(moment).year
            for moment in signed.values_list("meeting__starts_at", flat=True)
        },
        reverse=True,
    )


def archive_files(body: Body, year: int) -> list[ArchivedFile]:
    """Return the body's signed documents of the year, in meeting order: for each public
    meeting, the latest public edition of each published document that carries a
    signature (the same rules as the public site's downloads)."""
    found = []
    meetings = public_meetings().filter(body=body, starts_at__year=year).order_by("starts_at", "pk")
    for meeting in meetings:
        for name in KINDS:
            document = public_document(meeting, name)
            if document is None:
                continue
            signatures = list(document.signatures.select_related("signer").order_by("position"))
            pdf = current_pdf(document)
            if not signatures or pdf is None:
                continue
            found.append(
                ArchivedFile(
                    name=document.download_name().removesuffix(".docx") + ".pdf",
                    document=document,
                    pdf=pdf,
                    signatures=signatures,
                )
            )
    return found


def archive_manifest(body: Body, year: int, files: list[ArchivedFile]) -> dict[str, Any]:
    """Return the manifest: the body, the year, and per file its SHA-256 and signers."""
    return {
        "body": body.name,
        "body_code": body.code,
        "region": body.region.name,
        "year": year,
        "made_at": timezone.now().isoformat(timespec="seconds"),
        "files": [
            {
                "file": entry.name,
                "sha256": entry.pdf.sha256,
                "meeting": timezone.localtime(entry.document.meeting.starts_at).isoformat(),
                "kind": entry.document.kind,
                "version": entry.document.version,
                "signers": [
                    {
                        "position": signature.position,
                        "name": signature.signer.get_full_name() or signature.signer.username,
                        "capacity": signature.capacity,
                        "signed_at": signature.signed_at.isoformat(timespec="seconds"),
                        "certificate": signature.certificate_subject,
                        "certificate_sha256": signature.certificate_sha256,
                    }
                    for signature in entry.signatures
                ],
            }
            for entry in files
        ],
    }


class _Pipe(io.RawIOBase):
    """What the zip writer writes into and the response takes from: it cannot seek, so
    the zip is written with data descriptors, in one pass."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.pieces.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        taken = b"".join(self.pieces)
        self.pieces.clear()
        return taken


def archive_stream(manifest: dict[str, Any], files: list[ArchivedFile]) -> Iterator[bytes]:
    """Yield the zip: the manifest first, then each file read from its storage in pieces.

    The PDFs are stored, not compressed again (PDF/A is compressed inside already)."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(
            MANIFEST,
            json.dumps(manifest, ensure_ascii=False, indent=2),
            compress_type=zipfile.ZIP_DEFLATED,
        )
        yield pipe.take()
        for entry in files:
            with (
                entry.pdf.file.storage.open(str(entry.pdf.file.name), "rb") as source,
                archive.open(entry.name, "w") as target,
            ):
                while piece := source.read(BLOCK):
                    target.write(piece)
                    yield pipe.take()
    yield pipe.take()
