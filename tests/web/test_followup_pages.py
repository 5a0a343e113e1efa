"""Follow-up in the pages: the coordinator hands out an action from the decision, the
action shows its description and notes, and whoever works on it adds a progress note."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from backend.audit.models import TransitionLog
from backend.followup.models import Action, ActionNote
from backend.followup.services import action_create
from backend.reminders.models import Notification
from backend.reminders.services import scan, send_due
from tests.conftest import World
from tests.web.pages import signed_in, text
from workflows.errors import GuardFailed

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


def test_an_action_is_for_some_of_the_decisions_municipalities(
    world: World, decided: SimpleNamespace
) -> None:
    roeselare, tielt, izegem = world.municipalities
    client = signed_in(world.coordinator)
    form = text(client.get(f"/punten/{decided.item.pk}/acties/nieuw/"))
    assert f'name="municipalities" value="{roeselare.pk}"' in form
    assert f'name="municipalities" value="{izegem.pk}"' not in form
    answer = client.post(
        f"/punten/{decided.item.pk}/acties/nieuw/",
        {
            "title": "Alleen voor Tielt",
            "service": world.service.pk,
            "due_date": due(),
            "municipalities": [tielt.pk],
        },
    )
    assert answer.status_code == 302
    action = Action.objects.get(title="Alleen voor Tielt")
    assert list(action.municipalities.all()) == [tielt]
    page = text(client.get(f"/punten/{decided.item.pk}/"))
    assert "voor Tielt" in page
    # The board counts it for Tielt only; the fixture's action (for all) for both.
    board = text(client.get("/overzicht/"))
    per_municipality = board[board.index("Per gemeente") :]
    assert "<td>Tielt</td><td>2</td>" in per_municipality
    assert "<td>Roeselare</td><td>1</td>" in per_municipality


def test_a_municipality_the_item_does_not_concern_is_refused_by_name(
    world: World, decided: SimpleNamespace
) -> None:
    izegem = world.municipalities[2]
    with pytest.raises(GuardFailed) as refused:
        action_create(
            actor=world.coordinator,
            item=decided.item,
            title="Izegem",
            service=world.service,
            due_date=timezone.localdate(),
            municipalities=[izegem],
        )
    [reason] = refused.value.reasons
    assert "Izegem" in reason and reason.field == "municipalities"
    assert not Action.objects.filter(title="Izegem").exists()


def test_the_api_reads_and_changes_an_actions_municipalities(
    world: World, decided: SimpleNamespace
) -> None:
    roeselare, _tielt, izegem = world.municipalities
    api = APIClient()
    api.force_authenticate(world.coordinator)
    url = f"/api/v1/actions/{decided.action.pk}/"
    assert api.get(url).json()["municipalities"] == []
    answer = api.patch(url, {"municipalities": [roeselare.pk]}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["municipalities"] == [roeselare.pk]
    assert answer.json()["version"] == decided.action.version + 1
    refused = api.patch(url, {"municipalities": [izegem.pk]}, format="json")
    assert refused.status_code == 400 and "Izegem" in str(refused.json())
    assert list(Action.objects.get(pk=decided.action.pk).municipalities.all()) == [roeselare]
    [log] = TransitionLog.objects.for_object(decided.action).filter(kind="edit")
    assert log.params["fields"] == ["municipalities"]
