"""Benchmark: the minutes of a meeting with 100 entries, 20 attendees and 200 actions.

Run with `make bench` (or `python -m tests.bench.bench_documents`). It times the
product's renderer (docxtpl on the notulen.docx template) against a bare python-docx
document with the same content built in the same run, median of 5 each, and writes the
figures to var/bench/documents.json. Not part of the test suite: figures, not asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from io import BytesIO
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-long-enough-to-be-accepted")

import django

django.setup()

from docx import Document  # noqa: E402

from backend.documents.data import MinutesData, PersonInfo  # noqa: E402
from backend.documents.render import render  # noqa: E402
from backend.documents.services import template_path  # noqa: E402
from tests.documents.samples import (  # noqa: E402
    ACTION,
    ATTENDANCE,
    DECISION,
    DOCUMENT,
    ENTRY,
    MEETING,
)

RATIONALE = (
    "De intervisiegroep bundelde de plannen van de zestien besturen tot één voorstel: "
    "een fijnmazig netwerk van hoppinpunten, veilige schoolroutes & een regionaal fietsnetwerk. "
) * 3


def minutes(entries: int = 100, attendees: int = 20, actions: int = 200) -> MinutesData:
    """Return minutes of the given size, grown from the documents tests' sample data."""
    people = tuple(
        PersonInfo(name=f"Persoon {n}", municipality=f"Gemeente {n % 16}", function="burgemeester")
        for n in range(attendees)
    )
    per_entry = actions // entries
    rows = tuple(
        replace(
            ENTRY,
            number=n + 1,
            title=f"Agendapunt {n + 1}: regionale samenwerking <fase {n}>",
            rationale=RATIONALE,
            decision=replace(DECISION, number=f"2026/CL-RUIMTE/{n + 1:03d}"),
            actions=tuple(replace(ACTION, title=f"Actie {n}.{k}") for k in range(per_entry)),
        )
        for n in range(entries)
    )
    return MinutesData(
        document=DOCUMENT,
        meeting=MEETING,
        attendance=replace(ATTENDANCE, present=people, excused=()),
        entries=rows,
    )


def bare(data: MinutesData) -> bytes:
    """The same content with python-docx calls and no template: the floor to compare with."""
    document = Document()
    document.add_heading("Notulen", 0)
    document.add_paragraph(f"{data.meeting.body} · {data.meeting.date}")
    table = document.add_table(rows=0, cols=2)
    for label, value in (("Datum", data.meeting.date), ("Plaats", data.meeting.location)):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    document.add_heading("Aanwezigheden", 1)
    for person in data.attendance.present:
        document.add_paragraph(f"{person.name}, {person.municipality}", style="List Bullet")
    document.add_heading("Behandelde punten", 1)
    for entry in data.entries:
        document.add_heading(f"{entry.number}. {entry.title}", 2)
        document.add_paragraph(entry.rationale)
        if entry.decision:
            document.add_paragraph(f"Besluit {entry.decision.number}: {entry.decision.outcome}")
            document.add_paragraph(entry.decision.text)
        for action in entry.actions:
            document.add_paragraph(
                f"{action.title} – {action.owner} – {action.due_date}", style="List Bullet"
            )
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def median_ms(build: Callable[[], bytes], runs: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        size = len(build())
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="var/bench/documents.json")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data = minutes()
    template = template_path("minutes")
    product, product_size = median_ms(lambda: render(data, template), args.runs)
    floor, floor_size = median_ms(lambda: bare(data), args.runs)
    figures = {
        "benchmark": "minutes: 100 entries, 20 attendees, 200 actions",
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "date": time.strftime("%Y-%m-%d"),
        "runs": args.runs,
        "template_ms_median": round(product, 1),
        "template_bytes": product_size,
        "bare_python_docx_ms_median": round(floor, 1),
        "bare_python_docx_bytes": floor_size,
        "template_vs_bare": round(product / floor, 2),
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
