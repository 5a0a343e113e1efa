"""Queued tasks. django-q2 stores these dotted names in its schedules: never rename them."""

from __future__ import annotations

from backend.documents.services import orphan_files_sweep


def sweep_orphan_files() -> str:
    """Delete the document files a rolled-back generation left behind."""
    return f"{len(orphan_files_sweep())} orphan files deleted"
