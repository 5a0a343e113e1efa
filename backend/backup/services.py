"""Back up the whole database and its stored files into one archive, and restore it.

The archive is a zip file that works across SQLite and PostgreSQL:

- `data.json`: every row of every table (Django's JSON serialization, primary keys kept),
  except content types and permissions, which `migrate` builds on every database, and
  sessions and queued task messages, which do not outlive a restore;
- `media/<name>`: every stored file a row points at (documents, attachments), read through
  the storage API from the folder or the object store the product uses;
- `manifest.json`: the SHA-256 and size of each of those, the number of rows of every
  table and the migrations the database had.

A restore checks every checksum before it writes anything, loads the rows in one
transaction and compares the counts before it commits: a damaged archive changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import tempfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

import django
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.files.utils import validate_file_name
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import (
    DEFAULT_DB_ALIAS,
    connections,
    models,
    router,
    transaction,
)
from django.db.migrations.recorder import MigrationRecorder

from backend.backup.serializer import NATURAL_KEY_MODELS, Serializer
from backend.files.errors import StoreUnavailable

FORMAT = "midwest-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.json"
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024

BUILT_BY_MIGRATE = NATURAL_KEY_MODELS
"""Tables `migrate` fills by itself: never archived, never cleared, never counted."""

NOT_ARCHIVED = frozenset({"sessions.session", "audit.apitoken", "django_q.ormq"})
"""Tables cleared by a restore but not archived: sign-ins (sessions and API tokens: after a
restore everyone signs in again) and queued task messages (the rows they act on are the
truth; the scan finds the work again)."""


class BackupError(Exception):
    """The archive cannot be made, or cannot (or may not) be restored."""


@dataclass
class StoredFile:
    """One stored file in the archive: its storage name and the field that points at it."""

    name: str
    field: str
    sha256: str = ""
    size: int = 0

    @property
    def member(self) -> str:
        return MEDIA_PREFIX + self.name


@dataclass
class Manifest:
    """What an archive holds, with the checksums a restore verifies."""

    created_at: str
    vendor: str
    django_version: str
    migrations: list[str]
    data_sha256: str
    data_size: int
    counts: dict[str, int]
    files: list[StoredFile] = field(default_factory=list)
    missing_files: list[StoredFile] = field(default_factory=list)

    def to_json(self) -> bytes:
        document = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": self.created_at,
            "database_vendor": self.vendor,
            "django_version": self.django_version,
            "migrations": self.migrations,
            "data": {"path": DATA, "sha256": self.data_sha256, "size": self.data_size},
            "counts": self.counts,
            "files": [
                {
                    "name": f.name,
                    "path": f.member,
                    "field": f.field,
                    "sha256": f.sha256,
                    "size": f.size,
                }
                for f in self.files
            ],
            "missing_files": [{"name": f.name, "field": f.field} for f in self.missing_files],
        }
        return json.dumps(document, indent=2, ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            document = json.loads(raw)
            if document.get("format") != FORMAT:
                raise BackupError("This is not a backup of the Midwest decision engine.")
            if document.get("version") != FORMAT_VERSION:
                raise BackupError(
                    f"The archive has format version {document.get('version')}; "
                    f"this version reads version {FORMAT_VERSION}."
                )
            return cls(
                created_at=str(document["created_at"]),
                vendor=str(document["database_vendor"]),
                django_version=str(document["django_version"]),
                migrations=[str(m) for m in document["migrations"]],
                data_sha256=str(document["data"]["sha256"]),
                data_size=int(document["data"]["size"]),
                counts={str(k): int(v) for k, v in document["counts"].items()},
                files=[
                    StoredFile(
                        name=str(f["name"]),
                        field=str(f["field"]),
                        sha256=str(f["sha256"]),
                        size=int(f["size"]),
                    )
                    for f in document["files"]
                ],
                missing_files=[
                    StoredFile(name=str(f["name"]), field=str(f["field"]))
                    for f in document["missing_files"]
                ],
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupError(f"The manifest of the archive is unreadable: {error!r}") from error

    @property
    def row_count(self) -> int:
        return sum(self.counts.values())


# --- Which tables ------------------------------------------------------------------------


def cleared_models(using: str = DEFAULT_DB_ALIAS) -> list[type[models.Model]]:
    """Return the models whose tables a restore replaces: all but content types and
    permissions (which `migrate` builds)."""
    return [
        model
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and router.allow_migrate_model(using, model)
        and model._meta.label_lower not in BUILT_BY_MIGRATE
    ]


def archived_models(using: str = DEFAULT_DB_ALIAS) -> list[type[models.Model]]:
    """Return the models whose rows go into an archive."""
    return [m for m in cleared_models(using) if m._meta.label_lower not in NOT_ARCHIVED]


def _through(field: Any) -> type[models.Model]:
    """Return the table behind a many-to-many field."""
    return cast(type[models.Model], field.remote_field.through)


def _many_to_many(model: type[models.Model]) -> list[Any]:
    """The many-to-many fields the serializer writes with the model (auto-created tables)."""
    return [
        f
        for f in model._meta.local_many_to_many
        if getattr(f, "serialize", True) and _through(f)._meta.auto_created
    ]


def _count_labels(model: type[models.Model]) -> list[tuple[str, type[models.Model]]]:
    """The tables counted for a model: its own and those of its many-to-many fields."""
    tables: list[tuple[str, type[models.Model]]] = [(model._meta.label_lower, model)]
    for m2m in _many_to_many(model):
        through = _through(m2m)
        tables.append((through._meta.label_lower, through))
    return tables


def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def non_empty_tables(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Return the tables a restore would replace that hold rows."""
    return [
        label
        for model in cleared_models(using)
        for label, table in _count_labels(model)
        if table._base_manager.using(using).exists()
    ]


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Return the applied migrations as sorted `app.name` strings."""
    recorder = MigrationRecorder(connections[using])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


# --- Backup -------------------------------------------------------------------------------


class _HashingWriter:
    """A text stream that encodes, hashes and counts what it passes on to a binary one."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, text: str) -> int:
        data = text.encode()
        self.digest.update(data)
        self.size += len(data)
        self.raw.write(data)
        return len(text)

    def flush(self) -> None:
        self.raw.flush()


@contextmanager
def _snapshot(using: str) -> Iterator[None]:
    """Read every table as of one moment: on PostgreSQL a repeatable-read transaction
    (writers go on), on SQLite a transaction that holds the write lock."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _rows(
    models_: Iterable[type[models.Model]],
    using: str,
    counts: Counter[str],
    files: dict[str, StoredFile],
) -> Iterator[models.Model]:
    """Yield every row of the models in primary-key order, counting rows and links and
    noting the stored files they point at."""
    for model in models_:
        counts[model._meta.label_lower] += 0
        m2m = _many_to_many(model)
        for f in m2m:
            counts[_through(f)._meta.label_lower] += 0
        natural = [
            f.name
            for f in model._meta.concrete_fields
            if f.many_to_one
            and isinstance(f.related_model, type)
            and f.related_model._meta.label_lower in NATURAL_KEY_MODELS
        ]
        queryset = model._base_manager.using(using).order_by(model._meta.pk.name)
        if natural:
            queryset = queryset.select_related(*natural)
        if m2m:
            queryset = queryset.prefetch_related(*(f.name for f in m2m))
        file_fields = _file_fields(model)
        for obj in queryset.iterator(chunk_size=2000):
            counts[model._meta.label_lower] += 1
            for f in m2m:
                counts[_through(f)._meta.label_lower] += len(
                    obj._prefetched_objects_cache[f.name]  # type: ignore[attr-defined]
                )
            for file_field in file_fields:
                name = getattr(obj, file_field.attname).name
                if name and name not in files:
                    files[name] = StoredFile(
                        name=name, field=f"{model._meta.label_lower}.{file_field.name}"
                    )
            yield obj


def _storage_of(field_label: str) -> Storage:
    """Return the storage of a file field named `app.model.field` (default if unknown)."""
    try:
        app_label, model_name, field_name = field_label.split(".")
        model_field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
    except (ValueError, LookupError, FieldDoesNotExist):
        return default_storage
    storage = getattr(model_field, "storage", None)
    return storage if isinstance(storage, Storage) else default_storage


def _copy_into(target: IO[bytes], source: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        target.write(chunk)
    return digest.hexdigest(), size


def backup_create(
    *, path: Path, overwrite: bool = False, using: str = DEFAULT_DB_ALIAS
) -> Manifest:
    """Write an archive of the whole database and every stored file a row points at.

    The archive appears only once it is complete (written beside it, then renamed), and
    readable by its owner alone: it holds password hashes and two-step sign-in keys.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise BackupError(f"{path} exists already; choose another name or pass --overwrite.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    handle, partial_name = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".partial"
    )
    os.close(handle)
    partial = Path(partial_name)
    try:
        manifest = _write_archive(partial, using)
        os.replace(partial, path)
    except StoreUnavailable as error:
        raise BackupError(
            f"The file store does not answer ({error}); no archive was written."
        ) from error
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _write_archive(target: Path, using: str) -> Manifest:
    counts: Counter[str] = Counter()
    files: dict[str, StoredFile] = {}
    with (
        zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        _snapshot(using),
    ):
        with archive.open(DATA, "w", force_zip64=True) as raw:
            writer = _HashingWriter(raw)
            Serializer().serialize(
                _rows(archived_models(using), using, counts, files),
                stream=cast(IO[str], writer),
                indent=None,
            )
        stored: list[StoredFile] = []
        missing: list[StoredFile] = []
        for name in sorted(files):
            stored_file = files[name]
            storage = _storage_of(stored_file.field)
            if not storage.exists(name):
                missing.append(stored_file)
                continue
            with (
                storage.open(name, "rb") as source,
                archive.open(stored_file.member, "w", force_zip64=True) as member,
            ):
                stored_file.sha256, stored_file.size = _copy_into(member, source)
            stored.append(stored_file)
        manifest = Manifest(
            created_at=dt.datetime.now(dt.UTC).isoformat(),
            vendor=connections[using].vendor,
            django_version=django.get_version(),
            migrations=applied_migrations(using),
            data_sha256=writer.digest.hexdigest(),
            data_size=writer.size,
            counts=dict(sorted(counts.items())),
            files=stored,
            missing_files=missing,
        )
        archive.writestr(MANIFEST, manifest.to_json())
    return manifest


# --- Restore ------------------------------------------------------------------------------


def _safe_name(name: str) -> str:
    try:
        validate_file_name(name, allow_relative_path=True)
    except SuspiciousFileOperation as error:
        raise BackupError(f"The archive holds a file with an unsafe name: {name!r}") from error
    if name.startswith("/") or "\\" in name:
        raise BackupError(f"The archive holds a file with an unsafe name: {name!r}")
    return name


def _read_manifest(archive: zipfile.ZipFile) -> Manifest:
    try:
        raw = archive.read(MANIFEST)
    except KeyError as error:
        raise BackupError("The archive has no manifest.json.") from error
    return Manifest.from_json(raw)


def _check_schema(manifest: Manifest, using: str) -> None:
    ahead = sorted(set(manifest.migrations) - set(applied_migrations(using)))
    if ahead:
        shown = ", ".join(ahead[:5]) + (" …" if len(ahead) > 5 else "")
        raise BackupError(
            f"The archive was made with {len(ahead)} migrations this database does not have "
            f"({shown}). Run `manage.py migrate` with the code the backup was made with, "
            "or newer."
        )


def _extract_verified(
    archive: zipfile.ZipFile, manifest: Manifest, folder: Path
) -> dict[str, Path]:
    """Extract the data and the files into `folder`, checking each against the manifest;
    return where each member of the archive now is."""
    expected = {DATA: (manifest.data_sha256, manifest.data_size)}
    for stored_file in manifest.files:
        _safe_name(stored_file.name)
        expected[stored_file.member] = (stored_file.sha256, stored_file.size)
    present = set(archive.namelist()) - {MANIFEST}
    if present - set(expected):
        unknown = ", ".join(sorted(present - set(expected))[:5])
        raise BackupError(f"The archive holds files its manifest does not list: {unknown}")
    if set(expected) - present:
        absent = ", ".join(sorted(set(expected) - present)[:5])
        raise BackupError(f"The archive lacks files its manifest lists: {absent}")
    extracted: dict[str, Path] = {}
    for index, (member, (sha256, size)) in enumerate(sorted(expected.items())):
        # A plain numbered name: what the archive calls a file never decides where it
        # lands on this machine.
        target = folder / f"{index:08d}.json" if member == DATA else folder / f"{index:08d}"
        with archive.open(member) as source, target.open("wb") as sink:
            actual_sha256, actual_size = _copy_into(sink, source)
        if actual_sha256 != sha256 or actual_size != size:
            raise BackupError(
                f"{member} does not match its checksum in the manifest: the archive is "
                "damaged or was changed. Nothing was restored."
            )
        extracted[member] = target
    return extracted


def _clear_tables(using: str) -> None:
    """Empty every table a restore replaces, in the caller's transaction (append-only
    tables included: this is the one place that may)."""
    connection = connections[using]
    tables = {
        table._meta.db_table
        for model in cleared_models(using)
        for _label, table in _count_labels(model)
    }
    statements = connection.ops.sql_flush(
        no_style(), sorted(tables), reset_sequences=True, allow_cascade=False
    )
    connection.ops.execute_sql_flush(statements)


def _reset_sequences(using: str) -> None:
    """Let new rows continue after the restored ids (PostgreSQL sequences)."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), cleared_models(using))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _check_counts(manifest: Manifest, using: str) -> None:
    actual = {
        label: table._base_manager.using(using).count()
        for model in archived_models(using)
        for label, table in _count_labels(model)
    }
    wrong = [
        f"{label}: {actual.get(label)} instead of {count}"
        for label, count in manifest.counts.items()
        if actual.get(label) != count
    ]
    wrong += [
        f"{label}: {count} rows the archive does not have"
        for label, count in actual.items()
        if label not in manifest.counts and count
    ]
    if wrong:
        raise BackupError("The restored rows do not match the manifest: " + "; ".join(wrong))


def _write_files(manifest: Manifest, extracted: dict[str, Path]) -> None:
    """Put every file of the archive under its own name; on failure, remove the files this
    restore added (the database then rolls back as well)."""
    added: list[tuple[Storage, str]] = []
    try:
        for stored_file in manifest.files:
            storage, name = _storage_of(stored_file.field), stored_file.name
            if storage.exists(name):
                storage.delete(name)
            else:
                added.append((storage, name))
            with extracted[stored_file.member].open("rb") as content:
                saved = storage.save(name, File(content, name=name))
            if saved != name:
                added.append((storage, saved))
                raise BackupError(f"The storage would keep {name} as {saved}.")
    except Exception:
        for storage, name in added:
            # A store that went away keeps what it took; no row points at it (the sweep).
            with contextlib.suppress(StoreUnavailable):
                storage.delete(name)
        raise


@dataclass
class RestoreResult:
    """What a restore did: the archive's manifest and the tables it emptied first."""

    manifest: Manifest
    replaced: list[str]


def backup_restore(
    *,
    path: Path,
    replace: bool = False,
    check_only: bool = False,
    using: str = DEFAULT_DB_ALIAS,
) -> RestoreResult:
    """Restore an archive into this database and its file storage, all or nothing.

    Refuses a database that holds rows unless `replace` (then those rows are deleted in
    the same transaction); refuses an archive whose checksums do not match before writing
    anything. With `check_only`, verify the archive and the schema and stop there.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No archive at {path}.")
    try:
        with (
            zipfile.ZipFile(path) as archive,
            tempfile.TemporaryDirectory(prefix="midwest-restore-") as scratch,
        ):
            manifest = _read_manifest(archive)
            _check_schema(manifest, using)
            extracted = _extract_verified(archive, manifest, Path(scratch))
            occupied = non_empty_tables(using)
            if occupied and not replace:
                shown = ", ".join(occupied[:5]) + (" …" if len(occupied) > 5 else "")
                raise BackupError(
                    f"The database is not empty ({len(occupied)} tables hold rows: {shown}). "
                    "Restore into a freshly migrated database, or pass --replace to delete "
                    "everything in it first. Nothing was restored."
                )
            if not check_only:
                _load(manifest, extracted, replace=bool(occupied), using=using)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise BackupError(f"The archive is damaged ({error}). Nothing was restored.") from error
    return RestoreResult(manifest=manifest, replaced=occupied)


def _load(manifest: Manifest, extracted: dict[str, Path], *, replace: bool, using: str) -> None:
    """Load the rows, check them against the manifest and write the files, in one
    transaction."""
    try:
        with transaction.atomic(using=using):
            if replace:
                _clear_tables(using)
            if manifest.row_count:
                call_command("loaddata", str(extracted[DATA]), database=using, verbosity=0)
            _check_counts(manifest, using)
            _reset_sequences(using)
            _write_files(manifest, extracted)
    except BackupError as error:
        raise BackupError(f"{error} Nothing was restored.") from error
    except Exception as error:
        # Whatever failed (a row, a constraint, a file), the transaction rolled back.
        raise BackupError(
            f"The rows or files could not be restored ({error}). Nothing was restored."
        ) from error
