"""A working day of the region, with the pages alone, in a real browser: the coordinator
plans a meeting and a series, a director drafts with an attachment, the group chair
prepares, the coordinator schedules and convenes, the chair opens on a tablet, writes the
discussion, sends a vote that misses a municipality (everything kept, the municipality
named, the focus on the summary), completes it with "everyone present for" and closes;
the coordinator hands out an action to a DVV service, the DVV colleague finds it in "Mijn
werk", adds a note and completes it; the general director records the ratification.
At each step the test asserts what the person sees, and axe-core checks each new page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils import timezone

from backend.agenda.models import AgendaItem
from backend.followup.models import Action, ActionNote
from backend.meetings.models import Meeting
from backend.reminders.services import scan, send_due
from tests.conftest import World
from tests.web.browser import BROWSER, RECOVERY_CODES, Person, draft_item, playwright_api

pytestmark = BROWSER

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
expect = playwright_api.expect


def local_minute(days: int, hour: int) -> str:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, 0)).strftime("%Y-%m-%dT%H:%M")


def test_a_working_day_with_the_pages_alone(
    world: World, live_server: object, browser: object, shots: Path, tmp_path: Path
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    RECOVERY_CODES.clear()

    # The coordinator plans the cluster's meeting, and a series for another cluster.
    coordinator = Person(browser, base, "coordinator", shots)
    coordinator.open("/vergaderingen/")
    coordinator.page.get_by_role("link", name="Nieuwe vergadering").click()
    coordinator.page.get_by_label("Orgaan").select_option(str(world.cluster.pk))
    coordinator.page.get_by_label("Datum en uur").fill(local_minute(14, 19))
    coordinator.page.get_by_label("Datum en uur").dispatch_event("change")
    # The page proposes the body's usual deadline as soon as a date is given.
    expect(coordinator.page.get_by_label("Indieningstermijn")).to_have_value(local_minute(4, 19))
    coordinator.page.get_by_label("Plaats").fill("Stadhuis Roeselare")
    coordinator.shoot("vergadering-plannen")
    coordinator.page.locator("main button[type=submit]").click()
    coordinator.expect_message("De vergadering is gepland.")
    meeting = Meeting.objects.get(body=world.cluster)
    assert meeting.location == "Stadhuis Roeselare"
    coordinator.open("/vergaderingen/nieuw/")
    coordinator.page.get_by_label("Orgaan").select_option(str(world.other_cluster.pk))
    coordinator.page.get_by_label("Datum en uur").fill(local_minute(20, 9))
    coordinator.page.get_by_label("Herhalen").select_option("monthly")
    coordinator.page.get_by_label("Aantal vergaderingen in de reeks").fill("3")
    coordinator.page.locator("main button[type=submit]").click()
    coordinator.expect_message("3 vergaderingen zijn gepland.")
    assert Meeting.objects.filter(body=world.other_cluster).count() == 3
    coordinator.close()

    # A director drafts the item with an attachment and submits it.
    director = Person(browser, base, "author", shots)
    draft_item(
        director, world, "Gezamenlijke aankoop van laadpalen", "Samen aankopen is goedkoper."
    )
    item = AgendaItem.objects.get(title="Gezamenlijke aankoop van laadpalen")
    offer = tmp_path / "offerte.pdf"
    offer.write_bytes(PDF)
    director.page.get_by_label("Een bestand toevoegen", exact=False).set_input_files(offer)
    director.page.get_by_role("button", name="Toevoegen", exact=True).click()
    expect(director.page.locator("section[aria-labelledby=attachments]")).to_contain_text(
        "offerte.pdf is toegevoegd."
    )
    director.step("Indienen bij de intervisiegroep")
    director.close()

    # The group chair prepares and endorses it.
    chair = Person(browser, base, "groupchair", shots)
    chair.open(f"/punten/{item.pk}/")
    chair.step("Voorbereiding starten")
    chair.step("Goedkeuren voor de cluster")
    chair.close()

    # The coordinator schedules it on the planned meeting, convenes and records attendance.
    coordinator = Person(browser, base, "coordinator", shots)
    coordinator.open(f"/punten/{item.pk}/")
    coordinator.step("Op de agenda van een vergadering zetten", meeting=str(meeting.pk))
    coordinator.open(f"/vergaderingen/{meeting.pk}/")
    coordinator.step("Bijeenroepen")
    # Izegem's mayor sends apologies; the focus stays on that choice; then everyone else.
    row = coordinator.page.locator("#attendance tr", has_text="Third_Member")
    with coordinator.page.expect_response(lambda answer: "aanwezigheid" in answer.url):
        row.get_by_label("verontschuldigd", exact=True).check()
    expect(
        coordinator.page.locator("#attendance tr", has_text="Third_Member").get_by_label(
            "verontschuldigd", exact=True
        )
    ).to_be_focused()
    with coordinator.page.expect_response(lambda answer: "aanwezigheid" in answer.url):
        coordinator.page.get_by_role("button", name="Iedereen aanwezig").click()
    expect(coordinator.page.locator(".quorum")).to_contain_text("Quorum bereikt.")
    expect(
        coordinator.page.locator("#attendance tr", has_text="Third_Member").get_by_label(
            "verontschuldigd", exact=True
        )
    ).to_be_checked()
    coordinator.close()

    # The mayor who chairs opens the session on a tablet and writes the discussion.
    mayor = Person(browser, base, "clusterchair", shots)
    page = mayor.page
    page.set_viewport_size({"width": 768, "height": 1024})
    mayor.open(f"/vergaderingen/{meeting.pk}/")
    mayor.step("De zitting openen", other_day="yes")
    entry = item.entries.get()
    note = page.locator(f"#note-{entry.pk}")
    note.fill("Tielt vraagt een proefperiode van een jaar.")
    with page.expect_response(lambda answer: "bespreking" in answer.url):
        note.press("Tab")
    expect(page.locator(f"#note-{entry.pk}-status")).to_contain_text("Bewaard om")

    # A vote that misses Tielt: refused, Tielt named, the typed text kept, focus on the summary.
    slot = page.locator(f"#entry-{entry.pk} details.transition", has_text="Goedkeuren").first
    slot.locator("summary").click()
    slot.locator("[name=text]").fill("De cluster keurt de aankoop van laadpalen goed.")
    slot.get_by_label("Bij stemming").check()
    roeselare, tielt = world.municipalities[:2]
    slot.locator(f"[name=vote_{roeselare.pk}]").select_option("for")
    with page.expect_response(lambda answer: "/overgang/" in answer.url):
        slot.locator("button[type=submit]").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Tielt: kies voor, tegen of onthouding.")
    expect(summary).to_be_focused()
    slot = page.locator(f"#entry-{entry.pk} details.transition", has_text="Goedkeuren").first
    expect(slot.locator("[name=text]")).to_have_value(
        "De cluster keurt de aankoop van laadpalen goed."
    )
    expect(slot.locator(f"[name=vote_{roeselare.pk}]")).to_have_value("for")
    expect(slot.locator(f"[name=vote_{tielt.pk}]")).to_have_attribute("aria-invalid", "true")
    # The form uses the full width of the tablet: nothing sticks out sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    mayor.shoot("stemming-geweigerd")
    page.set_viewport_size({"width": 768, "height": 1024})
    slot.get_by_role("button", name="Alle aanwezigen voor").click()
    expect(slot.locator(f"[name=vote_{tielt.pk}]")).to_have_value("for")
    with page.expect_navigation():
        slot.locator("button[type=submit]").click()
    expect(page.locator(f"#entry-{entry.pk}")).to_contain_text(
        "Uitslag: 2 stemmen voor · 0 stemmen tegen"
    )
    expect(page.locator(f"#note-{entry.pk}")).to_have_value(
        "Tielt vraagt een proefperiode van een jaar."
    )
    mayor.step("De zitting sluiten")
    mayor.close()
    item.refresh_from_db()
    assert item.state == "approved" and not item.decision.consensus

    # The coordinator hands out an action to a DVV service from the decision.
    coordinator = Person(browser, base, "coordinator", shots)
    coordinator.open(f"/punten/{item.pk}/")
    coordinator.page.get_by_role("link", name="Nieuwe actie").click()
    coordinator.page.get_by_label("Titel").fill("Bestek laadpalen opmaken")
    coordinator.page.get_by_label("Omschrijving").fill("Met de GIS-coördinator, tegen maart.")
    coordinator.page.get_by_label("DVV-dienst").select_option(str(world.service.pk))
    due = timezone.localdate() + dt.timedelta(days=30)
    coordinator.page.get_by_label("Uiterste datum").fill(due.isoformat())
    coordinator.shoot("actie-uitdelen")
    coordinator.page.locator("main button[type=submit]").click()
    coordinator.expect_message("is uitgedeeld")
    action = Action.objects.get(title="Bestek laadpalen opmaken")
    coordinator.step("Uitvoering starten", within="section[aria-labelledby=next-steps]")
    coordinator.close()
    scan()
    send_due()

    # The DVV colleague finds it in "Mijn werk", adds a note and completes it.
    dvv = Person(browser, base, "dvv", shots)
    expect(dvv.page.locator("main")).to_contain_text("U hebt een nieuwe actie")
    dvv.page.get_by_role("link", name="Bestek laadpalen opmaken").first.click()
    card = dvv.page.locator(f"#action-{action.pk}")
    expect(card).to_contain_text("Met de GIS-coördinator, tegen maart.")
    card.get_by_label("Voortgangsnotitie").fill("Drie offertes gevraagd.")
    card.get_by_role("button", name="Notitie toevoegen").click()
    dvv.expect_message("De notitie is toegevoegd.")
    dvv.step("Starten", within=f"#action-{action.pk}")
    dvv.step("Afronden", within=f"#action-{action.pk}")
    dvv.shoot("actie-afgerond")
    dvv.close()
    action.refresh_from_db()
    assert action.state == "done"
    assert ActionNote.objects.get(action=action).text == "Drie offertes gevraagd."

    # The general director of Roeselare records the municipality's ratification.
    general_director = Person(browser, base, "director", shots)
    general_director.open(f"/punten/{item.pk}/")
    general_director.step(
        "Bekrachtiging registreren",
        within="section[aria-labelledby=ratifications]",
        date=timezone.localdate().isoformat(),
        deciding_body="college",
        reference="CBS/2026/117",
    )
    general_director.expect_message("Gedaan")
    general_director.close()
    ratification = item.decision.ratifications.get(municipality=roeselare)
    assert ratification.state == "ratified" and ratification.reference == "CBS/2026/117"
