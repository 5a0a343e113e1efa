"""A citizen, not signed in, on the public site in a real browser: finds a decision by a
word of its title, opens it, reads the vote and the road through the bodies, and downloads
the decision list. Every page is photographed on a phone, a tablet and a desktop, and
axe-core checks it."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from django.utils import timezone

from backend.documents.models import GeneratedDocument
from backend.documents.signing import current_pdf
from tests.conftest import World
from tests.opendata.site import build_site, sign_decision_list
from tests.web.browser import BROWSER, assert_accessible, playwright_api

pytestmark = BROWSER

expect = playwright_api.expect
WIDTHS = {"telefoon": (375, 812), "tablet": (768, 1024), "desktop": (1280, 900)}


def shoot(page: object, folder: Path, name: str) -> None:
    """Save the page at phone, tablet and desktop width; nothing may stick out sideways."""
    for width_name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})  # type: ignore[attr-defined]
        overflow = page.evaluate(  # type: ignore[attr-defined]
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} is {overflow}px too wide at {width}px"
        page.screenshot(path=folder / f"open-{name}-{width_name}.png", full_page=True)  # type: ignore[attr-defined]
    page.set_viewport_size({"width": 1280, "height": 900})  # type: ignore[attr-defined]
    assert_accessible(page)


def test_a_citizen_finds_a_decision_and_downloads_the_decision_list(
    world: World, live_server: object, browser: object, shots: Path
) -> None:
    site = build_site(world)
    base = live_server.url  # type: ignore[attr-defined]
    context = browser.new_context(locale="nl-BE", accept_downloads=True)  # type: ignore[attr-defined]
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    page.goto(f"{base}/open/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wat de regio beslist")
    expect(page.get_by_role("link", name="Midwest openbare besluiten")).to_have_attribute(
        "href", "/open/"
    )
    shoot(page, shots, "voorpagina")

    # The citizen remembers one word of the title.
    page.get_by_label("Woorden uit de titel of het besluit").fill("fietsroutenetwerk")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_url(f"{base}/open/besluiten/?q=fietsroutenetwerk*")
    expect(page.get_by_role("heading", name="1 besluit gevonden")).to_be_visible()
    shoot(page, shots, "zoeken")
    page.get_by_role("link", name="Regionaal fietsroutenetwerk").click()

    decision = site.voted.decision
    page.wait_for_url(f"{base}/open/besluiten/{decision.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Regionaal fietsroutenetwerk")
    main = page.locator("main")
    expect(main).to_contain_text("Goedgekeurd")
    expect(main).to_contain_text("2 stemmen voor · 1 stem tegen · 0 onthoudingen")
    expect(main).to_contain_text("De cluster keurt het fietsroutenetwerk goed.")
    expect(page.locator("ol.road")).to_contain_text("Intervisiegroep RO en mobiliteit")
    shoot(page, shots, "besluit")

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download de besluitenlijst (Word)").click()
    download = waiting.value
    saved = Path(download.path())
    public = GeneratedDocument.objects.filter(
        meeting=site.meeting, kind="decision_list", public=True
    ).latest("version")
    assert download.suggested_filename == public.download_name()
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == public.sha256

    # The meeting the decision was taken at, and the body's page.
    page.goto(f"{base}/open/zittingen/{site.meeting.pk}/")
    expect(page.locator("main")).to_contain_text("notulen gepubliceerd")
    expect(page.locator("main")).not_to_contain_text("Personeelsdossier")
    shoot(page, shots, "vergadering")
    page.get_by_role("link", name="Ruimte en mobiliteit").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ruimte en mobiliteit")
    shoot(page, shots, "orgaan")

    context.close()
    assert refused == [], refused


def test_a_citizen_sees_who_signed_and_downloads_the_signed_pdf(
    world: World, live_server: object, browser: object, shots: Path, settings, tmp_path: Path
) -> None:
    site = build_site(world)
    public, _full = sign_decision_list(site, settings, tmp_path)
    base = live_server.url  # type: ignore[attr-defined]
    context = browser.new_context(locale="nl-BE", accept_downloads=True)  # type: ignore[attr-defined]
    page = context.new_page()

    page.goto(f"{base}/open/besluiten/{site.voted.decision.pk}/")
    status = page.locator(".signed-status")
    expect(status).to_contain_text(
        f"Ondertekend door {world.cluster_chair.get_full_name()}, voorzitter"
    )
    expect(status).to_contain_text(
        f"Ondertekend door {world.coordinator.get_full_name()}, secretaris"
    )
    expect(status.locator(".badge.valid")).to_have_count(2)
    expect(status).to_contain_text(current_pdf(public).sha256)
    shoot(page, shots, "besluit-ondertekend")

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download de besluitenlijst (PDF)").click()
    saved = Path(waiting.value.path())
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == current_pdf(public).sha256
    assert waiting.value.suggested_filename.endswith(".pdf")

    page.goto(f"{base}/open/zittingen/{site.meeting.pk}/")
    expect(page.locator(".signed-status .badge.valid")).to_have_count(2)
    shoot(page, shots, "vergadering-ondertekend")

    # The body's archive of the year: one zip, its manifest first.
    page.goto(f"{base}/open/organen/{world.cluster.pk}/")
    year = timezone.localtime(site.meeting.starts_at).year
    with page.expect_download() as waiting:
        page.get_by_role("link", name=f"Ondertekende documenten van {year} (zip)").click()
    with zipfile.ZipFile(waiting.value.path()) as archive:
        assert archive.namelist()[0] == "manifest.json"
        assert len(archive.namelist()) == 2
    shoot(page, shots, "orgaan-archief")
    context.close()
