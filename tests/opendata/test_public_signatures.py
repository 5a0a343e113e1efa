"""The public site's PDF downloads and signed status: the PDF/A of the public edition as it
stands (signed when signed), who signed it, when, the SHA-256 of the file and "geldig" only
where the signature validates; a verdict is cached and never outlives the bytes it was
given for."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import Client
from django.utils import timezone

from backend.documents import signing
from backend.documents.models import DocumentSignature, GeneratedDocument
from backend.documents.signing import SignedFile, current_pdf
from backend.files.errors import StoreUnavailable
from backend.meetings.models import Meeting
from tests.documents.signed import sign, with_pdf
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


def read(pdf: SignedFile | None) -> bytes:
    assert pdf is not None
    with pdf.file.open("rb") as handle:
        return handle.read()


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


# --- The year's archive --------------------------------------------------------------


def archive_of(signed: SimpleNamespace) -> tuple[dict, dict[str, bytes]]:
    """Download the cluster's archive of the meeting's year; return its manifest and files."""
    year = timezone.localtime(signed.site.meeting.starts_at).year
    answer = Client().get(f"/open/organen/{signed.site.world.cluster.pk}/archief/{year}.zip")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/zip"
    assert f"-{year}.zip" in answer["Content-Disposition"]
    content = b"".join(answer.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert names[0] == "manifest.json"
        files = {name: archive.read(name) for name in names[1:]}
        manifest = json.loads(archive.read("manifest.json"))
    return manifest, files


def test_a_year_of_signed_documents_is_one_zip_whose_manifest_holds(
    signed: SimpleNamespace,
) -> None:
    world = signed.site.world
    minutes = with_pdf(
        GeneratedDocument.objects.filter(
            meeting=signed.site.meeting, kind="minutes", public=True
        ).latest("version")
    )
    sign(minutes, world.cluster_chair)
    sign(minutes, world.coordinator)
    manifest, files = archive_of(signed)
    assert manifest["year"] == timezone.localtime(signed.site.meeting.starts_at).year
    assert [line["kind"] for line in manifest["files"]] == ["decision_list", "minutes"]
    assert set(files) == {line["file"] for line in manifest["files"]}
    for line in manifest["files"]:
        assert hashlib.sha256(files[line["file"]]).hexdigest() == line["sha256"]
        assert [(s["name"], s["capacity"]) for s in line["signers"]] == [
            (world.cluster_chair.get_full_name(), "voorzitter"),
            (world.coordinator.get_full_name(), "secretaris"),
        ]
        assert "volledig" not in line["file"] and line["file"].endswith(".pdf")
    assert files[manifest["files"][0]["file"]] == read(current_pdf(signed.public))
    # Signed, hence whole: the archived PDFs validate.
    for content in files.values():
        assert [c.valid for c in signing.pdf_signatures_check(content)] == [True, True]


def test_a_file_altered_in_the_store_no_longer_matches_its_manifest_line(
    signed: SimpleNamespace,
) -> None:
    last = DocumentSignature.objects.filter(document=signed.public).latest("position")
    content = bytearray(read(current_pdf(signed.public)))
    content[content.index(b"/MediaBox") + 1] ^= 0x01
    last.file.storage.delete(last.file.name)
    last.file.storage.save(last.file.name, ContentFile(bytes(content)))
    manifest, files = archive_of(signed)
    (line,) = manifest["files"]
    assert hashlib.sha256(files[line["file"]]).hexdigest() != line["sha256"]
    assert line["sha256"] == last.sha256


def test_the_body_page_offers_the_archive_of_a_year_with_signed_documents(
    signed: SimpleNamespace,
) -> None:
    site = signed.site
    year = timezone.localtime(site.meeting.starts_at).year
    assert f"/open/organen/{site.world.cluster.pk}/archief/{year}.zip" in get(
        f"/open/organen/{site.world.cluster.pk}/"
    )
    assert "archief/" not in get(f"/open/organen/{site.board.pk}/")


@pytest.mark.parametrize("year", ["1999", "99999", "0"])
def test_a_year_without_signed_documents_has_no_archive(signed: SimpleNamespace, year) -> None:
    cluster = signed.site.world.cluster.pk
    assert Client().get(f"/open/organen/{cluster}/archief/{year}.zip").status_code == 404


def test_an_archive_holds_no_unsigned_body_and_no_unknown_body(signed: SimpleNamespace) -> None:
    site = signed.site
    year = timezone.localtime(site.board_meeting.starts_at).year
    assert Client().get(f"/open/organen/{site.board.pk}/archief/{year}.zip").status_code == 404
    assert Client().get(f"/open/organen/987654321/archief/{year}.zip").status_code == 404


def test_the_archive_of_a_cancelled_meeting_s_documents_is_not_offered(
    signed: SimpleNamespace,
) -> None:
    site = signed.site
    year = timezone.localtime(site.meeting.starts_at).year
    Meeting.objects.filter(pk=site.meeting.pk).update(state="cancelled")
    assert (
        Client().get(f"/open/organen/{site.world.cluster.pk}/archief/{year}.zip").status_code == 404
    )


def test_while_the_store_is_away_the_page_shows_the_signers_and_the_pdf_is_503(
    signed: SimpleNamespace,
) -> None:
    cache.clear()
    meeting = signed.site.meeting
    with mock.patch.object(storages["default"], "open", side_effect=StoreUnavailable("down")):
        html = get(f"/open/zittingen/{meeting.pk}/")
        answer = Client().get(f"/open/zittingen/{meeting.pk}/besluitenlijst.pdf")
    assert "Ondertekend door" in html and valid_badges(html) == 0
    assert html.count("niet bevestigd") == 2
    assert answer.status_code == 503 and answer["Retry-After"]
    assert "De bestandsopslag is op dit moment niet bereikbaar." in answer.content.decode()
    # The store is back: nothing of the outage was kept.
    assert valid_badges(get(f"/open/zittingen/{meeting.pk}/")) == 2
