"""Backup and restore take the object store along: restored into an empty bucket, every object
comes back byte for byte. The orphan sweep finds what no row points at in a bucket too."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management.base import CommandError
from django.db import transaction
from rest_framework.test import APIClient

from backend.agenda.models import Attachment
from backend.documents.models import GeneratedDocument
from backend.documents.services import orphan_files_sweep
from tests.conftest import World
from tests.integration.test_backup import backup, restore, small_region, snapshot, wipe
from tests.storage import seaweed
from tests.storage.conftest import Objects, new_bucket, use_bucket
from workflows.engine import fire

Api = Callable[[str | None], APIClient]


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_bucket_byte_for_byte(
    world: World,
    api: Api,
    bucket: str,
    objects: Objects,
    seaweedfs: seaweed.SeaweedFS,
    gate: seaweed.Gate,
    settings: Any,
    tmp_path: Path,
) -> None:
    small_region(world)
    before = snapshot()
    files_before = objects.all()
    stored_rows = [*GeneratedDocument.objects.all(), *Attachment.objects.all()]
    assert len(files_before) == len(stored_rows) >= 2
    assert {row.file.name for row in stored_rows} == set(files_before)

    archive = tmp_path / "midwest.zip"
    assert "Wrote" in backup(archive)
    with zipfile.ZipFile(archive) as source:
        manifest = json.loads(source.read("manifest.json"))
    assert {f["name"]: f["sha256"] for f in manifest["files"]} == {
        name: hashlib.sha256(content).hexdigest() for name, content in files_before.items()
    }

    (tmp_path / "media").mkdir(exist_ok=True)
    wipe(tmp_path / "media")
    empty = new_bucket(seaweedfs)
    use_bucket(settings, seaweedfs, gate.endpoint, empty)
    target = Objects(seaweedfs, empty)
    assert target.names() == set()

    assert "Restored" in restore(archive)
    assert snapshot() == before
    assert target.all() == files_before

    # The product serves the restored files from the new bucket.
    attachment = Attachment.objects.get()
    answer = api("author").get(
        f"/api/v1/agenda-items/{attachment.item_id}/attachments/{attachment.pk}/download/"
    )
    assert b"".join(answer.streaming_content) == files_before[attachment.file.name]


@pytest.mark.django_db(transaction=True)
def test_a_restore_while_the_store_is_down_restores_nothing(
    world: World, bucket: str, gate: seaweed.Gate, tmp_path: Path
) -> None:
    small_region(world)
    before = snapshot()
    archive = tmp_path / "midwest.zip"
    backup(archive)
    gate.set("down")
    with pytest.raises(CommandError, match="Nothing was restored"):
        restore(archive, "--replace")
    with pytest.raises(CommandError, match="file store does not answer"):
        backup(tmp_path / "again.zip")
    assert not (tmp_path / "again.zip").exists()
    gate.set("open")
    assert snapshot() == before


class Abandon(Exception):
    """Raised to roll a transition back after its document was written."""


def test_the_sweep_deletes_from_the_bucket_only_what_no_row_points_at(
    world: World, bucket: str, objects: Objects
) -> None:
    kept = world.meeting()
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=kept.pk)
    fire(kept, "convene", actor=world.coordinator)
    attachment = Attachment.objects.create(
        item=world.item(),
        name="plan.pdf",
        content_type="application/pdf",
        extension="pdf",
        size=5,
        sha256="0" * 64,
        uploaded_by=world.author,
    )
    attachment.file.save("upload", ContentFile(b"%PDF-"))
    rolled_back = world.meeting()
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=rolled_back.pk)
    referenced = {d.file.name for d in GeneratedDocument.objects.all()} | {attachment.file.name}
    with pytest.raises(Abandon), transaction.atomic():
        fire(rolled_back, "convene", actor=world.coordinator)
        raise Abandon
    # An upload whose process died between writing the object and its row.
    lost = storages["default"].save(f"attachments/{attachment.item_id}/lost.pdf", ContentFile(b"x"))
    orphans = objects.names() - referenced
    assert lost in orphans and any(name.startswith("documents/") for name in orphans)

    assert orphan_files_sweep() == []  # everything is younger than the grace period
    assert orphan_files_sweep(grace=dt.timedelta(0), dry_run=True) == sorted(orphans)
    assert objects.names() == referenced | orphans
    assert orphan_files_sweep(grace=dt.timedelta(0)) == sorted(orphans)
    assert objects.names() == referenced
