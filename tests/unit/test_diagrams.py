"""The diagrams in workflows/README.md are drawn from the code and must not drift."""

from __future__ import annotations

from pathlib import Path

from backend.agenda.models import AgendaItem
from backend.transitions import diagrams


def test_the_readme_holds_the_diagrams_the_code_draws() -> None:
    assert diagrams.is_current(), "run: python manage.py draw_workflows"


def test_a_drifted_readme_is_detected_and_rewritten(tmp_path: Path) -> None:
    stale = tmp_path / "README.md"
    stale.write_text(f"# x\n{diagrams.START}\nold\n{diagrams.END}\n", encoding="utf-8")
    assert not diagrams.is_current(stale)
    assert diagrams.write(stale)
    assert diagrams.is_current(stale)
    assert not diagrams.write(stale)


def test_a_diagram_shows_every_transition_with_its_states() -> None:
    drawing = diagrams.mermaid(AgendaItem)
    assert "[*] --> draft" in drawing
    assert "scheduled --> approved: approve" in drawing
    assert "scheduled --> prepared: unschedule (automatic)" in drawing
