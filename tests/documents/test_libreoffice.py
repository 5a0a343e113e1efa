"""Every kind of generated document, the excerpt included, opens in LibreOffice: converted
headless to a PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from backend.documents.models import GeneratedDocument
from backend.documents.services import document_generate, excerpt_render
from tests.conftest import World
from tests.documents.test_services import closed

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (.ci/run installs it from Debian)"
)
def test_each_kind_of_document_converts_to_a_pdf(world: World, tmp_path: Path) -> None:
    meeting, decided, _noted = closed(world)
    document_generate(meeting=meeting, kind="followup_report", actor=world.coordinator)
    documents = GeneratedDocument.objects.filter(meeting=meeting, public=True)
    kinds = sorted(documents.values_list("kind", flat=True))
    assert kinds == ["agenda", "decision_list", "followup_report", "minutes"]
    sources = []
    for document in documents:
        source = tmp_path / f"{document.kind}.docx"
        with document.file.open("rb") as handle:
            source.write_bytes(handle.read())
        sources.append(source)
    decided.refresh_from_db()
    municipality = decided.decision.municipalities.order_by("name").first()
    excerpt = tmp_path / "excerpt.docx"
    excerpt.write_bytes(excerpt_render(decided.decision, municipality))
    sources.append(excerpt)
    profile = tmp_path / "profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *map(str, sources),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    for source in sources:
        pdf = tmp_path / "pdf" / f"{source.stem}.pdf"
        assert pdf.exists(), source.name
        assert pdf.read_bytes().startswith(b"%PDF")
        assert pdf.stat().st_size > 5000, source.name
