"""The pages speak to a person in one way: "u", never "je" or "jij"."""

from __future__ import annotations

import re
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "backend/locale/nl/LC_MESSAGES/django.po"
INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jezelf)\b", re.IGNORECASE)


def test_no_dutch_text_says_je_or_jij() -> None:
    text = CATALOGUE.read_text(encoding="utf-8")
    informal = []
    for entry in text.split("\n\n"):
        translated = "".join(
            re.findall(r'"(.*)"', entry[entry.index("msgstr") :]) if "msgstr" in entry else []
        )
        if INFORMAL.search(translated):
            informal.append(translated)
    assert informal == []
