"""The demo region's story: items, meetings, decisions, actions and ratifications.

The story is data: chapters, each a few items and what their people did with them,
then the meetings where they were decided, then the follow-up of those decisions. One
function tells it all, as people would: every row through the apps' services and every
state change through `workflows.engine.fire`, by someone permitted to make it, so the
history reads like the real thing. Every moment is counted from one `now`, the moment
the story is told.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from backend.agenda.models import AgendaItem
from backend.agenda.services import item_create
from backend.demo.organisation import (
    COALITIONS,
    COORDINATOR,
    GIS_MUNICIPALITIES,
    MUNICIPALITIES,
    Demo,
    director_username,
    mayor_username,
    substitute_username,
)
from backend.followup.models import Action, Ratification
from backend.followup.services import action_create
from backend.meetings.models import AgendaEntry, Meeting
from backend.meetings.selectors import quorum_of
from backend.meetings.services import (
    attendance_record,
    conflict_record,
    meeting_plan,
    meeting_update,
)
from backend.organisations.models import Body, Person, Region
from workflows.engine import fire

# Who fires an item's move when the story names a role rather than a username.
AUTHOR = "<author>"
GROUP_CHAIR = "<group chair>"


def mayors(*municipalities: str) -> tuple[str, ...]:
    """Return the usernames of the municipalities' mayors."""
    return tuple(mayor_username(name) for name in municipalities)


@dataclass(frozen=True)
class Move:
    """A transition fired by a username (or, on an item, by AUTHOR or GROUP_CHAIR)."""

    name: str
    by: str
    comment: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class When:
    """A moment counted from the telling: `hours` from now on the quarter hour, or, with
    `at`, `days` from today at `at` o'clock; then `minutes` later (or earlier)."""

    hours: int = 0
    days: int = 0
    at: int | None = None
    minutes: int = 0

    def moment(self, now: dt.datetime) -> dt.datetime:
        """Return the moment, counted from `now`, in local time."""
        if self.at is None:
            soon = timezone.localtime(now) + dt.timedelta(hours=self.hours)
            base = soon.replace(minute=soon.minute - soon.minute % 15, second=0, microsecond=0)
        else:
            day = timezone.localdate(now) + dt.timedelta(days=self.days)
            base = timezone.make_aware(dt.datetime.combine(day, dt.time(self.at)))
        return base + dt.timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class ActionPlan:
    """A follow-up action the coordinator creates, due `due_in_days` from today, and what
    its people did with it."""

    title: str
    due_in_days: int
    description: str = ""
    assignee: str | None = None
    service: str | None = None
    moves: tuple[Move, ...] = ()


@dataclass(frozen=True)
class Ratified:
    """A municipality whose `deciding_body` ratified the decision today, under the
    reference `<register> <this year>/<number>`."""

    municipality: str
    by: str
    deciding_body: str
    register: str
    number: str


# Submitted by its author, prepared and endorsed by the group's chair: ready for a cluster.
PREPARED = (
    Move("submit", AUTHOR),
    Move("start_preparation", GROUP_CHAIR),
    Move("endorse", GROUP_CHAIR, "Klaar voor de cluster."),
)


@dataclass(frozen=True, eq=False)
class ItemPlan:
    """An item drafted by the general director of `author` in the intervision group that
    prepares for cluster `cluster`; what happened to it before a meeting (`moves`, by
    default PREPARED), and
    after its decision: the actions (executing it when there are any), the councils'
    answers (`ratified`, then `councils`, moves on one municipality's ratification) and
    who completed it."""

    cluster: str
    author: str
    title: str
    rationale: str
    proposed_decision: str = ""
    municipalities: tuple[str, ...] = MUNICIPALITIES
    kind: str = AgendaItem.Kind.DECISION
    confidential: bool = False
    moves: tuple[Move, ...] = PREPARED
    actions: tuple[ActionPlan, ...] = ()
    ratified: tuple[Ratified, ...] = ()
    councils: tuple[tuple[str, Move], ...] = ()
    completed: Move | None = None


@dataclass(frozen=True)
class Decide:
    """A decision taken in session: `approve` or `reject` (with `text`, else the proposed
    decision, by consensus or by one vote per municipality present: for, unless named
    against or abstaining) or `take_note`."""

    item: ItemPlan
    step: str
    by: str
    text: str = ""
    consensus: bool = False
    against: tuple[str, ...] = ()
    abstain: tuple[str, ...] = ()
    secret: tuple[int, int] | None = None
    """A secret vote: how many against and how many abstained (the others for)."""


@dataclass(frozen=True)
class Urgent:
    """An item put on a convened meeting after its invitation went out, by `by` (a chair),
    with `reason`; once the meeting is open, `accepted_by` (the presiding chair) records
    that the body accepted the urgency with `votes_for` of those present."""

    item: ItemPlan
    reason: str
    by: str
    accepted_by: str
    votes_for: int | None = None


@dataclass(frozen=True)
class Conflicted:
    """A member who takes no part in the deliberation and vote on `item` (art. 27 DLB)."""

    item: ItemPlan
    person: str
    reason: str


@dataclass(frozen=True)
class MeetingPlan:
    """A meeting of body `body` and how far it went: planned with `items` on its agenda
    (and its `secretary`), then cancelled, or convened (attendance taken), opened (with
    `presiding` in the chair, else the first chair present), decided, closed, its minutes
    approved; each step only when someone is named for it."""

    body: str
    starts: When
    deadline: When
    location: str
    items: tuple[ItemPlan, ...] = ()
    planned_by: str = COORDINATOR
    cancelled: Move | None = None
    convened_by: str | None = None
    present: tuple[str, ...] = ()
    excused: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    opened_by: str | None = None
    presiding: str | None = None
    secretary: str | None = None
    decisions: tuple[Decide, ...] = ()
    closed_by: str | None = None
    minutes_approved_by: str | None = None
    urgent: tuple[Urgent, ...] = ()
    """Items added after the invitation, their urgency accepted once the meeting opened
    (decided among `decisions`)."""
    conflicts: tuple[Conflicted, ...] = ()
    """Members who declared a conflict of interest on an item once the meeting opened."""
    substitutes: tuple[tuple[str, str], ...] = ()
    """Substitutes present in place of an excused member: (substitute, member)."""
    left: tuple[tuple[str, ItemPlan], ...] = ()
    """Who left during the meeting, before the entry of an item: (person, item)."""


@dataclass(frozen=True)
class Chapter:
    """Items drafted and moved in order, then the meetings held, then the follow-up."""

    items: tuple[ItemPlan, ...]
    meetings: tuple[MeetingPlan, ...] = ()


# --- Early work: items short of a cluster ----------------------------------------------

LED_LIGHTING = ItemPlan(
    "KLIMAAT",
    "Pittem",
    "Gezamenlijke aankoop van LED-openbare verlichting",
    "Door samen aan te kopen kunnen de besturen de omschakeling naar LED-verlichting "
    "versnellen en een betere prijs bedingen. Eerste inventaris van de armaturen per "
    "gemeente loopt nog.",
    municipalities=("Pittem", "Ruiselede", "Wingene", "Tielt"),
    moves=(),
)
BUILDING_OFFENCES = ItemPlan(
    "RUIMTE",
    "Staden",
    "Regionaal toezicht op bouwovertredingen",
    "Kleinere besturen hebben te weinig capaciteit om bouwovertredingen op te volgen. "
    "De toezichthouder van de DVV Midwest kan de vaststellingen voor hen opnemen.",
    "De cluster vraagt de DVV Midwest het toezicht op bouwovertredingen regionaal te organiseren.",
    municipalities=("Staden", "Moorslede", "Hooglede", "Lichtervelde"),
    moves=(
        Move("submit", AUTHOR),
        Move("start_preparation", GROUP_CHAIR),
        Move(
            "send_back",
            GROUP_CHAIR,
            "Graag eerst nagaan hoeveel dossiers de toezichthouder per gemeente kan "
            "opnemen, met een kostenraming.",
        ),
    ),
)
ENVIRONMENTAL_ENFORCEMENT = ItemPlan(
    "KLIMAAT",
    "Izegem",
    "Uitbreiding van de gedeelde toezichthouder naar milieuhandhaving",
    "Klachten over geur, lawaai en sluikstorten vragen een vaststelling door een "
    "bevoegde toezichthouder. De gedeelde toezichthouder kan die taak opnemen voor de "
    "besturen die dat wensen.",
    "De cluster keurt de uitbreiding van de opdracht van de toezichthouder naar "
    "milieuhandhaving goed.",
    moves=(Move("submit", AUTHOR),),
)
DATA_PROTECTION_OFFICER = ItemPlan(
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
    # The coordinator may start the preparation too; here she does, to show it.
    moves=(Move("submit", AUTHOR), Move("start_preparation", COORDINATOR)),
)
RECYCLING_PARKS = ItemPlan(
    "KLIMAAT",
    "Wingene",
    "Gezamenlijke uitbating van de recyclageparken",
    "Voorstel om de recyclageparken van de besturen met gelijke openingsuren en één "
    "toegangssysteem uit te baten.",
    "De cluster keurt de gezamenlijke uitbating van de recyclageparken goed.",
    municipalities=("Wingene", "Ruiselede", "Tielt", "Pittem"),
    moves=(
        Move("submit", AUTHOR),
        Move(
            "withdraw",
            AUTHOR,
            "De afvalintercommunale neemt dit regionaal op; het voorstel is niet meer nodig.",
        ),
    ),
)

# --- Tonight's meeting of CL-RUIMTE: approved (and ratified in part), approved into
# execution, rejected, noted ---------------------------------------------------------------

MOBILITY_VISION = ItemPlan(
    "RUIMTE",
    "Roeselare",
    "Regionale mobiliteitsvisie Midwest 2030",
    "De vervoerregio vraagt een gedragen regionale visie op openbaar vervoer en "
    "mobiliteit. De intervisiegroep bundelde de mobiliteitsplannen van de zestien "
    "besturen tot één visie met drie sporen: een fijnmazig netwerk van "
    "hoppinpunten, veilige schoolroutes en een regionaal fietsnetwerk.",
    "De cluster keurt de regionale mobiliteitsvisie Midwest 2030 goed en vraagt de "
    "besturen ze te bekrachtigen in hun gemeenteraad.",
    ratified=(
        Ratified("Roeselare", director_username("Roeselare"), "gemeenteraad", "GR", "212"),
        Ratified("Tielt", director_username("Tielt"), "gemeenteraad", "GR", "148"),
        Ratified("Izegem", COORDINATOR, "college", "CBS", "1931"),
        Ratified("Wingene", director_username("Wingene"), "college", "CBS", "877"),
    ),
    councils=(
        (
            "Staden",
            Move(
                "decline",
                director_username("Staden"),
                params={"reason": "De gemeenteraad wil eerst het eigen mobiliteitsplan afronden."},
            ),
        ),
        (
            "Ledegem",
            Move(
                "waive",
                COORDINATOR,
                "Ledegem volgt de visie via de vervoerregio; een eigen besluit is niet nodig.",
            ),
        ),
    ),
)
CYCLE_ROUTE = ItemPlan(
    "RUIMTE",
    "Tielt",
    "Fietsostrade Roeselare–Tielt: gezamenlijke subsidieaanvraag",
    "Het provinciale fietsfonds subsidieert bovenlokale fietsroutes. De besturen "
    "langs het tracé dienen best één gezamenlijk dossier in, met de "
    "GIS-coördinator als trekker voor de tracéstudie.",
    "De cluster keurt de gezamenlijke subsidieaanvraag goed en belast de coördinator "
    "met het indienen van het dossier.",
    municipalities=("Ardooie", "Pittem", "Roeselare", "Tielt"),
    # One action done, one busy, one overdue.
    actions=(
        ActionPlan(
            "Tracévarianten intekenen in het regionale GIS",
            21,
            description="Drie varianten met de kruisingen en de eigendomsstructuur.",
            assignee="dvv-gis",
            service="gis",
            moves=(
                Move("start", "dvv-gis"),
                Move("complete", "dvv-gis", "Varianten staan op het GIS-platform."),
            ),
        ),
        ActionPlan(
            "Subsidiedossier indienen bij de provincie",
            45,
            assignee=COORDINATOR,
            moves=(Move("start", COORDINATOR),),
        ),
        ActionPlan(
            "Eigenaars langs het tracé informeren",
            -3,
            description="Infomoment in Ardooie en Pittem organiseren.",
            assignee=director_username("Ardooie"),
        ),
    ),
)
PARKING_RATES = ItemPlan(
    "RUIMTE",
    "Izegem",
    "Harmonisering van de parkeertarieven in de centrumsteden",
    "Voorstel om de tarieven voor kortparkeren in Roeselare, Izegem en Tielt gelijk "
    "te trekken, zodat bezoekers niet uitwijken naar de goedkoopste kern.",
    "De cluster adviseert de besturen om één tariefrooster voor kortparkeren te hanteren.",
    municipalities=("Izegem", "Roeselare", "Tielt"),
)
CANAL = ItemPlan(
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
RUIMTE_TONIGHT = MeetingPlan(
    "CL-RUIMTE",
    When(hours=2),
    When(hours=2, minutes=-45),
    "Raadzaal stadhuis Roeselare",
    items=(MOBILITY_VISION, CYCLE_ROUTE, PARKING_RATES, CANAL),
    secretary=COORDINATOR,
    convened_by=mayor_username("Roeselare"),
    present=(
        *mayors(
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
        ),
        director_username("Hooglede"),
    ),
    excused=mayors("Ledegem", "Meulebeke", "Ruiselede", "Wielsbeke"),
    absent=mayors("Oostrozebeke"),
    opened_by=mayor_username("Roeselare"),
    decisions=(
        Decide(MOBILITY_VISION, "approve", mayor_username("Roeselare"), consensus=True),
        Decide(CYCLE_ROUTE, "approve", mayor_username("Tielt"), abstain=("Staden",)),
        Decide(
            PARKING_RATES,
            "reject",
            mayor_username("Roeselare"),
            text="De cluster verwerpt het voorstel: de besturen houden vast aan een eigen "
            "parkeerbeleid, afgestemd op hun handelskern.",
            against=("Ardooie", "Hooglede", "Ingelmunster", "Izegem", "Lichtervelde", "Pittem"),
            abstain=("Moorslede",),
        ),
        Decide(CANAL, "take_note", mayor_username("Lichtervelde")),
    ),
    closed_by=mayor_username("Roeselare"),
)

# --- Tonight's meeting of CL-ICT: the GIS platform into execution, the e-depot carried
# out to the end -----------------------------------------------------------------------

GIS_PLATFORM = ItemPlan(
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
    # One action done, one busy, one blocked.
    actions=(
        ActionPlan(
            "Kaartlagen van de zes gemeenten migreren naar het gedeelde platform",
            30,
            service="gis",
            moves=(Move("start", "dvv-gis"), Move("complete", "dvv-gis")),
        ),
        ActionPlan(
            "Opleiding voor de gemeentelijke GIS-contactpersonen",
            60,
            assignee="dvv-gis",
            service="gis",
            moves=(Move("start", "dvv-gis"),),
        ),
        ActionPlan(
            "Verwerkersovereenkomst met de softwareleverancier afsluiten",
            14,
            service="ict",
            moves=(
                Move(
                    "block",
                    "dvv-ict",
                    params={
                        "reason": "Wacht op het advies van de functionaris voor "
                        "gegevensbescherming."
                    },
                ),
            ),
        ),
    ),
    ratified=(
        Ratified("Tielt", director_username("Tielt"), "college", "CBS", "0412"),
        Ratified("Wingene", director_username("Wingene"), "college", "CBS", "0388"),
    ),
)
EDEPOT = ItemPlan(
    "ICT",
    "Meulebeke",
    "Archiefbeheer: gemeenschappelijk e-depot",
    "Het archiefteam van de DVV Midwest stelt voor om de digitale archieven van de "
    "besturen in één e-depot te bewaren dat aan het Archiefdecreet voldoet, in "
    "plaats van elk bestuur een eigen oplossing te laten zoeken.",
    "De cluster keurt de aansluiting op een gemeenschappelijk e-depot goed.",
    municipalities=("Hooglede", "Ingelmunster", "Meulebeke", "Oostrozebeke", "Staden"),
    # Every action done, then the item completed.
    actions=(
        ActionPlan(
            "Bestek voor het e-depot opmaken",
            10,
            assignee="dvv-archief",
            service="archief",
            moves=(Move("start", "dvv-archief"), Move("complete", "dvv-archief")),
        ),
        ActionPlan(
            "Eerste overdracht van digitale bouwdossiers",
            20,
            service="archief",
            moves=(Move("start", "dvv-archief"), Move("complete", "dvv-archief")),
        ),
    ),
    completed=Move("complete", COORDINATOR, "Alle acties afgerond."),
)
BOARD_NOMINATION = ItemPlan(
    "ICT",
    "Pittem",
    "Voordracht van een vertegenwoordiger voor de raad van bestuur van de DVV Midwest",
    "Na het ontslag van een bestuurder draagt de cluster een nieuwe vertegenwoordiger "
    "voor de raad van bestuur van de DVV Midwest voor. Een stemming over een persoon is "
    "geheim: alleen de aantallen worden genoteerd.",
    "De cluster draagt de burgemeester van Ruiselede voor als bestuurder in de raad van "
    "bestuur van de DVV Midwest.",
    municipalities=(),
)
# Came up after the invitation went out: added as urgent, accepted, approved.
FIBRE_SUBSIDY = ItemPlan(
    "ICT",
    "Ledegem",
    "Gezamenlijke aanvraag glasvezelsubsidie voor de bedrijventerreinen",
    "De Vlaamse oproep voor glasvezel op bedrijventerreinen sluit eind deze week. Een "
    "gezamenlijke aanvraag van de besturen maakt meer kans dan losse aanvragen.",
    "De cluster keurt de gezamenlijke aanvraag goed en belast de coördinator met het "
    "indienen ervan.",
    municipalities=("Ledegem", "Meulebeke", "Pittem"),
)
ICT_TONIGHT = MeetingPlan(
    "CL-ICT",
    When(hours=3),
    When(hours=3, minutes=-45),
    "Raadzaal gemeentehuis Ledegem",
    items=(GIS_PLATFORM, EDEPOT, BOARD_NOMINATION),
    secretary=COORDINATOR,
    convened_by=mayor_username("Ledegem"),
    present=(
        *mayors(
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
        ),
        director_username("Wielsbeke"),
    ),
    excused=mayors("Ardooie", "Izegem", "Roeselare", "Wingene"),
    # Izegem's alderman comes in place of the mayor; Tielt's mayor leaves after the e-depot.
    substitutes=((substitute_username("Izegem"), mayor_username("Izegem")),),
    left=((mayor_username("Tielt"), BOARD_NOMINATION),),
    opened_by=mayor_username("Ledegem"),
    # Pittem's mayor, the cluster's other chair, presides tonight.
    presiding=mayor_username("Pittem"),
    decisions=(
        Decide(GIS_PLATFORM, "approve", mayor_username("Ledegem"), consensus=True),
        Decide(EDEPOT, "approve", mayor_username("Pittem"), abstain=("Lichtervelde",)),
        Decide(BOARD_NOMINATION, "approve", mayor_username("Pittem"), secret=(1, 2)),
        Decide(FIBRE_SUBSIDY, "approve", mayor_username("Pittem"), consensus=True),
    ),
    closed_by=mayor_username("Pittem"),
    # Its minutes are approved, so the region's open data has a full set of notulen.
    minutes_approved_by=mayor_username("Ledegem"),
    conflicts=(
        Conflicted(
            GIS_PLATFORM,
            mayor_username("Tielt"),
            "Zijn broer is zaakvoerder van een van de bedrijven die het platform aanbieden.",
        ),
    ),
    urgent=(
        Urgent(
            FIBRE_SUBSIDY,
            "De subsidieoproep sluit vrijdag, vóór de volgende vergadering van de cluster.",
            by=mayor_username("Ledegem"),
            accepted_by=mayor_username("Pittem"),
            votes_for=9,
        ),
    ),
)

# --- Next week's meeting of CL-WELZIJN, convened with three items ---------------------

FIRST_LINE_ZONES = ItemPlan(
    "WELZIJN",
    "Ingelmunster",
    "Afstemming van de werking van de eerstelijnszones",
    "De zestien besturen behoren tot verschillende eerstelijnszones. Om dubbel "
    "werk te vermijden stelt de intervisiegroep een gemeenschappelijk "
    "aanspreekpunt en een jaarlijkse afstemming met de zorgraden voor.",
    "De cluster keurt de samenwerkingsafspraken met de eerstelijnszones goed.",
)
NEIGHBOURHOOD_WORK = ItemPlan(
    "WELZIJN",
    "Oostrozebeke",
    "Wijk-werken: gezamenlijke organisatie in Midwest",
    "Wijk-werken wordt nu per bestuur of per OCMW-vereniging georganiseerd. Een "
    "gezamenlijke wijk-werkorganisatie vereenvoudigt de administratie en spreidt "
    "de begeleiding van wijk-werkers over de regio.",
    "De cluster vraagt de DVV Midwest een voorstel van gezamenlijke "
    "wijk-werkorganisatie uit te werken, met een kostenverdeling per inwoner.",
)
YOUTH_CARE = ItemPlan(
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
WELZIJN_NEXT_WEEK = MeetingPlan(
    "CL-WELZIJN",
    When(days=7, at=19),
    When(days=3, at=12),
    "Vergaderzaal sociaal huis Izegem",
    items=(FIRST_LINE_ZONES, NEIGHBOURHOOD_WORK, YOUTH_CARE),
    planned_by=mayor_username("Izegem"),
    convened_by=mayor_username("Izegem"),
    excused=mayors("Meulebeke", "Staden"),
)

# --- CL-KLIMAAT: a meeting cancelled (its item back to prepared), one in a month; and
# the DVV's general assembly ------------------------------------------------------------

HOME_RENOVATION = ItemPlan(
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
CHARGERS = ItemPlan(
    "KLIMAAT",
    "Lichtervelde",
    "Gezamenlijke aankoop van laadpalen op openbaar domein",
    "Met één raamcontract voor laadpalen kunnen de besturen sneller laadpunten "
    "plaatsen op openbare parkings en de vraag van inwoners opvangen.",
    "De cluster keurt de gezamenlijke aankoop van laadpalen via de DVV Midwest goed.",
)
KLIMAAT_CANCELLED = MeetingPlan(
    "CL-KLIMAAT",
    When(days=10, at=19),
    When(days=3, at=12),
    "Raadzaal gemeentehuis Ardooie",
    items=(CHARGERS,),
    cancelled=Move(
        "cancel",
        mayor_username("Ardooie"),
        "Geannuleerd: valt samen met de begrotingsbesprekingen in de gemeenteraden. "
        "De punten schuiven door naar de volgende vergadering.",
    ),
)
KLIMAAT_NEXT_MONTH = MeetingPlan(
    "CL-KLIMAAT",
    When(days=30, at=19),
    When(days=23, at=12),
    "Raadzaal gemeentehuis Staden",
    items=(HOME_RENOVATION,),
)
# The DVV's general assembly meets in six days and is not yet convened: its agenda should
# have been public two days ago (8 days before), which the overview shows.
ASSEMBLY_IN_SIX_DAYS = MeetingPlan(
    "AV-DVV", When(days=6, at=19), When(days=1, at=12), "Raadzaal stadhuis Tielt"
)

STORY: tuple[Chapter, ...] = (
    Chapter(
        (
            LED_LIGHTING,
            BUILDING_OFFENCES,
            ENVIRONMENTAL_ENFORCEMENT,
            DATA_PROTECTION_OFFICER,
            RECYCLING_PARKS,
        )
    ),
    Chapter((MOBILITY_VISION, CYCLE_ROUTE, PARKING_RATES, CANAL), (RUIMTE_TONIGHT,)),
    Chapter((GIS_PLATFORM, EDEPOT, BOARD_NOMINATION), (ICT_TONIGHT,)),
    Chapter((FIRST_LINE_ZONES, NEIGHBOURHOOD_WORK, YOUTH_CARE), (WELZIJN_NEXT_WEEK,)),
    Chapter(
        (HOME_RENOVATION, CHARGERS),
        (KLIMAAT_CANCELLED, KLIMAAT_NEXT_MONTH, ASSEMBLY_IN_SIX_DAYS),
    ),
)


# --- Telling it ----------------------------------------------------------------------


def region_has_items(region: Region) -> bool:
    """Return whether the region has agenda items (its story was told, or real work began)."""
    return AgendaItem.objects.filter(intervision_group__region=region).exists()


def tell_story(
    demo: Demo,
    story: Iterable[Chapter] = STORY,
    now: dt.datetime | None = None,
    *,
    teller: type[_Teller] | None = None,
) -> None:
    """Tell the story's chapters in order, every moment counted from `now` (by `teller`,
    which makes each move; the region's own by default)."""
    told = (teller or _Teller)(demo, now or timezone.now())
    for chapter in story:
        told.tell(chapter)


class _Teller:
    def __init__(self, demo: Demo, now: dt.datetime) -> None:
        self.demo = demo
        self.now = now
        self.today = timezone.localdate(now)
        self.items: dict[ItemPlan, AgendaItem] = {}

    def tell(self, chapter: Chapter) -> None:
        for plan in chapter.items:
            self.items[plan] = self.draft(plan)
        for meeting in chapter.meetings:
            self.hold(meeting)
        for meeting in chapter.meetings:
            for decision in meeting.decisions:
                self.follow_up(decision.item)

    def person(self, username: str) -> Person:
        return self.demo.person(username)

    def make(self, obj: Any, move: Move) -> None:
        """Fire a move of the story on `obj`."""
        fire(obj, move.name, actor=self.actor(obj, move.by), comment=move.comment, **move.params)

    def actor(self, obj: Any, who: str) -> Person:
        if who == AUTHOR:
            return obj.author
        if who == GROUP_CHAIR:
            return self.demo.group_chair(obj.intervision_group)
        return self.person(who)

    def create_action(self, item: AgendaItem, plan: ActionPlan) -> Action:
        """Create a planned action on `item` as the coordinator (its moves are not made)."""
        return action_create(
            actor=self.demo.coordinator,
            item=item,
            title=plan.title,
            description=plan.description,
            assignee=self.person(plan.assignee) if plan.assignee else None,
            service=self.demo.services[plan.service] if plan.service else None,
            due_date=self.today + dt.timedelta(days=plan.due_in_days),
        )

    def target_of(self, plan: ItemPlan) -> Body:
        """The body the item is drafted for: its cluster."""
        return self.demo.bodies[f"CL-{plan.cluster}"]

    def draft(self, plan: ItemPlan) -> AgendaItem:
        """Draft an item as its author, then make its moves."""
        item = item_create(
            actor=self.demo.director(plan.author),
            title=plan.title,
            rationale=plan.rationale,
            proposed_decision=plan.proposed_decision,
            kind=plan.kind,
            intervision_group=self.demo.bodies[f"IG-{plan.cluster}"],
            target_cluster=self.target_of(plan),
            municipalities=self.demo.municipalities_named(plan.municipalities),
            confidential=plan.confidential,
        )
        for move in plan.moves:
            self.make(item, move)
        return item

    def hold(self, plan: MeetingPlan) -> Meeting:
        """Plan a meeting, put its items on the agenda and take it as far as it went."""
        meeting = meeting_plan(
            body=self.demo.bodies[plan.body],
            starts_at=plan.starts.moment(self.now),
            submission_deadline=plan.deadline.moment(self.now),
            location=plan.location,
            actor=self.person(plan.planned_by),
        )
        if plan.secretary:
            meeting_update(
                meeting, actor=self.person(plan.planned_by), secretary=self.person(plan.secretary)
            )
        items = [self.items[item] for item in plan.items]
        for item in items:
            fire(item, "schedule", actor=self.demo.coordinator, meeting=meeting.pk)
        if plan.cancelled:
            self.make(meeting, plan.cancelled)
        if plan.convened_by:
            fire(meeting, "convene", actor=self.person(plan.convened_by))
        for status, people in (
            ("present", plan.present),
            ("excused", plan.excused),
            ("absent", plan.absent),
        ):
            for username in people:
                attendance_record(
                    meeting=meeting,
                    person=self.person(username),
                    status=status,
                    actor=self.demo.coordinator,
                )
        for username, replaced in plan.substitutes:
            attendance_record(
                meeting=meeting,
                person=self.person(username),
                status="present",
                replacing=self.person(replaced),
                actor=self.demo.coordinator,
            )
        for urgent in plan.urgent:
            # Drafted here, as it came up after the invitation went out.
            if urgent.item not in self.items:
                self.items[urgent.item] = self.draft(urgent.item)
            late = self.items[urgent.item]
            fire(
                late,
                "schedule",
                actor=self.person(urgent.by),
                meeting=meeting.pk,
                urgent=True,
                reason=urgent.reason,
            )
            items.append(late)
        if plan.opened_by:
            opening = {"presiding": self.person(plan.presiding).pk} if plan.presiding else {}
            fire(meeting, "open", actor=self.person(plan.opened_by), params=opening)
            # Opening the meeting moved its items along with it.
            for item in items:
                item.refresh_from_db()
        for urgent in plan.urgent:
            accepted = {} if urgent.votes_for is None else {"votes_for": urgent.votes_for}
            fire(
                self.items[urgent.item],
                "accept_urgency",
                actor=self.person(urgent.accepted_by),
                params=accepted,
            )
        for conflicted in plan.conflicts:
            declarer = self.person(conflicted.person)
            conflict_record(
                entry=meeting.entries.get(item=self.items[conflicted.item]),
                person=declarer,
                reason=conflicted.reason,
                actor=declarer,
            )
        for username, before in plan.left:
            attendance_record(
                meeting=meeting,
                person=self.person(username),
                status="present",
                left_before_entry=meeting.entries.get(item=self.items[before]).position,
                actor=self.demo.coordinator,
            )
        for decision in plan.decisions:
            self.decide(meeting, decision)
        if plan.closed_by:
            fire(meeting, "close", actor=self.person(plan.closed_by))
        if plan.minutes_approved_by:
            fire(meeting, "approve_minutes", actor=self.person(plan.minutes_approved_by))
        return meeting

    def decide(self, meeting: Meeting, decision: Decide) -> None:
        item = self.items[decision.item]
        params: dict[str, Any] = {}
        if decision.step != "take_note":
            params["text"] = decision.text or item.proposed_decision
            if decision.secret:
                against, abstain = decision.secret
                voters = len(quorum_of(meeting, meeting.entries.get(item=item)).present)
                params.update(
                    {
                        "secret": True,
                        "for": voters - against - abstain,
                        "against": against,
                        "abstain": abstain,
                    }
                )
            elif decision.consensus:
                params["consensus"] = True
            else:
                params["votes"] = self.votes(meeting.entries.get(item=item), decision)
        fire(item, decision.step, actor=self.person(decision.by), params=params)

    def votes(self, entry: AgendaEntry, decision: Decide) -> list[dict[str, Any]]:
        """Return one vote per municipality present for the entry: for, unless named
        otherwise."""
        names = {m.pk: name for name, m in self.demo.municipalities.items()}
        choices = {name: "against" for name in decision.against} | {
            name: "abstain" for name in decision.abstain
        }
        return [
            {"municipality": pk, "vote": choices.get(names[pk], "for")}
            for pk in sorted(quorum_of(entry.meeting, entry).present)
        ]

    def follow_up(self, plan: ItemPlan) -> None:
        """Create the decision's actions and execute it, record the councils' answers,
        complete it."""
        item = self.items[plan]
        actions = [self.create_action(item, action) for action in plan.actions]
        if actions:
            fire(item, "start_execution", actor=self.demo.coordinator)
        for action, action_plan in zip(actions, plan.actions, strict=True):
            for move in action_plan.moves:
                self.make(action, move)
        ratifications = {
            r.municipality.name: r
            for r in Ratification.objects.filter(decision__item=item).select_related("municipality")
        }
        for ratified in plan.ratified:
            fire(
                ratifications[ratified.municipality],
                "ratify",
                actor=self.person(ratified.by),
                date=self.today,
                deciding_body=ratified.deciding_body,
                reference=f"{ratified.register} {self.today.year}/{ratified.number}",
            )
        for municipality, move in plan.councils:
            self.make(ratifications[municipality], move)
        if plan.completed:
            self.make(item, plan.completed)
