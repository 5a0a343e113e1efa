"""Follow-up in the pages: the coordinator hands out an action from the decision, the
action shows its description and notes, and whoever works on it adds a progress note."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core import mail
from django.utils import timezone

from backend.audit.models import TransitionLog
from backend.followup.models import Action, ActionNote
from backend.reminders.models import Notification
from backend.reminders.services import scan, send_due
from tests.conftest import World
from tests.web.pages import signed_in, text

pytestmark = pytest.mark.django_db


def due(days: int = 30) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def test_the_coordinator_hands_out_an_action_for_a_dvv_service(
    world: World, decided: SimpleNamespace
) -> None:
    item = decided.item
    client = signed_in(world.coordinator)
    page = text(client.get(f"/punten/{item.pk}/"))
    assert f'href="/punten/{item.pk}/acties/nieuw/"' in page
    form = text(client.get(f"/punten/{item.pk}/acties/nieuw/"))
    assert 'name="assignee"' in form and 'name="service"' in form
    answer = client.post(
        f"/punten/{item.pk}/acties/nieuw/",
        {
            "title": "Bestek laadpalen opmaken",
            "description": "Samen met de GIS-coördinator.\nTegen de volgende cluster.",
            "service": world.service.pk,
            "due_date": due(),
        },
    )
    action = Action.objects.get(title="Bestek laadpalen opmaken")
    assert answer.status_code == 302
    assert answer["Location"] == f"/punten/{item.pk}/#action-{action.pk}"
    assert action.service == world.service and action.assignee is None
    assert action.due_date == timezone.localdate() + dt.timedelta(days=30)
    # The DVV colleague reads the description on the item's page.
    page = text(signed_in(world.dvv).get(f"/punten/{item.pk}/"))
    assert "Samen met de GIS-coördinator.<br>Tegen de volgende cluster." in page


@pytest.mark.parametrize(
    ("fields", "message", "field"),
    [
        ({"title": ""}, "Geef de actie een titel.", "title"),
        ({"due_date": ""}, "Geef de datum waarop de actie klaar moet zijn.", "due_date"),
        ({"due_date": "31-31-2027"}, "Geef een datum, bv. 31/01/2027.", "due_date"),
        ({"due_date": "2020-01-01"}, "Een uiterste datum is vandaag of later.", "due_date"),
        (
            {"service": ""},
            "Een actiepunt heeft een verantwoordelijke of een dienst nodig.",
            "assignee",
        ),
        ({"service": "999999"}, "Kies een dienst van uw regio.", "service"),
        ({"title": "x" * 251}, "hoogstens 250 tekens", "title"),
    ],
)
def test_a_refused_action_keeps_what_was_typed_and_names_the_field(
    world: World, decided: SimpleNamespace, fields: dict[str, str], message: str, field: str
) -> None:
    before = Action.objects.count()
    posted = {
        "title": "Bestek opmaken",
        "description": "Een lange uitleg die niet verloren mag gaan.",
        "service": str(world.service.pk),
        "due_date": due(),
    } | fields
    answer = signed_in(world.coordinator).post(f"/punten/{decided.item.pk}/acties/nieuw/", posted)
    page = text(answer)
    assert answer.status_code == 400
    assert message in page and f'href="#id_{field}"' in page
    assert "Een lange uitleg die niet verloren mag gaan." in page
    assert Action.objects.count() == before


def test_only_the_coordinator_hands_out_actions(world: World, decided: SimpleNamespace) -> None:
    item = decided.item
    client = signed_in(world.cluster_chair)
    assert "acties/nieuw" not in text(client.get(f"/punten/{item.pk}/"))
    answer = client.post(
        f"/punten/{item.pk}/acties/nieuw/",
        {"title": "Sluiproute", "service": world.service.pk, "due_date": due()},
    )
    assert answer.status_code == 302 and not Action.objects.filter(title="Sluiproute").exists()


def test_no_action_before_the_decision(world: World) -> None:
    item = world.prepared_item()
    client = signed_in(world.coordinator)
    assert "acties/nieuw" not in text(client.get(f"/punten/{item.pk}/"))
    assert client.get(f"/punten/{item.pk}/acties/nieuw/").status_code == 302


def test_the_assignee_adds_a_progress_note_and_the_page_comes_back_to_the_action(
    world: World, decided: SimpleNamespace
) -> None:
    action = decided.action
    client = signed_in(world.dvv)
    page = text(client.get(f"/punten/{decided.item.pk}/"))
    assert f'action="/acties/{action.pk}/notities/"' in page
    answer = client.post(f"/acties/{action.pk}/notities/", {"text": "Offertes gevraagd."})
    assert answer["Location"] == f"/punten/{decided.item.pk}/#action-{action.pk}"
    [note] = ActionNote.objects.filter(action=action)
    assert note.text == "Offertes gevraagd." and note.author == world.dvv
    page = text(client.get(answer["Location"]))
    assert "Offertes gevraagd." in page and "De notitie is toegevoegd." in page


def test_an_empty_note_is_refused_and_too_long_a_note_comes_back(
    world: World, decided: SimpleNamespace
) -> None:
    action = decided.action
    client = signed_in(world.dvv)
    client.post(f"/acties/{action.pk}/notities/", {"text": ""})
    assert "Schrijf eerst de notitie." in text(client.get(f"/punten/{decided.item.pk}/"))
    long = "Veel te veel tekst. " * 1001
    client.post(f"/acties/{action.pk}/notities/", {"text": long})
    page = text(client.get(f"/punten/{decided.item.pk}/"))
    assert "hoogstens 20000 tekens" in page and long[:20000] in page
    assert not ActionNote.objects.exists()


def test_a_mayor_who_does_not_work_on_the_action_writes_no_note(
    world: World, decided: SimpleNamespace
) -> None:
    action = decided.action
    client = signed_in(world.cluster_member)
    assert f"/acties/{action.pk}/notities/" not in text(client.get(f"/punten/{decided.item.pk}/"))
    client.post(f"/acties/{action.pk}/notities/", {"text": "Ik ook."})
    assert not ActionNote.objects.exists()


def test_a_step_on_an_action_comes_back_to_that_action(
    world: World, decided: SimpleNamespace
) -> None:
    action = decided.action
    answer = signed_in(world.dvv).post(
        f"/overgang/action/{action.pk}/start/",
        {"next": f"/punten/{decided.item.pk}/#action-{action.pk}"},
    )
    assert answer["Location"] == f"/punten/{decided.item.pk}/#action-{action.pk}"
    assert TransitionLog.objects.for_object(action).filter(transition="start").exists()
    page = text(signed_in(world.dvv).get(f"/punten/{decided.item.pk}/"))
    assert f'value="/punten/{decided.item.pk}/#action-{action.pk}"' in page


def test_a_new_action_reaches_its_people_at_once_in_the_app_and_by_mail(
    world: World, decided: SimpleNamespace
) -> None:
    world.dvv.email = "dvv@midwest.example"
    world.dvv.save()
    signed_in(world.coordinator).post(
        f"/punten/{decided.item.pk}/acties/nieuw/",
        {"title": "Bestek opmaken", "service": world.service.pk, "due_date": due(20)},
    )
    action = Action.objects.get(title="Bestek opmaken")
    scan()
    scan()  # a second scan finds nothing new
    [told] = Notification.objects.filter(kind="action_assigned", object_id=str(action.pk))
    assert told.recipient == world.dvv
    send_due()
    [message] = [m for m in mail.outbox if "Bestek opmaken" in m.body]
    assert message.to == ["dvv@midwest.example"]
    assert "U hebt een nieuwe actie: „Bestek opmaken”" in message.body
    assert "U hebt een nieuwe actie" in text(signed_in(world.dvv).get("/"))
    # The action of the fixture, older than two days, is not told of again.
    Action.objects.filter(pk=decided.action.pk).update(
        created_at=timezone.now() - dt.timedelta(days=3)
    )
    Notification.objects.filter(kind="action_assigned", object_id=str(decided.action.pk)).delete()
    scan()
    assert not Notification.objects.filter(
        kind="action_assigned", object_id=str(decided.action.pk)
    ).exists()


def test_a_step_from_the_page_itself_reloads_it_and_from_elsewhere_goes_there(
    world: World, decided: SimpleNamespace
) -> None:
    action = decided.action
    item_url = f"/punten/{decided.item.pk}/"
    answer = signed_in(world.dvv).post(
        f"/overgang/action/{action.pk}/start/",
        {"next": f"{item_url}#action-{action.pk}"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{item_url}",
    )
    assert answer.status_code == 204 and answer["HX-Refresh"] == "true"
    answer = signed_in(world.dvv).post(
        f"/overgang/action/{action.pk}/block/",
        {"next": f"{item_url}#action-{action.pk}", "reason": "Wacht op offertes."},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/",
    )
    assert answer["HX-Redirect"] == f"{item_url}#action-{action.pk}"
