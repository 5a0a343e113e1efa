"""A rolled-back generation leaves its file behind, an upload cut short its attachment's; the
daily sweep removes such files and nothing else."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction

from backend.agenda.services import attachment_add
from backend.documents.models import GeneratedDocument
from backend.documents.services import orphan_files_sweep
from backend.documents.tasks import sweep_orphan_files
from tests.conftest import World
from workflows.engine import fire

STORAGE = GeneratedDocument._meta.get_field("file").storage  # type: ignore[attr-defined]


class Abandon(Exception):
    """Raised to roll a transition back after its effects ran."""


def stored_files() -> set[str]:
    if not STORAGE.exists("documents"):
        return set()
    folders, _ = STORAGE.listdir("documents")
    return {
        f"documents/{f}/{name}" for f in folders for name in STORAGE.listdir(f"documents/{f}")[1]
    }


@pytest.fixture
def orphans(world: World) -> set[str]:
    """Convene one meeting for real and one that rolls back after its agenda was written."""
    for _ in range(2):
        meeting = world.meeting()
        fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    kept = world.meeting()
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=kept.pk)
    fire(kept, "convene", actor=world.coordinator)
    before = stored_files()
    with pytest.raises(Abandon), transaction.atomic():
        fire(meeting, "convene", actor=world.coordinator)
        raise Abandon
    meeting.refresh_from_db()
    assert meeting.state == "planned"
    left = stored_files() - before
    assert left, "the rolled-back convene wrote no file: nothing to sweep"
    return left


def test_the_sweep_deletes_only_the_files_no_document_points_at(orphans: set[str]) -> None:
    referenced = set(GeneratedDocument.objects.values_list("file", flat=True))
    assert referenced and not (referenced & orphans)
    assert orphan_files_sweep(grace=dt.timedelta(0)) == sorted(orphans)
    assert stored_files() == referenced
    for document in GeneratedDocument.objects.all():
        assert document.file.read()[:2] == b"PK"


def test_young_files_are_kept_a_generation_may_still_be_committing(orphans: set[str]) -> None:
    assert orphan_files_sweep() == []
    assert orphans <= stored_files()


def test_a_dry_run_lists_without_deleting(orphans: set[str]) -> None:
    out = io.StringIO()
    call_command("sweep_documents", "--dry-run", "--grace-minutes", "0", stdout=out)
    assert all(f"would delete: {name}" in out.getvalue() for name in orphans)
    assert orphans <= stored_files()
    out = io.StringIO()
    call_command("sweep_documents", "--grace-minutes", "0", stdout=out)
    assert f"{len(orphans)} orphan files deleted." in out.getvalue()
    assert not (orphans & stored_files())


def test_the_scheduled_task_keeps_the_grace_period(orphans: set[str]) -> None:
    assert sweep_orphan_files() == "0 orphan files deleted"
    assert orphans <= stored_files()


@pytest.mark.django_db
def test_the_sweep_of_an_empty_store_finds_nothing() -> None:
    assert orphan_files_sweep(grace=dt.timedelta(0)) == []


def test_an_attachment_file_no_row_points_at_is_swept_too(world: World) -> None:
    kept = attachment_add(
        item=world.item(),
        actor=world.author,
        upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    # What an upload leaves when its process dies between the file and the row.
    lost = STORAGE.save(f"attachments/{kept.item_id}/lost.pdf", ContentFile(b"%PDF-"))
    assert orphan_files_sweep(grace=dt.timedelta(0)) == [lost]
    assert STORAGE.exists(kept.file.name) and not STORAGE.exists(lost)
