"""The demo region's organisation: Midwest's municipalities, bodies, services,
coalitions and (fictional) people, after the public description of the Midwestoverleg.

Everything is written with get_or_create/update_or_create (these rows have no service:
an administrator keeps them in the admin), so a second run finds everything in place
and adds nothing; nothing is ever deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.utils.text import slugify

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

REGION_NAME = "Midwest"
REGION_SLUG = "midwest"
EMAIL_DOMAIN = "demo.midwest.invalid"
COORDINATOR = "coordinator"
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


def substitute_username(municipality: str) -> str:
    """Return the demo username of the alderman who stands in for a municipality's mayor."""
    return f"alderman-{slugify(municipality)}"


# The aldermen designated to stand in for their mayor in the clusters (fictional people).
SUBSTITUTES: dict[str, tuple[str, str]] = {
    "Izegem": ("Griet", "Vanhoutte"),
    "Roeselare": ("Pieter", "Debeuckelaere"),
}


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

    def person(self, username: str) -> Person:
        return self.people[username]

    @property
    def coordinator(self) -> Person:
        return self.people[COORDINATOR]

    def group_chair(self, group: Body) -> Person:
        """Return the general director who chairs an intervision group."""
        plan = next(plan for plan in CLUSTERS if plan.group_code == group.code)
        return self.director(plan.group_chair)

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
            COORDINATOR,
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
    for name, full_name in SUBSTITUTES.items():
        plans.append(
            (
                substitute_username(name),
                *full_name,
                {"function": Person.Function.ALDERMAN, "municipality": municipalities[name]},
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
    substitutes_for: Person | None = None,
) -> None:
    Membership.objects.update_or_create(
        body=body,
        person=person,
        start_date=MEMBERSHIP_START,
        defaults={
            "role": role,
            "municipality": municipality,
            "substitutes_for": substitutes_for,
            "end_date": None,
        },
    )


# The DVV's general assembly and board publish like a council: the agenda 8 days before
# the meeting, the decision list within 10 days after it (Decreet Lokaal Bestuur).
LEGAL_TERMS: dict[str, tuple[int | None, int | None]] = {
    Body.Kind.GENERAL_ASSEMBLY: (8, 10),
    Body.Kind.BOARD: (8, 10),
}


# Every body but an intervision group opens with the approval of its last minutes.
STANDING = "Goedkeuring van de notulen van de vorige vergadering"


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
            "standing_entries": "" if kind == Body.Kind.INTERVISION_GROUP else STANDING,
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
        for name in SUBSTITUTES:
            substitute = demo.person(substitute_username(name))
            _join(cluster, substitute, Membership.Role.SUBSTITUTE, m[name], demo.mayor(name))

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
