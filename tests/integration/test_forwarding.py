"""The chain beyond the cluster: an approved decision forwarded to the body that takes it
further, as a new item on that body's road, through the same workflow."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client
from rest_framework.test import APIClient

from backend.agenda.models import AgendaItem
from backend.agenda.selectors import chain_of
from backend.audit.models import TransitionLog
from backend.meetings.services import attendance_record
from backend.organisations.models import Body, Membership
from tests.conftest import World
from workflows.engine import fire
from workflows.errors import GuardFailed, NotPermitted, NotPossible

pytestmark = pytest.mark.django_db


@pytest.fixture
def road(world: World) -> SimpleNamespace:
    """The cluster forwards to the daily board, chaired by the cluster's member from Tielt;
    an item approved by the cluster."""
    board = Body.objects.create(
        region=world.region, kind=Body.Kind.DAILY_BOARD, name="Dagelijks bestuur", code="DB"
    )
    for person, role, municipality in (
        (world.cluster_member, "chair", world.municipalities[1]),
        (world.third_member, "member", world.municipalities[2]),
    ):
        Membership.objects.create(
            body=board,
            person=person,
            role=role,
            municipality=municipality,
            start_date="2024-01-01",
        )
    world.cluster.forwards_to.add(board)
    item = world.prepared_item(title="Gedeelde informatieveiligheidsconsulent")
    world.meeting_in_session(item)
    fire(item, "approve", actor=world.cluster_chair, text="De cluster stemt in.", consensus=True)
    item.refresh_from_db()
    return SimpleNamespace(item=item, board=board)


def test_forwarding_starts_the_next_body_s_item_and_keeps_the_first_as_it_was(
    world: World, road: SimpleNamespace
) -> None:
    fire(road.item, "forward", actor=world.coordinator, body=road.board.pk, comment="Naar DB")
    road.item.refresh_from_db()
    assert road.item.state == "approved"  # the cluster's item keeps its state
    successor = AgendaItem.objects.get(forwarded_from=road.item.decision)
    assert (successor.state, successor.target_cluster, successor.title) == (
        "prepared",
        road.board,
        road.item.title,
    )
    assert successor.proposed_decision == "De cluster stemt in."
    assert set(successor.municipalities.all()) == set(road.item.municipalities.all())
    first = TransitionLog.objects.for_object(road.item).last()
    assert (first.transition, first.source, first.target) == ("forward", "approved", "approved")
    started = TransitionLog.objects.for_object(successor).get()
    assert started.cause == first and started.params["decision"] == road.item.decision.number


def test_the_forwarded_item_travels_the_same_workflow_and_gets_its_own_decision(
    world: World, road: SimpleNamespace
) -> None:
    fire(road.item, "forward", actor=world.coordinator, body=road.board.pk)
    successor = AgendaItem.objects.get(forwarded_from=road.item.decision)
    meeting = world.meeting(body=road.board)
    fire(successor, "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    for person in (world.cluster_member, world.third_member):
        attendance_record(meeting=meeting, person=person, status="present", actor=world.coordinator)
    fire(meeting, "open", actor=world.cluster_member)
    successor.refresh_from_db()
    fire(
        successor, "approve", actor=world.cluster_member, text="Het DB keurt goed.", consensus=True
    )
    successor.refresh_from_db()
    assert successor.decision.number.endswith("/DB/001")
    chain = chain_of(successor, world.coordinator)
    assert [link.pk for link in chain] == [road.item.pk, successor.pk]
    assert chain_of(road.item, world.coordinator) == chain
    # One pending ratification per municipality, for the decision furthest along.
    first = road.item.decision.ratifications
    assert set(first.values_list("state", flat=True)) == {"not_required"}
    waived = TransitionLog.objects.for_object(first.first()).get()
    assert waived.transition == "waive" and waived.cause.transition == "forward"
    assert set(successor.decision.ratifications.values_list("state", flat=True)) == {"pending"}
    assert successor.decision.ratifications.count() == first.count()


def test_only_approved_decisions_go_on_and_only_where_the_body_sends_them(
    world: World, road: SimpleNamespace
) -> None:
    other = Body.objects.create(
        region=world.region, kind=Body.Kind.BOARD, name="Raad van bestuur", code="RVB"
    )
    with pytest.raises(GuardFailed) as refused:
        fire(road.item, "forward", actor=world.coordinator, body=other.pk)
    assert "Raad van bestuur" in str(refused.value.reasons[0])
    fire(road.item, "forward", actor=world.coordinator, body=road.board.pk)
    with pytest.raises(GuardFailed):  # not twice to the same body
        fire(road.item, "forward", actor=world.coordinator, body=road.board.pk)
    with pytest.raises(NotPermitted):  # a member of the cluster does not forward
        fire(road.item, "forward", actor=world.third_member, body=road.board.pk)
    draft = world.item()
    with pytest.raises(NotPossible):
        fire(draft, "forward", actor=world.coordinator, body=road.board.pk)
    assert AgendaItem.objects.filter(forwarded_from__isnull=False).count() == 1


def test_forwarding_through_the_api_and_the_item_page(world: World, road: SimpleNamespace) -> None:
    api = APIClient()
    api.force_authenticate(world.cluster_chair)
    missing = api.post(
        f"/api/v1/agenda-items/{road.item.pk}/transitions/forward/", {}, format="json"
    )
    assert missing.status_code == 400 and missing.json()["reasons"]
    answer = api.post(
        f"/api/v1/agenda-items/{road.item.pk}/transitions/forward/",
        {"body": road.board.pk},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    successor = AgendaItem.objects.get(forwarded_from=road.item.decision)
    detail = api.get(f"/api/v1/agenda-items/{successor.pk}/").json()
    assert detail["forwarded_from"] == road.item.decision.pk
    assert detail["target_cluster"] == road.board.pk
    page = Client()
    page.force_login(world.coordinator)
    html = page.get(f"/punten/{successor.pk}/").content.decode()
    assert "De weg langs de organen" in html
    assert f'href="/punten/{road.item.pk}/"' in html and "Dagelijks bestuur" in html


def test_the_forward_form_offers_the_bodies_the_decision_may_go_to(
    world: World, road: SimpleNamespace
) -> None:
    page = Client()
    page.force_login(world.coordinator)
    html = page.get(f"/punten/{road.item.pk}/").content.decode()
    assert "Doorsturen naar het volgende orgaan" in html
    assert f'<option value="{road.board.pk}">Dagelijks bestuur</option>' in html
    answer = page.post(f"/overgang/item/{road.item.pk}/forward/", {"body": road.board.pk})
    assert answer.status_code == 302
    assert AgendaItem.objects.filter(forwarded_from=road.item.decision).exists()


def test_editing_a_forwarded_item_on_its_page_keeps_its_body(
    world: World, road: SimpleNamespace
) -> None:
    fire(road.item, "forward", actor=world.coordinator, body=road.board.pk)
    successor = AgendaItem.objects.get(forwarded_from=road.item.decision)
    page = Client()
    page.force_login(world.coordinator)
    form = page.get(f"/punten/{successor.pk}/bewerken/").content.decode()
    assert f'<option value="{road.board.pk}" selected>' in form
    answer = page.post(
        f"/punten/{successor.pk}/bewerken/",
        {
            "title": "Gedeelde informatieveiligheidsconsulent (DB)",
            "kind": successor.kind,
            "intervision_group": successor.intervision_group_id,
            "target_cluster": road.board.pk,
            "version": successor.version,
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:500]
    successor.refresh_from_db()
    assert successor.target_cluster == road.board
    assert successor.title.endswith("(DB)")
