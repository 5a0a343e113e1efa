"""The public site's PDF downloads and signed status: the PDF/A of the public edition as it
stands (signed when signed), who signed it, when, the SHA-256 of the file and "geldig" only
where the signature validates; a verdict is cached and never outlives the bytes it was
given for."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client

from backend.documents import signing
from backend.documents.models import DocumentSignature
from backend.documents.signing import current_pdf
from tests.opendata.site import sign_decision_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(site: SimpleNamespace, settings, tmp_path: Path) -> SimpleNamespace:
    """The cluster meeting's decision list, public and full edition with their PDF, the
    public one signed by the presiding chair and the secretary (the coordinator)."""
    cache.clear()
    public, full = sign_decision_list(site, settings, tmp_path)
    return SimpleNamespace(site=site, public=public, full=full)


def get(path: str, status: int = 200) -> str:
    answer = Client().get(path)
    assert answer.status_code == status, (path, answer.status_code)
    return answer.content.decode()


def valid_badges(html: str) -> int:
    return len(re.findall(r'class="badge valid">geldig<', html))


# --- The PDF download --------------------------------------------------------------


def test_the_signed_pdf_of_the_public_edition_downloads(signed: SimpleNamespace) -> None:
    meeting = signed.site.meeting
    answer = Client().get(f"/open/zittingen/{meeting.pk}/besluitenlijst.pdf")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert "attachment" in answer["Content-Disposition"]
    assert ".pdf" in answer["Content-Disposition"]
    assert "volledig" not in answer["Content-Disposition"]
    content = b"".join(answer.streaming_content)
    last = DocumentSignature.objects.filter(document=signed.public).latest("position")
    assert last.position == 2
    with last.file.open("rb") as handle:
        assert content == handle.read()
    assert hashlib.sha256(content).hexdigest() == current_pdf(signed.public).sha256
    # The full edition has a PDF too; it is never what the public site sends.
    assert hashlib.sha256(content).hexdigest() != signed.full.pdf.sha256
    assert b"%PDF" in content[:8]


def test_the_meeting_page_links_the_pdf_beside_the_word_file(signed: SimpleNamespace) -> None:
    meeting = signed.site.meeting
    html = get(f"/open/zittingen/{meeting.pk}/")
    assert f'href="/open/zittingen/{meeting.pk}/besluitenlijst.pdf"' in html
    assert f'href="/open/zittingen/{meeting.pk}/besluitenlijst.docx"' in html
    assert "Download de besluitenlijst (PDF)" in html
    # Minutes without a PDF get no PDF link.
    assert f"/open/zittingen/{meeting.pk}/notulen.pdf" not in html


@pytest.mark.parametrize(
    ("which", "name"),
    [
        ("board_meeting", "notulen"),  # closed, minutes not approved yet
        ("coming", "besluitenlijst"),  # convened: the agenda only
        ("meeting", "opvolgingsrapport"),  # never published
        ("meeting", "decision_list"),
        ("meeting", "volledig"),
        ("meeting", "notulen"),  # published, but no PDF was made
    ],
)
def test_a_pdf_not_published_or_not_made_is_not_found(
    signed: SimpleNamespace, which: str, name: str
) -> None:
    meeting = getattr(signed.site, which)
    assert Client().get(f"/open/zittingen/{meeting.pk}/{name}.pdf").status_code == 404


def test_a_pdf_of_a_cancelled_meeting_or_a_missing_file_is_not_found(
    signed: SimpleNamespace,
) -> None:
    meeting = signed.site.meeting
    last = DocumentSignature.objects.filter(document=signed.public).latest("position")
    last.file.storage.delete(last.file.name)
    assert Client().get(f"/open/zittingen/{meeting.pk}/besluitenlijst.pdf").status_code == 404
    assert Client().get("/open/zittingen/987654321/besluitenlijst.pdf").status_code == 404


# --- The signed status ---------------------------------------------------------------


def test_a_signed_document_shows_its_signers_and_that_they_are_valid(
    signed: SimpleNamespace,
) -> None:
    world = signed.site.world
    for path in (
        f"/open/zittingen/{signed.site.meeting.pk}/",
        f"/open/besluiten/{signed.site.voted.decision.pk}/",
    ):
        html = get(path)
        assert f"Ondertekend door {world.cluster_chair.get_full_name()}, voorzitter" in html
        assert f"Ondertekend door {world.coordinator.get_full_name()}, secretaris" in html
        assert valid_badges(html) == 2, path
        assert current_pdf(signed.public).sha256 in html
        assert "niet bevestigd" not in html


def test_a_stored_file_altered_after_a_valid_verdict_shows_no_geldig(
    signed: SimpleNamespace,
) -> None:
    path = f"/open/zittingen/{signed.site.meeting.pk}/"
    assert valid_badges(get(path)) == 2  # the verdict is now in the cache
    last = DocumentSignature.objects.filter(document=signed.public).latest("position")
    with last.file.open("rb") as handle:
        content = bytearray(handle.read())
    at = content.index(b"/MediaBox")
    content[at + 1] ^= 0x01
    storage, name = last.file.storage, last.file.name
    storage.delete(name)
    storage.save(name, ContentFile(bytes(content)))
    html = get(path)
    assert valid_badges(html) == 0
    assert html.count("niet bevestigd") == 2


def test_a_second_view_does_not_validate_again(signed: SimpleNamespace) -> None:
    cache.clear()
    path = f"/open/zittingen/{signed.site.meeting.pk}/"
    with mock.patch.object(
        signing, "pdf_signatures_check", wraps=signing.pdf_signatures_check
    ) as check:
        assert valid_badges(get(path)) == 2
        assert valid_badges(get(path)) == 2
        assert valid_badges(get(f"/open/besluiten/{signed.site.voted.decision.pk}/")) == 2
    assert check.call_count == 1


def test_other_trust_roots_are_another_verdict(signed: SimpleNamespace, settings) -> None:
    path = f"/open/zittingen/{signed.site.meeting.pk}/"
    assert valid_badges(get(path)) == 2
    settings.SIGNING_TRUST_ROOTS = []
    with mock.patch.object(
        signing, "pdf_signatures_check", wraps=signing.pdf_signatures_check
    ) as check:
        html = get(path)
    assert check.call_count == 1
    assert valid_badges(html) == 0 and "Ondertekend door" in html
