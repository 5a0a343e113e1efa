"""A region with something to publish: a cluster meeting with its minutes approved, a
decision forwarded to the daily board and decided there last year, and a coming meeting
whose agenda alone is public."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from backend.agenda.models import AgendaItem
from backend.demo.signatures import demo_certificates
from backend.documents.models import GeneratedDocument
from backend.meetings.models import Meeting
from backend.meetings.services import attendance_record
from backend.organisations.models import Body, Membership, Person
from tests.conftest import World
from tests.documents.signed import sign, with_pdf
from workflows.engine import fire


def hold(world: World, meeting: Meeting, people: tuple[Person, ...], chair: Person) -> None:
    fire(meeting, "convene", actor=world.coordinator)
    for person in people:
        attendance_record(meeting=meeting, person=person, status="present", actor=world.coordinator)
    fire(meeting, "open", actor=chair)


def build_site(world: World) -> SimpleNamespace:
    roeselare, tielt, izegem = world.municipalities
    board = Body.objects.create(
        region=world.region, kind=Body.Kind.DAILY_BOARD, name="Dagelijks bestuur", code="DB"
    )
    for person, role, municipality in (
        (world.cluster_member, "chair", tielt),
        (world.third_member, "member", izegem),
    ):
        Membership.objects.create(
            body=board, person=person, role=role, municipality=municipality, start_date="2024-01-01"
        )
    world.cluster.forwards_to.add(board)

    voted = world.prepared_item(
        title="Regionaal fietsroutenetwerk",
        rationale="Veilige fietsverbindingen tussen de kernen van de regio.",
    )
    forwarded = world.prepared_item(
        title="Gedeelde informatieveiligheidsconsulent", municipalities=[izegem]
    )
    noted = world.prepared_item(title="Stand van zaken woonbeleid", kind="information")
    later = world.prepared_item(title="Regionale woonwijzer")
    secret = world.prepared_item(title="Personeelsdossier GIS-coördinator", confidential=True)
    closed = world.prepared_item(title="Onderhandeling perceelruil Hooglede")
    meeting = world.meeting()
    for item in (voted, forwarded, noted, later, secret, closed):
        fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    meeting.entries.filter(item=closed).update(session="closed")
    hold(
        world,
        meeting,
        (world.cluster_chair, world.cluster_member, world.third_member),
        world.cluster_chair,
    )
    for item in (voted, forwarded, noted, later, secret, closed):
        item.refresh_from_db()
    fire(
        voted,
        "approve",
        actor=world.cluster_chair,
        text="De cluster keurt het fietsroutenetwerk goed.",
        votes=[
            {"municipality": roeselare.pk, "vote": "for"},
            {"municipality": tielt.pk, "vote": "for"},
            {"municipality": izegem.pk, "vote": "against"},
        ],
    )
    fire(
        forwarded, "approve", actor=world.cluster_chair, text="De cluster stemt in.", consensus=True
    )
    fire(noted, "take_note", actor=world.cluster_chair)
    fire(later, "postpone", actor=world.cluster_chair)
    fire(
        secret, "approve", actor=world.cluster_chair, text="Vertrouwelijk besluit.", consensus=True
    )
    fire(closed, "approve", actor=world.cluster_chair, text="Ruil aanvaard.", consensus=True)
    meeting.entries.filter(item=voted).update(note="Izegem vraagt een extra fietsstraat.")
    meeting.refresh_from_db()
    fire(meeting, "close", actor=world.cluster_chair)
    meeting.refresh_from_db()
    fire(meeting, "approve_minutes", actor=world.cluster_chair)
    meeting.refresh_from_db()

    forwarded.refresh_from_db()
    fire(forwarded, "forward", actor=world.coordinator, body=board.pk)
    successor = AgendaItem.objects.get(forwarded_from=forwarded.decision)
    board_meeting = world.meeting(body=board)
    fire(successor, "schedule", actor=world.coordinator, meeting=board_meeting.pk)
    hold(world, board_meeting, (world.cluster_member, world.third_member), world.cluster_member)
    successor.refresh_from_db()
    fire(
        successor,
        "approve",
        actor=world.cluster_member,
        text="Het dagelijks bestuur stelt de consulent aan.",
        consensus=True,
    )
    board_meeting.refresh_from_db()
    fire(board_meeting, "close", actor=world.cluster_member)
    # The board met last year: the year filter tells the two apart.
    last_year = board_meeting.starts_at.replace(year=board_meeting.starts_at.year - 1)
    Meeting.objects.filter(pk=board_meeting.pk).update(
        starts_at=last_year, submission_deadline=last_year - dt.timedelta(days=7)
    )
    board_meeting.refresh_from_db()

    coming = world.meeting(days=30)
    upcoming = world.prepared_item(title="Toekomstig fietsplan")
    fire(upcoming, "schedule", actor=world.coordinator, meeting=coming.pk)
    fire(coming, "convene", actor=world.coordinator)
    coming.refresh_from_db()
    for item in (voted, forwarded, secret, closed, successor):
        item.refresh_from_db()
    return SimpleNamespace(
        world=world,
        board=board,
        meeting=meeting,
        board_meeting=board_meeting,
        coming=coming,
        voted=voted,
        forwarded=forwarded,
        successor=successor,
        secret=secret,
        closed=closed,
    )


def sign_decision_list(
    site: SimpleNamespace, settings: Any, folder: Path
) -> tuple[GeneratedDocument, GeneratedDocument]:
    """Give the cluster meeting's decision list (public and full edition) its PDF and have
    the public one signed by the presiding chair and the secretary (the coordinator), with
    certificates of a demo authority in `folder`. Return (public, full)."""
    settings.MEDIA_ROOT = folder / "media"
    settings.SIGNING_CERTIFICATES_DIR = folder / "people"
    settings.SIGNING_TRUST_ROOTS = [str(folder / "ca.pem")]
    settings.SIGNING_SEAL = ""
    demo_certificates(site.world.region.people.all())
    editions = GeneratedDocument.objects.filter(meeting=site.meeting, kind="decision_list")
    latest = editions.latest("version").version
    public = with_pdf(editions.get(version=latest, public=True))
    full = with_pdf(editions.get(version=latest, public=False))
    sign(public, site.world.cluster_chair)
    sign(public, site.world.coordinator)
    return public, full
