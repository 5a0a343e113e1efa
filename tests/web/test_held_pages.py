"""The meeting's pages as the Decreet Lokaal Bestuur reads them: opening on another day
asks for a yes, the presiding chair is chosen when opening, the secretary on the meeting
page, a secret vote is recorded by its counts and never shows who voted how."""

from __future__ import annotations

import pytest
from django.utils import formats, timezone

from backend.agenda.models import AgendaItem, Decision
from backend.audit.models import TransitionLog
from backend.meetings.models import Meeting
from backend.meetings.services import attendance_record
from backend.organisations.models import Membership
from tests.conftest import World, member
from tests.web.pages import signed_in, text
from workflows.engine import fire

pytestmark = pytest.mark.django_db


def convened(world: World, item: AgendaItem | None = None) -> Meeting:
    """A meeting of the cluster in two weeks, convened, Roeselare, Tielt and Izegem present."""
    meeting = world.meeting()
    fire(item or world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    for person in (world.cluster_chair, world.cluster_member, world.third_member):
        attendance_record(meeting=meeting, person=person, status="present", actor=world.coordinator)
    return meeting


def test_opening_on_another_day_than_planned_asks_for_a_yes(world: World) -> None:
    meeting = convened(world)
    client = signed_in(world.coordinator)
    page = text(client.get(f"/vergaderingen/{meeting.pk}/"))
    planned = formats.date_format(timezone.localtime(meeting.starts_at), "l j F Y")
    assert f"De vergadering was gepland op {planned}: ik open ze vandaag, op een andere dag." in (
        page
    )
    field = f"meeting-{meeting.pk}-open-other_day"
    assert f'id="{field}" name="other_day" value="yes" required' in page
    # The presiding chair is asked, the first chair present chosen already.
    assert f'<option value="{world.cluster_chair.pk}" selected>' in page
    refused = client.post(
        f"/overgang/meeting/{meeting.pk}/open/",
        {"presiding": world.cluster_chair.pk},
        HTTP_HX_REQUEST="true",
    )
    reason = "Bevestig dat de vergadering vandaag plaatsvindt, op een andere dag dan gepland."
    assert f'<a href="#{field}">{reason}</a>' in text(refused)
    meeting.refresh_from_db()
    assert (meeting.state, meeting.opened_at) == ("convened", None)
    done = client.post(
        f"/overgang/meeting/{meeting.pk}/open/",
        {"presiding": world.cluster_chair.pk, "other_day": "yes"},
    )
    assert done.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == "in_session" and meeting.presiding == world.cluster_chair
    # The history keeps the yes with the step.
    opened = TransitionLog.objects.for_object(meeting).get(transition="open")
    assert opened.params == {"presiding": world.cluster_chair.pk, "other_day": True}
    page = text(client.get(f"/vergaderingen/{meeting.pk}/"))
    assert "gehouden op een andere dag dan gepland" in page
    assert "Voorzitter van de vergadering: Clusterchair" in page


def test_opening_on_the_planned_day_asks_nothing_more(world: World) -> None:
    meeting = convened(world)
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=now, submission_deadline=now)
    page = text(signed_in(world.coordinator).get(f"/vergaderingen/{meeting.pk}/"))
    assert 'name="other_day"' not in page


def test_a_presiding_chair_who_is_not_a_chair_is_refused_in_dutch(world: World) -> None:
    meeting = convened(world)
    answer = signed_in(world.coordinator).post(
        f"/overgang/meeting/{meeting.pk}/open/",
        {"presiding": world.cluster_member.pk, "other_day": "yes"},
        HTTP_HX_REQUEST="true",
    )
    assert (
        "De voorzitter van de vergadering moet een aanwezige voorzitter van het orgaan zijn."
        in (text(answer))
    )
    meeting.refresh_from_db()
    assert meeting.state == "convened" and meeting.presiding is None


def test_the_secretary_is_chosen_on_the_meeting_page(world: World) -> None:
    member(world.group_member, world.cluster, Membership.Role.SECRETARY, None)
    meeting = convened(world)
    client = signed_in(world.cluster_chair)
    page = text(client.get(f"/vergaderingen/{meeting.pk}/"))
    assert 'name="secretary"' in page and f'value="{world.group_member.pk}"' in page
    refused = client.post(
        f"/vergaderingen/{meeting.pk}/secretaris/", {"secretary": world.director.pk}, follow=True
    )
    assert "De secretaris moet een secretaris van het orgaan of de coördinator zijn." in text(
        refused
    )
    meeting.refresh_from_db()
    assert meeting.secretary is None
    client.post(f"/vergaderingen/{meeting.pk}/secretaris/", {"secretary": world.group_member.pk})
    meeting.refresh_from_db()
    assert meeting.secretary == world.group_member
    assert f'value="{world.group_member.pk}" selected' in text(
        client.get(f"/vergaderingen/{meeting.pk}/")
    )
    # A member who does not run the meeting reads who it is, gets no form, cannot post one.
    other = signed_in(world.third_member)
    page = text(other.get(f"/vergaderingen/{meeting.pk}/"))
    assert "Secretaris: Groupmember" in page and 'name="secretary"' not in page
    other.post(f"/vergaderingen/{meeting.pk}/secretaris/", {"secretary": ""})
    meeting.refresh_from_db()
    assert meeting.secretary == world.group_member


def test_a_refused_secretary_comes_back_on_the_page_with_an_error_summary(
    world: World,
) -> None:
    member(world.group_member, world.cluster, Membership.Role.SECRETARY, None)
    meeting = convened(world)
    client = signed_in(world.cluster_chair)
    refused = client.post(
        f"/vergaderingen/{meeting.pk}/secretaris/", {"secretary": world.director.pk}
    )
    assert refused.status_code == 400
    page = text(refused)
    form = page[page.index('class="inline secretary-form"') :]
    assert form.index("data-error-summary") < form.index('name="secretary"')
    assert (
        '<a href="#meeting-secretary">Secretaris: De secretaris moet een secretaris van het '
        "orgaan of de coördinator zijn.</a>" in form
    )
    assert 'aria-describedby="meeting-secretary-error"' in form
    # Nobody is chosen: the refused person is no choice, and the saved one is not shown as
    # if it had been picked.
    assert " selected>" not in form[: form.index("</select>")]
    meeting.refresh_from_db()
    assert meeting.secretary is None
    # A person who may not set the secretary reads why, at the top of the page.
    other = signed_in(world.third_member)
    answer = other.post(f"/vergaderingen/{meeting.pk}/secretaris/", {"secretary": ""})
    assert answer.status_code == 400
    assert "data-error-summary" in text(answer)


def in_session(world: World) -> tuple[AgendaItem, Meeting]:
    item = world.prepared_item(title="Voordracht van een bestuurder")
    meeting = convened(world, item)
    fire(meeting, "open", actor=world.coordinator)
    item.refresh_from_db()
    return item, meeting


def test_a_secret_vote_with_counts_that_do_not_add_up_is_refused_in_dutch(world: World) -> None:
    item, _meeting = in_session(world)
    answer = signed_in(world.cluster_chair).post(
        f"/overgang/item/{item.pk}/approve/",
        {"text": "Voorgedragen.", "mode": "secret", "for": "2", "against": "2", "abstain": "x"},
        HTTP_HX_REQUEST="true",
    )
    page = text(answer)
    field = f"item-{item.pk}-approve-votes-abstain"
    assert f'<a href="#{field}">Onthouding: geef een geheel getal, 0 of meer.</a>' in page
    assert f'id="{field}" name="abstain" value="x" aria-invalid="true"' in page
    assert 'value="secret" checked' in page
    assert not Decision.objects.filter(item=item).exists()
    answer = signed_in(world.cluster_chair).post(
        f"/overgang/item/{item.pk}/approve/",
        {"text": "Voorgedragen.", "mode": "secret", "for": "2", "against": "2", "abstain": "0"},
        HTTP_HX_REQUEST="true",
    )
    assert "De aantallen tellen op tot 4; ze moeten optellen tot de 3 aanwezige gemeenten." in text(
        answer
    )
    assert not Decision.objects.filter(item=item).exists()


def test_a_secret_vote_shows_its_counts_and_never_who_voted_how(world: World) -> None:
    item, meeting = in_session(world)
    client = signed_in(world.cluster_chair)
    answer = client.post(
        f"/overgang/item/{item.pk}/approve/",
        {"text": "Voorgedragen.", "mode": "secret", "for": "2", "against": "0", "abstain": "1"},
    )
    assert answer.status_code == 302
    decision = Decision.objects.get(item=item)
    assert decision.secret and decision.tally == {"for": 2, "against": 0, "abstain": 1}
    item_page = text(client.get(f"/punten/{item.pk}/"))
    assert "Geheime stemming: 2 stemmen voor · 0 stemmen tegen · 1 onthouding" in item_page
    assert "<caption>Stemmen</caption>" not in item_page
    meeting_page = text(client.get(f"/vergaderingen/{meeting.pk}/"))
    assert (
        "Uitslag: geheime stemming · 2 stemmen voor · 0 stemmen tegen · 1 onthouding"
        in meeting_page
    )
    # The history of the item says it was approved, not by whom it was voted for.
    for municipality in world.municipalities:
        assert f"{municipality.name}: voor" not in item_page


def test_the_pages_take_a_rationale_and_a_decision_text_of_100000_characters(
    world: World,
) -> None:
    long = ("Motivering van het reglement. " * 3400)[:100_000]
    client = signed_in(world.author)
    answer = client.post(
        "/punten/nieuw/",
        {
            "title": "Reglement",
            "kind": "decision",
            "intervision_group": world.group.pk,
            "target_cluster": world.cluster.pk,
            "rationale": long,
            "proposed_decision": long,
        },
    )
    assert answer.status_code == 302
    item = AgendaItem.objects.get(title="Reglement")
    assert item.rationale == long.strip() and item.proposed_decision == long.strip()
    fire(item, "submit", actor=world.author)
    fire(item, "start_preparation", actor=world.group_chair)
    fire(item, "endorse", actor=world.group_chair)
    meeting = world.meeting_in_session(item)
    page = text(signed_in(world.cluster_chair).get(f"/vergaderingen/{meeting.pk}/"))
    assert 'maxlength="100000"' in page
    done = signed_in(world.cluster_chair).post(
        f"/overgang/item/{item.pk}/approve/", {"text": long, "mode": "consensus"}
    )
    assert done.status_code == 302
    assert Decision.objects.get(item=item).text == long.strip()
