"""A step's documents are requested in its transaction and made after it commits: a failed
rendering or a store that is down never undoes the step, a request made twice makes one
version, and the page and the API say what is still being made."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.conf import Conf
from rest_framework.test import APIClient

from backend.documents import requests as document_requests
from backend.documents import services as document_services
from backend.documents.models import DocumentRequest, GeneratedDocument
from backend.documents.requests import document_request_make, documents_due_make
from backend.meetings.models import Meeting
from tests.conftest import World
from tests.documents.samples import all_text, read
from tests.documents.test_services import closed, convened
from tests.web.pages import signed_in, text
from workflows.engine import fire

BEING_MADE = "Het document wordt gemaakt; laad de pagina zo dadelijk opnieuw."
FAILED = "Het document kon nog niet gemaakt worden; het wordt elke minuut opnieuw geprobeerd."


def later() -> dt.datetime:
    return timezone.now() + 2 * document_requests.RETRY_AFTER


def pending_in_api(world: World, meeting: Meeting) -> list[dict[str, Any]]:
    client = APIClient()
    client.force_authenticate(world.coordinator)
    answer = client.get(f"/api/v1/meetings/{meeting.pk}/")
    assert answer.status_code == 200
    return answer.json()["pending_documents"]  # type: ignore[no-any-return]


def text_of(document: GeneratedDocument) -> list[str]:
    with document.file.open("rb") as handle:
        return all_text(read(handle.read()))


def test_a_broken_template_no_longer_undoes_the_convocation(
    world: World, settings: Any, tmp_path: Path
) -> None:
    settings.DOCS_TEMPLATES_DIR = tmp_path  # an empty folder: no agenda.docx
    meeting = convened(world)
    assert Meeting.objects.get(pk=meeting.pk).state == "convened"
    request = DocumentRequest.objects.get(meeting=meeting, kind="agenda")
    assert request.done_at is None and request.attempts == 1
    assert request.error == _("The Word template %(template)s is missing.") % {
        "template": "agenda.docx"
    }
    assert not GeneratedDocument.objects.exists()
    # The page says it failed; the coordinator also reads why, a member only that it did.
    coordinator_page = text(signed_in(world.coordinator).get(f"/vergaderingen/{meeting.pk}/"))
    assert FAILED in coordinator_page and "agenda.docx" in coordinator_page
    member_page = text(signed_in(world.cluster_member).get(f"/vergaderingen/{meeting.pk}/"))
    assert FAILED in member_page and "agenda.docx" not in member_page
    assert [p["status"] for p in pending_in_api(world, meeting)] == ["failed"]
    # A template that cannot be filled in fails too, and is tried again by the sweep.
    (tmp_path / "agenda.docx").write_bytes(b"{{ not a word file")
    assert documents_due_make(now=later()) == 0
    assert DocumentRequest.objects.get(pk=request.pk).attempts == 2
    # The template repaired: the next sweep makes version 1, once.
    shutil.copy(Path(django_settings.BASE_DIR) / "docs_templates" / "agenda.docx", tmp_path)
    assert documents_due_make(now=later()) == 1
    assert documents_due_make(now=later()) == 0
    made = DocumentRequest.objects.get(pk=request.pk)
    assert made.done_at is not None and made.error == ""
    assert list(meeting.documents.values_list("kind", "version")) == [("agenda", 1)]
    assert made.document == meeting.documents.get()
    assert pending_in_api(world, meeting) == []
    page = text(signed_in(world.coordinator).get(f"/vergaderingen/{meeting.pk}/"))
    assert FAILED not in page and BEING_MADE not in page


def test_a_request_made_twice_makes_one_version(world: World) -> None:
    meeting = convened(world)
    request = DocumentRequest.objects.get(meeting=meeting, kind="agenda")
    first = meeting.documents.get()
    assert document_request_make(request.pk) == first
    assert documents_due_make(now=later()) == 0
    assert meeting.documents.count() == 1
    assert DocumentRequest.objects.filter(meeting=meeting).count() == 1


@pytest.mark.documents_queued
def test_the_page_and_the_api_say_a_document_is_being_made(world: World) -> None:
    meeting = convened(world)  # the test's transaction never commits: no task runs
    assert not meeting.documents.exists()
    page = text(signed_in(world.cluster_member).get(f"/vergaderingen/{meeting.pk}/"))
    assert BEING_MADE in page
    pending = pending_in_api(world, meeting)
    assert [(p["kind"], p["status"]) for p in pending] == [("agenda", "pending")]
    # The worker's sweep finds the request whose task never came.
    assert documents_due_make(now=later()) == 1
    assert meeting.documents.filter(kind="agenda", version=1).exists()
    assert BEING_MADE not in text(
        signed_in(world.cluster_member).get(f"/vergaderingen/{meeting.pk}/")
    )


@pytest.mark.documents_queued
def test_draft_minutes_made_late_still_describe_the_closed_meeting(world: World) -> None:
    meeting, _decided, _noted = closed(world)
    fire(meeting, "approve_minutes", actor=world.cluster_chair)
    draft_request, approved_request = DocumentRequest.objects.filter(
        meeting=meeting, kind="minutes"
    ).order_by("id")
    assert (draft_request.state, approved_request.state) == ("closed", "minutes_approved")
    # The approval's task runs first: it makes the draft first, so versions keep the
    # order of the steps and the approved minutes stay the last version.
    approved = document_request_make(approved_request.pk)
    assert approved is not None and approved.version == 2
    draft = meeting.documents.get(kind="minutes", version=1, public=True)
    assert any("Ontwerp" in line for line in text_of(draft))
    assert not any("Ontwerp" in line for line in text_of(approved))
    assert document_request_make(draft_request.pk) == draft
    assert meeting.documents.filter(kind="minutes").count() == 2


@pytest.mark.documents_queued
@pytest.mark.django_db(transaction=True)
def test_the_document_is_rendered_after_the_step_commits_by_the_queued_task(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.conftest import build_world

    world = build_world()
    monkeypatch.setattr(Conf, "SYNC", True)  # the task runs in this process when queued
    seen: list[bool] = []
    render = document_services._render

    def watched(*args: Any) -> bytes:
        seen.append(connection.in_atomic_block)
        return render(*args)

    monkeypatch.setattr(document_services, "_render", watched)
    meeting = convened(world)
    assert seen == [False]  # rendered outside any transaction: no lock held
    request = DocumentRequest.objects.get(meeting=meeting)
    assert request.done_at is not None
    assert list(meeting.documents.values_list("version", flat=True)) == [1]


@pytest.mark.documents_queued
def test_a_story_told_in_one_transaction_gets_its_documents_as_it_goes(world: World) -> None:
    with document_requests.made_at_once():
        meeting = convened(world)
        assert meeting.documents.filter(kind="agenda", version=1).exists()
    assert DocumentRequest.objects.get(meeting=meeting).done_at is not None
    later_meeting = convened(world)  # outside it, the queue again
    assert not later_meeting.documents.exists()
