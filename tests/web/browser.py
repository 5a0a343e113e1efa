"""What the browser tests share: Debian's Chromium through Playwright, a person signed in
at a browser of their own, screenshots at tablet and desktop width, and axe-core."""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django_otp.oath import totp

CHROMIUM = "/usr/bin/chromium"
playwright_api = pytest.importorskip("playwright.sync_api")

BROWSER = [
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Debian's chromium is not installed (.ci/run installs it)",
    ),
    pytest.mark.django_db(transaction=True),
]

# Playwright's synchronous API runs an event loop in this thread; the ORM calls the test
# makes between browser steps are ordinary synchronous calls all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

WIDTHS = {"tablet": (768, 1024), "desktop": (1280, 900)}
# A slow machine (two cores running the suite) gets time; a real failure still fails.
playwright_api.expect.set_options(timeout=15_000)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def shots() -> Iterator[Path]:
    wanted = os.environ.get("SCREENSHOTS_DIR")
    folder = Path(wanted) if wanted else Path(tempfile.mkdtemp(prefix="midwest-shots-"))
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    if not wanted:
        shutil.rmtree(folder, ignore_errors=True)


AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def assert_accessible(page: object) -> None:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page: no serious or critical finding."""
    # Through the DevTools protocol, not a <script> element: the page's own
    # Content-Security-Policy rightly refuses inline scripts.
    page.evaluate("() => {" + AXE.read_text(encoding="utf-8") + "\n}")  # type: ignore[attr-defined]
    result = page.evaluate(  # type: ignore[attr-defined]
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            rules: {'color-contrast': {enabled: true}}
        })"""
    )
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not found, "\n".join(found)


def shoot(page: object, folder: Path, name: str) -> None:
    """Save the page at tablet and at desktop width."""
    for width_name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})  # type: ignore[attr-defined]
        page.screenshot(path=folder / f"{name}-{width_name}.png", full_page=True)  # type: ignore[attr-defined]
    page.set_viewport_size({"width": 1280, "height": 900})  # type: ignore[attr-defined]


# The recovery codes shown at a first sign-in: a later sign-in types one of them.
RECOVERY_CODES: dict[str, list[str]] = {}


class Person:
    """One person at a browser: a fresh context (own cookies), signed in by the form."""

    def __init__(self, browser: object, base: str, username: str, shots: Path) -> None:
        self.base, self.shots, self.username = base, shots, username
        self.context = browser.new_context(  # type: ignore[attr-defined]
            viewport={"width": 1280, "height": 900}, locale="nl-BE"
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.refused: list[str] = []
        self.page.on(
            "console",
            lambda message: (
                self.refused.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        self.page.goto(f"{base}/aanmelden/")
        self.page.get_by_label("Gebruikersnaam").fill(username)
        self.page.get_by_label("Wachtwoord").fill("pw")
        self.page.get_by_role("button", name="Aanmelden").click()
        if username == "coordinator":
            if username in RECOVERY_CODES:
                self.second_step(RECOVERY_CODES[username].pop())
            else:
                self.set_up_second_step()
        self.page.wait_for_url(f"{base}/")

    def second_step(self, code: str) -> None:
        self.page.wait_for_url(f"{self.base}/aanmelden/code/")
        self.page.get_by_label("Code").fill(code)
        self.page.get_by_role("button", name="Aanmelden").click()

    def set_up_second_step(self) -> None:
        """The coordinator's first sign-in: add the app with the key the page shows, type
        its code, keep the recovery codes and go on."""
        self.page.wait_for_url(f"{self.base}/aanmelden/instellen/")
        self.shoot("tweestapsverificatie")
        key = self.page.locator("code.key").inner_text().replace(" ", "")
        self.page.get_by_label("Code").fill(f"{totp(base64.b32decode(key)):06d}")
        self.page.get_by_role("button", name="Bevestigen").click()
        playwright_api.expect(self.page.locator("ul.codes li")).to_have_count(10)
        assert_accessible(self.page)
        RECOVERY_CODES[self.username] = self.page.locator("ul.codes code").all_inner_texts()
        self.page.get_by_role("link", name="Ik heb ze bewaard: verder").click()

    def open(self, path: str) -> None:
        self.page.goto(f"{self.base}{path}")

    def step(self, label: str, within: str = "body", refused: bool = False, **fields: str) -> None:
        """Open the transition's form, fill its fields and press its button; wait for the
        page that follows (or, for a refusal, for the answer that comes back in place)."""
        slot = self.page.locator(within).locator("details.transition", has_text=label).first
        slot.locator("summary").click()
        for name, value in fields.items():
            field = slot.locator(f"[name={name}]")
            if field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(value)
            elif field.evaluate("e => e.type") == "checkbox":
                field.check()
            else:
                field.fill(value)
        button = slot.locator("button[type=submit]")
        if refused:
            with self.page.expect_response(lambda answer: "/overgang/" in answer.url):
                button.click()
        else:
            with self.page.expect_navigation():
                button.click()

    def expect_message(self, text: str) -> None:
        playwright_api.expect(self.page.locator(".messages, .errors").first).to_contain_text(text)

    def shoot(self, name: str) -> None:
        shoot(self.page, self.shots, name)
        assert_accessible(self.page)

    def close(self) -> None:
        """Close the browser context; nothing the pages did may have broken the policy."""
        self.context.close()
        assert self.refused == [], self.refused


def draft_item(person: Person, world: object, title: str, rationale: str) -> None:
    """The person drafts an item with the form: the group, the cluster, two municipalities."""
    page = person.page  # type: ignore[attr-defined]
    person.open("/punten/nieuw/")
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Intervisiegroep").select_option(str(world.group.pk))  # type: ignore[attr-defined]
    page.get_by_label("Doelcluster").select_option(str(world.cluster.pk))  # type: ignore[attr-defined]
    page.get_by_label("Motivering").fill(rationale)
    page.get_by_label("Voorstel van beslissing").fill("De cluster keurt de aankoop goed.")
    page.get_by_label("Roeselare").check()
    page.get_by_label("Tielt").check()
    page.locator("main button[type=submit]").click()
    person.expect_message("Het punt is bewaard als ontwerp.")
