"""backup_data and restore_data: a populated region comes back row for row and byte for
byte, on whichever database the suite runs; a damaged archive or a database that is not
empty is refused without writing anything."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import zipfile
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.sql import emit_post_migrate_signal
from django_q.models import Schedule

from backend.agenda.models import AgendaItem, Attachment, Decision, Vote
from backend.agenda.services import attachment_add
from backend.audit.models import AuditEvent, LoginFailure, TransitionLog
from backend.backup.services import archived_models, non_empty_tables
from backend.documents.models import GeneratedDocument
from backend.followup.models import Action, Ratification
from backend.meetings.models import AgendaEntry, Attendance, Meeting
from backend.organisations.models import Person
from tests.conftest import World
from workflows.engine import fire

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """A media folder of the test's own."""
    folder = tmp_path / "media"
    folder.mkdir()
    settings.MEDIA_ROOT = folder
    return folder


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every archived row of the database, field by field, in primary-key order; content
    types by their natural key (their ids belong to each database)."""
    return {
        model._meta.label_lower: serializers.serialize(
            "python",
            model._base_manager.order_by("pk"),
            use_natural_foreign_keys=True,
        )
        for model in archived_models()
    }


def table_counts() -> dict[str, int]:
    """The rows of every archived table, the tables behind many-to-many fields included."""
    counts = {}
    for model in archived_models():
        counts[model._meta.label_lower] = model._base_manager.count()
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                counts[through._meta.label_lower] = through._base_manager.count()
    return counts


def media_checksums(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def backup(path: Path) -> str:
    out = StringIO()
    call_command("backup_data", str(path), stdout=out, stderr=out)
    return out.getvalue()


def restore(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("restore_data", str(path), *args, stdout=out, stderr=out)
    return out.getvalue()


def wipe(media_folder: Path) -> None:
    """Empty the database as a fresh `migrate` leaves it, but with content types created
    in another order (so their ids differ from the backed-up ones), and the media folder."""
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    ContentType.objects.clear_cache()
    ContentType.objects.create(app_label="backup", model="takes_the_first_id")
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    ContentType.objects.clear_cache()
    shutil.rmtree(media_folder)
    media_folder.mkdir()


def rewrite(archive: Path, change: dict[str, bytes]) -> None:
    """Write the archive again with some members' contents replaced."""
    with zipfile.ZipFile(archive) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    members.update(change)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, content in members.items():
            target.writestr(name, content)


def read_manifest(archive: Path) -> dict[str, Any]:
    with zipfile.ZipFile(archive) as source:
        return json.loads(source.read("manifest.json"))


def small_region(world: World) -> AgendaItem:
    """Decide an item, with an action, on a meeting whose agenda document is stored; an
    attachment on another item. Return the decided item."""
    item = world.prepared_item(title="Gedeelde fietsstallingen")
    attachment_add(
        item=world.item(title="Nog een voorstel"),
        actor=world.author,
        upload=SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"),
    )
    world.meeting_in_session(item)
    fire(item, "approve", actor=world.cluster_chair, text="Goedgekeurd.", consensus=True)
    Action.objects.create(
        item=item,
        title="Stallingen plaatsen",
        service=world.service,
        due_date=dt.date(2027, 3, 1),
    )
    item.refresh_from_db()
    return item


def test_a_restored_region_is_identical_row_for_row_and_byte_for_byte(
    media: Path, tmp_path: Path
) -> None:
    call_command("seed_demo", "--force", stdout=StringIO())
    call_command("setup_schedules", stdout=StringIO())
    draft = AgendaItem.objects.filter(state="draft").select_related("author").first()
    assert draft is not None
    attachment_add(
        item=draft,
        actor=draft.author,
        upload=SimpleUploadedFile("tracé.pdf", PDF, content_type="application/pdf"),
    )
    coordinator = Person.objects.get(username="coordinator")
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.SIGN_IN,
        person=coordinator,
        username="coordinator",
        address="192.0.2.7",
        method="POST",
        path="/aanmelden/",
        status=302,
    )
    LoginFailure.objects.create(username="coordinator\x1b[2J", address="192.0.2.8")
    for model in (
        AgendaItem,
        Decision,
        Vote,
        Meeting,
        AgendaEntry,
        Attendance,
        Action,
        Ratification,
        TransitionLog,
        GeneratedDocument,
        Attachment,
        AuditEvent,
        Schedule,
    ):
        assert model.objects.exists(), model
    # The archive must keep what JSON usually loses: microseconds.
    assert any(at.microsecond % 1000 for at in TransitionLog.objects.values_list("at", flat=True))
    before = snapshot()
    files_before = media_checksums(media)
    item_type_before = ContentType.objects.get_for_model(AgendaItem).pk
    assert len(files_before) == GeneratedDocument.objects.count() + Attachment.objects.count()

    archive = tmp_path / "midwest.zip"
    assert "Wrote" in backup(archive)
    manifest = read_manifest(archive)
    assert manifest["counts"] == table_counts()
    assert manifest["counts"]["audit.transitionlog"] == len(before["audit.transitionlog"])
    assert {f["name"]: f["sha256"] for f in manifest["files"]} == files_before
    assert manifest["missing_files"] == []

    wipe(media)
    assert non_empty_tables() == []
    assert media_checksums(media) == {}
    assert ContentType.objects.get_for_model(AgendaItem).pk != item_type_before

    assert "Restored" in restore(archive)

    after = snapshot()
    assert after.keys() == before.keys()
    for label, rows in before.items():
        assert after[label] == rows, label
    assert media_checksums(media) == files_before
    for stored in [*GeneratedDocument.objects.all(), *Attachment.objects.all()]:
        assert hashlib.sha256(Path(stored.file.path).read_bytes()).hexdigest() == stored.sha256
    # The history still points at its objects through the new content type ids.
    for log in TransitionLog.objects.all():
        assert log.subject is not None
        assert str(log.subject.pk) == log.object_id


def test_the_restored_database_takes_new_steps_with_fresh_ids(
    world: World, media: Path, tmp_path: Path
) -> None:
    item = small_region(world)
    archive = tmp_path / "midwest.zip"
    backup(archive)
    last_log = TransitionLog.objects.order_by("-id").values_list("id", flat=True)[0]
    last_item = AgendaItem.objects.order_by("-id").values_list("id", flat=True)[0]
    wipe(media)

    restore(archive)

    item = AgendaItem.objects.get(pk=item.pk)
    fire(item, "start_execution", actor=world.coordinator)
    step = TransitionLog.objects.for_object(item).last()
    assert step is not None
    assert step.transition == "start_execution"
    assert step.id > last_log
    author = Person.objects.get(pk=world.author.pk)
    new = AgendaItem.objects.create(
        title="Na het herstel",
        author=author,
        intervision_group_id=world.group.pk,
        target_cluster_id=world.cluster.pk,
    )
    assert new.id > last_item


def test_it_refuses_a_database_that_is_not_empty_and_writes_nothing(
    world: World, media: Path, tmp_path: Path
) -> None:
    item = small_region(world)
    archive = tmp_path / "midwest.zip"
    backup(archive)
    fire(item, "start_execution", actor=world.coordinator)
    before, files_before = snapshot(), media_checksums(media)

    with pytest.raises(CommandError, match="The database is not empty"):
        restore(archive)

    assert snapshot() == before
    assert media_checksums(media) == files_before


def test_replace_brings_the_archived_state_back_history_included(
    world: World, media: Path, tmp_path: Path
) -> None:
    item = small_region(world)
    archive = tmp_path / "midwest.zip"
    backup(archive)
    archived, files_archived = snapshot(), media_checksums(media)
    fire(item, "start_execution", actor=world.coordinator)
    world.item(title="Later voorstel")

    assert "Emptied" in restore(archive, "--replace")

    assert snapshot() == archived
    assert media_checksums(media) == files_archived
    assert AgendaItem.objects.get(pk=item.pk).state == "approved"


def _flip_byte(content: bytes) -> bytes:
    middle = len(content) // 2
    return content[:middle] + bytes([content[middle] ^ 0x01]) + content[middle + 1 :]


@pytest.mark.parametrize("damage", ["file", "data", "checksum", "count", "compressed"])
def test_a_damaged_archive_is_refused_and_nothing_is_written(
    damage: str, world: World, media: Path, tmp_path: Path
) -> None:
    small_region(world)
    archive = tmp_path / "midwest.zip"
    backup(archive)
    manifest = read_manifest(archive)
    document = manifest["files"][0]
    assert document["size"] > 0
    with zipfile.ZipFile(archive) as source:
        content = source.read(document["path"])
        data = source.read("data.json")
    if damage == "file":
        rewrite(archive, {document["path"]: _flip_byte(content)})
    elif damage == "data":
        rewrite(archive, {"data.json": data.replace(b"Goedgekeurd.", b"Goedgekeurt.")})
    elif damage == "checksum":
        document["sha256"] = hashlib.sha256(b"something else").hexdigest()
        rewrite(archive, {"manifest.json": json.dumps(manifest).encode()})
    elif damage == "count":
        # The checksums hold, so the rows load; the count check then rolls them back.
        manifest["counts"]["audit.transitionlog"] += 1
        rewrite(archive, {"manifest.json": json.dumps(manifest).encode()})
    else:
        raw = bytearray(archive.read_bytes())
        with zipfile.ZipFile(archive) as source:
            info = source.getinfo("data.json")
        raw[info.header_offset + 30 + len(info.filename) + info.compress_size // 2] ^= 0xFF
        archive.write_bytes(bytes(raw))
    wipe(media)

    expected = {
        "file": "does not match its checksum",
        "data": "does not match its checksum",
        "checksum": "does not match its checksum",
        "count": "do not match the manifest",
        "compressed": "damaged",
    }[damage]
    with pytest.raises(CommandError, match=expected) as refusal:
        restore(archive)

    assert "Nothing was restored" in str(refusal.value)
    assert non_empty_tables() == []
    assert media_checksums(media) == {}


def test_check_verifies_an_archive_without_writing(
    world: World, media: Path, tmp_path: Path
) -> None:
    small_region(world)
    archive = tmp_path / "midwest.zip"
    backup(archive)
    wipe(media)

    assert "The archive is intact" in restore(archive, "--check")

    assert non_empty_tables() == []
    assert media_checksums(media) == {}


def test_a_backup_names_the_files_that_were_already_missing(
    world: World, media: Path, tmp_path: Path
) -> None:
    small_region(world)
    lost = GeneratedDocument.objects.first()
    assert lost is not None
    Path(lost.file.path).unlink()
    archive = tmp_path / "midwest.zip"

    output = backup(archive)

    assert f"missing: {lost.file.name}" in output
    manifest = read_manifest(archive)
    assert [f["name"] for f in manifest["missing_files"]] == [lost.file.name]
    assert lost.file.name not in {f["name"] for f in manifest["files"]}


def test_it_does_not_overwrite_an_archive_unless_told(
    world: World, media: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "midwest.zip"
    archive.write_bytes(b"an older archive")

    with pytest.raises(CommandError, match="exists already"):
        backup(archive)
    assert archive.read_bytes() == b"an older archive"

    call_command("backup_data", str(archive), "--overwrite", stdout=StringIO())
    assert read_manifest(archive)["counts"]["organisations.person"] == Person.objects.count()


def test_it_refuses_an_archive_of_a_newer_schema(world: World, media: Path, tmp_path: Path) -> None:
    archive = tmp_path / "midwest.zip"
    backup(archive)
    manifest = read_manifest(archive)
    manifest["migrations"].append("agenda.9999_from_the_future")
    rewrite(archive, {"manifest.json": json.dumps(manifest).encode()})
    wipe(media)

    with pytest.raises(CommandError, match=r"agenda\.9999_from_the_future"):
        restore(archive)
    assert non_empty_tables() == []


def test_it_refuses_a_file_name_that_leaves_the_media_folder(
    world: World, media: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "midwest.zip"
    backup(archive)
    manifest = read_manifest(archive)
    content = b"not a document"
    manifest["files"].append(
        {
            "name": "../outside.docx",
            "path": "media/../outside.docx",
            "field": "documents.generateddocument.file",
            "sha256": hashlib.sha256(content).hexdigest(),
            "size": len(content),
        }
    )
    rewrite(
        archive,
        {"manifest.json": json.dumps(manifest).encode(), "media/../outside.docx": content},
    )
    wipe(media)

    with pytest.raises(CommandError, match="unsafe name"):
        restore(archive)
    assert non_empty_tables() == []
    assert not (media.parent / "outside.docx").exists()
