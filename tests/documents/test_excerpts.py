"""Excerpts per municipality (uittreksel): one Word document per municipality concerned,
with its vote, its ratification and the actions that concern it; all of them as a zip;
attached to the ratification reminders."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from backend.followup.models import Action
from backend.organisations.models import ServiceParticipation
from backend.reminders import services as reminders
from backend.reminders.models import Notification
from tests.conftest import World
from tests.documents.samples import all_text, read
from workflows.engine import fire

Api = Callable[[str | None], APIClient]


@pytest.fixture
def voted(world: World) -> SimpleNamespace:
    """An approved decision by vote (Roeselare for, Tielt against), concerning both, with
    an action of the GIS service (which works for Tielt) and one of a Roeselare person."""
    roeselare, tielt = world.municipalities[:2]
    item = world.prepared_item(
        title="Regionaal fietsroutenetwerk", municipalities=[roeselare, tielt]
    )
    meeting = world.meeting_in_session(item)
    fire(
        item,
        "approve",
        actor=world.cluster_chair,
        text="De cluster keurt het netwerk goed.",
        votes=[
            {"municipality": roeselare.pk, "vote": "for"},
            {"municipality": tielt.pk, "vote": "against"},
        ],
    )
    ServiceParticipation.objects.create(service=world.service, municipality=tielt)
    due = timezone.localdate() + dt.timedelta(days=30)
    Action.objects.create(
        item=item, title="Routes intekenen in het GIS", service=world.service, due_date=due
    )
    Action.objects.create(
        item=item, title="Bewegwijzering Roeselare", assignee=world.author, due_date=due
    )
    item.refresh_from_db()
    return SimpleNamespace(
        item=item, meeting=meeting, decision=item.decision, roeselare=roeselare, tielt=tielt
    )


def excerpt_text(content: bytes) -> str:
    return "\n".join(all_text(read(content)))


def test_each_municipality_gets_its_own_vote_ratification_and_actions(
    world: World, api: Api, voted: SimpleNamespace
) -> None:
    url = f"/api/v1/decisions/{voted.decision.pk}/excerpts/"
    tielt = api("coordinator").get(f"{url}{voted.tielt.pk}/")
    assert tielt.status_code == 200
    assert tielt["Content-Disposition"] == (
        f'attachment; filename="uittreksel-{voted.decision.number.replace("/", "-")}-tielt.docx"'
    )
    text = excerpt_text(tielt.content)
    assert "Tielt" in text and voted.decision.number in text
    assert "Stem van de gemeente\ntegen" in text
    assert "Routes intekenen in het GIS" in text  # the GIS service works for Tielt
    assert "Bewegwijzering Roeselare" not in text
    assert "in afwachting" in text  # its ratification
    roeselare = excerpt_text(api("coordinator").get(f"{url}{voted.roeselare.pk}/").content)
    assert "Bewegwijzering Roeselare" in roeselare and "Routes intekenen" not in roeselare
    assert "Stem van de gemeente\nvoor" in roeselare


def test_the_zip_holds_one_excerpt_per_municipality_concerned(
    api: Api, voted: SimpleNamespace
) -> None:
    answer = api("coordinator").get(f"/api/v1/decisions/{voted.decision.pk}/excerpts/")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        names = sorted(archive.namelist())
        assert [name.rsplit("-", 1)[1] for name in names] == ["roeselare.docx", "tielt.docx"]
        for name in names:
            assert excerpt_text(archive.read(name))


def test_an_excerpt_follows_the_decision_s_visibility(
    world: World, api: Api, voted: SimpleNamespace
) -> None:
    url = f"/api/v1/decisions/{voted.decision.pk}/excerpts/"
    assert api("stranger").get(url).status_code == 404
    izegem = world.municipalities[2]  # not concerned
    assert api("coordinator").get(f"{url}{izegem.pk}/").status_code == 404
    client = Client()
    client.force_login(world.stranger)
    assert client.get(f"/punten/{voted.item.pk}/uittreksels.zip").status_code == 404


def test_the_item_page_links_the_excerpts(world: World, voted: SimpleNamespace) -> None:
    client = Client()
    client.force_login(world.coordinator)
    page = client.get(f"/punten/{voted.item.pk}/").content.decode()
    assert f"/punten/{voted.item.pk}/uittreksels.zip" in page
    assert f"/punten/{voted.item.pk}/uittreksels/{voted.tielt.pk}/" in page
    answer = client.get(f"/punten/{voted.item.pk}/uittreksels/{voted.tielt.pk}/")
    assert answer.status_code == 200 and "Tielt" in excerpt_text(answer.content)


def test_the_ratification_reminder_carries_the_excerpt(
    world: World, voted: SimpleNamespace
) -> None:
    director = world.group_chair  # general director of Tielt
    later = voted.decision.decided_at + dt.timedelta(days=60)
    reminders.scan(later)
    reminders.send_due(later)
    sent = Notification.objects.filter(kind="ratification_pending", recipient=director)
    assert sent.filter(sent_at__isnull=False).exists()
    message = next(m for m in mail.outbox if director.email in m.to)
    names = [name for name, _content, _type in message.attachments]
    assert any(name.endswith("-tielt.docx") for name in names), names


def test_a_broken_excerpt_template_does_not_hold_the_reminder_back(
    world: World, voted: SimpleNamespace, settings: object, tmp_path: Path
) -> None:
    (tmp_path / "uittreksel.docx").write_bytes(b"not a word file")
    settings.DOCS_TEMPLATES_DIR = tmp_path  # type: ignore[attr-defined]
    later = voted.decision.decided_at + dt.timedelta(days=60)
    reminders.scan(later)
    reminders.send_due(later)
    director = world.group_chair
    message = next(m for m in mail.outbox if director.email in m.to)
    assert message.attachments == []
    assert Notification.objects.filter(
        kind="ratification_pending", recipient=director, sent_at__isnull=False
    ).exists()
