"""What the public site may show, asked in one place: the meetings, entries, decisions and
documents a citizen sees, the words that say where a meeting stands, the tally of a vote and
the road of a decision through the bodies.

Closed-session entries and confidential items never leave through here: every page, feed,
sitemap and search of the public site reads them from these querysets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.agenda.models import Decision, Vote
from backend.agenda.selectors import road_of
from backend.audit.models import TransitionLog
from backend.documents.models import FILE_STEMS, GeneratedDocument
from backend.meetings.models import AgendaEntry, Meeting
from backend.opendata.export import KINDS, PUBLISHED_FROM, published
from workflows.states import MeetingState

DOCUMENT_KINDS: dict[str, str] = {stem: kind for kind, stem in FILE_STEMS.items() if stem in KINDS}
"""The open-data name of each published document (agenda, besluitenlijst, notulen) and the
kind of the generated Word document that goes with it."""

DOCUMENT_TITLES = {
    "agenda": _("Agenda"),
    "besluitenlijst": _("Decision list"),
    "notulen": _("Minutes"),
}


def public_meetings() -> QuerySet[Meeting]:
    """Meetings whose agenda at least is public (convened or later, never cancelled)."""
    return Meeting.objects.filter(state__in=PUBLISHED_FROM["agenda"]).select_related(
        "body", "body__region"
    )


def public_entries() -> QuerySet[AgendaEntry]:
    """Agenda entries a citizen may read: of a public meeting, in public session, and
    whose item is not confidential (`AgendaEntry.confidential` said in SQL)."""
    return AgendaEntry.objects.filter(
        meeting__state__in=PUBLISHED_FROM["agenda"],
        session=AgendaEntry.Session.PUBLIC,
        item__confidential=False,
    )


def public_decisions() -> QuerySet[Decision]:
    """Decisions a citizen may read: taken in public session on an item that is not
    confidential, at a meeting whose decision list is published."""
    in_public = AgendaEntry.objects.filter(
        meeting=OuterRef("meeting"), item=OuterRef("item"), session=AgendaEntry.Session.PUBLIC
    )
    return (
        Decision.objects.filter(
            item__confidential=False,
            meeting__state__in=PUBLISHED_FROM["besluitenlijst"],
        )
        .filter(Exists(in_public))
        .select_related("item", "body", "meeting", "meeting__body")
        .prefetch_related(Prefetch("votes", queryset=Vote.objects.select_related("municipality")))
    )


def meeting_status(meeting: Meeting, now: dt.datetime | None = None) -> str:
    """Say where a public meeting stands, in words a citizen understands."""
    now = now or timezone.now()
    if meeting.state == MeetingState.MINUTES_APPROVED:
        return str(_("minutes published"))
    if meeting.state == MeetingState.CLOSED:
        return str(_("decisions published"))
    if meeting.state == MeetingState.IN_SESSION:
        return str(_("meeting in progress"))
    if meeting.starts_at > now:
        return str(_("agenda published"))
    return str(_("held, decisions to follow"))


ENTRY_OUTCOMES = {
    AgendaEntry.Outcome.APPROVED: _("approved"),
    AgendaEntry.Outcome.REJECTED: _("rejected"),
    AgendaEntry.Outcome.NOTED: _("taken note of"),
    AgendaEntry.Outcome.POSTPONED: _("postponed"),
    AgendaEntry.Outcome.RETURNED: _("sent back for more work"),
    AgendaEntry.Outcome.WITHDRAWN: _("withdrawn"),
}


def entry_outcome(entry: AgendaEntry) -> str:
    """What happened to an entry, once it is public; nothing while it waits."""
    if not published(entry.meeting, "besluitenlijst"):
        return ""
    word = ENTRY_OUTCOMES.get(AgendaEntry.Outcome(entry.outcome))
    return str(word) if word else ""


@dataclass(frozen=True)
class PublicVotes:
    """The tally of a decision, and the vote of each municipality where that is public."""

    consensus: bool
    secret: bool
    votes_for: int
    against: int
    abstain: int
    by_municipality: tuple[tuple[str, str], ...] = field(default=())


def public_votes(decision: Decision) -> PublicVotes:
    """The one way the public site shows how a decision was voted: by consensus, or the
    counts for, against and abstaining; per municipality only when the vote was not secret."""
    secret = decision.secret
    votes = [] if secret else sorted(decision.votes.all(), key=lambda vote: vote.municipality.name)
    # The decision keeps its own count: a secret vote has no rows per municipality.
    counts = decision.tally
    return PublicVotes(
        consensus=decision.consensus,
        secret=secret,
        votes_for=counts[Vote.Choice.FOR],
        against=counts[Vote.Choice.AGAINST],
        abstain=counts[Vote.Choice.ABSTAIN],
        by_municipality=()
        if secret
        else tuple((vote.municipality.name, vote.get_vote_display()) for vote in votes),
    )


def richest(meeting: Meeting) -> str:
    """The fullest open-data document of the meeting that is public now."""
    return next(kind for kind in reversed(KINDS) if published(meeting, kind))


def published_documents(meeting: Meeting) -> list[tuple[str, GeneratedDocument | None]]:
    """The meeting's published documents, each with the public edition of its latest Word
    version where one was generated."""
    found: list[tuple[str, GeneratedDocument | None]] = []
    for name in KINDS:
        if published(meeting, name):
            found.append((name, public_document(meeting, name)))
    return found


def public_document(meeting: Meeting, name: str) -> GeneratedDocument | None:
    """The public edition of the latest version of a published document, if there is one.

    Only the latest: the draft minutes stay inside once the approved ones exist."""
    if name not in DOCUMENT_KINDS or not published(meeting, name):
        return None
    return (
        GeneratedDocument.objects.filter(meeting=meeting, kind=DOCUMENT_KINDS[name], public=True)
        .select_related("meeting__body", "pdf")
        .order_by("-version")
        .first()
    )


@dataclass(frozen=True)
class Stop:
    """One stop on a decision's road: where the item was, when, and what happened there."""

    place: str
    when: dt.datetime | None
    what: str
    meeting: Meeting | None = None
    decision: Decision | None = None


def road(decision: Decision) -> list[Stop]:
    """The road of a public decision through the bodies: prepared by the intervision
    group, then every public meeting that treated it (cluster, DVV…), in order."""
    chain = [item for item in road_of(decision.item) if not item.confidential]
    if not chain:
        return []
    origin = chain[0]
    stops: list[Stop] = []
    prepared = (
        TransitionLog.objects.for_object(origin)
        .steps()
        .filter(transition="endorse")
        .values_list("at", flat=True)
        .last()
    )
    stops.append(
        Stop(
            place=origin.intervision_group.name,
            when=prepared,
            what=str(_("prepared and passed on")),
        )
    )
    decisions = {d.item_id: d for d in public_decisions().filter(item__in=chain)}
    place = {item.pk: index for index, item in enumerate(chain)}
    entries = sorted(
        public_entries().filter(item__in=chain).select_related("meeting__body", "item"),
        # Along the road first (a body decides after the one before it), then by date.
        key=lambda entry: (place[entry.item_id], entry.meeting.starts_at, entry.pk),
    )
    for entry in entries:
        found = decisions.get(entry.item_id)
        if found is not None and found.meeting_id != entry.meeting_id:
            found = None
        stops.append(
            Stop(
                place=entry.meeting.body.name,
                when=entry.meeting.starts_at,
                what=entry_outcome(entry) or str(_("on the agenda")),
                meeting=entry.meeting,
                decision=found,
            )
        )
    return stops


def search_decisions(
    words: list[str],
    *,
    body: int | None = None,
    year: int | None = None,
    municipality: int | None = None,
) -> QuerySet[Decision]:
    """Public decisions whose title or decision text holds every word, newest first."""
    decisions = public_decisions()
    for word in words:
        decisions = decisions.filter(
            Q(item__title__icontains=word) | Q(text__icontains=word) | Q(number__icontains=word)
        )
    if body is not None:
        decisions = decisions.filter(body=body)
    if year is not None:
        decisions = decisions.filter(meeting__starts_at__year=year)
    if municipality is not None:
        decisions = decisions.filter(municipalities=municipality)
    return decisions.order_by("-meeting__starts_at", "-pk").distinct()
