"""Restore an archive of backup_data into this database and file storage, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.backup.services import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by backup_data into a freshly migrated database (SQLite "
        "or PostgreSQL): every checksum is verified before anything is written, the rows "
        "load in one transaction with their primary keys, then the files are put back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="The archive written by backup_data.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete everything in a database that is not empty, then restore (in the "
            "same transaction).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only verify the archive (checksums, schema, empty database); write nothing.",
        )
        parser.add_argument("--database", default="default", help="The database to restore to.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(
                path=options["archive"],
                replace=options["replace"],
                check_only=options["check"],
                using=options["database"],
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        what = (
            f"{manifest.row_count} rows in {len(manifest.counts)} tables and "
            f"{len(manifest.files)} files (backup of {manifest.created_at}, "
            f"{manifest.vendor})"
        )
        if options["check"]:
            self.stdout.write(self.style.SUCCESS(f"The archive is intact: {what}."))
            return
        if result.replaced:
            self.stdout.write(f"Emptied {len(result.replaced)} tables first.")
        self.stdout.write(self.style.SUCCESS(f"Restored {what}."))
        for stored_file in manifest.missing_files:
            self.stderr.write(
                self.style.WARNING(
                    f"missing: {stored_file.name} ({stored_file.field}) was already missing "
                    "when the backup was made"
                )
            )
