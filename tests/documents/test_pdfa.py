"""Documents as PDF/A-2b, made by LibreOffice headless in the worker, and the demo region
signed: every signature it makes validates."""

from __future__ import annotations

import hashlib
import re
import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django_q.models import OrmQ

from backend.documents.models import DocumentPdf, DocumentSignature, GeneratedDocument
from backend.documents.pdf import conversion_available, document_pdf_make
from backend.documents.services import document_generate
from backend.documents.signing import pdf_signatures_check, signatures_checked
from backend.documents.tasks import convert_to_pdf
from tests.conftest import World
from tests.documents.test_services import closed
from tests.web.pages import signed_in, text

needs_libreoffice = pytest.mark.skipif(
    not shutil.which("soffice"),
    reason="LibreOffice is not installed (.ci/run installs it from Debian)",
)


@pytest.fixture
def converting(settings) -> None:
    settings.DOCUMENTS_PDF = True
    settings.SOFFICE = None


@needs_libreoffice
def test_a_decision_list_becomes_a_pdfa_2b_stored_beside_it(world: World, converting) -> None:
    meeting, _decided, _noted = closed(world)
    document = GeneratedDocument.objects.get(meeting=meeting, kind="decision_list")
    assert convert_to_pdf(document.pk).startswith(f"document {document.pk}: PDF/A")
    pdf = DocumentPdf.objects.get(document=document)
    with pdf.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == pdf.sha256
    assert re.search(rb"<pdfaid:part>2</pdfaid:part>", content)
    assert re.search(rb"<pdfaid:conformance>B</pdfaid:conformance>", content)
    # A second run (a task handed out again) finds the first PDF.
    convert_to_pdf(document.pk)
    assert DocumentPdf.objects.filter(document=document).count() == 1
    assert document_pdf_make(document) == pdf


@pytest.mark.django_db(transaction=True)
def test_a_new_document_asks_the_worker_for_its_pdf_after_commit(
    world: World, settings, monkeypatch
) -> None:
    settings.DOCUMENTS_PDF = True
    monkeypatch.setattr("backend.documents.pdf.soffice", lambda: "/usr/bin/soffice")
    meeting, _decided, _noted = closed(world)
    queued = OrmQ.objects.count()
    with transaction.atomic():
        document_generate(meeting=meeting, kind="followup_report", actor=world.coordinator)
        assert OrmQ.objects.count() == queued  # nothing before the commit
    assert OrmQ.objects.count() == queued + 1


def test_without_libreoffice_nothing_is_converted_and_nothing_breaks(
    world: World, settings
) -> None:
    settings.DOCUMENTS_PDF = True
    settings.SOFFICE = "/nonexistent/soffice"
    assert not conversion_available()
    meeting, _decided, _noted = closed(world)
    document = GeneratedDocument.objects.get(meeting=meeting, kind="decision_list")
    assert convert_to_pdf(document.pk) == f"document {document.pk}: no converter"
    assert not DocumentPdf.objects.exists()


@needs_libreoffice
@pytest.mark.django_db
def test_every_signature_the_demo_makes_validates(converting, certificates) -> None:
    out = StringIO()
    call_command("seed_demo", force=True, stdout=out)
    signatures = DocumentSignature.objects.select_related("document")
    assert signatures.exists(), out.getvalue()
    signed = {s.document for s in signatures}
    kinds = {d.kind for d in signed if d.signatures.count() == 2}
    assert kinds == {"decision_list", "minutes"}
    for document in signed:
        assert [v.valid for v in signatures_checked(document)] == [True, True], document
        last = document.signatures.order_by("-position").first()
        with last.file.open("rb") as handle:
            checked = pdf_signatures_check(handle.read())
        assert [c.valid for c in checked] == [True, True]
        assert all("INTACT:TRUSTED" in c.summary for c in checked)


@needs_libreoffice
def test_an_excerpt_comes_as_a_pdfa_from_the_item_page(world: World, converting) -> None:
    _meeting, decided, _noted = closed(world)
    decided.refresh_from_db()
    municipality = decided.decision.municipalities.order_by("name").first()
    client = signed_in(world.coordinator)
    address = f"/punten/{decided.pk}/uittreksels/{municipality.pk}/"
    assert f"{address}?formaat=pdf" in text(client.get(f"/punten/{decided.pk}/"))
    answer = client.get(address, {"formaat": "pdf"})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert b"<pdfaid:part>2</pdfaid:part>" in answer.content
    assert answer["Content-Disposition"].endswith(f'-{municipality.slug}.pdf"')


def test_without_libreoffice_the_excerpt_pdf_is_refused_in_dutch(world: World, settings) -> None:
    settings.DOCUMENTS_PDF = True
    settings.SOFFICE = ""
    _meeting, decided, _noted = closed(world)
    decided.refresh_from_db()
    municipality = decided.decision.municipalities.order_by("name").first()
    client = signed_in(world.coordinator)
    page = text(client.get(f"/punten/{decided.pk}/"))
    assert "?formaat=pdf" not in page
    answer = client.get(
        f"/punten/{decided.pk}/uittreksels/{municipality.pk}/", {"formaat": "pdf"}, follow=True
    )
    assert "het omzettingsprogramma (LibreOffice) is niet geïnstalleerd" in text(answer)
