"""Print the kill rate of `make mutate` per file, from mutmut's results under mutants/.

A mutant that survives and is listed in EQUIVALENT (with the reason no test can tell it
from the code) does not count against the rate. A listed one that no longer survives is
reported as stale, so the list stays true. `mutmut show NAME` shows a mutant's diff.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

_BATCH_SIZE = "bulk_create's batch size only decides how many INSERT statements write the same rows"
_NO_CONDITIONS = (
    "no transition of any machine declares django-fsm conditions (the guards are the "
    "steps'), so can_proceed answers the same whether it checks them or not"
)
EQUIVALENT: dict[str, str] = {
    "backend.reminders.services.x_scan__mutmut_26": _BATCH_SIZE,
    "backend.reminders.services.x_scan__mutmut_29": _BATCH_SIZE,
    "backend.reminders.services.x_scan__mutmut_31": _BATCH_SIZE,
    "backend.reminders.services.x_send_due__mutmut_12": (
        "on SQLite only: rows due at one instant come out of the due_at index in rowid (id) "
        "order even without the id tie-break; on PostgreSQL ties have no order, and the "
        "batch-order test is there for that (not measured: mutation runs on SQLite)"
    ),
    "backend.reminders.services.x_send_due__mutmut_16": (
        "without select_related('content_type') the subject's content type comes from "
        "ContentType's own cache: no query more, the same rows"
    ),
    "workflows.engine.x_fire__mutmut_18": (
        "the comment's limit MAX_COMMENT equals text()'s default limit (20,000)"
    ),
    "workflows.engine.x_fire__mutmut_28": _NO_CONDITIONS,
    "workflows.engine.x_fire__mutmut_30": _NO_CONDITIONS,
    "workflows.engine.x_fire__mutmut_31": _NO_CONDITIONS,
    "workflows.engine.x_fire_as_consequence__mutmut_6": _NO_CONDITIONS,
    "workflows.engine.x_fire_as_consequence__mutmut_8": _NO_CONDITIONS,
    "workflows.engine.x_fire_as_consequence__mutmut_13": _NO_CONDITIONS,
}
"""Surviving mutants no test can kill, by mutmut's name (`mutmut show NAME` shows the
change), with the reason. The names number the mutants of a function in order: a change
to the function can renumber them, and the report then lists the stale entries."""


def statuses(root: Path) -> dict[str, dict[str, str]]:
    """Return, per mutated file (relative to `root`), the status of each of its mutants."""
    out: dict[str, dict[str, str]] = {}
    for meta in sorted(root.rglob("*.py.meta")):
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        if codes:
            out[str(meta.relative_to(root))[: -len(".meta")]] = {
                name: status_by_exit_code[code] for name, code in codes.items()
            }
    return out


def rate(killed: int, survived: int) -> str:
    return f"{100 * killed / (killed + survived):.1f} %" if killed + survived else "-"


def report(results: dict[str, dict[str, str]], equivalent: dict[str, str]) -> list[str]:
    """Return the report's lines: a table per file, then what survives, then stale entries."""
    lines = [
        f"{'file':<34} {'mutants':>7} {'killed':>6} {'survived':>8} {'equiv.':>6} "
        f"{'other':>5} {'kill rate':>9}",
    ]
    survivors: list[str] = []
    still_equivalent: list[str] = []
    for path, by_name in results.items():
        counts = Counter(by_name.values())
        equiv = sum(1 for n, s in by_name.items() if s == "survived" and n in equivalent)
        survived = counts["survived"] - equiv
        other = len(by_name) - counts["killed"] - counts["survived"] - counts["not checked"]
        if counts["not checked"] == len(by_name):
            continue  # not part of this run
        lines.append(
            f"{path:<34} {len(by_name):>7} {counts['killed']:>6} {survived:>8} {equiv:>6} "
            f"{other:>5} {rate(counts['killed'], survived):>9}"
            + (f"  ({counts['not checked']} not run)" if counts["not checked"] else "")
        )
        for name, status in sorted(by_name.items()):
            if status == "survived":
                (still_equivalent if name in equivalent else survivors).append(name)
            elif status not in ("killed", "not checked"):
                survivors.append(f"{name} ({status})")
    if survivors:
        lines += ["", "Surviving (not known to be equivalent):", *(f"  {n}" for n in survivors)]
    if still_equivalent:
        lines += ["", "Surviving, equivalent:"]
        lines += [f"  {n}: {equivalent[n]}" for n in still_equivalent]
    checked = {n for by_name in results.values() for n, s in by_name.items() if s != "not checked"}
    stale = sorted(n for n in equivalent if n in checked and n not in still_equivalent)
    if stale:
        lines += ["", "Listed as equivalent but killed or gone (update EQUIVALENT):"]
        lines += [f"  {n}" for n in stale]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=Path, default=Path("mutants"))
    args = parser.parse_args(argv)
    results = statuses(args.mutants)
    if not results:
        print(f"No mutation results under {args.mutants}/: run `make mutate` first.")
        return 1
    print("\n".join(report(results, EQUIVALENT)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
