"""Write the whole database and its stored files into one archive (SQLite or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.backup.services import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write every row (primary keys kept) and every stored file a row points at into "
        "one zip archive with a manifest of SHA-256 checksums and row counts. Restore it "
        "with restore_data, on SQLite or PostgreSQL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="The archive to write, e.g. midwest.zip.")
        parser.add_argument(
            "--overwrite", action="store_true", help="Replace the archive if it exists."
        )
        parser.add_argument("--database", default="default", help="The database to back up.")

    def handle(self, *args: Any, **options: Any) -> None:
        archive: Path = options["archive"]
        try:
            manifest = backup_create(
                path=archive, overwrite=options["overwrite"], using=options["database"]
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        for stored_file in manifest.missing_files:
            self.stderr.write(
                self.style.WARNING(
                    f"missing: {stored_file.name} ({stored_file.field}) is not in the storage"
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {archive}: {manifest.row_count} rows in {len(manifest.counts)} tables, "
                f"{len(manifest.files)} files."
            )
        )
        if manifest.missing_files:
            self.stderr.write(
                self.style.WARNING(
                    f"{len(manifest.missing_files)} files rows point at were missing; "
                    "the manifest lists them."
                )
            )
