"""Atom feeds of the public site: one per body and one per region. An entry is a published
agenda, decision list or minutes of a meeting, or a public decision; nothing else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import truncatewords
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from backend.agenda.models import Decision
from backend.audit.models import TransitionLog
from backend.meetings.models import Meeting
from backend.opendata.export import iri
from backend.opendata.public import meeting_status, public_decisions, public_meetings, richest
from backend.organisations.models import Body, Region

ENTRIES = 50


@dataclass(frozen=True)
class Entry:
    """One entry of a feed: what a reader sees and where it leads."""

    key: str
    title: str
    summary: str
    link: str
    updated: dt.datetime
    category: str


def meeting_entries(meetings: QuerySet[Meeting]) -> list[Entry]:
    """A public meeting as it stands now, dated by its last step (convened, closed…)."""
    found = list(
        meetings.annotate(changed=TransitionLog.objects.last_at(Meeting)).order_by("-starts_at")[
            :ENTRIES
        ]
    )
    entries = []
    for meeting in found:
        when = date_filter(timezone.localtime(meeting.starts_at), "l j F Y")
        status = meeting_status(meeting)
        entries.append(
            Entry(
                # The IRI of the document the meeting's state published: a new entry when
                # the decisions or the minutes follow the agenda.
                key=iri("documenten", meeting.pk, richest(meeting)),
                title=f"{meeting.body.name}, {when}: {status}",
                summary=_("Meeting of %(body)s on %(when)s%(place)s: %(status)s.")
                % {
                    "body": meeting.body.name,
                    "when": when,
                    "place": f", {meeting.location}" if meeting.location else "",
                    "status": status,
                },
                link=reverse("opendata:meeting", args=[meeting.pk]),
                updated=getattr(meeting, "changed", None) or meeting.starts_at,
                category=meeting.body.name,
            )
        )
    return entries


def decision_entries(decisions: QuerySet[Decision]) -> list[Entry]:
    """A public decision, dated when its decision list was published (the meeting closed)."""
    closed = TransitionLog.objects.steps().filter(
        content_type=ContentType.objects.get_for_model(Meeting), transition="close"
    )
    found = list(decisions.order_by("-meeting__starts_at", "-pk")[:ENTRIES])
    closed_at = dict(
        closed.filter(object_id__in=[str(d.meeting_id) for d in found]).values_list(
            "object_id", "at"
        )
    )
    return [
        Entry(
            key=iri("besluiten", decision.pk),
            title=f"{decision.number}: {decision.item.title} ({decision.get_outcome_display()})",
            summary=truncatewords(decision.text, 60),
            link=reverse("opendata:decision", args=[decision.pk]),
            updated=closed_at.get(str(decision.meeting_id)) or decision.decided_at,
            category=decision.body.name,
        )
        for decision in found
    ]


class PublicFeed(Feed):
    """The newest public entries of one scope, newest first."""

    feed_type = Atom1Feed

    def entries(self, obj: Any) -> list[Entry]:
        raise NotImplementedError

    def items(self, obj: Any) -> list[Entry]:
        found = self.entries(obj)
        return sorted(found, key=lambda entry: entry.updated, reverse=True)[:ENTRIES]

    def item_title(self, item: Entry) -> str:
        return item.title

    def item_description(self, item: Entry) -> str:
        return item.summary

    def item_link(self, item: Entry) -> str:
        return item.link

    def item_guid(self, item: Entry) -> str:
        return item.key

    item_guid_is_permalink = False

    def item_pubdate(self, item: Entry) -> dt.datetime:
        return item.updated

    def item_updateddate(self, item: Entry) -> dt.datetime:
        return item.updated

    def item_categories(self, item: Entry) -> list[str]:
        return [item.category]


class BodyFeed(PublicFeed):
    def get_object(self, request: HttpRequest, pk: int) -> Body:  # type: ignore[override]
        return get_object_or_404(Body, pk=pk)

    def title(self, obj: Body) -> str:
        return _("%(body)s: agendas, decisions and minutes") % {"body": obj.name}

    def subtitle(self, obj: Body) -> str:
        return _("The public agendas, decisions and minutes of %(body)s.") % {"body": obj.name}

    def link(self, obj: Body) -> str:
        return reverse("opendata:body", args=[obj.pk])

    def entries(self, obj: Any) -> list[Entry]:
        return meeting_entries(public_meetings().filter(body=obj)) + decision_entries(
            public_decisions().filter(body=obj)
        )


class RegionFeed(PublicFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Region:  # type: ignore[override]
        region = Region.objects.filter(slug=slug).first()
        if region is None:
            raise Http404
        return region

    def title(self, obj: Region) -> str:
        return _("%(region)s: agendas, decisions and minutes") % {"region": obj.name}

    def subtitle(self, obj: Region) -> str:
        return _("The public agendas, decisions and minutes of every body of %(region)s.") % {
            "region": obj.name
        }

    def link(self, obj: Region) -> str:
        return reverse("opendata:index")

    def entries(self, obj: Any) -> list[Entry]:
        return meeting_entries(public_meetings().filter(body__region=obj)) + decision_entries(
            public_decisions().filter(body__region=obj)
        )
