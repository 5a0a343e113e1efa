"""The admin offers a person's available transitions and fires them through the entry point."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from backend.audit.models import TransitionLog
from backend.organisations.models import Person
from tests.conftest import World


@pytest.fixture
def admin_client_for(world: World):
    def login(person: Person) -> Client:
        client = Client()
        client.force_login(person)
        return client

    return login


@pytest.fixture
def superuser(world: World) -> Person:
    return Person.objects.create_superuser("root", "root@example.invalid", "pw")


def test_the_change_form_lists_the_transitions_and_fires_one(
    world: World, superuser, admin_client_for
) -> None:
    item = world.item()
    client = admin_client_for(superuser)
    page = client.get(reverse("admin:agenda_agendaitem_change", args=[item.pk]))
    assert page.status_code == 200
    url = reverse("admin:agenda_agendaitem_transition", args=[item.pk, "submit"])
    assert url in page.content.decode()
    answer = client.post(url, {"comment": "via beheer", "params": ""})
    assert answer.status_code == 302
    item.refresh_from_db()
    assert item.state == "submitted"
    log = TransitionLog.objects.for_object(item).get()
    assert (log.actor, log.comment) == (superuser, "via beheer")


def test_the_admin_asks_a_step_for_the_fields_it_declares(
    world: World, superuser, admin_client_for
) -> None:
    item = world.prepared_item()
    meeting = world.meeting()
    client = admin_client_for(superuser)
    page = client.get(reverse("admin:agenda_agendaitem_change", args=[item.pk])).content.decode()
    url = reverse("admin:agenda_agendaitem_transition", args=[item.pk, "schedule"])
    assert f'action="{url}"' in page
    assert f'<option value="{meeting.pk}">' in page and 'name="meeting"' in page
    answer = client.post(url, {"meeting": str(meeting.pk), "comment": "via beheer"})
    assert answer.status_code == 302
    item.refresh_from_db()
    assert item.state == "scheduled" and item.entries.get().meeting == meeting


def test_a_refused_transition_comes_back_as_a_message(
    world: World, superuser, admin_client_for
) -> None:
    item = world.item(title="")
    client = admin_client_for(superuser)
    url = reverse("admin:agenda_agendaitem_transition", args=[item.pk, "submit"])
    answer = client.post(url, {"params": "{}"})
    messages = [str(m) for m in get_messages(answer.wsgi_request)]
    assert len(messages) == 1
    item.refresh_from_db()
    assert item.state == "draft"
    assert client.get(url).status_code == 405
    missing = client.post(reverse("admin:agenda_agendaitem_transition", args=[item.pk, "explode"]))
    assert missing.status_code == 404


def test_the_state_is_read_only_in_the_admin(world: World, superuser, admin_client_for) -> None:
    meeting = world.meeting()
    client = admin_client_for(superuser)
    page = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    assert page.status_code == 200
    assert 'name="state"' not in page.content.decode()


def test_staff_who_are_not_superusers_see_only_their_region(world: World, admin_client_for) -> None:
    from django.contrib.auth.models import Permission

    world.coordinator.is_staff = True
    world.coordinator.save()
    world.coordinator.user_permissions.set(Permission.objects.filter(codename="view_agendaitem"))
    world.stranger.is_staff = True
    world.stranger.save()
    world.stranger.user_permissions.set(Permission.objects.filter(codename="view_agendaitem"))
    item = world.item()
    mine = admin_client_for(world.coordinator)
    assert mine.get(reverse("admin:agenda_agendaitem_change", args=[item.pk])).status_code == 200
    answer = mine.post(reverse("admin:agenda_agendaitem_transition", args=[item.pk, "withdraw"]))
    assert answer.status_code == 302
    item.refresh_from_db()
    assert item.state == "withdrawn"
    theirs = admin_client_for(world.stranger)
    listing = theirs.get(reverse("admin:agenda_agendaitem_changelist"))
    assert listing.status_code == 200
    assert item.title not in listing.content.decode()
    url = reverse("admin:agenda_agendaitem_transition", args=[item.pk, "withdraw"])
    assert theirs.post(url).status_code == 404
