"""Delete the stored files (documents, attachments) that no row points at (left by a
rollback, or by a process that died mid-upload)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from backend.documents.services import ORPHAN_GRACE, orphan_files_sweep


class Command(BaseCommand):
    help = "Delete stored files no row points at (older than the grace period)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List the files without deleting them."
        )
        parser.add_argument(
            "--grace-minutes",
            type=int,
            default=int(ORPHAN_GRACE.total_seconds() // 60),
            help="Keep files younger than this, a generation may still be committing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        grace = dt.timedelta(minutes=max(options["grace_minutes"], 0))
        swept = orphan_files_sweep(grace=grace, dry_run=options["dry_run"])
        verb = "would delete" if options["dry_run"] else "deleted"
        for name in swept:
            self.stdout.write(f"{verb}: {name}")
        self.stdout.write(f"{len(swept)} orphan files {verb}.")
