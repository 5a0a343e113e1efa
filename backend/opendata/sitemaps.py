"""The sitemap of the public site: its front pages, the bodies, the public meetings and the
public decisions; nothing that is not public."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from backend.agenda.models import Decision
from backend.audit.models import TransitionLog
from backend.meetings.models import Meeting
from backend.opendata.export import PUBLISHED_FROM
from backend.opendata.public import public_decisions, public_meetings
from backend.organisations.models import Body


class PagesSitemap(Sitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["opendata:index", "opendata:search"]

    def location(self, item: str) -> str:
        return reverse(item)


class BodySitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[Body]:
        return (
            Body.objects.filter(meetings__state__in=PUBLISHED_FROM["agenda"])
            .distinct()
            .order_by("pk")
        )

    def location(self, item: Body) -> str:
        return reverse("opendata:body", args=[item.pk])


class MeetingSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[Meeting]:
        return (
            public_meetings()
            .annotate(changed=TransitionLog.objects.last_at(Meeting))
            .order_by("pk")
        )

    def location(self, item: Meeting) -> str:
        return reverse("opendata:meeting", args=[item.pk])

    def lastmod(self, item: Meeting) -> dt.datetime | None:
        return getattr(item, "changed", None)


class DecisionSitemap(Sitemap):
    changefreq = "monthly"

    def items(self) -> QuerySet[Decision]:
        return public_decisions().order_by("pk")

    def location(self, item: Decision) -> str:
        return reverse("opendata:decision", args=[item.pk])

    def lastmod(self, item: Decision) -> dt.datetime:
        return item.decided_at


SITEMAPS: dict[str, Any] = {
    "pages": PagesSitemap,
    "bodies": BodySitemap,
    "meetings": MeetingSitemap,
    "decisions": DecisionSitemap,
}
