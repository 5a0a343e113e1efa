"""`make mutate`'s report: the kill rate per file, equivalent mutants apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("mutmut", reason="mutmut comes with the dev extras")

from tests.mutation import report


def results(tmp_path: Path, path: str, codes: dict[str, int | None]) -> Path:
    meta = tmp_path / f"{path}.meta"
    meta.parent.mkdir(parents=True, exist_ok=True)
    meta.write_text(json.dumps({"exit_code_by_key": codes}), encoding="utf-8")
    return tmp_path


def test_the_rate_counts_killed_against_surviving_mutants_equivalent_ones_apart(
    tmp_path: Path,
) -> None:
    results(tmp_path, "pkg/a.py", {"pkg.a.x_f__mutmut_1": 1, "pkg.a.x_f__mutmut_2": 1})
    results(
        tmp_path,
        "pkg/b.py",
        {"pkg.b.x_g__mutmut_1": 1, "pkg.b.x_g__mutmut_2": 0, "pkg.b.x_g__mutmut_3": 0},
    )
    results(tmp_path, "pkg/c.py", {"pkg.c.x_h__mutmut_1": None})  # not part of the run
    lines = report.report(
        report.statuses(tmp_path),
        {"pkg.b.x_g__mutmut_3": "the same query", "pkg.a.x_f__mutmut_2": "was once"},
    )
    table = {line.split()[0]: line.split()[1:] for line in lines[1:3]}
    assert table == {
        "pkg/a.py": ["2", "2", "0", "0", "0", "100.0", "%"],
        "pkg/b.py": ["3", "1", "1", "1", "0", "50.0", "%"],
    }
    assert "pkg/c.py" not in "\n".join(lines)
    text = "\n".join(lines)
    assert "Surviving (not known to be equivalent):\n  pkg.b.x_g__mutmut_2" in text
    assert "  pkg.b.x_g__mutmut_3: the same query" in text
    assert text.endswith("(update EQUIVALENT):\n  pkg.a.x_f__mutmut_2")


def test_without_results_it_says_to_run_make_mutate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert report.main(["--mutants", str(tmp_path)]) == 1
    assert "run `make mutate` first" in capsys.readouterr().out
