"""An object store that is down or does not answer: uploads, downloads and documents answer 503
with a Dutch message once the client's timeouts run out, nothing half-written is referred to,
and when the store is back everything works again in the same process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from backend.agenda.models import AgendaItem, Attachment
from backend.audit.models import TransitionLog
from backend.documents.models import DocumentRequest, GeneratedDocument
from backend.documents.requests import RETRY_AFTER, documents_due_make
from tests.conftest import World
from tests.storage.conftest import Objects
from tests.storage.seaweed import Gate
from workflows.engine import fire

Api = Callable[[str | None], APIClient]

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DUTCH = "De bestandsopslag is op dit moment niet bereikbaar. Probeer het zo meteen opnieuw."


def upload(api: Api, item: AgendaItem) -> Any:
    return api("author").post(
        f"/api/v1/agenda-items/{item.pk}/attachments/",
        {"file": SimpleUploadedFile("nota.pdf", PDF)},
        format="multipart",
    )


def assert_unavailable_in_dutch(answer: Any) -> None:
    assert answer.status_code == 503
    assert answer["Retry-After"]
    assert answer.json() == {"detail": DUTCH, "code": "store_unavailable"}


@pytest.mark.parametrize("mode", ["down", "slow"])
def test_an_upload_the_store_does_not_take_is_refused_and_leaves_no_row(
    world: World, api: Api, bucket: str, objects: Objects, gate: Gate, mode: str
) -> None:
    item = world.item()
    storage = storages["default"]
    gate.set(mode)
    assert_unavailable_in_dutch(upload(api, item))
    assert not Attachment.objects.exists()
    gate.set("open")
    assert objects.names() == set()

    # The store is back: the same process and the same storage take the file.
    answer = upload(api, item)
    assert answer.status_code == 201, answer.content
    assert storages["default"] is storage
    stored = Attachment.objects.get()
    assert objects.read(stored.file.name) == PDF


@pytest.mark.parametrize("mode", ["down", "slow"])
def test_a_download_from_a_store_that_does_not_answer_is_503_then_works_again(
    world: World, api: Api, bucket: str, gate: Gate, mode: str
) -> None:
    item = world.item()
    stored = Attachment.objects.get(pk=upload(api, item).json()["id"])
    url = f"/api/v1/agenda-items/{item.pk}/attachments/{stored.pk}/download/"
    gate.set(mode)
    assert_unavailable_in_dutch(api("author").get(url))
    gate.set("open")
    answer = api("author").get(url)
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == PDF


def test_the_pages_say_in_dutch_that_the_store_is_away_and_keep_nothing(
    world: World, api: Api, bucket: str, objects: Objects, gate: Gate
) -> None:
    item = world.item()
    stored = Attachment.objects.get(pk=upload(api, item).json()["id"])
    client = Client()
    client.force_login(world.author)
    gate.set("down")
    answer = client.post(f"/punten/{item.pk}/bijlagen/", {"file": SimpleUploadedFile("b.pdf", PDF)})
    assert answer.status_code == 503
    assert DUTCH in answer.content.decode()
    assert list(Attachment.objects.values_list("pk", flat=True)) == [stored.pk]
    download = client.get(f"/punten/{item.pk}/bijlagen/{stored.pk}/")
    assert download.status_code == 503 and DUTCH in download.content.decode()

    gate.set("open")
    assert objects.names() == {stored.file.name}
    download = client.get(f"/punten/{item.pk}/bijlagen/{stored.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    answer = client.post(
        f"/punten/{item.pk}/bijlagen/", {"file": SimpleUploadedFile("b.pdf", PDF)}, follow=True
    )
    assert "b.pdf is toegevoegd." in answer.content.decode()
    assert Attachment.objects.count() == 2


def test_a_document_the_store_does_not_take_waits_and_is_made_once_the_store_is_back(
    world: World, api: Api, bucket: str, objects: Objects, gate: Gate
) -> None:
    meeting = world.meeting()
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    logged = TransitionLog.objects.count()
    gate.set("down")
    # The agenda is made after the step commits: a store that is down no longer undoes it.
    answer = api("coordinator").post(f"/api/v1/meetings/{meeting.pk}/transitions/convene/")
    assert answer.status_code == 200, answer.content
    assert [p["status"] for p in answer.json()["pending_documents"]] == ["failed"]
    meeting.refresh_from_db()
    assert meeting.state == "convened"
    assert TransitionLog.objects.count() == logged + 1
    assert not GeneratedDocument.objects.exists()
    request = DocumentRequest.objects.get(meeting=meeting, kind="agenda")
    assert request.done_at is None and request.attempts == 1
    retry = timezone.now() + 2 * RETRY_AFTER
    assert documents_due_make(now=retry) == 0  # still down: kept, tried again later

    gate.set("open")
    assert documents_due_make(now=retry) == 1
    assert documents_due_make(now=retry) == 0
    agenda = GeneratedDocument.objects.get(meeting=meeting)
    assert DocumentRequest.objects.get(pk=request.pk).document == agenda
    assert objects.names("documents/") == {agenda.file.name}

    gate.set("down")
    made = api("coordinator").post(
        "/api/v1/documents/", {"meeting": meeting.pk, "kind": "agenda"}, format="json"
    )
    assert_unavailable_in_dutch(made)
    assert GeneratedDocument.objects.count() == 1
    download = api("coordinator").get(f"/api/v1/documents/{agenda.pk}/download/")
    assert_unavailable_in_dutch(download)
    # The list still answers, without the sizes the store would have told.
    listed = api("coordinator").get(f"/api/v1/documents/?meeting={meeting.pk}")
    assert listed.status_code == 200
    assert [row["size"] for row in listed.json()["results"]] == [None]
