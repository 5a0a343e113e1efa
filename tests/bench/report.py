"""What every benchmark writes beside its figures: the machine it ran on, and the JSON
report itself (`var/bench/*.json`), printed as a summary too.

    .venv/bin/python -m tests.bench.report var/bench/http-sqlite.json var/bench/http-pg.json

prints the HTTP benchmark's targets from its reports, one line per figure and database:
the two ratios against the bare views and the overview's p95 (`make bench` ends with it).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
from pathlib import Path
from typing import Any


def platform_figures() -> dict[str, Any]:
    """The platform, the interpreter, Django and the database the figures come from."""
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SELECT version()"
        )
        version = cursor.fetchone()[0]
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": connection.vendor,
        "database_version": version,
    }


def write_report(out: str | Path, report: dict[str, Any], summary: str) -> Path:
    """Write the report as JSON (creating its folder) and print its summary."""
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    print(summary)
    print(f"figures written to {path}")
    return path


def put_away(folder: Path, keep: bool) -> None:
    """Close the database connections, then remove the benchmark's temporary folder (its
    SQLite file, media and static files), unless asked to keep it."""
    from django.db import connections

    connections.close_all()
    if keep:
        print(f"kept {folder}", file=sys.stderr)
    else:
        shutil.rmtree(folder, ignore_errors=True)


def targets(reports: list[dict[str, Any]]) -> list[str]:
    """Each target of the HTTP benchmark with the figure measured, met or missed."""
    lines = []
    for report in reports:
        database = report["machine"]["database"]
        figures = report["figures"]
        for name, label in (("list", "50-row list"), ("transition", "transition submit")):
            figure = figures[name]
            ratio = figure["ratio_requests_per_second"]
            lines.append(
                f"{database:10s} {label:22s} product/bare {ratio:5.2f}"
                f"   target ≥ {figure['target']:.2f}   "
                f"{'met' if figure['meets_target'] else 'MISSED'}"
            )
        page = figures["overview_page"]
        target = page.get("target_p95_ms", 150.0)
        p95 = page["latency_ms"]["p95"]
        lines.append(
            f"{database:10s} {'overview page p95':22s} {p95:8.1f} ms"
            f"   target ≤ {target:.0f} ms   {'met' if p95 <= target else 'MISSED'}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (sys.argv[1:] if argv is None else argv)]
    present = [p for p in paths if p.exists()]
    if not present:
        print("no HTTP benchmark report found", file=sys.stderr)
        return 2
    print("targets of the HTTP benchmark (tests/bench/README.md):")
    for line in targets([json.loads(p.read_text(encoding="utf-8")) for p in present]):
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
