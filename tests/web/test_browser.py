"""The whole journey in a real browser (Debian's Chromium through Playwright) against a live
server: a director drafts, the group prepares, the coordinator schedules and convenes, the
mayors decide, DVV executes and the coordinator closes the item; each step signed in as the
person who takes it, and a refused step shows its reason.

Screenshots of the key pages at tablet and desktop width go to SCREENSHOTS_DIR (a temporary
folder unless set; `make screenshots` writes them to docs/screenshots/).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils import timezone

from backend.agenda.models import AgendaItem
from backend.audit.models import TransitionLog
from backend.followup.services import action_create
from tests.conftest import World
from tests.web.browser import (
    BROWSER,
    RECOVERY_CODES,
    WIDTHS,
    Person,
    assert_accessible,
    draft_item,
    playwright_api,
    shoot,
)

pytestmark = BROWSER


def test_the_journey_from_draft_to_completed_in_a_browser(
    world: World, live_server: object, browser: object, shots: Path
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    meeting = world.meeting(days=10)
    RECOVERY_CODES.clear()

    # The sign-in page, then the director drafts the item with the form and submits it.
    anonymous = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = anonymous.new_page()
    page.goto(f"{base}/")
    playwright_api.expect(page.get_by_role("heading", name="Aanmelden")).to_be_visible()
    shoot(page, shots, "aanmelden")
    assert_accessible(page)
    page.get_by_label("Gebruikersnaam").fill("author")
    page.get_by_label("Wachtwoord").fill("fout")
    page.get_by_role("button", name="Aanmelden").click()
    playwright_api.expect(page.locator(".errors")).to_contain_text(
        "Gebruikersnaam of wachtwoord is niet juist."
    )
    anonymous.close()

    director = Person(browser, base, "author", shots)
    draft_item(
        director,
        world,
        "Gezamenlijke aankoop van laadpalen",
        "Samen aankopen is goedkoper en sneller.",
    )
    item = AgendaItem.objects.get(title="Gezamenlijke aankoop van laadpalen")
    director.step("Indienen bij de intervisiegroep")
    director.expect_message("Gedaan")
    director.open("/")
    director.shoot("mijn-werk")
    director.close()

    # The chair of the intervision group prepares and endorses it.
    chair = Person(browser, base, "groupchair", shots)
    playwright_api.expect(
        chair.page.get_by_text("Gezamenlijke aankoop van laadpalen")
    ).to_be_visible()
    chair.open(f"/punten/{item.pk}/")
    chair.step("Voorbereiding starten")
    chair.step("Goedkeuren voor de cluster")
    chair.close()

    # The coordinator schedules it, convenes the meeting and records the attendance.
    coordinator = Person(browser, base, "coordinator", shots)
    coordinator.open(f"/punten/{item.pk}/")
    coordinator.step("Op de agenda van een vergadering zetten", meeting=str(meeting.pk))
    coordinator.open(f"/vergaderingen/{meeting.pk}/")
    coordinator.step("Bijeenroepen")
    coordinator.expect_message("Gedaan")
    for name in ("Clusterchair", "Clustermember"):
        row = coordinator.page.locator("#attendance tr", has_text=name)
        with coordinator.page.expect_response(lambda answer: "aanwezigheid" in answer.url):
            row.get_by_label("aanwezig", exact=True).check()
    playwright_api.expect(coordinator.page.locator(".quorum")).to_contain_text("Quorum bereikt.")
    coordinator.close()

    # The mayor who chairs the cluster opens the session, approves, and closes it.
    mayor = Person(browser, base, "clusterchair", shots)
    mayor.open(f"/vergaderingen/{meeting.pk}/")
    mayor.step("De zitting openen", other_day="yes")
    mayor.shoot("vergadering-in-zitting")
    mayor.step("Goedkeuren", within=f"#entry-{item.entries.get().pk}")
    mayor.expect_message("Gedaan")
    mayor.step("De zitting sluiten")
    mayor.close()
    item.refresh_from_db()
    assert item.state == "approved" and item.decision.consensus

    # Execution cannot start without an action: the refusal says why.
    coordinator = Person(browser, base, "coordinator", shots)
    coordinator.open(f"/punten/{item.pk}/")
    coordinator.step("Uitvoering starten", refused=True)
    coordinator.expect_message("actie")
    item.refresh_from_db()
    assert item.state == "approved"
    action_create(
        item=item,
        actor=world.coordinator,
        title="Bestek laadpalen opmaken",
        service=world.service,
        due_date=timezone.localdate() + dt.timedelta(days=30),
    )
    coordinator.open(f"/punten/{item.pk}/")
    coordinator.step("Uitvoering starten")
    coordinator.close()

    # DVV Midwest carries the action out.
    dvv = Person(browser, base, "dvv", shots)
    dvv.open(f"/punten/{item.pk}/")
    dvv.step("Starten", within="section[aria-labelledby=actions]")
    dvv.step("Afronden", within="section[aria-labelledby=actions]")
    dvv.close()

    # The coordinator closes the item; the page shows the whole path it travelled.
    coordinator = Person(browser, base, "coordinator", shots)
    coordinator.open(f"/punten/{item.pk}/")
    coordinator.step("Afronden", within="section[aria-labelledby=next-steps]")
    coordinator.expect_message("Gedaan")
    playwright_api.expect(coordinator.page.locator("ol.timeline li")).to_have_count(8)
    coordinator.shoot("agendapunt")
    coordinator.open("/overzicht/")
    # On a tablet the page fits: the wide tables scroll inside their own box.
    coordinator.page.set_viewport_size({"width": 768, "height": 1024})
    assert coordinator.page.evaluate("document.documentElement.scrollWidth") <= 768
    coordinator.shoot("overzicht")
    coordinator.open("/hulp/")
    coordinator.page.wait_for_selector("pre.mermaid svg")
    coordinator.shoot("hulp")
    coordinator.close()

    item.refresh_from_db()
    assert item.state == "completed"
    assert [log.transition for log in TransitionLog.objects.for_object(item)] == [
        "submit",
        "start_preparation",
        "endorse",
        "schedule",
        "approve",
        "start_execution",
        "complete",
    ]
    for width in WIDTHS:
        assert (shots / f"agendapunt-{width}.png").stat().st_size > 10_000
