"""Signing on the meeting page ("Ondertekenen"), what the page says of each signature, and
the PDF and the frozen document through the API."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.documents.models import DocumentSignature, GeneratedDocument
from backend.documents.signing import current_pdf
from tests.conftest import World
from tests.documents.signed import sign
from tests.web.pages import signed_in, text

pytestmark = pytest.mark.django_db


def sign_form(page: str, document: GeneratedDocument) -> dict[str, str] | None:
    """The fields of the page's signing form for the document, if it shows one."""
    action = f"/vergaderingen/{document.meeting_id}/documenten/{document.pk}/ondertekenen/"
    match = re.search(
        rf'<form method="post" action="{re.escape(action)}".*?</form>', page, flags=re.S
    )
    if match is None:
        return None
    return dict(re.findall(r'name="(\w+)" value="([^"]*)"', match.group(0)))


def test_the_chair_and_then_the_secretary_sign_on_the_meeting_page(world: World, ready) -> None:
    meeting, document = ready
    url = f"/vergaderingen/{meeting.pk}/"
    secretary = signed_in(world.coordinator)
    assert sign_form(text(secretary.get(url)), document) is None  # not yet their turn
    chair = signed_in(world.cluster_chair)
    page = text(chair.get(url))
    assert "Documenten" in page and "Ondertekenen" in page
    form = sign_form(page, document)
    assert form is not None and form["sha256"] == current_pdf(document).sha256
    assert form["sha256"] in page  # the checksum shown is the one sent
    answer = chair.post(f"/vergaderingen/{meeting.pk}/documenten/{document.pk}/ondertekenen/", form)
    assert answer.status_code == 302
    page = text(chair.get(url))
    assert "U hebt het document ondertekend." in page
    assert "Clusterchair" in page and "geldig" in page and "niet geldig" not in page
    assert sign_form(page, document) is None
    form = sign_form(text(secretary.get(url)), document)
    assert form is not None
    secretary.post(f"/vergaderingen/{meeting.pk}/documenten/{document.pk}/ondertekenen/", form)
    page = text(secretary.get(url))
    assert page.count(">geldig<") == 2 and ">ondertekend<" in page
    assert current_pdf(document).sha256 in page


def test_the_page_refuses_in_dutch_and_signs_nothing(world: World, ready) -> None:
    meeting, document = ready
    address = f"/vergaderingen/{meeting.pk}/documenten/{document.pk}/ondertekenen/"
    shown = current_pdf(document).sha256
    secretary = signed_in(world.coordinator)
    answer = secretary.post(address, {"sha256": shown}, follow=True)
    assert "De voorzitter ondertekent eerst, daarna de secretaris." in text(answer)
    chair = signed_in(world.cluster_chair)
    answer = chair.post(address, {"sha256": "f" * 64}, follow=True)
    assert "Het document is gewijzigd sinds het u getoond werd" in text(answer)
    answer = signed_in(world.cluster_member).post(address, {"sha256": shown}, follow=True)
    assert "Alleen de voorzitter en de secretaris ondertekenen dit document." in text(answer)
    assert signed_in(world.stranger).post(address, {"sha256": shown}).status_code == 404
    assert not DocumentSignature.objects.exists()


def test_the_code_is_asked_of_someone_with_a_second_step(world: World, ready) -> None:
    meeting, document = ready
    TOTPDevice.objects.create(user=world.cluster_chair, name="authenticator")
    chair = signed_in(world.cluster_chair)
    page = text(chair.get(f"/vergaderingen/{meeting.pk}/"))
    assert 'name="code"' in page and 'autocomplete="one-time-code"' in page
    answer = chair.post(
        f"/vergaderingen/{meeting.pk}/documenten/{document.pk}/ondertekenen/",
        {"sha256": current_pdf(document).sha256, "code": "123456"},
        follow=True,
    )
    assert "De code klopt niet." in text(answer)
    assert not DocumentSignature.objects.exists()


def test_the_page_says_when_there_is_no_pdf(world: World, ready, settings) -> None:
    meeting, _document = ready
    client = signed_in(world.cluster_chair)
    settings.DOCUMENTS_PDF = True
    settings.SOFFICE = "/nonexistent/soffice"
    page = text(client.get(f"/vergaderingen/{meeting.pk}/"))
    assert "het omzettingsprogramma (LibreOffice) is niet geïnstalleerd" in page
    assert "Geen PDF beschikbaar." in page  # the minutes have none; the page still works


def test_the_api_serves_the_signed_pdf_and_refuses_to_regenerate_it(world: World, ready) -> None:
    meeting, document = ready
    signature = sign(document, world.cluster_chair)
    client = signed_in(world.coordinator)
    answer = client.get(f"/api/v1/documents/{document.pk}/pdf/")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert b"".join(answer.streaming_content).startswith(b"%PDF")
    listed = client.get(f"/api/v1/documents/{document.pk}/").json()
    assert listed["pdf_sha256"] == signature.sha256
    assert [s["signer"]["id"] for s in listed["signatures"]] == [world.cluster_chair.pk]
    regenerate = client.post(
        "/api/v1/documents/",
        {"meeting": meeting.pk, "kind": "decision_list"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert regenerate.status_code == 409
    assert "ondertekend en kan niet opnieuw gemaakt worden" in regenerate.json()["detail"]
    corrected = client.post(
        "/api/v1/documents/",
        {"meeting": meeting.pk, "kind": "decision_list", "correction": "Tikfout"},
        content_type="application/json",
    )
    assert corrected.status_code == 201 and corrected.json()["version"] == 2
    assert corrected.json()["signatures"] == [] and corrected.json()["pdf_sha256"] is None
    page = text(client.get(f"/vergaderingen/{meeting.pk}/"))
    assert "vervangen door versie 2" in page
    assert client.get(f"/api/v1/documents/{document.pk}/pdf/").status_code == 200
