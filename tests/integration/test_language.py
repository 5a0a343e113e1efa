"""People read Dutch by default and English second: refusals speak their language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from tests.conftest import World
from workflows.engine import fire
from workflows.errors import GuardFailed

PO = Path(__file__).resolve().parents[2] / "backend" / "locale" / "nl" / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("nl-be", "Het agendapunt moet een titel hebben."),
        ("en", "The item needs a title."),
    ],
)
def test_a_guard_says_why_in_the_readers_language(world: World, language: str, reason: str) -> None:
    item = world.item(title="")
    with translation.override(language), pytest.raises(GuardFailed) as refused:
        fire(item, "submit", actor=world.author)
    assert str(refused.value.reasons[0]) == reason


def test_the_default_language_is_belgian_dutch(world: World) -> None:
    item = world.item(title="")
    with pytest.raises(GuardFailed) as refused:
        fire(item, "submit", actor=world.author)
    assert str(refused.value.reasons[0]) == "Het agendapunt moet een titel hebben."


def test_every_message_has_a_dutch_translation() -> None:
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first block is the header
    empty = [
        e
        for e in entries
        if re.search(r'^msgstr(\[\d\])? ""\n?$', e, re.M) and '\n"' not in e.split("msgstr", 1)[1]
    ]
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    assert empty == []
    assert fuzzy == []
