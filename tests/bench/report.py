"""What every benchmark writes beside its figures: the machine it ran on, and the JSON
report itself (`var/bench/*.json`), printed as a summary too."""

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
