""" "Mijn werk" tells the truth: what it lists for a person is exactly what the pages let
them do next, for every person of the demo region; and what is not theirs (someone
else's draft, an optional step, a ratification for the general director) is not listed
as their work."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from backend.agenda.models import AgendaItem
from backend.followup.models import Ratification
from backend.meetings.models import Meeting
from backend.organisations.models import Person
from backend.reminders.models import Notification
from backend.reminders.services import scan
from backend.web.work import is_work, work_of
from tests.conftest import World
from tests.web.pages import signed_in, text
from workflows.engine import available_transitions, fire

pytestmark = pytest.mark.django_db


def steps_on_page(page: str, section: str) -> set[str]:
    """The labels of the step buttons in one section of a page."""
    start = page.index(f'aria-labelledby="{section}"')
    part = page[start : page.index("</section>", start)]
    return set(re.findall(r"<summary>([^<]+)</summary>", part))


def test_my_work_is_what_the_pages_offer_for_every_demo_person() -> None:
    call_command("seed_demo", force=True, stdout=StringIO())
    people = list(Person.objects.filter(is_active=True, region__isnull=False))
    assert len(people) > 10
    listed = 0
    for person in people:
        work = work_of(person)
        client = signed_in(person)
        for item, steps in work.items:
            wanted = [name for name in available_transitions(item, person) if is_work(name)]
            assert [t.name for t in steps] == wanted, (person.username, item.title)
            page = text(client.get(f"/punten/{item.pk}/"))
            assert {t.label for t in steps} <= steps_on_page(page, "next-steps")
            listed += 1
        for meeting, steps in work.meetings:
            page = text(client.get(f"/vergaderingen/{meeting.pk}/"))
            assert {t.label for t in steps} <= steps_on_page(page, "steps"), person.username
            listed += 1
        for ratification, steps in work.ratifications:
            assert person.municipality_id == ratification.municipality_id
            assert [t.name for t in steps] == available_transitions(ratification, person)
            listed += 1
        for ratification in work.ratifications_for_director:
            assert available_transitions(ratification, person) == []
        # And the other way: nothing the person should do is missing from the list.
        for item in AgendaItem.objects.exclude(state__in=("completed", "rejected", "withdrawn")):
            theirs = item.state != "draft" or item.author_id == person.pk
            if theirs and any(is_work(n) for n in available_transitions(item, person)):
                assert item in [i for i, _ in work.items], (person.username, item.title)
    assert listed > 5


def test_a_group_member_does_not_get_someone_elses_draft_as_work(world: World) -> None:
    draft = world.item(title="Ontwerp van de auteur")
    assert "submit" in available_transitions(draft, world.group_member)
    assert draft not in [item for item, _ in work_of(world.group_member).items]
    assert draft in [item for item, _ in work_of(world.author).items]
    assert draft in [item for item, _ in work_of(world.group_chair).items]


def test_forwarding_is_not_a_task_and_a_mayor_sees_ratifications_wait_for_the_director(
    world: World,
) -> None:
    item = world.prepared_item(title="Samen aankopen")
    meeting = world.meeting_in_session(item)
    fire(item, "approve", actor=world.cluster_chair, text="Ja.", consensus=True)
    fire(meeting, "close", actor=world.cluster_chair)
    chair_work = [t.name for i, steps in work_of(world.cluster_chair).items for t in steps]
    assert "forward" not in chair_work
    mayor = world.cluster_chair  # the mayor of Roeselare
    ratification = Ratification.objects.get(decision__item=item, municipality=mayor.municipality_id)
    home = text(signed_in(mayor).get("/"))
    assert "Deze wachten op uw algemeen directeur" in home
    assert ratification not in [r for r, _ in work_of(mayor).ratifications]
    director_home = text(signed_in(world.director).get("/"))  # Roeselare's general director
    assert "Bekrachtiging registreren" in director_home
    # The chair approves the minutes; the coordinator sees them wait for that.
    assert meeting in [m for m, _ in work_of(world.cluster_chair).meetings]
    assert meeting in work_of(world.coordinator).minutes_waiting
    assert "Notulen die wachten op goedkeuring" in text(signed_in(world.coordinator).get("/"))


def test_past_meetings_are_never_next_and_the_coordinator_sees_the_regions(
    world: World,
) -> None:
    past = world.meeting(days=10)
    Meeting.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=2),
        submission_deadline=timezone.now() - dt.timedelta(days=9),
    )
    coming = world.meeting(days=10)
    far = world.meeting(days=60)
    work = work_of(world.coordinator)
    assert coming in work.next_meetings and past not in work.next_meetings
    # A meeting is work to convene when it comes near, not months ahead.
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=coming.pk)
    near = [m for m, _ in work_of(world.coordinator).meetings]
    assert coming in near and far not in near


def test_the_item_page_says_who_acts_next(world: World) -> None:
    item = world.item(title="Wie is aan zet")
    client = signed_in(world.group_member)
    author = world.author.get_full_name() or world.author.username
    chair = world.group_chair.get_full_name() or world.group_chair.username
    page = text(client.get(f"/punten/{item.pk}/"))
    assert f"Volgende stap: {author} dient het in bij {world.group.name}." in page
    fire(item, "submit", actor=world.author)
    page = text(client.get(f"/punten/{item.pk}/"))
    assert f"de voorzitter van {world.group.name} ({chair}) bereidt het voor." in page


def test_a_notification_leads_to_its_page_and_is_marked_read(world: World) -> None:
    item = world.prepared_item()
    meeting = world.meeting(days=10)
    fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    scan()
    mine = list(Notification.objects.filter(recipient=world.cluster_member))
    assert mine
    client = signed_in(world.cluster_member)
    home = text(client.get("/"))
    assert f'<a href="/vergaderingen/{meeting.pk}/">U bent uitgenodigd' in home
    others = Notification.objects.exclude(recipient=world.cluster_member).first()
    assert client.post(f"/meldingen/{others.pk}/gelezen/").status_code == 404
    assert client.post(f"/meldingen/{mine[0].pk}/gelezen/").status_code == 302
    assert Notification.objects.get(pk=mine[0].pk).read_at is not None
    assert Notification.objects.get(pk=others.pk).read_at is None
    client.post("/meldingen/gelezen/")
    assert not Notification.objects.filter(
        recipient=world.cluster_member, read_at__isnull=True
    ).exists()
    assert Notification.objects.filter(recipient=others.recipient, read_at__isnull=True).exists()


def test_the_item_search_finds_by_decision_number_author_and_municipality(
    world: World,
) -> None:
    item = world.prepared_item(title="Laadpalen", municipalities=[world.municipalities[2]])
    other = world.item(title="Fietsroute")
    meeting = world.meeting_in_session(item)
    fire(item, "approve", actor=world.cluster_chair, text="Ja.", consensus=True)
    item.refresh_from_db()
    world.author.first_name, world.author.last_name = "Griet", "Vandamme"
    world.author.save()
    client = signed_in(world.coordinator)

    def found(query: str) -> set[str]:
        page = text(client.get("/punten/", {"q": query}))
        return {title for title in ("Laadpalen", "Fietsroute") if f">{title}</a>" in page}

    assert found(item.decision.number) == {"Laadpalen"}
    assert found("Izegem") == {"Laadpalen"}
    assert found("griet vandamme") == {"Laadpalen", "Fietsroute"}
    assert found("Vandamme Izegem") == {"Laadpalen"}
    assert found("niets") == set()
    assert meeting.pk and other.pk


def test_the_meetings_list_filters_by_body_and_period_in_the_address(world: World) -> None:
    soon = world.meeting(days=10)
    later = world.meeting(days=40)
    elsewhere = world.meeting(body=world.other_cluster, days=12)
    client = signed_in(world.coordinator)
    day = timezone.localdate()
    page = text(
        client.get(
            "/vergaderingen/",
            {
                "body": world.cluster.pk,
                "van": day.isoformat(),
                "tot": (day + dt.timedelta(days=20)).isoformat(),
            },
        )
    )
    assert f"/vergaderingen/{soon.pk}/" in page
    assert f"/vergaderingen/{later.pk}/" not in page
    assert f"/vergaderingen/{elsewhere.pk}/" not in page
    assert f'value="{(day + dt.timedelta(days=20)).isoformat()}"' in page
    # A wrong date is ignored, not an error.
    assert client.get("/vergaderingen/", {"van": "gisteren"}).status_code == 200
