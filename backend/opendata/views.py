"""The public site: no sign-in, only what is public. Pages a citizen reads (the bodies,
their meetings with agenda, decision list and minutes, a page per decision, a search), the
Word documents' public editions, and the linked open data: an HTML page carries its JSON-LD
block, the JSON-LD documents stay at their addresses, and the IRIs under /id/ lead to them."""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from backend.agenda.models import Decision
from backend.documents.data import is_confidential
from backend.documents.models import GeneratedDocument
from backend.documents.render import DOCX_CONTENT_TYPE
from backend.documents.selectors import version_label
from backend.documents.signing import SignatureView, current_pdf, signatures_checked
from backend.files.errors import StoreUnavailable
from backend.http.downloads import document_pdf_response
from backend.meetings.models import AgendaEntry, Meeting
from backend.opendata.archive import (
    archive_files,
    archive_manifest,
    archive_stream,
    archive_years,
)
from backend.opendata.export import HANDLED, KINDS, PUBLISHED_FROM, export, published
from backend.opendata.forms import SearchForm
from backend.opendata.public import (
    DOCUMENT_TITLES,
    entry_outcome,
    meeting_status,
    public_decisions,
    public_document,
    public_meetings,
    public_votes,
    published_documents,
    richest,
    road,
    search_decisions,
)
from backend.organisations.models import Body, Municipality, Region
from workflows.states import MeetingState

JSONLD = "application/ld+json"
PER_PAGE = 20
LATEST = 8


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


def page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render a public page with what every page shows: the regions' feeds."""
    regions = Region.objects.filter(bodies__meetings__state__in=PUBLISHED_FROM["agenda"]).distinct()
    return render(request, template, {"feed_regions": regions, **context}, status=status)


def public_bodies() -> Any:
    """The bodies with at least one public meeting, with their number and last date."""
    return (
        Body.objects.filter(meetings__state__in=PUBLISHED_FROM["agenda"])
        .annotate(
            public_count=Count("meetings", filter=Q(meetings__state__in=PUBLISHED_FROM["agenda"])),
            last_meeting=Max(
                "meetings__starts_at", filter=Q(meetings__state__in=PUBLISHED_FROM["agenda"])
            ),
        )
        .order_by("kind", "name")
    )


def with_status(meetings: Any) -> list[tuple[Meeting, str]]:
    now = timezone.now()
    return [(meeting, meeting_status(meeting, now)) for meeting in meetings]


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    body = request.GET.get("orgaan", "")
    if body.isdigit() and len(body) < 19 and Body.objects.filter(pk=int(body)).exists():
        return redirect("opendata:body", pk=int(body))
    upcoming = (
        public_meetings()
        .filter(state__in=(MeetingState.CONVENED, MeetingState.IN_SESSION))
        .order_by("starts_at")[:LATEST]
    )
    recent = public_meetings().filter(state__in=MeetingState.held()).order_by("-starts_at")
    return page(
        request,
        "opendata/index.html",
        {
            "latest": public_decisions().order_by("-meeting__starts_at", "-pk")[:LATEST],
            "upcoming": with_status(upcoming),
            "recent": with_status(recent[:LATEST]),
            "bodies": public_bodies(),
            "form": search_form(None),
        },
    )


@require_safe
def body_page(request: HttpRequest, pk: int) -> HttpResponse:
    body = Body.objects.filter(pk=pk).select_related("region").first()
    if body is None:
        raise Http404
    meetings = public_meetings().filter(body=body).order_by("-starts_at")
    years = sorted(
        {moment.year for moment in meetings.values_list("starts_at", flat=True)}, reverse=True
    )
    wanted = request.GET.get("jaar", "")
    year = int(wanted) if wanted.isdigit() and len(wanted) == 4 else None
    if year in years:
        meetings = meetings.filter(starts_at__year=year)
    else:
        year = None
    listed = Paginator(meetings, PER_PAGE).get_page(request.GET.get("pagina"))
    return page(
        request,
        "opendata/body.html",
        {
            "body": body,
            "years": years,
            "year": year,
            "listed": listed,
            "meetings": with_status(listed.object_list),
            "year_query": f"jaar={year}" if year else "",
            "decision_count": public_decisions().filter(body=body).count(),
            "archive_years": archive_years(body),
        },
    )


@require_safe
def archive(request: HttpRequest, pk: int, year: int) -> StreamingHttpResponse:
    """A year of the body's signed public documents as one zip with its manifest; 404 for
    a year without any."""
    body = Body.objects.filter(pk=pk).select_related("region").first()
    if body is None or not 1000 <= year <= 9999:
        raise Http404
    files = archive_files(body, year)
    if not files:
        raise Http404
    response = StreamingHttpResponse(
        archive_stream(archive_manifest(body, year, files), files),
        content_type="application/zip",
    )
    code = "".join(c if c.isascii() and (c.isalnum() or c == "-") else "-" for c in body.code)
    response["Content-Disposition"] = f'attachment; filename="archief-{code}-{year}.zip"'
    return response


@require_safe
def meeting_page(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = public_meeting(pk)
    entries = [
        entry
        for entry in meeting.entries.select_related("item", "meeting").order_by("position")
        if not is_confidential(entry)
    ]
    # Decisions are public with the decision list, once the meeting is closed.
    decisions = {
        decision.item_id: decision
        for decision in public_decisions().filter(
            meeting=meeting, item__in=[e.item_id for e in entries]
        )
    }
    minutes = published(meeting, "notulen")
    return page(
        request,
        "opendata/meeting.html",
        {
            "meeting": meeting,
            "status": meeting_status(meeting),
            "entries": [
                (
                    entry,
                    entry_outcome(entry),
                    decisions.get(entry.item_id),
                    public_votes(decisions[entry.item_id]) if entry.item_id in decisions else None,
                    entry.note if minutes and entry.outcome in HANDLED else "",
                )
                for entry in entries
            ],
            "documents": documents_of(meeting),
            "jsonld": script_block(export(meeting, richest(meeting))),
            "jsonld_href": reverse("opendata:document", args=[meeting.pk, richest(meeting)]),
        },
    )


def signed_status(document: GeneratedDocument) -> list[SignatureView]:
    """The document's signatures and whether each holds; while the file store does not
    answer the page still shows who signed, without "geldig"."""
    try:
        return signatures_checked(document)
    except StoreUnavailable:
        signatures = document.signatures.select_related("signer").order_by("position")
        return [SignatureView(signature, valid=False, summary="") for signature in signatures]


def documents_of(meeting: Meeting) -> list[dict[str, Any]]:
    """The published documents of a meeting, as the document list shows them: the public
    edition's Word file, its PDF/A as it stands (signed when signed), who signed it and
    whether each signature holds (a cached verdict: see `signatures_checked`)."""
    return [
        {
            "name": name,
            "title": DOCUMENT_TITLES[name],
            "word": document,
            "label": version_label(document) if document is not None else "",
            "pdf": current_pdf(document) if document is not None else None,
            "signatures": signed_status(document) if document is not None else [],
            "jsonld": reverse("opendata:document", args=[meeting.pk, name]),
        }
        for name, document in published_documents(meeting)
    ]


@require_safe
def decision_page(request: HttpRequest, pk: int) -> HttpResponse:
    decision = public_decisions().filter(pk=pk).first()
    if decision is None:
        raise Http404
    meeting = decision.meeting
    return page(
        request,
        "opendata/decision.html",
        {
            "decision": decision,
            "item": decision.item,
            "meeting": meeting,
            "votes": public_votes(decision),
            "municipalities": decision.municipalities.order_by("name"),
            "road": road(decision),
            "documents": documents_of(meeting),
            "jsonld": script_block(export(meeting, richest(meeting))),
            "jsonld_href": reverse("opendata:document", args=[meeting.pk, richest(meeting)]),
        },
    )


def search_form(data: Any) -> SearchForm:
    decisions = public_decisions()
    return SearchForm(
        data,
        bodies=Body.objects.filter(pk__in=decisions.values("body")).order_by("name"),
        years=sorted(
            {moment.year for moment in decisions.values_list("meeting__starts_at", flat=True)},
            reverse=True,
        ),
        municipalities=Municipality.objects.filter(
            pk__in=decisions.values("municipalities")
        ).order_by("name"),
    )


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Search the public decisions; a query the form refuses is a 400 with its reasons."""
    form = search_form(request.GET)
    if not form.is_valid():
        return page(request, "opendata/search.html", {"form": form, "listed": None}, status=400)
    data = form.cleaned_data
    found = search_decisions(
        form.words(),
        body=data["orgaan"].pk if data.get("orgaan") else None,
        year=data.get("jaar"),
        municipality=data["gemeente"].pk if data.get("gemeente") else None,
    )
    listed = Paginator(found, PER_PAGE).get_page(request.GET.get("pagina"))
    kept = request.GET.copy()
    kept.pop("pagina", None)
    return page(
        request,
        "opendata/search.html",
        {
            "form": form,
            "listed": listed,
            "searched": bool(form.words())
            or any(data.get(k) for k in ("orgaan", "jaar", "gemeente")),
            "query": kept.urlencode(),
        },
    )


def published_document(pk: int, kind: str) -> GeneratedDocument:
    """The public edition of a published document of a public meeting, or 404: never the
    full edition, never a document before it is published."""
    document = public_document(public_meeting(pk), kind)
    if document is None or not document.public:
        raise Http404
    return document


@require_safe
def download(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    """The public edition of a published document as Word."""
    document = published_document(pk, kind)
    try:
        handle = document.file.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=document.download_name(),
        content_type=DOCX_CONTENT_TYPE,
    )


@require_safe
def download_pdf(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    """The public edition of a published document as PDF/A, as it stands: with every
    signature it carries. A store that does not answer is a 503 (StoreOutage)."""
    document = published_document(pk, kind)
    pdf = current_pdf(document)
    if pdf is None:
        raise Http404
    try:
        return document_pdf_response(document, pdf)
    except OSError:
        raise Http404 from None


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
        return _see_other(reverse("opendata:document", args=[meeting.pk, richest(meeting)]))
    return _see_other(reverse("opendata:meeting", args=[meeting.pk]))


def _see_other(location: str) -> HttpResponse:
    response = HttpResponseRedirect(location)
    response.status_code = 303
    return response
