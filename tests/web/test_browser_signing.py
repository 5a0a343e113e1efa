"""Signing a decision list in a real browser: the presiding chair signs on the meeting
page, the secretary (the coordinator, with a second step) signs after with a recovery
code, and the page shows both signatures as valid with the checksum of the signed PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.demo.signatures import demo_certificates
from backend.documents.models import GeneratedDocument
from backend.documents.signing import current_pdf, signatures_checked
from tests.conftest import World
from tests.documents.signed import with_pdf
from tests.documents.test_services import closed
from tests.web.browser import BROWSER, RECOVERY_CODES, Person, playwright_api

pytestmark = BROWSER
expect = playwright_api.expect


@pytest.fixture
def signable(world: World, settings, tmp_path: Path) -> GeneratedDocument:
    settings.SIGNING_CERTIFICATES_DIR = tmp_path / "people"
    settings.SIGNING_TRUST_ROOTS = [str(tmp_path / "ca.pem")]
    meeting, _decided, _noted = closed(world)
    demo_certificates(world.region.people.all())
    settings.DOCUMENTS_PDF = True  # where LibreOffice is there, the page says a PDF comes
    return with_pdf(GeneratedDocument.objects.get(meeting=meeting, kind="decision_list"))


def test_the_chair_and_the_secretary_sign_in_the_pages(
    world: World, signable: GeneratedDocument, live_server: object, browser: object, shots: Path
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    RECOVERY_CODES.clear()
    address = f"/vergaderingen/{signable.meeting_id}/"
    row = f'li[data-document="{signable.pk}"]'

    chair = Person(browser, base, "clusterchair", shots)
    chair.open(address)
    expect(chair.page.locator(row)).to_contain_text(current_pdf(signable).sha256)
    chair.page.locator(row).get_by_role("button", name="Ondertekenen").click()
    chair.expect_message("U hebt het document ondertekend.")
    expect(chair.page.locator(row)).to_contain_text("Clusterchair, voorzitter")
    expect(chair.page.locator(row).locator(".badge", has_text="geldig")).to_have_count(1)
    expect(chair.page.locator(row).get_by_role("button", name="Ondertekenen")).to_have_count(0)
    chair.close()

    secretary = Person(browser, base, "coordinator", shots)
    secretary.open(address)
    form = secretary.page.locator(row).locator("form.sign")
    form.get_by_label("Code van uw authenticator-app (of een herstelcode)").fill("000000")
    form.get_by_role("button", name="Ondertekenen").click()
    secretary.expect_message("De code klopt niet.")
    form = secretary.page.locator(row).locator("form.sign")
    form.get_by_label("Code van uw authenticator-app (of een herstelcode)").fill(
        RECOVERY_CODES["coordinator"].pop()
    )
    form.get_by_role("button", name="Ondertekenen").click()
    secretary.expect_message("U hebt het document ondertekend.")
    expect(secretary.page.locator(row).locator(".badge", has_text="geldig")).to_have_count(2)
    expect(secretary.page.locator(row)).to_contain_text("ondertekend")
    signable.refresh_from_db()
    expect(secretary.page.locator(row)).to_contain_text(current_pdf(signable).sha256)
    secretary.page.locator(row).scroll_into_view_if_needed()
    secretary.shoot("vergadering-ondertekend")
    secretary.close()
    assert [v.valid for v in signatures_checked(signable)] == [True, True]
