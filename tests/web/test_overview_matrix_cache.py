"""The overview keeps its rendered ratification matrix in the cache under a key made of
everything the matrix shows: a page read twice is the same page, and every change to
what the matrix shows (a ratification recorded, a new decision, a municipality renamed,
another day) shows at once."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from unittest import mock

from django.core.cache import cache
from django.utils import timezone

from backend.web import overview
from tests.conftest import World
from tests.web.pages import signed_in, text
from workflows.engine import fire

CELL = re.compile(r'<td class="cell cell-(\w+)"><a href="[^"]+" title="([^"]+)"')


def matrix(page: str) -> list[tuple[str, str]]:
    return CELL.findall(page[page.index('<table class="matrix">') :])


def test_the_matrix_read_from_the_cache_is_the_matrix_rendered(
    world: World, decided: SimpleNamespace
) -> None:
    cache.clear()
    client = signed_in(world.coordinator)
    with mock.patch.object(overview, "matrix_rows", wraps=overview.matrix_rows) as rendered:
        first, second = text(client.get("/overzicht/")), text(client.get("/overzicht/"))
    assert rendered.call_count == 1
    strip = re.compile(r'(csrfmiddlewaretoken" value=|X-CSRFToken": |nonce=)"[^"]*"')
    assert strip.sub("", first) == strip.sub("", second)
    assert [state for state, _ in matrix(second)] == ["pending", "pending"]


def test_every_change_to_what_the_matrix_shows_shows_at_once(
    world: World, decided: SimpleNamespace
) -> None:
    cache.clear()
    client = signed_in(world.coordinator)
    text(client.get("/overzicht/"))
    fire(
        decided.ratification,
        "ratify",
        actor=world.coordinator,
        date=timezone.localdate().isoformat(),
        deciding_body="college",
        reference="CBS/1",
    )
    states = [state for state, _ in matrix(text(client.get("/overzicht/")))]
    assert sorted(states) == ["pending", "ratified"]

    town = world.municipalities[0]
    town.name = "Roeselare-Centrum"
    town.save()
    assert any("Roeselare-Centrum" in title for _, title in matrix(text(client.get("/overzicht/"))))

    # the age of a pending ratification is counted in days: tomorrow is another page
    today, real = timezone.localdate(), timezone.localdate

    def tomorrow(value: dt.datetime | None = None, *args: object) -> dt.date:
        return today + dt.timedelta(days=1) if value is None else real(value, *args)  # type: ignore[arg-type]

    with mock.patch.object(timezone, "localdate", side_effect=tomorrow):
        titles = [title for _, title in matrix(text(client.get("/overzicht/")))]
    assert any("sinds 1 dag" in title for title in titles), titles

    later = world.prepared_item(title="Nog een besluit")
    world.meeting_in_session(later)
    fire(later, "approve", actor=world.cluster_chair, text="Goed.", consensus=True)
    assert "Nog een besluit" in text(client.get("/overzicht/"))
