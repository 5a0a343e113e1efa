"""The fora the coordinator serves besides the clusters: the Expertise Centrum voor
Gemeentesecretarissen Roeselare-Tielt and the OCMW-voorzittersoverleg.

A forum meets, keeps minutes and follows up actions, but decides nothing that the
municipalities ratify: its items are noted. Its organisation is brought up to date with
the rest (`build_fora`), its story told once, with the region's (`tell_fora`), through
the same services and entry point as the story of the clusters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password

from backend.agenda.models import AgendaItem
from backend.demo.organisation import (
    COORDINATOR,
    EMAIL_DOMAIN,
    MUNICIPALITIES,
    Demo,
    _body,
    _join,
    director_username,
)
from backend.demo.story import (
    AUTHOR,
    GROUP_CHAIR,
    ActionPlan,
    Chapter,
    Decide,
    ItemPlan,
    MeetingPlan,
    Move,
    When,
    _Teller,
    tell_story,
)
from backend.organisations.models import Body, Membership, Person

EXPERTISE_CENTRE = "EC-GS"
OCMW_CHAIRS = "OCMW-VZ"
FORA: dict[str, str] = {
    EXPERTISE_CENTRE: "Expertise Centrum voor Gemeentesecretarissen Roeselare-Tielt",
    OCMW_CHAIRS: "OCMW-voorzittersoverleg",
}

# The general director (gemeentesecretaris) of Roeselare chairs the Expertise Centrum.
EXPERTISE_CENTRE_CHAIR = "Roeselare"

# Fictional chairs of the OCMW (the council for social welfare) of a few municipalities:
# any likeness to a real mandatary is a coincidence.
OCMW_CHAIR_NAMES: dict[str, tuple[str, str]] = {
    "Ingelmunster": ("Sarah", "Verschuere"),
    "Izegem": ("Koen", "Demuynck"),
    "Meulebeke": ("Dries", "Vanwalleghem"),
    "Roeselare": ("Lotte", "Vanhee"),
    "Tielt": ("Martine", "Vandaele"),
    "Wingene": ("Jeroen", "Decock"),
}
OCMW_CHAIRS_CHAIR = "Izegem"


def ocmw_chair_username(municipality: str) -> str:
    """Return the demo username of the chair of a municipality's OCMW."""
    return f"ocmw-{municipality.lower()}"


def build_fora(demo: Demo) -> None:
    """Create or update both fora, the OCMW chairs and their memberships."""
    chair, member = Membership.Role.CHAIR, Membership.Role.MEMBER
    m = demo.municipalities
    centre = _body(demo, Body.Kind.FORUM, EXPERTISE_CENTRE, FORA[EXPERTISE_CENTRE])
    for name in MUNICIPALITIES:
        role = chair if name == EXPERTISE_CENTRE_CHAIR else member
        _join(centre, demo.director(name), role, m[name])
    _join(centre, demo.coordinator, Membership.Role.SECRETARY)

    overleg = _body(demo, Body.Kind.FORUM, OCMW_CHAIRS, FORA[OCMW_CHAIRS])
    password = make_password(settings.DEMO_PASSWORD)
    for name, (first_name, last_name) in OCMW_CHAIR_NAMES.items():
        username = ocmw_chair_username(name)
        values = {
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@{EMAIL_DOMAIN}",
            "region": demo.region,
            "municipality": m[name],
            "function": Person.Function.ALDERMAN,
        }
        person, _created = Person.objects.update_or_create(
            username=username, defaults=values, create_defaults={**values, "password": password}
        )
        demo.people[username] = person
        _join(overleg, person, chair if name == OCMW_CHAIRS_CHAIR else member, m[name])
    _join(overleg, demo.coordinator, Membership.Role.SECRETARY)


@dataclass(frozen=True, eq=False)
class ForumItemPlan(ItemPlan):
    """An item for forum `forum`, drafted and prepared like any other in the intervision
    group `IG-<cluster>`; after it is noted, its actions are followed up (the item stays
    completed: there is nothing to execute)."""

    forum: str = ""


# Submitted by its author, prepared and endorsed by the group's chair: ready for a forum.
PREPARED_FOR_FORUM = (
    Move("submit", AUTHOR),
    Move("start_preparation", GROUP_CHAIR),
    Move("endorse", GROUP_CHAIR, "Klaar voor het overlegforum."),
)

DIGITAL_SIGNING = ForumItemPlan(
    "ICT",
    "Roeselare",
    "Digitaal ondertekenen van notulen en besluitenlijsten",
    "Sinds de besturen hun notulen en besluitenlijsten digitaal publiceren, vragen "
    "verschillende algemeen directeurs hoe ze die rechtsgeldig digitaal ondertekenen. "
    "Een overzicht van de werkwijzen in de zestien besturen, met de ervaringen van "
    "Roeselare en Tielt.",
    "Het Expertise Centrum neemt akte van het overzicht.",
    kind=AgendaItem.Kind.INFORMATION,
    moves=PREPARED_FOR_FORUM,
    forum=EXPERTISE_CENTRE,
    actions=(
        ActionPlan(
            "Modelwerkwijze voor digitale ondertekening rondsturen naar de besturen",
            30,
            description="Met de stappen in het notulenbeheer en een voorbeeld van Roeselare.",
            assignee=COORDINATOR,
            moves=(Move("start", COORDINATOR),),
        ),
    ),
)
EXPERTISE_CENTRE_TODAY = MeetingPlan(
    EXPERTISE_CENTRE,
    When(hours=1),
    When(hours=1, minutes=-45),
    "Vergaderzaal stadhuis Tielt",
    items=(DIGITAL_SIGNING,),
    convened_by=director_username(EXPERTISE_CENTRE_CHAIR),
    present=tuple(
        director_username(name)
        for name in MUNICIPALITIES
        if name not in ("Ledegem", "Moorslede", "Oostrozebeke", "Wielsbeke")
    ),
    excused=tuple(director_username(name) for name in ("Ledegem", "Moorslede", "Wielsbeke")),
    absent=(director_username("Oostrozebeke"),),
    opened_by=director_username(EXPERTISE_CENTRE_CHAIR),
    decisions=(Decide(DIGITAL_SIGNING, "take_note", director_username(EXPERTISE_CENTRE_CHAIR)),),
    closed_by=director_username(EXPERTISE_CENTRE_CHAIR),
    minutes_approved_by=director_username(EXPERTISE_CENTRE_CHAIR),
)

ENERGY_POVERTY = ForumItemPlan(
    "WELZIJN",
    "Ingelmunster",
    "Energiearmoede: stand van zaken in de sociale diensten",
    "De sociale diensten zien meer gezinnen met een energieschuld. Elk OCMW licht toe "
    "hoeveel dossiers het volgt, welke steun het geeft en waar de aanpak verschilt.",
    "Het OCMW-voorzittersoverleg neemt akte van de stand van zaken.",
    kind=AgendaItem.Kind.INFORMATION,
    municipalities=tuple(OCMW_CHAIR_NAMES),
    moves=PREPARED_FOR_FORUM,
    forum=OCMW_CHAIRS,
    actions=(
        ActionPlan(
            "Gezamenlijke folder over energiesteun voorbereiden",
            45,
            description="Eén folder voor de zes sociale huizen, met de contactpunten.",
            assignee=ocmw_chair_username(OCMW_CHAIRS_CHAIR),
        ),
    ),
)
OCMW_CHAIRS_TONIGHT = MeetingPlan(
    OCMW_CHAIRS,
    When(hours=4),
    When(hours=4, minutes=-45),
    "Vergaderzaal sociaal huis Izegem",
    items=(ENERGY_POVERTY,),
    convened_by=COORDINATOR,
    present=tuple(ocmw_chair_username(name) for name in OCMW_CHAIR_NAMES if name != "Meulebeke"),
    excused=(ocmw_chair_username("Meulebeke"),),
    opened_by=ocmw_chair_username(OCMW_CHAIRS_CHAIR),
    decisions=(Decide(ENERGY_POVERTY, "take_note", ocmw_chair_username(OCMW_CHAIRS_CHAIR)),),
    closed_by=ocmw_chair_username(OCMW_CHAIRS_CHAIR),
)

FORA_STORY: tuple[Chapter, ...] = (
    Chapter((DIGITAL_SIGNING,), (EXPERTISE_CENTRE_TODAY,)),
    Chapter((ENERGY_POVERTY,), (OCMW_CHAIRS_TONIGHT,)),
)


def tell_fora(
    demo: Demo, story: Iterable[Chapter] = FORA_STORY, now: dt.datetime | None = None
) -> None:
    """Tell the fora's chapters in order, every moment counted from `now`."""
    tell_story(demo, story, now, teller=_ForumTeller)


class _ForumTeller(_Teller):
    def target_of(self, plan: ItemPlan) -> Body:
        """The body the item is drafted for: its forum, or else its cluster."""
        if isinstance(plan, ForumItemPlan):
            return self.demo.bodies[plan.forum]
        return super().target_of(plan)

    def follow_up(self, plan: ItemPlan) -> None:
        """Create the actions on the noted item and make their moves."""
        item = self.items[plan]
        for action_plan in plan.actions:
            action = self.create_action(item, action_plan)
            for move in action_plan.moves:
                self.make(action, move)
