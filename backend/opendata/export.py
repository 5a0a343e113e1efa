"""A meeting's agenda, decision list and minutes as linked open data (LBLOD, on the OSLO
"Besluit Publicatie" model), in JSON-LD with an inline context: nothing is fetched.

Only what is public leaves: entries of the closed session and confidential items never
appear. Texts people wrote carry a Dutch language tag where the model asks for one
(`besluit:motivering`, the vote's subject and result); titles and values are plain strings,
as the LBLOD shapes require.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from backend.agenda.models import Decision, Vote
from backend.documents.data import is_confidential
from backend.documents.models import FILE_STEMS, DocumentSignature, GeneratedDocument
from backend.meetings.models import AgendaEntry, Attendance, Conflict, Meeting
from backend.organisations.models import Body, Membership, Region
from workflows.states import MeetingState

BESLUIT = "http://data.vlaanderen.be/ns/besluit#"
CONTEXT: dict[str, Any] = {
    "besluit": BESLUIT,
    "mandaat": "http://data.vlaanderen.be/ns/mandaat#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "prov": "http://www.w3.org/ns/prov#",
    "dct": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "lg": "http://data.lblod.info/vocabularies/leidinggevenden/",
    "sign": "http://mu.semte.ch/vocabularies/ext/signing/",
    "ext": "http://mu.semte.ch/vocabularies/ext/",
}
DVV_CLASSIFICATION = (
    "http://data.vlaanderen.be/id/concept/BestuurseenheidClassificatieCode/"
    "d01bb1f6-2439-4e33-9c25-1fc295de2e71"
)
DUTCH = "http://publications.europa.eu/resource/authority/language/NLD"
# Local government terms in Flanders run six years from 1 January after the elections.
TERM_START, TERM_YEARS = 2019, 6

KINDS = ("agenda", "besluitenlijst", "notulen")
PUBLISHED_FROM = {
    "agenda": MeetingState.agenda_published(),
    "besluitenlijst": MeetingState.held(),
    "notulen": (MeetingState.MINUTES_APPROVED,),
}
DOCUMENT_LINK = {
    "agenda": "besluit__heeftAgenda",
    "besluitenlijst": "besluit__heeftBesluitenlijst",
    "notulen": "besluit__heeftNotulen",
}
HANDLED = (
    AgendaEntry.Outcome.APPROVED,
    AgendaEntry.Outcome.REJECTED,
    AgendaEntry.Outcome.NOTED,
    AgendaEntry.Outcome.POSTPONED,
    AgendaEntry.Outcome.RETURNED,
)
RESULT: dict[str, str] = {
    Decision.Outcome.APPROVED.value: "aangenomen",
    Decision.Outcome.REJECTED.value: "verworpen",
}


def base_url() -> str:
    return str(settings.OPEN_DATA_BASE_URL).rstrip("/")


def iri(*parts: object) -> str:
    """A stable IRI under the configured base: /id/<kind>/<key>; /id/ dereferences it."""
    return "/".join([base_url(), "id", *(str(part) for part in parts)])


def text(value: str) -> dict[str, str]:
    return {"@value": value, "@language": "nl"}


def typed(value: str, datatype: str) -> dict[str, str]:
    return {"@value": value, "@type": datatype}


def ref(target: str) -> dict[str, str]:
    return {"@id": target}


def moment(value: dt.datetime) -> dict[str, str]:
    return typed(timezone.localtime(value).isoformat(timespec="seconds"), "xsd:dateTime")


def term_of(day: dt.date) -> tuple[int, int]:
    """The local government term (first and last year) a day falls in."""
    start = TERM_START + (day.year - TERM_START) // TERM_YEARS * TERM_YEARS
    return start, start + TERM_YEARS - 1


def published(meeting: Meeting, kind: str) -> bool:
    """Whether this document of the meeting is public now."""
    return kind in PUBLISHED_FROM and meeting.state in PUBLISHED_FROM[kind]


@dataclass
class Graph:
    """Nodes by IRI; a node mentioned twice is merged, so every reference is typed once."""

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, node_id: str, node_type: str | list[str], **properties: Any) -> str:
        node = self.nodes.setdefault(node_id, {"@id": node_id, "@type": node_type})
        node.update({key.replace("__", ":"): value for key, value in properties.items()})
        return node_id

    def document(self) -> dict[str, Any]:
        return {"@context": CONTEXT, "@graph": list(self.nodes.values())}


def concept(graph: Graph, node_id: str, label: str) -> dict[str, str]:
    graph.add(node_id, "skos:Concept", skos__prefLabel=label)
    return ref(node_id)


def administrative_unit(graph: Graph, region: Region) -> dict[str, str]:
    """The service association (DVV) of the region, a Bestuurseenheid with its area."""
    area = graph.add(iri("werkingsgebieden", region.slug), "prov:Location", rdfs__label=region.name)
    unit = graph.add(
        iri("bestuurseenheden", region.slug),
        "besluit:Bestuurseenheid",
        skos__prefLabel=f"DVV {region.name}",
        besluit__classificatie=concept(graph, DVV_CLASSIFICATION, "Dienstverlenende vereniging"),
        besluit__werkingsgebied=ref(area),
    )
    return ref(unit)


def organ(graph: Graph, body: Body, day: dt.date) -> dict[str, str]:
    """The body in the term the day falls in, a specialisation of the body itself. Both
    carry the classification under both names the shapes use, a label and the unit."""
    unit = administrative_unit(graph, body.region)
    kind = concept(graph, iri("concepten", "bestuursorgaan", body.kind), body.get_kind_display())
    common = {
        "org__classification": kind,
        "besluit__classificatie": kind,
        "besluit__bestuurt": unit,
    }
    generic = graph.add(
        iri("bestuursorganen", body.pk),
        "besluit:Bestuursorgaan",
        skos__prefLabel=body.name,
        **common,
    )
    first, last = term_of(day)
    in_time = graph.add(
        iri("bestuursorganen", body.pk, f"{first}-{last}"),
        "besluit:Bestuursorgaan",
        skos__prefLabel=f"{body.name} {first}-{last}",
        mandaat__isTijdspecialisatieVan=ref(generic),
        **common,
    )
    return ref(in_time)


def mandataris(graph: Graph, body: Body, person_id: int) -> dict[str, str]:
    """A member of the body in their mandate: an IRI, never a blank node; no personal data."""
    return ref(graph.add(iri("mandatarissen", f"{body.pk}-{person_id}"), "mandaat:Mandataris"))


@dataclass
class Sitting:
    """What the export reads about one meeting, in a fixed number of queries."""

    meeting: Meeting
    entries: list[AgendaEntry]
    decisions: dict[int, Decision]
    votes: dict[int, list[Vote]]
    present: list[Attendance]
    chair: int | None
    opened: dt.datetime | None
    closed: dt.datetime | None
    conflicted: dict[int, set[int]] = field(default_factory=dict)
    """Per item on the agenda, who has a conflict of interest on its entry (art. 27 DLB):
    not among the voters on its decision."""

    @classmethod
    def read(cls, meeting: Meeting) -> Sitting:
        entries = [
            entry
            for entry in meeting.entries.select_related("item").order_by("position")
            if not is_confidential(entry)
        ]
        decisions = {
            d.item_id: d
            for d in Decision.objects.filter(
                meeting=meeting, item__in=[e.item_id for e in entries]
            ).select_related("item")
        }
        votes: dict[int, list[Vote]] = {}
        for vote in Vote.objects.filter(decision__in=decisions.values()).order_by("municipality"):
            votes.setdefault(vote.decision_id, []).append(vote)
        day = timezone.localdate(meeting.starts_at)
        # Who presided; a meeting not yet opened names the body's first chair.
        chair = meeting.presiding_id or (
            Membership.objects.active(day)
            .filter(body=meeting.body_id, role=Membership.Role.CHAIR)
            .order_by("start_date", "pk")
            .values_list("person_id", flat=True)
            .first()
        )
        return cls(
            meeting=meeting,
            entries=entries,
            decisions=decisions,
            votes=votes,
            present=list(
                meeting.attendances.filter(status=Attendance.Status.PRESENT).order_by("person_id")
            ),
            chair=chair,
            opened=meeting.opened_at,
            closed=meeting.closed_at,
            conflicted=conflicted_on(entries),
        )

    def voters(self, decision: Decision) -> list[Attendance]:
        """Who was present for the decision's vote: there when its entry was treated,
        without a conflict of interest on it."""
        away = self.conflicted.get(decision.item_id, set())
        position = next(e.position for e in self.entries if e.item_id == decision.item_id)
        return [a for a in self.present if a.person_id not in away and a.present_for(position)]


def conflicted_on(entries: list[AgendaEntry]) -> dict[int, set[int]]:
    """Per item of the entries, the persons with a conflict of interest on its entry."""
    by_entry = {entry.pk: entry.item_id for entry in entries}
    conflicted: dict[int, set[int]] = {}
    for entry_id, person_id in Conflict.objects.filter(entry__in=list(by_entry)).values_list(
        "entry_id", "person_id"
    ):
        conflicted.setdefault(by_entry[entry_id], set()).add(person_id)
    return conflicted


def agenda_item(graph: Graph, entry: AgendaEntry, previous: str | None) -> str:
    properties: dict[str, Any] = {
        "dct__title": entry.item.title,
        "besluit__geplandOpenbaar": entry.session == AgendaEntry.Session.PUBLIC,
    }
    if previous:
        properties["besluit__aangebrachtNa"] = ref(previous)
    return graph.add(iri("agendapunten", entry.pk), "besluit:Agendapunt", **properties)


def sitting_node(graph: Graph, sitting: Sitting, kind: str) -> tuple[str, list[str]]:
    meeting = sitting.meeting
    day = timezone.localdate(meeting.starts_at)
    points: list[str] = []
    for entry in sitting.entries:
        if kind != "agenda" and entry.outcome not in HANDLED:
            continue
        points.append(agenda_item(graph, entry, points[-1] if points else None))
    properties: dict[str, Any] = {
        "besluit__geplandeStart": moment(meeting.starts_at),
        "besluit__isGehoudenDoor": organ(graph, meeting.body, day),
        "besluit__behandelt": [ref(point) for point in points],
    }
    if meeting.location:
        properties["prov__atLocation"] = ref(
            graph.add(iri("locaties", meeting.pk), "prov:Location", rdfs__label=meeting.location)
        )
    if kind != "agenda":
        properties.update(
            prov__startedAtTime=moment(sitting.opened or meeting.starts_at),
            prov__endedAtTime=moment(sitting.closed or sitting.opened or meeting.starts_at),
            besluit__heeftSecretaris=ref(
                graph.add(iri("functionarissen", meeting.body_id), "lg:Functionaris")
            ),
        )
        chair = sitting.chair or (sitting.present[0].person_id if sitting.present else None)
        if chair is not None:
            properties["besluit__heeftVoorzitter"] = mandataris(graph, meeting.body, chair)
        properties["besluit__heeftAanwezigeBijStart"] = [
            mandataris(graph, meeting.body, a.person_id) for a in sitting.present
        ]
    document = graph.add(
        iri("documenten", meeting.pk, kind),
        "foaf:Document",
        eli__date_publication=typed(timezone.localdate().isoformat(), "xsd:date"),
    )
    properties[DOCUMENT_LINK[kind]] = ref(document)
    if kind in SIGNED_LINK:
        signatures(graph, sitting, kind, document)
    node = graph.add(iri("zittingen", meeting.pk), "besluit:Zitting", **properties)
    return node, points


# A signature as Gelinkt Notuleren publishes it (its `sign:` and `ext:` vocabulary: the
# LBLOD shapes say nothing of signatures): who signed in which role, when, and the SHA-256
# of the signed PDF after that signature.
SIGNED_LINK = {"besluitenlijst": "ext__signsBesluitenlijst", "notulen": "ext__signsNotulen"}
WORD_KIND = {stem: kind for kind, stem in FILE_STEMS.items()}


def signatures(graph: Graph, sitting: Sitting, kind: str, document: str) -> None:
    """The signatures of the public edition of the latest version of the document."""
    meeting = sitting.meeting
    latest = (
        GeneratedDocument.objects.filter(meeting=meeting, kind=WORD_KIND[kind], public=True)
        .order_by("-version")
        .values_list("pk", flat=True)
        .first()
    )
    if latest is None:
        return
    for signature in DocumentSignature.objects.filter(document=latest).order_by("position"):
        if signature.position == 1:
            signatory = mandataris(graph, meeting.body, signature.signer_id)
        else:
            signatory = ref(iri("functionarissen", meeting.body_id))
        graph.add(
            iri("handtekeningen", signature.pk),
            "sign:SignedResource",
            sign__signatory=signatory,
            sign__signatoryRoles=text(signature.capacity),
            dct__created=moment(signature.signed_at),
            sign__hashAlgorithm="sha-256",
            sign__hashValue=signature.sha256,
            **{SIGNED_LINK[kind]: ref(document)},
        )


def voting(graph: Graph, sitting: Sitting, decision: Decision) -> str:
    """The vote on a decision: per municipality present its representative; by consensus,
    every representative present voted for; a secret vote only by its counts."""
    body = sitting.meeting.body
    if decision.secret:
        tally = decision.tally
        return graph.add(
            iri("stemmingen", decision.pk),
            "besluit:Stemming",
            besluit__onderwerp=text(decision.item.title),
            besluit__gevolg=text(RESULT.get(str(decision.outcome), str(decision.outcome))),
            besluit__geheim=True,
            besluit__heeftAanwezige=[
                mandataris(graph, body, a.person_id) for a in sitting.voters(decision)
            ],
            besluit__aantalVoorstanders=tally["for"],
            besluit__aantalTegenstanders=tally["against"],
            besluit__aantalOnthouders=tally["abstain"],
        )
    representative: dict[int, int] = {}
    voters = sitting.voters(decision)
    for attendance in voters:
        if attendance.municipality_id is not None:
            representative.setdefault(attendance.municipality_id, attendance.person_id)
    present = [mandataris(graph, body, a.person_id) for a in voters]
    sides: dict[str, list[dict[str, str]]] = {"for": [], "against": [], "abstain": []}
    if decision.consensus:
        sides["for"] = [mandataris(graph, body, p) for p in representative.values()]
    for vote in sitting.votes.get(decision.pk, []):
        person = representative.get(vote.municipality_id)
        if person is not None:
            sides[vote.vote].append(mandataris(graph, body, person))
    result = RESULT.get(str(decision.outcome), str(decision.outcome))
    if decision.consensus:
        result = f"{result} bij consensus"
    return graph.add(
        iri("stemmingen", decision.pk),
        "besluit:Stemming",
        besluit__onderwerp=text(decision.item.title),
        besluit__gevolg=text(result),
        besluit__geheim=False,
        besluit__heeftAanwezige=present,
        besluit__heeftStemmer=sides["for"] + sides["against"] + sides["abstain"],
        besluit__heeftVoorstander=sides["for"],
        besluit__heeftTegenstander=sides["against"],
        besluit__heeftOnthouder=sides["abstain"],
        besluit__aantalVoorstanders=len(sides["for"]),
        besluit__aantalTegenstanders=len(sides["against"]),
        besluit__aantalOnthouders=len(sides["abstain"]),
    )


def treatments(graph: Graph, sitting: Sitting, points: list[str], *, minutes: bool) -> None:
    """Per handled entry its treatment, and for a decided one the decision and the vote."""
    body = sitting.meeting.body
    handled = [e for e in sitting.entries if e.outcome in HANDLED]
    previous: str | None = None
    for entry, point in zip(handled, points, strict=True):
        treatment_id = iri("behandelingen", entry.pk)
        properties: dict[str, Any] = {
            "dct__subject": ref(point),
            "besluit__openbaar": entry.session == AgendaEntry.Session.PUBLIC,
            "besluit__heeftAanwezige": [
                mandataris(graph, body, a.person_id) for a in sitting.present
            ],
        }
        if previous:
            properties["besluit__gebeurtNa"] = ref(previous)
        if minutes and entry.note:
            properties["dct__description"] = entry.note
        decision = sitting.decisions.get(entry.item_id)
        if decision is not None:
            decision_id = graph.add(
                iri("besluiten", decision.pk),
                "besluit:Besluit",
                eli__title=entry.item.title,
                eli__id_local=decision.number,
                eli__description=entry.item.proposed_decision or entry.item.title,
                eli__language=concept(graph, DUTCH, "Nederlands"),
                prov__value=decision.text,
                besluit__motivering=text(entry.item.rationale or entry.item.title),
                eli__date_publication=typed(
                    timezone.localdate(decision.decided_at).isoformat(), "xsd:date"
                ),
                prov__wasGeneratedBy=ref(treatment_id),
            )
            properties["prov__generated"] = [ref(decision_id)]
            properties["besluit__heeftStemming"] = [ref(voting(graph, sitting, decision))]
        graph.add(treatment_id, "besluit:BehandelingVanAgendapunt", **properties)
        previous = treatment_id


def export(meeting: Meeting, kind: str) -> dict[str, Any]:
    """The JSON-LD document of one kind (agenda, besluitenlijst, notulen) of the meeting,
    in Dutch whatever the language of the request."""
    if kind not in KINDS:
        raise ValueError(kind)
    with translation.override("nl-be"):
        return _export(meeting, kind)


def _export(meeting: Meeting, kind: str) -> dict[str, Any]:
    sitting = Sitting.read(meeting)
    graph = Graph()
    _node, points = sitting_node(graph, sitting, kind)
    if kind != "agenda":
        treatments(graph, sitting, points, minutes=kind == "notulen")
    return graph.document()
