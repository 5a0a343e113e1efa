"""The demo seed builds Midwest as the public description has it, with a living story,
only through the workflow, and a second run changes nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from backend.agenda.models import AgendaItem, Decision, Vote
from backend.audit.models import TransitionLog
from backend.followup.models import Action, Ratification
from backend.meetings.models import AgendaEntry, Attendance, Meeting
from backend.meetings.selectors import quorum_of
from backend.organisations.models import (
    Body,
    Coalition,
    Membership,
    Municipality,
    Person,
    Region,
    Service,
    ServiceParticipation,
)

MODELS: list[type[models.Model]] = [
    Region,
    Municipality,
    Body,
    Membership,
    Service,
    ServiceParticipation,
    Coalition,
    Person,
    Meeting,
    AgendaEntry,
    Attendance,
    AgendaItem,
    Decision,
    Vote,
    Action,
    Ratification,
    TransitionLog,
]

MIDWEST = [
    "Ardooie",
    "Hooglede",
    "Ingelmunster",
    "Izegem",
    "Ledegem",
    "Lichtervelde",
    "Meulebeke",
    "Moorslede",
    "Oostrozebeke",
    "Pittem",
    "Roeselare",
    "Ruiselede",
    "Staden",
    "Tielt",
    "Wielsbeke",
    "Wingene",
]


def seed(**options: object) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in MODELS}


@pytest.fixture
def midwest(db: None) -> Region:
    seed(force=True)
    return Region.objects.get(slug="midwest")


@pytest.mark.django_db
def test_a_second_run_changes_nothing() -> None:
    seed(force=True)
    first = counts()
    output = seed(force=True)
    assert counts() == first
    assert all(first[name] > 0 for name in first), first
    assert "already told" in output


@pytest.mark.django_db
def test_it_prints_a_summary() -> None:
    output = seed(force=True)
    assert "municipalities: 16" in output
    assert "agenda items:" in output


@pytest.mark.django_db
def test_it_refuses_without_debug_unless_forced(settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        seed()
    assert not Region.objects.exists()
    settings.DEBUG = True
    seed()
    assert Region.objects.filter(slug="midwest", name="Midwest").exists()


def test_the_sixteen_municipalities(midwest: Region) -> None:
    assert sorted(midwest.municipalities.values_list("name", flat=True)) == MIDWEST


def test_the_gis_coordinator_works_for_exactly_six(midwest: Region) -> None:
    gis = Service.objects.get(region=midwest, code="gis")
    assert sorted(gis.municipalities.values_list("name", flat=True)) == [
        "Ledegem",
        "Lichtervelde",
        "Ruiselede",
        "Tielt",
        "Wielsbeke",
        "Wingene",
    ]
    for code in ("archief", "ict", "toezicht"):
        assert Service.objects.get(region=midwest, code=code).municipalities.count() == 16


def test_the_coalitions(midwest: Region) -> None:
    assert (
        Coalition.objects.get(region=midwest, name="Klimaatoverleg Midwest").municipalities.count()
        == 8
    )
    plus = Coalition.objects.get(region=midwest, name="Midwest+").municipalities.count()
    assert 1 < plus < 16


def test_every_cluster_is_led_by_two_or_three_mayors(midwest: Region) -> None:
    clusters = Body.objects.filter(region=midwest, kind=Body.Kind.CLUSTER)
    assert clusters.count() >= 4
    chairs_seen: set[int] = set()
    for cluster in clusters:
        chairs = Membership.objects.filter(body=cluster, role=Membership.Role.CHAIR)
        assert 2 <= chairs.count() <= 3, cluster.code
        for chair in chairs.select_related("person"):
            assert chair.person.function == Person.Function.MAYOR
            assert chair.municipality_id == chair.person.municipality_id
        chairs_seen.update(chairs.values_list("person_id", flat=True))
    # No mayor leads two clusters: the chairs are spread.
    assert (
        len(chairs_seen)
        == Membership.objects.filter(body__in=clusters, role=Membership.Role.CHAIR).count()
    )


def test_every_intervision_group_chair_sits_in_its_cluster(midwest: Region) -> None:
    groups = Body.objects.filter(region=midwest, kind=Body.Kind.INTERVISION_GROUP)
    assert groups.count() >= 4
    directors = Person.objects.filter(region=midwest, function=Person.Function.GENERAL_DIRECTOR)
    assert directors.count() == 16
    for group in groups:
        assert group.prepares_for is not None
        assert group.prepares_for.kind == Body.Kind.CLUSTER
        assert set(group.memberships.values_list("person_id", flat=True)) == set(
            directors.values_list("pk", flat=True)
        )
        chair = group.memberships.get(role=Membership.Role.CHAIR)
        assert Membership.objects.filter(
            body=group.prepares_for,
            person=chair.person,
            role=Membership.Role.MEMBER,
            municipality=chair.person.municipality,
        ).exists()


def test_the_dvv_bodies_and_memberships(midwest: Region) -> None:
    assembly = Body.objects.get(region=midwest, code="AV-DVV")
    assert assembly.kind == Body.Kind.GENERAL_ASSEMBLY
    assert set(assembly.memberships.values_list("person__function", flat=True)) == {"mayor"}
    assert assembly.memberships.values("municipality").distinct().count() == 16
    board = Body.objects.get(region=midwest, code="RVB-DVV")
    assert board.kind == Body.Kind.BOARD
    assert 0 < board.memberships.count() <= 15
    assert Body.objects.get(region=midwest, code="DB").kind == Body.Kind.DAILY_BOARD
    memberships = Membership.objects.filter(body__region=midwest)
    assert set(memberships.values_list("start_date", flat=True)) == {dt.date(2025, 1, 1)}
    assert not memberships.filter(end_date__isnull=False).exists()


def test_the_people(midwest: Region) -> None:
    coordinator = Person.objects.get(username="coordinator")
    assert coordinator.is_coordinator and coordinator.is_staff
    assert coordinator.function == Person.Function.COORDINATOR
    assert coordinator.organisation == "WVI"
    assert Person.objects.get(username="admin").is_superuser
    mayor = Person.objects.get(username="mayor-roeselare")
    assert mayor.function == Person.Function.MAYOR
    assert mayor.municipality.name == "Roeselare"
    assert mayor.email == "mayor-roeselare@demo.midwest.invalid"
    assert Person.objects.get(username="director-oostrozebeke").municipality.name == "Oostrozebeke"
    for code in ("archief", "gis", "ict", "toezicht"):
        staff = Person.objects.get(username=f"dvv-{code}")
        assert staff.function == Person.Function.DVV_STAFF
        assert staff.organisation == "DVV Midwest"
        assert staff.service.code == code
    people = Person.objects.all()
    # Mayors and general directors, DVV staff, the coordinator and admin, six OCMW chairs,
    # two aldermen who stand in for their mayor.
    assert people.count() == 16 * 2 + 4 + 2 + 6 + 2
    assert not people.exclude(region=midwest).exists()
    assert not people.filter(first_name="").exists()
    assert not people.filter(last_name="").exists()


def test_the_demo_users_log_in_with_the_demo_password(midwest: Region) -> None:
    for username in ("admin", "coordinator", "mayor-roeselare", "director-tielt", "dvv-gis"):
        user = authenticate(username=username, password=django_settings.DEMO_PASSWORD)
        assert user is not None and user.username == username


def test_a_second_run_keeps_a_changed_password(midwest: Region) -> None:
    mayor = Person.objects.get(username="mayor-tielt")
    mayor.set_password("een-eigen-wachtwoord")
    mayor.save()
    seed(force=True)
    assert authenticate(username="mayor-tielt", password="een-eigen-wachtwoord") is not None


def test_the_story_covers_the_states_and_every_move_is_in_the_history(midwest: Region) -> None:
    items = AgendaItem.objects.filter(intervision_group__region=midwest)
    states = set(items.values_list("state", flat=True))
    assert len(states) >= 8, states
    for item in items.exclude(state="draft"):
        history = TransitionLog.objects.for_object(item)
        assert history.exists(), item.title
        assert history.last().target == item.state
    assert {"planned", "convened", "closed", "minutes_approved", "cancelled"} <= set(
        Meeting.objects.filter(body__region=midwest).values_list("state", flat=True)
    )
    for meeting in Meeting.objects.exclude(state="planned"):
        assert TransitionLog.objects.for_object(meeting).exists()
    assert items.filter(kind=AgendaItem.Kind.INFORMATION, state="completed").exists()


def test_the_decisions_and_their_follow_up(midwest: Region) -> None:
    decisions = Decision.objects.filter(meeting__body__region=midwest)
    assert decisions.filter(outcome="approved", consensus=True).exists()
    assert decisions.filter(outcome="approved", consensus=False, votes__isnull=False).exists()
    assert decisions.filter(outcome="rejected").exists()
    ratifications = Ratification.objects.filter(decision__in=decisions)
    assert {"pending", "ratified", "not_required"} <= set(
        ratifications.values_list("state", flat=True)
    )
    for ratified in ratifications.filter(state="ratified"):
        assert ratified.date and ratified.deciding_body and ratified.reference
    actions = Action.objects.filter(item__intervision_group__region=midwest)
    assert {"open", "in_progress", "done"} <= set(actions.values_list("state", flat=True))
    assert not actions.filter(assignee__isnull=True, service__isnull=True).exists()
    for action in actions.exclude(state="open"):
        assert TransitionLog.objects.for_object(action).exists()


def test_both_fora_meet_note_their_items_and_follow_them_up(midwest: Region) -> None:
    fora = Body.objects.filter(region=midwest, kind=Body.Kind.FORUM)
    assert sorted(fora.values_list("name", flat=True)) == [
        "Expertise Centrum voor Gemeentesecretarissen Roeselare-Tielt",
        "OCMW-voorzittersoverleg",
    ]
    centre = fora.get(code="EC-GS")
    assert set(centre.memberships.values_list("person__function", flat=True)) == {
        "general_director",
        "coordinator",
    }
    chairs = fora.get(code="OCMW-VZ").memberships.exclude(role=Membership.Role.SECRETARY)
    assert chairs.count() == 6
    assert set(chairs.values_list("person__function", flat=True)) == {"alderman"}
    assert {m.municipality_id for m in chairs} == {m.person.municipality_id for m in chairs}
    for forum in fora:
        meeting = Meeting.objects.get(body=forum)
        assert meeting.state in ("closed", "minutes_approved")
        assert meeting.documents.filter(kind="minutes").exists()
        entry = meeting.entries.get()
        assert entry.outcome == AgendaEntry.Outcome.NOTED
        assert entry.item.state == "completed"
        assert entry.item.target_cluster == forum
        assert Action.objects.filter(item=entry.item).exists()
    assert not Decision.objects.filter(body__kind=Body.Kind.FORUM).exists()
    assert not Ratification.objects.filter(decision__body__kind=Body.Kind.FORUM).exists()


def test_a_meeting_of_the_story_is_held_with_a_secret_vote_a_chair_and_a_secretary(
    midwest: Region,
) -> None:
    decision = Decision.objects.get(meeting__body__region=midwest, secret=True)
    meeting = decision.meeting
    assert not decision.votes.exists() and not decision.consensus
    entry = AgendaEntry.objects.get(meeting=meeting, item=decision.item)
    present = len(quorum_of(meeting, entry).present)
    # Tielt's mayor left before this entry: one municipality fewer than at the meeting.
    assert present == len(quorum_of(meeting).present) - 1
    assert sum(decision.tally.values()) == present
    assert decision.tally == {"for": present - 3, "against": 1, "abstain": 2}
    assert meeting.presiding.username == "mayor-pittem"
    assert meeting.secretary is not None and meeting.secretary.is_coordinator
    assert meeting.opened_at < decision.decided_at < meeting.closed_at
    # Every meeting held has its moments and its presiding chair.
    for held in Meeting.objects.filter(body__region=midwest, opened_at__isnull=False):
        assert held.presiding is not None


def test_a_meeting_of_the_story_has_a_substitute_in_place_of_an_excused_mayor(
    midwest: Region,
) -> None:
    substitute = Attendance.objects.get(
        meeting__body__region=midwest, replacing__isnull=False, status="present"
    )
    assert substitute.person.username == "alderman-izegem"
    assert substitute.replacing.username == "mayor-izegem"
    assert substitute.municipality.name == "Izegem"
    meeting = substitute.meeting
    assert meeting.attendances.get(person=substitute.replacing).status == "excused"
    assert substitute.municipality_id in quorum_of(meeting).present
    assert meeting.state == "minutes_approved"


def test_a_meeting_of_the_story_treats_an_urgent_item_once_its_urgency_was_accepted(
    midwest: Region,
) -> None:
    entry = AgendaEntry.objects.get(meeting__body__region=midwest, urgent=True)
    meeting = entry.meeting
    assert meeting.state == "minutes_approved"
    assert entry.urgency_reason
    assert entry.urgency_votes_for == 9
    assert meeting.opened_at < entry.urgency_accepted_at < entry.item.decision.decided_at
    assert entry.outcome == "approved"
    assert "accept_urgency" in TransitionLog.objects.for_object(entry.item).values_list(
        "transition", flat=True
    )


def test_a_meeting_of_the_story_has_a_member_with_a_conflict_of_interest(
    midwest: Region,
) -> None:
    from backend.meetings.models import Conflict

    conflict = Conflict.objects.get(entry__meeting__body__region=midwest)
    assert conflict.person.username == "mayor-tielt"
    assert conflict.recorded_by == conflict.person and conflict.reason
    entry = conflict.entry
    assert entry.item.state in ("approved", "in_execution", "completed")
    # Tielt had nobody else present: the entry's quorum leaves the municipality out.
    tielt = conflict.person.municipality_id
    assert tielt not in quorum_of(entry.meeting, entry).present
    assert tielt in quorum_of(entry.meeting).present
