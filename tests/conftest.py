"""Fixed personas in a small region: an author and a member of the intervision group, its
chair, a chair and two members of the cluster, the coordinator, a general director, DVV
staff, and a stranger who is coordinator of another region."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.agenda.models import AgendaItem
from backend.followup.models import Action
from backend.meetings.models import Meeting
from backend.meetings.services import attendance_record
from backend.organisations.models import Body, Membership, Municipality, Person, Region, Service
from tests.settings import sqlite_test_database
from workflows.engine import fire


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """Name the SQLite test database after the process that creates it.

    The name in tests/settings.py is fixed when the settings are imported; a worker
    forked afterwards (mutation testing forks one per mutant) would share, and destroy,
    its parent's file.
    """
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = sqlite_test_database()


@dataclass
class World:
    region: Region
    municipalities: list[Municipality]
    group: Body
    cluster: Body
    other_cluster: Body
    service: Service
    author: Person
    group_member: Person
    group_chair: Person
    cluster_chair: Person
    cluster_member: Person
    coordinator: Person
    director: Person
    dvv: Person
    third_member: Person
    stranger: Person

    def item(self, **fields: Any) -> AgendaItem:
        """Create a complete draft item of the author."""
        values: dict[str, Any] = {
            "title": "Regionale fietsroute",
            "rationale": "Een veilige fietsverbinding tussen de gemeenten.",
            "proposed_decision": "De cluster keurt het tracé goed.",
            "author": self.author,
            "intervision_group": self.group,
            "target_cluster": self.cluster,
        }
        values.update(fields)
        municipalities = values.pop("municipalities", self.municipalities[:2])
        item = AgendaItem.objects.create(**values)
        item.municipalities.set(municipalities)
        return item

    def substitute(
        self, username: str, town: int, *, name: str = "", replaces: Person | None = None
    ) -> Person:
        """An alderman of the `town`-th municipality, substitute in the cluster (for
        `replaces` alone when given); `name`: "First Last"."""
        municipality = self.municipalities[town]
        alderman = person(username, self.region, municipality=municipality, function="alderman")
        if name:
            alderman.first_name, alderman.last_name = name.split(" ", 1)
            alderman.save()
        Membership.objects.create(
            body=self.cluster,
            person=alderman,
            role=Membership.Role.SUBSTITUTE,
            municipality=municipality,
            substitutes_for=replaces,
            start_date=dt.date(2024, 1, 1),
        )
        return alderman

    def meeting(self, body: Body | None = None, days: int = 14) -> Meeting:
        starts_at = timezone.now() + dt.timedelta(days=days)
        return Meeting.objects.create(
            body=body or self.cluster,
            starts_at=starts_at,
            submission_deadline=starts_at - dt.timedelta(days=7),
            location="Stadhuis Roeselare",
        )

    def prepared_item(self, **fields: Any) -> AgendaItem:
        item = self.item(**fields)
        fire(item, "submit", actor=self.author)
        fire(item, "start_preparation", actor=self.group_chair)
        fire(item, "endorse", actor=self.group_chair)
        return item

    def meeting_in_session(self, *items: AgendaItem) -> Meeting:
        """Return a meeting of the cluster with the items on it, quorum present, in session."""
        meeting = self.meeting()
        for item in items:
            fire(item, "schedule", actor=self.coordinator, meeting=meeting.pk)
        fire(meeting, "convene", actor=self.coordinator)
        for person in (self.cluster_chair, self.cluster_member):
            attendance_record(
                meeting=meeting, person=person, status="present", actor=self.coordinator
            )
        fire(meeting, "open", actor=self.cluster_chair)
        for item in items:
            item.refresh_from_db()
        return meeting


def person(username: str, region: Region | None, **fields: Any) -> Person:
    return Person.objects.create_user(
        username=username,
        password="pw",
        region=region,
        first_name=username.title(),
        email=f"{username}@example.invalid",
        **fields,
    )


def member(person_: Person, body: Body, role: str, municipality: Municipality | None) -> None:
    Membership.objects.create(
        body=body,
        person=person_,
        role=role,
        municipality=municipality,
        start_date=dt.date(2024, 1, 1),
    )


def build_world(
    name: str = "Midwest",
    towns: tuple[str, str, str] = ("Roeselare", "Tielt", "Izegem"),
    prefix: str = "",
    stranger_region: str = "Westhoek",
) -> World:
    """A region with the personas; `prefix` keeps the usernames of a second one apart."""
    region = Region.objects.create(name=name, slug=name.lower())
    other = Region.objects.create(name=stranger_region, slug=stranger_region.lower())
    municipalities = [
        Municipality.objects.create(region=region, name=town, slug=town.lower()) for town in towns
    ]
    first, second, third = municipalities
    cluster = Body.objects.create(
        region=region, kind=Body.Kind.CLUSTER, name="Ruimte en mobiliteit", code="CL-RUIMTE"
    )
    other_cluster = Body.objects.create(
        region=region, kind=Body.Kind.CLUSTER, name="Welzijn", code="CL-WELZIJN"
    )
    group = Body.objects.create(
        region=region,
        kind=Body.Kind.INTERVISION_GROUP,
        name="Intervisiegroep RO en mobiliteit",
        code="IG-RUIMTE",
        prepares_for=cluster,
    )
    service = Service.objects.create(region=region, name="GIS-coördinator", code="gis")
    p = prefix
    w = World(
        region=region,
        municipalities=municipalities,
        group=group,
        cluster=cluster,
        other_cluster=other_cluster,
        service=service,
        author=person(f"{p}author", region, municipality=first),
        group_member=person(f"{p}groupmember", region, municipality=second),
        group_chair=person(
            f"{p}groupchair", region, municipality=second, function=Person.Function.GENERAL_DIRECTOR
        ),
        cluster_chair=person(f"{p}clusterchair", region, municipality=first, function="mayor"),
        cluster_member=person(f"{p}clustermember", region, municipality=second, function="mayor"),
        coordinator=person(f"{p}coordinator", region, is_coordinator=True, function="coordinator"),
        director=person(
            f"{p}director", region, municipality=first, function=Person.Function.GENERAL_DIRECTOR
        ),
        dvv=person(f"{p}dvv", region, service=service, function=Person.Function.DVV_STAFF),
        third_member=person(f"{p}third_member", region, municipality=third),
        stranger=person(f"{p}stranger", other, is_coordinator=True),
    )
    member(w.author, group, "member", first)
    member(w.group_member, group, "member", second)
    member(w.group_chair, group, "chair", second)
    member(w.group_chair, cluster, "member", second)
    member(w.cluster_chair, cluster, "chair", first)
    member(w.cluster_member, cluster, "member", second)
    member(w.third_member, cluster, "member", third)
    return w


@pytest.fixture(autouse=True)
def documents_made_after_the_step(request: pytest.FixtureRequest, monkeypatch: Any) -> None:
    """Make a step's requested documents right after it, without a worker.

    The product queues a django-q2 task after commit (`backend.documents.requests.queue`;
    tests/documents/test_requests.py tests that path). Here the request is made by the
    test's own process: after the commit in tests that commit (`transactional_db`), and
    at once in tests whose transaction never commits. Tests marked `documents_queued`
    keep the queue.
    """
    if request.node.get_closest_marker("documents_queued"):
        return
    from django.db import transaction

    from backend.documents import requests as document_requests

    committing = "transactional_db" in request.fixturenames or "live_server" in (
        request.fixturenames
    )

    def made(request_id: int) -> None:
        if committing:
            transaction.on_commit(lambda: document_requests.document_request_make(request_id))
        else:
            document_requests.document_request_make(request_id)

    monkeypatch.setattr(document_requests, "queue", made)


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def decided(world: World) -> SimpleNamespace:
    """An approved item with its decision, two pending ratifications and an open action."""
    item = world.prepared_item(title="Regionaal fietsroutenetwerk")
    meeting = world.meeting_in_session(item)
    fire(
        item,
        "approve",
        actor=world.cluster_chair,
        text="De cluster keurt het regionaal fietsroutenetwerk goed.",
        consensus=True,
    )
    action = Action.objects.create(
        item=item,
        title="Routes intekenen in het GIS",
        service=world.service,
        due_date=timezone.localdate() + dt.timedelta(days=30),
    )
    item.refresh_from_db()
    return SimpleNamespace(
        item=item,
        meeting=meeting,
        decision=item.decision,
        ratification=item.decision.ratifications.order_by("municipality__name").first(),
        action=action,
    )


def authenticator_for(person_: Person) -> TOTPDevice:
    """A confirmed authenticator app for the person (as after setting it up)."""
    return TOTPDevice.objects.create(user=person_, name="authenticator", confirmed=True)


def code_of(device: TOTPDevice) -> str:
    """The six digits the person's app shows now."""
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{value:0{device.digits}d}"
