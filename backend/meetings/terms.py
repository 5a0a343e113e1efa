"""The legal publication terms of a body's meetings (Decreet Lokaal Bestuur): the agenda
public some days before the meeting, the decision list within some days after it.

Here the agenda is public once the meeting is convened (its agenda document and open data
exist), and the decision list once the meeting is closed. Which terms apply, and how many
days, is set per body; a body without them has no terms.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from backend.meetings.models import Meeting
from workflows.states import MeetingState

AGENDA_OPEN = (MeetingState.PLANNED,)
DECISION_LIST_OPEN = (MeetingState.CONVENED, MeetingState.IN_SESSION)


def agenda_deadline(meeting: Meeting) -> dt.datetime | None:
    days = meeting.body.agenda_term_days
    return None if days is None else meeting.starts_at - dt.timedelta(days=days)


def decision_list_deadline(meeting: Meeting) -> dt.datetime | None:
    days = meeting.body.decision_list_term_days
    return None if days is None else meeting.starts_at + dt.timedelta(days=days)


@dataclass(frozen=True)
class Term:
    """A publication term of a meeting that is still open."""

    meeting: Meeting
    document: str  # "agenda" or "besluitenlijst"
    deadline: dt.datetime

    def late(self, now: dt.datetime) -> bool:
        return now > self.deadline


def open_terms(meetings: QuerySet[Meeting]) -> list[Term]:
    """The terms not yet met by the meetings given: agendas of meetings not yet convened,
    decision lists of meetings not yet closed; earliest deadline first."""
    candidates = meetings.filter(
        Q(state__in=AGENDA_OPEN, body__agenda_term_days__isnull=False)
        | Q(state__in=DECISION_LIST_OPEN, body__decision_list_term_days__isnull=False)
    ).select_related("body")
    terms: list[Term] = []
    for meeting in candidates:
        if meeting.state in AGENDA_OPEN:
            deadline = agenda_deadline(meeting)
            document = "agenda"
        else:
            deadline = decision_list_deadline(meeting)
            document = "besluitenlijst"
        if deadline is not None:
            terms.append(Term(meeting, document, deadline))
    return sorted(terms, key=lambda term: (term.deadline, term.meeting.pk))


def still_open(meeting: Any, document: str) -> bool:
    """Whether the term of that document of the meeting is still to be met."""
    states = AGENDA_OPEN if document == "agenda" else DECISION_LIST_OPEN
    return meeting.state in states
