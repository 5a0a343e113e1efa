"""The PDF/A-2b of a generated document: its Word file converted by LibreOffice headless.

The conversion runs in the worker after the document's transaction commits (a conversion
takes a second or two, too long for a page to wait on). Each conversion gets a private
LibreOffice profile in a temporary folder, so conversions side by side never share one,
and a time limit. Files are read and written through the storage only: the Word file is
copied into the temporary folder, and the PDF's bytes are saved through the storage.

Where LibreOffice is missing (setting `SOFFICE`, else `soffice` or `libreoffice` on the
PATH), no PDF is made and the pages say so; nothing else changes.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django_q.tasks import async_task

from backend.documents.models import DocumentPdf, GeneratedDocument

log = logging.getLogger(__name__)

PDF_CONTENT_TYPE = "application/pdf"

# LibreOffice's PDF export filter with PDF/A-2 (its "SelectPdfVersion" 2 writes PDF/A-2b).
PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


class ConversionFailed(Exception):
    """LibreOffice did not make a PDF of the file."""


def soffice() -> str | None:
    """Return the LibreOffice program to convert with, or None when there is none."""
    configured = getattr(settings, "SOFFICE", None)
    if configured is not None:
        return shutil.which(configured) if configured else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def conversion_available() -> bool:
    """Whether documents get a PDF/A: LibreOffice is there and conversion is switched on."""
    return bool(getattr(settings, "DOCUMENTS_PDF", True)) and soffice() is not None


def docx_to_pdfa(docx: bytes, *, timeout: float | None = None) -> bytes:
    """Convert a Word file to PDF/A-2b and return the PDF's bytes (no database, no storage)."""
    program = soffice()
    if program is None:
        raise ConversionFailed("LibreOffice is not installed")
    limit = timeout or float(getattr(settings, "DOCUMENTS_PDF_TIMEOUT", 50))
    with tempfile.TemporaryDirectory(prefix="midwest-pdf-") as folder:
        work = Path(folder)
        source = work / "document.docx"
        source.write_bytes(docx)
        try:
            subprocess.run(  # noqa: S603 (a fixed program and our own file names)
                [
                    program,
                    f"-env:UserInstallation={(work / 'profile').as_uri()}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    PDFA_FILTER,
                    "--outdir",
                    str(work / "out"),
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=limit,
            )
        except (subprocess.SubprocessError, OSError) as error:
            raise ConversionFailed(str(error)) from error
        target = work / "out" / "document.pdf"
        if not target.exists():
            raise ConversionFailed("LibreOffice wrote no PDF")
        content = target.read_bytes()
    if not content.startswith(b"%PDF"):
        raise ConversionFailed("LibreOffice wrote something other than a PDF")
    return content


def document_pdf_make(document: GeneratedDocument) -> DocumentPdf | None:
    """Make and store the PDF/A of a document unless it has one; None without LibreOffice.

    Safe to run twice (a task handed out again): the second finds the first's row.
    """
    existing = DocumentPdf.objects.filter(document=document).first()
    if existing is not None:
        return existing
    if not conversion_available():
        return None
    with document.file.open("rb") as handle:
        docx = handle.read()
    started = time.perf_counter()
    content = docx_to_pdfa(docx)
    pdf = DocumentPdf(
        document=document,
        sha256=hashlib.sha256(content).hexdigest(),
        seconds=round(time.perf_counter() - started, 3),
    )
    # As for the Word file: the file before the row, so a failure leaves an orphan file
    # (the nightly sweep takes it), never a row without a file.
    pdf.file.save("document.pdf", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            pdf.save()
    except IntegrityError:
        return DocumentPdf.objects.get(document=document)
    return pdf


def pdf_requested(document: GeneratedDocument) -> None:
    """Ask the worker for the document's PDF/A once the document is committed."""
    if not conversion_available():
        return
    pk = document.pk

    def enqueue() -> None:
        async_task("backend.documents.tasks.convert_to_pdf", pk, task_name=f"pdf-{pk}")

    transaction.on_commit(enqueue)
