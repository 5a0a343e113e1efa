"""Files attached to agenda items: the type read from the content, a size limit, safe
stored names, downloads only for people who may see the item; through the API and the
pages alike."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import SkipFile
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from backend.agenda.models import AgendaItem, Attachment
from backend.http.uploads import BoundedUpload, too_large
from tests.conftest import World
from workflows.engine import fire

Api = Callable[[str | None], APIClient]

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def word_file() -> bytes:
    document = docx.Document()
    document.add_paragraph("Bijlage bij het voorstel.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def excel_file() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("notes.txt", "hallo")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    return settings.MEDIA_ROOT  # type: ignore[attr-defined,no-any-return]


def upload(api: Api, persona: str, item: AgendaItem, name: str, content: bytes) -> object:
    return api(persona).post(
        f"/api/v1/agenda-items/{item.pk}/attachments/",
        {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")},
        format="multipart",
    )


@pytest.mark.parametrize(
    ("name", "content", "kind", "stored_name"),
    [
        ("nota.pdf", PDF, "application/pdf", "nota.pdf"),
        (
            "Voorstel.docx",
            word_file(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Voorstel.docx",
        ),
        (
            "begroting.xlsx",
            excel_file(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "begroting.xlsx",
        ),
        ("kaart", PNG, "image/png", "kaart.png"),  # no extension: the content decides
        ("foto.pdf", PNG, "image/png", "foto.png"),  # a wrong extension is corrected
        ("../../etc/passwd\x07.pdf", PDF, "application/pdf", "passwd.pdf"),
    ],
)
def test_an_attachment_is_typed_by_its_content_and_stored_under_a_safe_name(
    world: World, api: Api, media: Path, name: str, content: bytes, kind: str, stored_name: str
) -> None:
    item = world.item()
    answer = upload(api, "author", item, name, content)
    assert answer.status_code == 201, answer.content  # type: ignore[attr-defined]
    body = answer.json()  # type: ignore[attr-defined]
    assert (body["content_type"], body["name"], body["size"]) == (kind, stored_name, len(content))
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    stored = Attachment.objects.get(pk=body["id"])
    assert stored.file.name.startswith(f"attachments/{item.pk}/")
    assert "passwd" not in stored.file.name and "nota" not in stored.file.name
    assert (media / stored.file.name).read_bytes() == content

    download = api("group_chair").get(
        f"/api/v1/agenda-items/{item.pk}/attachments/{stored.pk}/download/"
    )
    assert download.status_code == 200
    assert download["Content-Type"] == kind
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == content  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("nota.pdf", b"<html><script>alert(1)</script></html>", "Alleen PDF"),
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 100, "Alleen PDF"),
        ("archief.docx", plain_zip(), "Alleen PDF"),
        ("kapot.docx", b"PK\x03\x04 this is no zip at all", "beschadigd"),
        ("oud.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".docx"),
        ("leeg.pdf", b"", "leeg"),
    ],
)
def test_a_file_of_another_kind_is_refused_in_dutch_and_nothing_is_kept(
    world: World, api: Api, media: Path, name: str, content: bytes, reason: str
) -> None:
    item = world.item()
    answer = upload(api, "author", item, name, content)
    assert answer.status_code == 400, answer.content  # type: ignore[attr-defined]
    assert reason in " ".join(answer.json()["reasons"])  # type: ignore[attr-defined]
    assert not Attachment.objects.exists()
    assert not (media / "attachments").exists() or not any((media / "attachments").rglob("*.*"))


def test_a_file_over_the_limit_is_refused(
    world: World, api: Api, media: Path, settings: pytest.FixtureRequest
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1000  # type: ignore[attr-defined]
    answer = upload(api, "author", world.item(), "groot.pdf", PDF + b"0" * 1000)
    assert answer.status_code == 400
    assert "hoogstens" in answer.json()["reasons"][0]  # type: ignore[attr-defined]
    assert not Attachment.objects.exists()


def test_an_attachment_of_a_confidential_item_is_not_found_for_others(
    world: World, api: Api
) -> None:
    item = world.item(confidential=True)
    stored = Attachment.objects.get(pk=upload(api, "author", item, "n.pdf", PDF).json()["id"])  # type: ignore[attr-defined]
    for persona in ("dvv", "cluster_member", "stranger"):
        url = f"/api/v1/agenda-items/{item.pk}/attachments/{stored.pk}/download/"
        assert api(persona).get(url).status_code == 404
        client = Client()
        client.force_login(getattr(world, persona))
        assert client.get(f"/punten/{item.pk}/bijlagen/{stored.pk}/").status_code == 404
    assert api(None).get(f"/api/v1/agenda-items/{item.pk}/attachments/").status_code == 401


def test_attachments_are_frozen_once_the_item_is_decided(world: World, api: Api) -> None:
    item = world.prepared_item()
    stored = Attachment.objects.get(pk=upload(api, "coordinator", item, "n.pdf", PDF).json()["id"])  # type: ignore[attr-defined]
    world.meeting_in_session(item)
    fire(item, "approve", actor=world.cluster_chair, text="Goed.", consensus=True)
    assert upload(api, "coordinator", item, "later.pdf", PDF).status_code == 409  # type: ignore[attr-defined]
    url = f"/api/v1/agenda-items/{item.pk}/attachments/{stored.pk}/"
    assert api("coordinator").delete(url).status_code == 409
    assert Attachment.objects.filter(pk=stored.pk).exists()


def test_someone_who_may_see_but_not_edit_cannot_attach(world: World, api: Api) -> None:
    item = world.prepared_item()
    answer = upload(api, "cluster_member", item, "n.pdf", PDF)
    assert answer.status_code == 403  # type: ignore[attr-defined]
    assert not Attachment.objects.exists()


def test_the_author_removes_an_attachment_and_its_file(
    world: World, api: Api, media: Path, django_capture_on_commit_callbacks: object
) -> None:
    item = world.item()
    stored = Attachment.objects.get(pk=upload(api, "author", item, "n.pdf", PDF).json()["id"])  # type: ignore[attr-defined]
    path = media / stored.file.name
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        answer = api("author").delete(f"/api/v1/agenda-items/{item.pk}/attachments/{stored.pk}/")
    assert answer.status_code == 204
    assert not Attachment.objects.exists() and not path.exists()
    listed = api("author").get(f"/api/v1/agenda-items/{item.pk}/attachments/")
    assert listed.status_code == 200 and listed.json() == []


def test_the_item_page_attaches_lists_and_serves_a_file(world: World) -> None:
    item = world.item()
    client = Client()
    client.force_login(world.author)
    answer = client.post(
        f"/punten/{item.pk}/bijlagen/", {"file": SimpleUploadedFile("plan.pdf", PDF)}, follow=True
    )
    page = answer.content.decode()
    assert "plan.pdf is toegevoegd." in page
    stored = Attachment.objects.get(item=item)
    assert f"/punten/{item.pk}/bijlagen/{stored.pk}/" in page
    download = client.get(f"/punten/{item.pk}/bijlagen/{stored.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    refused = client.post(
        f"/punten/{item.pk}/bijlagen/",
        {"file": SimpleUploadedFile("plan.pdf", b"<html></html>")},
        follow=True,
    )
    page = refused.content.decode()
    # Said in the attachments' section, beside the upload, not at the top of the page.
    section = page[page.index('aria-labelledby="attachments"') :]
    assert "Alleen PDF" in section[: section.index("</section>")]
    assert page.count("Alleen PDF") == 1
    assert Attachment.objects.filter(item=item).count() == 1


def test_an_upload_larger_than_allowed_stops_being_read(
    world: World, api: Api, media: Path, settings: pytest.FixtureRequest
) -> None:
    """The handler skips the file once it passes the limit: nothing of it is kept."""
    settings.ATTACHMENT_MAX_BYTES = 64 * 1024  # type: ignore[attr-defined]
    item = world.item()
    answer = upload(api, "author", item, "groot.pdf", PDF + b"0" * (512 * 1024))
    assert answer.status_code == 400  # type: ignore[attr-defined]
    assert "hoogstens 64,0" in answer.json()["reasons"][0]  # type: ignore[attr-defined]
    assert not Attachment.objects.exists()


def test_a_body_declared_at_a_gigabyte_is_refused_before_it_is_read(
    world: World, settings: pytest.FixtureRequest
) -> None:
    item = world.item()
    client = Client()
    client.force_login(world.author)
    body = b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-'
    answer = client.generic(
        "POST",
        f"/punten/{item.pk}/bijlagen/",
        body,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(1024**3),
    )
    assert answer.status_code == 302
    assert "hoogstens" in client.get(answer["Location"]).content.decode()
    assert not Attachment.objects.exists()


def test_a_zip_bomb_named_docx_is_refused_without_being_unpacked(world: World, api: Api) -> None:
    """Only the directory of a package is read, never its contents: a deep, nested bomb of
    a few kilobytes is refused as what it is."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("bomb.bin", b"\0" * (50 * 1024 * 1024))  # 50 MB of zeros, ~50 kB
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as package:
        for depth in range(10):
            package.writestr("/".join(["d"] * (depth + 1)) + "/inner.zip", inner.getvalue())
    assert len(outer.getvalue()) < 1024 * 1024
    answer = upload(api, "author", world.item(), "verslag.docx", outer.getvalue())
    assert answer.status_code == 400  # type: ignore[attr-defined]
    assert "Alleen PDF" in answer.json()["reasons"][0]  # type: ignore[attr-defined]


def test_the_upload_handler_skips_a_file_as_soon_as_it_passes_the_limit(
    settings: pytest.FixtureRequest,
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 100  # type: ignore[attr-defined]
    request = RequestFactory().post("/")
    handler = BoundedUpload(request)
    assert handler.handle_raw_input(None, {}, 500, "x") is None
    assert handler.receive_data_chunk(b"a" * 60, 0) == b"a" * 60
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"a" * 60, 60)
    assert too_large(request)
    declared = RequestFactory().post("/")
    posted, files = BoundedUpload(declared).handle_raw_input(None, {}, 1024**3, "x")  # type: ignore[misc]
    assert not posted and not files and too_large(declared)
