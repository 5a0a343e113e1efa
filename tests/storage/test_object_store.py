"""Attachments and generated documents in an S3-compatible object store: stored in the bucket,
nothing on the local disk, served by the application as a stream to those who may see them,
the bucket's address never shown."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.test import Client
from rest_framework.test import APIClient

from backend.agenda.models import AgendaItem, Attachment
from backend.documents.models import GeneratedDocument
from backend.files.storage import ObjectStorage, StreamedObject
from backend.http.downloads import BLOCK, attachment_response
from tests.conftest import World
from tests.storage.conftest import Objects
from workflows.engine import fire

Api = Callable[[str | None], APIClient]

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def big_pdf(size: int) -> bytes:
    """A PDF of about `size` bytes whose content differs all along (a wrong offset shows)."""
    body = b"".join(hashlib.sha256(str(i).encode()).digest() for i in range(size // 32))
    return PDF + body


def upload(api: Api, persona: str, item: AgendaItem, name: str, content: bytes) -> Any:
    return api(persona).post(
        f"/api/v1/agenda-items/{item.pk}/attachments/",
        {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")},
        format="multipart",
    )


def page_client(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def assert_served_by_the_application(answer: Any, content: bytes, endpoint: str) -> None:
    assert answer.status_code == 200
    assert isinstance(answer, FileResponse) and answer.streaming
    assert answer["Content-Disposition"].startswith("attachment;")
    assert int(answer["Content-Length"]) == len(content)
    assert not answer.has_header("Location")
    assert all(endpoint not in value for _name, value in answer.items())
    assert b"".join(answer.streaming_content) == content


def test_the_default_storage_is_the_bucket_and_gives_no_address_in_it(bucket: str) -> None:
    storage = storages["default"]
    assert isinstance(storage, ObjectStorage) and storage.bucket_name == bucket
    assert Attachment._meta.get_field("file").storage.bucket_name == bucket  # type: ignore[attr-defined]
    with pytest.raises(NotImplementedError):
        storage.url("attachments/1/x.pdf")


def test_an_attachment_goes_to_the_bucket_and_back_through_the_api(
    world: World, api: Api, bucket: str, objects: Objects, settings: Any, gate: Any
) -> None:
    item = world.item()
    answer = upload(api, "author", item, "nota.pdf", PDF)
    assert answer.status_code == 201, answer.content
    stored = Attachment.objects.get(pk=answer.json()["id"])
    assert objects.names() == {stored.file.name}
    assert objects.read(stored.file.name) == PDF
    assert not Path(settings.MEDIA_ROOT).exists()

    download = api("group_chair").get(
        f"/api/v1/agenda-items/{item.pk}/attachments/{stored.pk}/download/"
    )
    assert download["Content-Type"] == "application/pdf"
    assert_served_by_the_application(download, PDF, gate.endpoint)


def test_an_attachment_goes_to_the_bucket_and_back_through_the_page(
    world: World, bucket: str, objects: Objects, gate: Any
) -> None:
    item = world.item()
    client = page_client(world.author)
    answer = client.post(
        f"/punten/{item.pk}/bijlagen/", {"file": SimpleUploadedFile("plan.pdf", PDF)}, follow=True
    )
    assert "plan.pdf is toegevoegd." in answer.content.decode()
    stored = Attachment.objects.get(item=item)
    assert objects.read(stored.file.name) == PDF
    download = client.get(f"/punten/{item.pk}/bijlagen/{stored.pk}/")
    assert_served_by_the_application(download, PDF, gate.endpoint)


def test_a_download_is_read_from_the_store_while_it_is_sent(
    world: World, api: Api, bucket: str
) -> None:
    # Past 8 MB, the upload goes to the store in parts (a multipart upload).
    content = big_pdf(9 * 1024 * 1024)
    item = world.item()
    answer = upload(api, "author", item, "groot.pdf", content)
    stored = Attachment.objects.get(pk=answer.json()["id"])
    download = attachment_response(stored)
    stream = download.file_to_stream
    assert isinstance(stream, StreamedObject) and not stream.seekable()
    assert int(download["Content-Length"]) == len(content)
    chunks = iter(download.streaming_content)
    first = next(chunks)
    assert first == content[: len(first)] and len(first) <= BLOCK
    # After the first piece, far less than the whole file has come from the store.
    assert stream.tell() < len(content) // 4
    assert first + b"".join(chunks) == content
    assert stream.tell() == len(content)
    download.close()


def test_access_checks_still_refuse_a_confidential_item_s_attachment(
    world: World, api: Api, bucket: str
) -> None:
    item = world.item(confidential=True)
    stored = Attachment.objects.get(pk=upload(api, "author", item, "n.pdf", PDF).json()["id"])
    url = f"/api/v1/agenda-items/{item.pk}/attachments/{stored.pk}/download/"
    assert api("author").get(url).status_code == 200
    for persona in ("dvv", "cluster_member", "stranger"):
        assert api(persona).get(url).status_code == 404
        page = page_client(getattr(world, persona)).get(f"/punten/{item.pk}/bijlagen/{stored.pk}/")
        assert page.status_code == 404
    assert api(None).get(url).status_code == 401
    assert Client().get(f"/punten/{item.pk}/bijlagen/{stored.pk}/").status_code == 302


def test_a_generated_document_is_stored_in_the_bucket_and_downloaded(
    world: World, api: Api, bucket: str, objects: Objects, gate: Any
) -> None:
    meeting = world.meeting()
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    agenda = GeneratedDocument.objects.get(meeting=meeting, kind="agenda")
    assert objects.names("documents/") == {agenda.file.name}
    stored = objects.read(agenda.file.name)
    assert hashlib.sha256(stored).hexdigest() == agenda.sha256

    made = api("coordinator").post(
        "/api/v1/documents/", {"meeting": meeting.pk, "kind": "followup_report"}, format="json"
    )
    assert made.status_code == 201, made.content
    report = GeneratedDocument.objects.get(pk=made.json()["id"])
    assert objects.read(report.file.name)[:2] == b"PK"

    listed = api("cluster_member").get(f"/api/v1/documents/?meeting={meeting.pk}&kind=agenda")
    assert [row["size"] for row in listed.json()["results"]] == [len(stored)]
    download = api("cluster_member").get(f"/api/v1/documents/{agenda.pk}/download/")
    assert_served_by_the_application(download, stored, gate.endpoint)
    assert api("stranger").get(f"/api/v1/documents/{agenda.pk}/download/").status_code == 404


def test_a_file_gone_from_the_bucket_is_not_found(
    world: World, api: Api, bucket: str, objects: Objects
) -> None:
    item = world.item()
    stored = Attachment.objects.get(pk=upload(api, "author", item, "n.pdf", PDF).json()["id"])
    objects.client.delete_object(Bucket=objects.bucket, Key=stored.file.name)
    url = f"/api/v1/agenda-items/{item.pk}/attachments/{stored.pk}/download/"
    assert api("author").get(url).status_code == 404


def test_removing_an_attachment_removes_its_object(
    world: World, api: Api, bucket: str, objects: Objects, django_capture_on_commit_callbacks: Any
) -> None:
    item = world.item()
    stored = Attachment.objects.get(pk=upload(api, "author", item, "n.pdf", PDF).json()["id"])
    with django_capture_on_commit_callbacks(execute=True):
        answer = api("author").delete(f"/api/v1/agenda-items/{item.pk}/attachments/{stored.pk}/")
    assert answer.status_code == 204
    assert objects.names() == set()
