"""What the signing tests share: a PDF made without LibreOffice, and signing as the page
does (with the checksum of the PDF as it stands)."""

from __future__ import annotations

import hashlib
import io
from typing import Any

from django.core.files.base import ContentFile

from backend.documents.models import DocumentPdf, DocumentSignature, GeneratedDocument
from backend.documents.signing import current_pdf, document_sign


def blank_pdf() -> bytes:
    """A one-page PDF, made without LibreOffice."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PdfFileWriter

    writer = PdfFileWriter()
    writer.insert_page(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Page"),
                generic.NameObject("/MediaBox"): generic.ArrayObject(
                    [generic.NumberObject(n) for n in (0, 0, 595, 842)]
                ),
            }
        )
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_pdf(document: GeneratedDocument) -> GeneratedDocument:
    """Give the document a PDF, as the worker would, and return it fresh."""
    content = blank_pdf()
    pdf = DocumentPdf(document=document, sha256=hashlib.sha256(content).hexdigest(), seconds=0)
    pdf.file.save("document.pdf", ContentFile(content))
    return GeneratedDocument.objects.get(pk=document.pk)


def sign(document: GeneratedDocument, who: Any, code: str = "") -> DocumentSignature:
    current = current_pdf(document)
    assert current is not None
    return document_sign(document=document, actor=who, shown_sha256=current.sha256, code=code)
