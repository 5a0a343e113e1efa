"""Build the demo region Midwest: its organisation, its people and a living story.

The organisation (municipalities, bodies, memberships, services, coalitions, people)
is written with get_or_create/update_or_create, so a second run finds everything in
place and adds nothing; the seed never deletes. The story (meetings, items,
decisions, actions, ratifications) is told only while the region has no agenda
items yet, and every state change in it goes through `workflows.engine.fire` with
an actor who is permitted to make it, so the history reads like the real thing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from backend.agenda.models import AgendaItem, Decision
from backend.audit.models import TransitionLog
from backend.followup.models import Action, Ratification
from backend.meetings.models import Meeting
from backend.meetings.selectors import quorum_of
from backend.meetings.services import attendance_record, meeting_plan
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
from workflows.engine import fire

REGION_NAME = "Midwest"
REGION_SLUG = "midwest"
EMAIL_DOMAIN = "demo.midwest.invalid"
MEMBERSHIP_START = dt.date(2025, 1, 1)
# The DVV Midwest was founded at the end of 2017; its services work from the year after.
SERVICES_START = dt.date(2018, 1, 1)

MUNICIPALITIES: tuple[str, ...] = (
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
)

# Fictional people: any likeness to a real mandatary or director is a coincidence.
MAYORS: dict[str, tuple[str, str]] = {
    "Ardooie": ("Hilde", "Vandecasteele"),
    "Hooglede": ("Pieter", "Verhaeghe"),
    "Ingelmunster": ("Annelies", "Debaene"),
    "Izegem": ("Wouter", "Vanneste"),
    "Ledegem": ("Marleen", "Dewitte"),
    "Lichtervelde": ("Stijn", "Coussement"),
    "Meulebeke": ("Katrien", "Vanhoutte"),
    "Moorslede": ("Geert", "Lefevere"),
    "Oostrozebeke": ("Sofie", "Deprez"),
    "Pittem": ("Johan", "Verstraete"),
    "Roeselare": ("Els", "Vanlerberghe"),
    "Ruiselede": ("Dirk", "Callewaert"),
    "Staden": ("Lieve", "Maes"),
    "Tielt": ("Bert", "Vandenbussche"),
    "Wielsbeke": ("Nathalie", "Devos"),
    "Wingene": ("Tom", "Degryse"),
}
DIRECTORS: dict[str, tuple[str, str]] = {
    "Ardooie": ("Karel", "Demeyere"),
    "Hooglede": ("Inge", "Vercruysse"),
    "Ingelmunster": ("Filip", "Goethals"),
    "Izegem": ("Evelien", "Desmet"),
    "Ledegem": ("Jan", "Vandamme"),
    "Lichtervelde": ("Ann", "Soenen"),
    "Meulebeke": ("Kristof", "Bossuyt"),
    "Moorslede": ("Veerle", "Dewulf"),
    "Oostrozebeke": ("Pascal", "Vermeersch"),
    "Pittem": ("Lies", "Depuydt"),
    "Roeselare": ("Frederik", "Hoste"),
    "Ruiselede": ("Mieke", "Vanacker"),
    "Staden": ("Bram", "Claeys"),
    "Tielt": ("Griet", "Vandewalle"),
    "Wielsbeke": ("Nico", "Dejonghe"),
    "Wingene": ("Hanne", "Lannoo"),
}

GIS_MUNICIPALITIES = ("Ledegem", "Lichtervelde", "Ruiselede", "Tielt", "Wielsbeke", "Wingene")


@dataclass(frozen=True)
class ServicePlan:
    """A DVV service, the municipalities it works for and its staff member."""

    code: str
    name: str
    municipalities: tuple[str, ...]
    staff_name: tuple[str, str]


SERVICES: tuple[ServicePlan, ...] = (
    ServicePlan("archief", "Archiefteam", MUNICIPALITIES, ("Jonas", "Vanmaele")),
    ServicePlan("gis", "GIS-coördinator", GIS_MUNICIPALITIES, ("Elke", "Deconinck")),
    ServicePlan("ict", "ICT-coördinator", MUNICIPALITIES, ("Ruben", "Verhelst")),
    ServicePlan("toezicht", "Toezichthouder", MUNICIPALITIES, ("Charlotte", "Delbeke")),
)

COALITIONS: dict[str, tuple[str, ...]] = {
    "Midwest+": (
        "Ardooie",
        "Hooglede",
        "Izegem",
        "Ledegem",
        "Lichtervelde",
        "Roeselare",
        "Tielt",
        "Wingene",
    ),
    "Klimaatoverleg Midwest": (
        "Ardooie",
        "Hooglede",
        "Ingelmunster",
        "Izegem",
        "Lichtervelde",
        "Moorslede",
        "Roeselare",
        "Staden",
    ),
}


@dataclass(frozen=True)
class ClusterPlan:
    """A cluster with the intervision group that prepares for it."""

    key: str
    name: str
    group_name: str
    chairs: tuple[str, ...]
    """The municipalities whose mayor chairs the cluster."""
    group_chair: str
    """The municipality whose general director chairs the group (and sits in the cluster)."""

    @property
    def code(self) -> str:
        return f"CL-{self.key}"

    @property
    def group_code(self) -> str:
        return f"IG-{self.key}"


# Chairs are spread: no mayor leads two clusters, no director chairs two groups.
CLUSTERS: tuple[ClusterPlan, ...] = (
    ClusterPlan(
        "RUIMTE",
        "Ruimtelijke ordening en mobiliteit",
        "Intervisiegroep ruimtelijke ordening en mobiliteit",
        ("Roeselare", "Tielt", "Lichtervelde"),
        "Hooglede",
    ),
    ClusterPlan(
        "WELZIJN", "Welzijn", "Intervisiegroep welzijn", ("Izegem", "Wingene"), "Ingelmunster"
    ),
    ClusterPlan(
        "KLIMAAT",
        "Milieu en klimaat",
        "Intervisiegroep milieu en klimaat",
        ("Ardooie", "Staden", "Meulebeke"),
        "Moorslede",
    ),
    ClusterPlan(
        "ICT",
        "ICT en digitalisering",
        "Intervisiegroep ICT, GIS en informatieveiligheid",
        ("Ledegem", "Pittem"),
        "Wielsbeke",
    ),
)

DAILY_BOARD_CHAIR = "Hooglede"
DAILY_BOARD_MEMBERS = ("Izegem", "Roeselare", "Ruiselede", "Tielt")
ASSEMBLY_CHAIR = "Moorslede"
BOARD_CHAIR = "Ingelmunster"
# The DVV's board has at most 15 members; twelve mayors sit in it.
BOARD_MEMBERS = (
    "Ardooie",
    "Hooglede",
    "Izegem",
    "Ledegem",
    "Lichtervelde",
    "Meulebeke",
    "Oostrozebeke",
    "Pittem",
    "Roeselare",
    "Tielt",
    "Wingene",
)


def mayor_username(municipality: str) -> str:
    """Return the demo username of a municipality's mayor."""
    return f"mayor-{slugify(municipality)}"


def director_username(municipality: str) -> str:
    """Return the demo username of a municipality's general director."""
    return f"director-{slugify(municipality)}"


@dataclass
class Demo:
    """The demo region as built: its rows, by name, code or username."""

    region: Region
    municipalities: dict[str, Municipality]
    people: dict[str, Person]
    bodies: dict[str, Body]
    services: dict[str, Service]

    def mayor(self, municipality: str) -> Person:
        return self.people[mayor_username(municipality)]

    def director(self, municipality: str) -> Person:
        return self.people[director_username(municipality)]

    @property
    def coordinator(self) -> Person:
        return self.people["coordinator"]

    def municipalities_named(self, names: Iterable[str]) -> list[Municipality]:
        return [self.municipalities[name] for name in names]


# --- The organisation -----------------------------------------------------------------


def build_organisation() -> Demo:
    """Create or update the region, its municipalities, services, people and bodies."""
    region, _created = Region.objects.update_or_create(
        slug=REGION_SLUG, defaults={"name": REGION_NAME}
    )
    municipalities = {
        name: Municipality.objects.update_or_create(
            region=region, slug=slugify(name), defaults={"name": name}
        )[0]
        for name in MUNICIPALITIES
    }
    services = _build_services(region, municipalities)
    for name, members in COALITIONS.items():
        coalition, _created = Coalition.objects.get_or_create(region=region, name=name)
        coalition.municipalities.add(*(municipalities[member] for member in members))
    demo = Demo(
        region=region,
        municipalities=municipalities,
        people=_build_people(region, municipalities, services),
        bodies={},
        services=services,
    )
    _build_bodies(demo)
    _let_the_coordinator_read_the_admin(demo.coordinator)
    return demo


def _let_the_coordinator_read_the_admin(coordinator: Person) -> None:
    """Give the coordinator read access to the admin; changes go through transitions."""
    group, _created = Group.objects.get_or_create(name="Coördinatie")
    group.permissions.set(
        Permission.objects.filter(
            codename__startswith="view_",
            content_type__app_label__in=[
                "organisations",
                "meetings",
                "agenda",
                "followup",
            ],
        )
    )
    coordinator.groups.add(group)


def _build_services(region: Region, municipalities: dict[str, Municipality]) -> dict[str, Service]:
    services = {}
    for plan in SERVICES:
        service, _created = Service.objects.update_or_create(
            region=region, code=plan.code, defaults={"name": plan.name}
        )
        for name in plan.municipalities:
            ServiceParticipation.objects.get_or_create(
                service=service,
                municipality=municipalities[name],
                defaults={"since": SERVICES_START},
            )
        services[plan.code] = service
    return services


def _build_people(
    region: Region, municipalities: dict[str, Municipality], services: dict[str, Service]
) -> dict[str, Person]:
    # Every demo account shares one public password, so one hash (and one salt) gives
    # nothing away and spares dozens of slow password hashes on every run.
    password = make_password(settings.DEMO_PASSWORD)
    plans: list[tuple[str, str, str, dict[str, Any]]] = [
        (
            "admin",
            "Mathias",
            "Vandeputte",
            {"organisation": "WVI", "is_staff": True, "is_superuser": True},
        ),
        (
            "coordinator",
            "Leen",
            "Verbeke",
            {
                "function": Person.Function.COORDINATOR,
                "organisation": "WVI",
                "is_coordinator": True,
                "is_staff": True,
            },
        ),
    ]
    for name in MUNICIPALITIES:
        municipality = municipalities[name]
        plans.append(
            (
                mayor_username(name),
                *MAYORS[name],
                {"function": Person.Function.MAYOR, "municipality": municipality},
            )
        )
        plans.append(
            (
                director_username(name),
                *DIRECTORS[name],
                {"function": Person.Function.GENERAL_DIRECTOR, "municipality": municipality},
            )
        )
    for plan in SERVICES:
        plans.append(
            (
                f"dvv-{plan.code}",
                *plan.staff_name,
                {
                    "function": Person.Function.DVV_STAFF,
                    "organisation": "DVV Midwest",
                    "service": services[plan.code],
                },
            )
        )
    people = {}
    for username, first_name, last_name, fields in plans:
        values = {
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@{EMAIL_DOMAIN}",
            "region": region,
            **fields,
        }
        person, _created = Person.objects.update_or_create(
            username=username,
            defaults=values,
            # The password is only set on creation: a demo user who changed it keeps it.
            create_defaults={**values, "password": password},
        )
        people[username] = person
    return people


def _join(
    body: Body,
    person: Person,
    role: str = Membership.Role.MEMBER,
    municipality: Municipality | None = None,
) -> None:
    Membership.objects.update_or_create(
        body=body,
        person=person,
        start_date=MEMBERSHIP_START,
        defaults={"role": role, "municipality": municipality, "end_date": None},
    )


# The DVV's general assembly and board publish like a council: the agenda 8 days before
# the meeting, the decision list within 10 days after it (Decreet Lokaal Bestuur).
LEGAL_TERMS: dict[str, tuple[int | None, int | None]] = {
    Body.Kind.GENERAL_ASSEMBLY: (8, 10),
    Body.Kind.BOARD: (8, 10),
}


def _body(demo: Demo, kind: str, code: str, name: str, prepares_for: Body | None = None) -> Body:
    agenda_days, decision_list_days = LEGAL_TERMS.get(kind, (None, None))
    body, _created = Body.objects.update_or_create(
        region=demo.region,
        code=code,
        defaults={
            "kind": kind,
            "name": name,
            "prepares_for": prepares_for,
            "agenda_term_days": agenda_days,
            "decision_list_term_days": decision_list_days,
        },
    )
    demo.bodies[code] = body
    return body


def _build_bodies(demo: Demo) -> None:
    chair, member = Membership.Role.CHAIR, Membership.Role.MEMBER
    m = demo.municipalities

    daily_board = _body(demo, Body.Kind.DAILY_BOARD, "DB", "Dagelijks bestuur Midwestoverleg")
    _join(daily_board, demo.mayor(DAILY_BOARD_CHAIR), chair, m[DAILY_BOARD_CHAIR])
    for name in DAILY_BOARD_MEMBERS:
        _join(daily_board, demo.mayor(name), member, m[name])
    _join(daily_board, demo.coordinator, Membership.Role.SECRETARY)

    for plan in CLUSTERS:
        cluster = _body(demo, Body.Kind.CLUSTER, plan.code, plan.name)
        group = _body(demo, Body.Kind.INTERVISION_GROUP, plan.group_code, plan.group_name, cluster)
        for name in MUNICIPALITIES:
            _join(cluster, demo.mayor(name), chair if name in plan.chairs else member, m[name])
            _join(
                group, demo.director(name), chair if name == plan.group_chair else member, m[name]
            )
        # The group's chair carries the group's work into the cluster.
        _join(cluster, demo.director(plan.group_chair), member, m[plan.group_chair])

    assembly = _body(demo, Body.Kind.GENERAL_ASSEMBLY, "AV-DVV", "Algemene vergadering DVV Midwest")
    for name in MUNICIPALITIES:
        _join(assembly, demo.mayor(name), chair if name == ASSEMBLY_CHAIR else member, m[name])

    board = _body(demo, Body.Kind.BOARD, "RVB-DVV", "Raad van bestuur DVV Midwest")
    _join(board, demo.mayor(BOARD_CHAIR), chair, m[BOARD_CHAIR])
    for name in BOARD_MEMBERS:
        _join(board, demo.mayor(name), member, m[name])

    # How decisions travel: the clusters report to the daily board of the Midwestoverleg,
    # which prepares the DVV's board and general assembly.
    for cluster in Body.objects.filter(region=demo.region, kind=Body.Kind.CLUSTER):
        cluster.forwards_to.add(daily_board)
    daily_board.forwards_to.add(board, assembly)


# --- The story ---------------------------------------------------------------------


def region_has_items(region: Region) -> bool:
    """Return whether the region has agenda items (its story was told, or real work began)."""
    return AgendaItem.objects.filter(intervision_group__region=region).exists()


def tell_story(demo: Demo) -> None:
    """Bring the region to life: meetings and items in every state, through the workflow."""
    _Story(demo).tell()


def _at(days: int, hour: int) -> dt.datetime:
    """Return the moment `days` from today at `hour` o'clock, local time."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _in_hours(hours: int) -> dt.datetime:
    """Return a moment about `hours` from now, on the quarter hour (a meeting time)."""
    moment = timezone.localtime() + dt.timedelta(hours=hours)
    return moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)


class _Story:
    """The chapters of the demo story; each leaves items in a few states."""

    def __init__(self, demo: Demo) -> None:
        self.demo = demo
        self.today = timezone.localdate()

    def tell(self) -> None:
        """Tell the chapters in the order they happened."""
        self.early_work()
        self.ruimte_meeting_today()
        self.ict_meeting_today()
        self.welzijn_meeting_next_week()
        self.klimaat_meetings()

    # -- helpers ------------------------------------------------------------------

    def person(self, username: str) -> Person:
        return self.demo.people[username]

    def new_item(
        self,
        cluster: str,
        author: str,
        title: str,
        rationale: str,
        proposed_decision: str = "",
        *,
        municipalities: Sequence[str] = MUNICIPALITIES,
        kind: str = AgendaItem.Kind.DECISION,
        confidential: bool = False,
    ) -> AgendaItem:
        """Create a draft item of `author` in the group that prepares for `cluster`."""
        item = AgendaItem.objects.create(
            title=title,
            rationale=rationale,
            proposed_decision=proposed_decision,
            kind=kind,
            author=self.demo.director(author),
            intervision_group=self.demo.bodies[f"IG-{cluster}"],
            target_cluster=self.demo.bodies[f"CL-{cluster}"],
            confidential=confidential,
        )
        item.municipalities.set(self.demo.municipalities_named(municipalities))
        return item

    def group_chair(self, item: AgendaItem) -> Person:
        plan = next(p for p in CLUSTERS if p.group_code == item.intervision_group.code)
        return self.demo.director(plan.group_chair)

    def prepare(self, item: AgendaItem) -> AgendaItem:
        """Submit, prepare and endorse an item, as its author and its group's chair do."""
        fire(item, "submit", actor=item.author)
        chair = self.group_chair(item)
        fire(item, "start_preparation", actor=chair)
        fire(item, "endorse", actor=chair, comment="Klaar voor de cluster.")
        return item

    def plan_meeting(
        self, cluster: str, starts_at: dt.datetime, deadline: dt.datetime, location: str
    ) -> Meeting:
        return meeting_plan(
            body=self.demo.bodies[f"CL-{cluster}"],
            starts_at=starts_at,
            submission_deadline=deadline,
            location=location,
            actor=self.demo.coordinator,
        )

    def schedule(self, meeting: Meeting, *items: AgendaItem) -> None:
        for item in items:
            fire(item, "schedule", actor=self.demo.coordinator, meeting=meeting.pk)

    def attend(
        self,
        meeting: Meeting,
        present: Iterable[Person],
        excused: Iterable[Person] = (),
        absent: Iterable[Person] = (),
    ) -> None:
        for status, people in (("present", present), ("excused", excused), ("absent", absent)):
            for person in people:
                attendance_record(
                    meeting=meeting, person=person, status=status, actor=self.demo.coordinator
                )

    def votes(
        self, meeting: Meeting, against: Sequence[str] = (), abstain: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        """Return one vote per municipality present: for, unless named otherwise."""
        names = {m.pk: name for name, m in self.demo.municipalities.items()}
        choices = {name: "against" for name in against} | {name: "abstain" for name in abstain}
        return [
            {"municipality": pk, "vote": choices.get(names[pk], "for")}
            for pk in sorted(quorum_of(meeting).present)
        ]

    def action(
        self,
        item: AgendaItem,
        title: str,
        due_in_days: int,
        *,
        description: str = "",
        assignee: str | None = None,
        service: str | None = None,
    ) -> Action:
        return Action.objects.create(
            item=item,
            title=title,
            description=description,
            assignee=self.person(assignee) if assignee else None,
            service=self.demo.services[service] if service else None,
            due_date=self.today + dt.timedelta(days=due_in_days),
        )

    def mayors(self, names: Iterable[str]) -> list[Person]:
        return [self.demo.mayor(name) for name in names]

    # -- chapters -----------------------------------------------------------------

    def early_work(self) -> None:
        """Leave items short of a cluster: draft, sent back, submitted, in preparation and
        withdrawn."""
        self.new_item(
            "KLIMAAT",
            "Pittem",
            "Gezamenlijke aankoop van LED-openbare verlichting",
            "Door samen aan te kopen kunnen de besturen de omschakeling naar LED-verlichting "
            "versnellen en een betere prijs bedingen. Eerste inventaris van de armaturen per "
            "gemeente loopt nog.",
            municipalities=("Pittem", "Ruiselede", "Wingene", "Tielt"),
        )

        sent_back = self.new_item(
            "RUIMTE",
            "Staden",
            "Regionaal toezicht op bouwovertredingen",
            "Kleinere besturen hebben te weinig capaciteit om bouwovertredingen op te volgen. "
            "De toezichthouder van de DVV Midwest kan de vaststellingen voor hen opnemen.",
            "De cluster vraagt de DVV Midwest het toezicht op bouwovertredingen regionaal te "
            "organiseren.",
            municipalities=("Staden", "Moorslede", "Hooglede", "Lichtervelde"),
        )
        fire(sent_back, "submit", actor=sent_back.author)
        fire(sent_back, "start_preparation", actor=self.group_chair(sent_back))
        fire(
            sent_back,
            "send_back",
            actor=self.group_chair(sent_back),
            comment="Graag eerst nagaan hoeveel dossiers de toezichthouder per gemeente kan "
            "opnemen, met een kostenraming.",
        )

        submitted = self.new_item(
            "KLIMAAT",
            "Izegem",
            "Uitbreiding van de gedeelde toezichthouder naar milieuhandhaving",
            "Klachten over geur, lawaai en sluikstorten vragen een vaststelling door een "
            "bevoegde toezichthouder. De gedeelde toezichthouder kan die taak opnemen voor de "
            "besturen die dat wensen.",
            "De cluster keurt de uitbreiding van de opdracht van de toezichthouder naar "
            "milieuhandhaving goed.",
        )
        fire(submitted, "submit", actor=submitted.author)

        in_preparation = self.new_item(
            "ICT",
            "Ruiselede",
            "Informatieveiligheid: gedeelde functionaris voor gegevensbescherming",
            "Elk bestuur moet een functionaris voor gegevensbescherming aanstellen. Een gedeelde "
            "functionaris bij de DVV Midwest waarborgt de continuïteit en bundelt de expertise "
            "rond informatieveiligheid.",
            "De cluster keurt de aanstelling van een gedeelde functionaris voor "
            "gegevensbescherming via de DVV Midwest goed.",
            # Weaknesses in the municipalities' security are discussed in closed session.
            confidential=True,
        )
        fire(in_preparation, "submit", actor=in_preparation.author)
        # The coordinator may start the preparation too; here she does, to show it.
        fire(in_preparation, "start_preparation", actor=self.demo.coordinator)

        withdrawn = self.new_item(
            "KLIMAAT",
            "Wingene",
            "Gezamenlijke uitbating van de recyclageparken",
            "Voorstel om de recyclageparken van de besturen met gelijke openingsuren en één "
            "toegangssysteem uit te baten.",
            "De cluster keurt de gezamenlijke uitbating van de recyclageparken goed.",
            municipalities=("Wingene", "Ruiselede", "Tielt", "Pittem"),
        )
        fire(withdrawn, "submit", actor=withdrawn.author)
        fire(
            withdrawn,
            "withdraw",
            actor=withdrawn.author,
            comment="De afvalintercommunale neemt dit regionaal op; het voorstel is niet meer "
            "nodig.",
        )

    def ruimte_meeting_today(self) -> None:
        """Hold tonight's meeting of CL-RUIMTE from convening to closing: approve one item
        (then ratified in part), approve one into execution, reject one, note one."""
        vision = self.prepare(
            self.new_item(
                "RUIMTE",
                "Roeselare",
                "Regionale mobiliteitsvisie Midwest 2030",
                "De vervoerregio vraagt een gedragen regionale visie op openbaar vervoer en "
                "mobiliteit. De intervisiegroep bundelde de mobiliteitsplannen van de zestien "
                "besturen tot één visie met drie sporen: een fijnmazig netwerk van "
                "hoppinpunten, veilige schoolroutes en een regionaal fietsnetwerk.",
                "De cluster keurt de regionale mobiliteitsvisie Midwest 2030 goed en vraagt de "
                "besturen ze te bekrachtigen in hun gemeenteraad.",
            )
        )
        cycle_route = self.prepare(
            self.new_item(
                "RUIMTE",
                "Tielt",
                "Fietsostrade Roeselare–Tielt: gezamenlijke subsidieaanvraag",
                "Het provinciale fietsfonds subsidieert bovenlokale fietsroutes. De besturen "
                "langs het tracé dienen best één gezamenlijk dossier in, met de "
                "GIS-coördinator als trekker voor de tracéstudie.",
                "De cluster keurt de gezamenlijke subsidieaanvraag goed en belast de coördinator "
                "met het indienen van het dossier.",
                municipalities=("Ardooie", "Pittem", "Roeselare", "Tielt"),
            )
        )
        parking = self.prepare(
            self.new_item(
                "RUIMTE",
                "Izegem",
                "Harmonisering van de parkeertarieven in de centrumsteden",
                "Voorstel om de tarieven voor kortparkeren in Roeselare, Izegem en Tielt gelijk "
                "te trekken, zodat bezoekers niet uitwijken naar de goedkoopste kern.",
                "De cluster adviseert de besturen om één tariefrooster voor kortparkeren te "
                "hanteren.",
                municipalities=("Izegem", "Roeselare", "Tielt"),
            )
        )
        canal = self.prepare(
            self.new_item(
                "RUIMTE",
                "Ingelmunster",
                "Stand van zaken: opwaardering kanaal Roeselare-Leie",
                "De waterwegbeheerder geeft een stand van zaken van de werken aan sluizen en "
                "bruggen langs het kanaal en de hinder voor het verkeer in Ingelmunster, "
                "Izegem en Wielsbeke.",
                "De cluster neemt kennis van de stand van zaken.",
                kind=AgendaItem.Kind.INFORMATION,
                municipalities=("Ingelmunster", "Izegem", "Roeselare", "Wielsbeke"),
            )
        )

        starts_at = _in_hours(2)
        meeting = self.plan_meeting(
            "RUIMTE",
            starts_at,
            starts_at - dt.timedelta(minutes=45),
            "Raadzaal stadhuis Roeselare",
        )
        self.schedule(meeting, vision, cycle_route, parking, canal)
        chair = self.demo.mayor("Roeselare")
        fire(meeting, "convene", actor=chair)
        self.attend(
            meeting,
            present=[
                *self.mayors(
                    (
                        "Ardooie",
                        "Hooglede",
                        "Ingelmunster",
                        "Izegem",
                        "Lichtervelde",
                        "Moorslede",
                        "Pittem",
                        "Roeselare",
                        "Staden",
                        "Tielt",
                        "Wingene",
                    )
                ),
                self.demo.director("Hooglede"),
            ],
            excused=self.mayors(("Ledegem", "Meulebeke", "Ruiselede", "Wielsbeke")),
            absent=self.mayors(("Oostrozebeke",)),
        )
        fire(meeting, "open", actor=chair)
        for item in (vision, cycle_route, parking, canal):
            item.refresh_from_db()

        fire(vision, "approve", actor=chair, text=vision.proposed_decision, consensus=True)
        fire(
            cycle_route,
            "approve",
            actor=self.demo.mayor("Tielt"),
            text=cycle_route.proposed_decision,
            votes=self.votes(meeting, abstain=("Staden",)),
        )
        fire(
            parking,
            "reject",
            actor=chair,
            text="De cluster verwerpt het voorstel: de besturen houden vast aan een eigen "
            "parkeerbeleid, afgestemd op hun handelskern.",
            votes=self.votes(
                meeting,
                against=("Ardooie", "Hooglede", "Ingelmunster", "Izegem", "Lichtervelde", "Pittem"),
                abstain=("Moorslede",),
            ),
        )
        fire(canal, "take_note", actor=self.demo.mayor("Lichtervelde"))
        fire(meeting, "close", actor=chair)

        self.ratify_vision(vision)
        self.execute_cycle_route(cycle_route)

    def ratify_vision(self, vision: AgendaItem) -> None:
        """Record that some councils ratified the vision, one declined and one needs none."""
        ratifications = {
            r.municipality.name: r
            for r in Ratification.objects.filter(decision__item=vision).select_related(
                "municipality"
            )
        }
        year = self.today.year
        for name, deciding_body, reference, actor in (
            ("Roeselare", "gemeenteraad", f"GR {year}/212", self.demo.director("Roeselare")),
            ("Tielt", "gemeenteraad", f"GR {year}/148", self.demo.director("Tielt")),
            ("Izegem", "college", f"CBS {year}/1931", self.demo.coordinator),
            ("Wingene", "college", f"CBS {year}/877", self.demo.director("Wingene")),
        ):
            fire(
                ratifications[name],
                "ratify",
                actor=actor,
                date=self.today,
                deciding_body=deciding_body,
                reference=reference,
            )
        fire(
            ratifications["Staden"],
            "decline",
            actor=self.demo.director("Staden"),
            reason="De gemeenteraad wil eerst het eigen mobiliteitsplan afronden.",
        )
        fire(
            ratifications["Ledegem"],
            "waive",
            actor=self.demo.coordinator,
            comment="Ledegem volgt de visie via de vervoerregio; een eigen besluit is niet nodig.",
        )

    def execute_cycle_route(self, item: AgendaItem) -> None:
        """Start executing the cycle route: one action done, one busy, one overdue."""
        tracing = self.action(
            item,
            "Tracévarianten intekenen in het regionale GIS",
            21,
            description="Drie varianten met de kruisingen en de eigendomsstructuur.",
            assignee="dvv-gis",
            service="gis",
        )
        application = self.action(
            item,
            "Subsidiedossier indienen bij de provincie",
            45,
            assignee="coordinator",
        )
        self.action(
            item,
            "Eigenaars langs het tracé informeren",
            -3,
            description="Infomoment in Ardooie en Pittem organiseren.",
            assignee=director_username("Ardooie"),
        )
        fire(item, "start_execution", actor=self.demo.coordinator)
        gis = self.person("dvv-gis")
        fire(tracing, "start", actor=gis)
        fire(tracing, "complete", actor=gis, comment="Varianten staan op het GIS-platform.")
        fire(application, "start", actor=self.demo.coordinator)

    def ict_meeting_today(self) -> None:
        """Hold tonight's meeting of CL-ICT: the GIS platform goes into execution, the
        e-depot is carried out to the end."""
        platform = self.prepare(
            self.new_item(
                "ICT",
                "Tielt",
                "Regionaal GIS-platform voor de zes GIS-gemeenten",
                "De intergemeentelijke GIS-coördinator werkt voor Ledegem, Lichtervelde, "
                "Ruiselede, Tielt, Wielsbeke en Wingene. Een gedeeld GIS-platform vervangt zes "
                "losse licenties, maakt de kaartlagen (riolering, wegen, ruimtelijke "
                "uitvoeringsplannen) onderling beschikbaar en verlaagt de kosten.",
                "De cluster keurt de overstap naar één regionaal GIS-platform goed en vraagt de "
                "DVV Midwest de migratie uit te voeren.",
                municipalities=GIS_MUNICIPALITIES,
            )
        )
        edepot = self.prepare(
            self.new_item(
                "ICT",
                "Meulebeke",
                "Archiefbeheer: gemeenschappelijk e-depot",
                "Het archiefteam van de DVV Midwest stelt voor om de digitale archieven van de "
                "besturen in één e-depot te bewaren dat aan het Archiefdecreet voldoet, in "
                "plaats van elk bestuur een eigen oplossing te laten zoeken.",
                "De cluster keurt de aansluiting op een gemeenschappelijk e-depot goed.",
                municipalities=("Hooglede", "Ingelmunster", "Meulebeke", "Oostrozebeke", "Staden"),
            )
        )

        starts_at = _in_hours(3)
        meeting = self.plan_meeting(
            "ICT",
            starts_at,
            starts_at - dt.timedelta(minutes=45),
            "Raadzaal gemeentehuis Ledegem",
        )
        self.schedule(meeting, platform, edepot)
        chair = self.demo.mayor("Ledegem")
        fire(meeting, "convene", actor=chair)
        self.attend(
            meeting,
            present=[
                *self.mayors(
                    (
                        "Hooglede",
                        "Ingelmunster",
                        "Ledegem",
                        "Lichtervelde",
                        "Meulebeke",
                        "Oostrozebeke",
                        "Pittem",
                        "Ruiselede",
                        "Tielt",
                        "Wielsbeke",
                    )
                ),
                self.demo.director("Wielsbeke"),
            ],
            excused=self.mayors(("Ardooie", "Izegem", "Roeselare", "Wingene")),
        )
        fire(meeting, "open", actor=chair)
        platform.refresh_from_db()
        edepot.refresh_from_db()
        fire(platform, "approve", actor=chair, text=platform.proposed_decision, consensus=True)
        fire(
            edepot,
            "approve",
            actor=self.demo.mayor("Pittem"),
            text=edepot.proposed_decision,
            votes=self.votes(meeting, abstain=("Lichtervelde",)),
        )
        fire(meeting, "close", actor=self.demo.mayor("Pittem"))
        # Its minutes are approved, so the region's open data has a full set of notulen.
        fire(meeting, "approve_minutes", actor=chair)

        self.execute_platform(platform)
        self.execute_edepot(edepot)

    def execute_platform(self, item: AgendaItem) -> None:
        """Start executing the GIS platform: one action done, one busy, one blocked."""
        migration = self.action(
            item,
            "Kaartlagen van de zes gemeenten migreren naar het gedeelde platform",
            30,
            service="gis",
        )
        training = self.action(
            item,
            "Opleiding voor de gemeentelijke GIS-contactpersonen",
            60,
            assignee="dvv-gis",
            service="gis",
        )
        contract = self.action(
            item, "Verwerkersovereenkomst met de softwareleverancier afsluiten", 14, service="ict"
        )
        fire(item, "start_execution", actor=self.demo.coordinator)
        gis, ict = self.person("dvv-gis"), self.person("dvv-ict")
        fire(migration, "start", actor=gis)
        fire(migration, "complete", actor=gis)
        fire(training, "start", actor=gis)
        fire(
            contract,
            "block",
            actor=ict,
            reason="Wacht op het advies van de functionaris voor gegevensbescherming.",
        )
        for ratification, reference in zip(
            Ratification.objects.filter(
                decision__item=item, municipality__name__in=("Tielt", "Wingene")
            ).order_by("municipality__name"),
            (f"CBS {self.today.year}/0412", f"CBS {self.today.year}/0388"),
            strict=True,
        ):
            fire(
                ratification,
                "ratify",
                actor=self.demo.director(ratification.municipality.name),
                date=self.today,
                deciding_body="college",
                reference=reference,
            )

    def execute_edepot(self, item: AgendaItem) -> None:
        """Carry the e-depot out: every action done, then the item completed."""
        tender = self.action(
            item, "Bestek voor het e-depot opmaken", 10, assignee="dvv-archief", service="archief"
        )
        transfer = self.action(
            item, "Eerste overdracht van digitale bouwdossiers", 20, service="archief"
        )
        fire(item, "start_execution", actor=self.demo.coordinator)
        archivist = self.person("dvv-archief")
        for action in (tender, transfer):
            fire(action, "start", actor=archivist)
            fire(action, "complete", actor=archivist)
        fire(item, "complete", actor=self.demo.coordinator, comment="Alle acties afgerond.")

    def welzijn_meeting_next_week(self) -> None:
        """Convene next week's meeting of CL-WELZIJN with three items on its agenda."""
        items = [
            self.prepare(
                self.new_item(
                    "WELZIJN",
                    "Ingelmunster",
                    "Afstemming van de werking van de eerstelijnszones",
                    "De zestien besturen behoren tot verschillende eerstelijnszones. Om dubbel "
                    "werk te vermijden stelt de intervisiegroep een gemeenschappelijk "
                    "aanspreekpunt en een jaarlijkse afstemming met de zorgraden voor.",
                    "De cluster keurt de samenwerkingsafspraken met de eerstelijnszones goed.",
                )
            ),
            self.prepare(
                self.new_item(
                    "WELZIJN",
                    "Oostrozebeke",
                    "Wijk-werken: gezamenlijke organisatie in Midwest",
                    "Wijk-werken wordt nu per bestuur of per OCMW-vereniging georganiseerd. Een "
                    "gezamenlijke wijk-werkorganisatie vereenvoudigt de administratie en spreidt "
                    "de begeleiding van wijk-werkers over de regio.",
                    "De cluster vraagt de DVV Midwest een voorstel van gezamenlijke "
                    "wijk-werkorganisatie uit te werken, met een kostenverdeling per inwoner.",
                )
            ),
            self.prepare(
                self.new_item(
                    "WELZIJN",
                    "Wielsbeke",
                    "Rechtstreeks toegankelijke jeugdhulp: regionaal aanspreekpunt",
                    "Gezinnen weten vaak niet waar ze terechtkunnen met een vraag over "
                    "opvoeding of jeugdhulp. Eén regionaal aanspreekpunt, met zitdagen in elk "
                    "sociaal huis, maakt de weg korter.",
                    "De cluster keurt de oprichting van een regionaal aanspreekpunt voor "
                    "rechtstreeks toegankelijke jeugdhulp goed.",
                    municipalities=("Wielsbeke", "Oostrozebeke", "Meulebeke", "Ingelmunster"),
                )
            ),
        ]
        starts_at = _at(7, 19)
        meeting = meeting_plan(
            body=self.demo.bodies["CL-WELZIJN"],
            starts_at=starts_at,
            submission_deadline=_at(3, 12),
            location="Vergaderzaal sociaal huis Izegem",
            actor=self.demo.mayor("Izegem"),
        )
        self.schedule(meeting, *items)
        fire(meeting, "convene", actor=self.demo.mayor("Izegem"))
        self.attend(meeting, present=(), excused=self.mayors(("Meulebeke", "Staden")))

    def klimaat_meetings(self) -> None:
        """Plan a meeting in a month and cancel an earlier one, whose item goes back to
        prepared."""
        renovation = self.prepare(
            self.new_item(
                "KLIMAAT",
                "Hooglede",
                "Klimaatplan 2030: regionale renovatiebegeleiding voor woningen",
                "Het Klimaatoverleg Midwest stelt voor om de renovatiebegeleiding voor "
                "eigenaars regionaal te organiseren, met één loket en gezamenlijke "
                "energiescans, als bijdrage aan de doelstellingen van het klimaatplan 2030.",
                "De cluster keurt de regionale renovatiebegeleiding goed en vraagt de "
                "deelnemende besturen de kosten per inwoner te dragen.",
                municipalities=COALITIONS["Klimaatoverleg Midwest"],
            )
        )
        chargers = self.prepare(
            self.new_item(
                "KLIMAAT",
                "Lichtervelde",
                "Gezamenlijke aankoop van laadpalen op openbaar domein",
                "Met één raamcontract voor laadpalen kunnen de besturen sneller laadpunten "
                "plaatsen op openbare parkings en de vraag van inwoners opvangen.",
                "De cluster keurt de gezamenlijke aankoop van laadpalen via de DVV Midwest goed.",
            )
        )
        cancelled = self.plan_meeting(
            "KLIMAAT", _at(10, 19), _at(3, 12), "Raadzaal gemeentehuis Ardooie"
        )
        self.schedule(cancelled, chargers)
        fire(
            cancelled,
            "cancel",
            actor=self.demo.mayor("Ardooie"),
            comment="Geannuleerd: valt samen met de begrotingsbesprekingen in de gemeenteraden. "
            "De punten schuiven door naar de volgende vergadering.",
        )
        planned = self.plan_meeting(
            "KLIMAAT", _at(30, 19), _at(23, 12), "Raadzaal gemeentehuis Staden"
        )
        self.schedule(planned, renovation)

        # The DVV's general assembly meets in six days and is not yet convened: its agenda
        # should have been public two days ago (8 days before), which the overview shows.
        meeting_plan(
            body=self.demo.bodies["AV-DVV"],
            starts_at=_at(6, 19),
            submission_deadline=_at(1, 12),
            location="Raadzaal stadhuis Tielt",
            actor=self.demo.coordinator,
        )


# --- The command --------------------------------------------------------------------


def summary(region: Region) -> list[tuple[str, int]]:
    """Return what the region holds, as (label, count) pairs."""
    items = AgendaItem.objects.filter(intervision_group__region=region)
    return [
        ("municipalities", region.municipalities.count()),
        ("bodies", region.bodies.count()),
        ("memberships", Membership.objects.filter(body__region=region).count()),
        ("services", region.services.count()),
        ("coalitions", region.coalitions.count()),
        ("people", region.people.count()),
        ("meetings", Meeting.objects.filter(body__region=region).count()),
        ("agenda items", items.count()),
        ("decisions", Decision.objects.filter(item__in=items).count()),
        ("actions", Action.objects.filter(item__in=items).count()),
        ("ratifications", Ratification.objects.filter(decision__item__in=items).count()),
        ("history entries", TransitionLog.objects.filter(actor__region=region).count()),
    ]


class Command(BaseCommand):
    help = (
        "Build the demo region Midwest with fictional people and a living story. "
        "Idempotent; refuses to run without DEBUG unless --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (the demo accounts share a public password).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates accounts with a public demo password and refuses to run "
                "while DEBUG is off. Pass --force if you really want the demo data here."
            )
        with transaction.atomic():
            demo = build_organisation()
            told = not region_has_items(demo.region)
            if told:
                tell_story(demo)
        self.stdout.write(
            self.style.SUCCESS(f"Demo region {demo.region.name} is ready.")
            + (
                ""
                if told
                else " Its story was already told; only the organisation was brought up to date."
            )
        )
        for label, count in summary(demo.region):
            self.stdout.write(f"  {label}: {count}")
        states = Counter(
            AgendaItem.objects.filter(intervision_group__region=demo.region).values_list(
                "state", flat=True
            )
        )
        self.stdout.write(
            "  items by state: "
            + ", ".join(f"{state} {count}" for state, count in sorted(states.items()))
        )
