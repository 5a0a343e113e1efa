"""The public open-data pages: no sign-in, only what is public, as HTML with a JSON-LD
block (for a harvester) and as JSON-LD documents; the IRIs under /id/ lead to them."""

from __future__ import annotations

import json
import re
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from backend.agenda.models import Decision
from backend.documents.data import is_confidential
from backend.meetings.models import AgendaEntry, Meeting
from backend.opendata.export import HANDLED, KINDS, PUBLISHED_FROM, export, published

JSONLD = "application/ld+json"


def public_meetings() -> QuerySet[Meeting]:
    """Meetings whose agenda at least is public (convened or later, never cancelled)."""
    return Meeting.objects.filter(state__in=PUBLISHED_FROM["agenda"]).select_related(
        "body", "body__region"
    )


def public_meeting(pk: int) -> Meeting:
    meeting = public_meetings().filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def script_block(document: dict[str, Any]) -> SafeString:
    """JSON for a <script> element: nothing in it can close the element or start markup."""
    raw = json.dumps(document, ensure_ascii=False, indent=1)
    escaped = raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(escaped)  # noqa: S308 - every markup character is escaped above


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    meetings = public_meetings().order_by("-starts_at")
    body = request.GET.get("orgaan", "")
    if body.isdigit() and len(body) < 19:
        meetings = meetings.filter(body=int(body))
    return render(request, "opendata/index.html", {"meetings": meetings[:200]})


@require_safe
def meeting_page(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = public_meeting(pk)
    richest = next(kind for kind in reversed(KINDS) if published(meeting, kind))
    entries = [
        entry
        for entry in meeting.entries.select_related("item").order_by("position")
        if not is_confidential(entry)
    ]
    # Decisions are public with the decision list, once the meeting is closed.
    decisions = (
        {
            decision.item_id: decision
            for decision in Decision.objects.filter(
                meeting=meeting, item__in=[e.item_id for e in entries]
            )
        }
        if published(meeting, "besluitenlijst")
        else {}
    )
    return render(
        request,
        "opendata/meeting.html",
        {
            "meeting": meeting,
            "entries": [(entry, decisions.get(entry.item_id)) for entry in entries],
            "documents": [kind for kind in KINDS if published(meeting, kind)],
            "jsonld": script_block(export(meeting, richest)),
        },
    )


@require_safe
def document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    meeting = public_meeting(pk)
    if kind not in KINDS or not published(meeting, kind):
        raise Http404
    response = JsonResponse(
        export(meeting, kind),
        content_type=f"{JSONLD}; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Content-Disposition"] = f'inline; filename="{kind}-{meeting.pk}.jsonld"'
    return response


def _meeting_of(kind: str, key: str) -> Meeting | None:
    """The public meeting whose document describes the thing an IRI names, if any."""
    if not key.isdigit() or len(key) > 18:
        return None
    number = int(key)
    if kind in ("zittingen", "locaties"):
        return public_meetings().filter(pk=number).first()
    if kind in ("agendapunten", "behandelingen"):
        entry = AgendaEntry.objects.select_related("item", "meeting").filter(pk=number).first()
        if entry is None or is_confidential(entry):
            return None
        if kind == "behandelingen" and entry.outcome not in HANDLED:
            return None
        return public_meetings().filter(pk=entry.meeting_id).first()
    if kind in ("besluiten", "stemmingen"):
        decision = Decision.objects.select_related("item").filter(pk=number).first()
        if decision is None or decision.item.confidential:
            return None
        entry = decision.item.entries.filter(meeting=decision.meeting_id).first()
        if entry is None or is_confidential(entry):
            return None
        return (
            public_meetings()
            .filter(pk=decision.meeting_id, state__in=PUBLISHED_FROM["besluitenlijst"])
            .first()
        )
    return None


@require_safe
def dereference(request: HttpRequest, path: str) -> HttpResponse:
    """Send an IRI to the public document that describes it (303 See Other): JSON-LD to a
    client that asks for it, the HTML page with its JSON-LD block to a browser."""
    match = re.fullmatch(r"([a-z]+)/([A-Za-z0-9_.-]+)(?:/([A-Za-z0-9_.-]+))?", path)
    if match is None:
        raise Http404
    kind, key, rest = match.groups()
    wants_jsonld = JSONLD in request.headers.get("Accept", "")
    if kind in (
        "bestuursorganen",
        "bestuurseenheden",
        "werkingsgebieden",
        "concepten",
        "mandatarissen",
        "functionarissen",
    ):
        query = f"?orgaan={key}" if kind == "bestuursorganen" and key.isdigit() else ""
        return _see_other(reverse("opendata:index") + query)
    if kind == "documenten" and rest in KINDS:
        meeting = _meeting_of("zittingen", key)
        if meeting is None or not published(meeting, rest):
            raise Http404
        return _see_other(reverse("opendata:document", args=[meeting.pk, rest]))
    meeting = _meeting_of(kind, key)
    if meeting is None:
        raise Http404
    if wants_jsonld:
        richest = next(k for k in reversed(KINDS) if published(meeting, k))
        return _see_other(reverse("opendata:document", args=[meeting.pk, richest]))
    return _see_other(reverse("opendata:meeting", args=[meeting.pk]))


def _see_other(location: str) -> HttpResponse:
    response = HttpResponseRedirect(location)
    response.status_code = 303
    return response
