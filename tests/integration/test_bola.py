"""Broken object-level authorisation, tried everywhere: two full regions, and every role of
region A asks every page and endpoint for every object of region B. Each answer is 404
(exactly as for an object that does not exist), nothing of B changes, and no list or page
of A holds a row of B.

The table of addresses is checked against the URL tree: an address added to the product
without a line here (or a reason it needs none) fails the test."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from backend.agenda.models import AgendaItem, Attachment
from backend.agenda.services import attachment_add
from backend.audit.models import TransitionLog
from backend.documents.models import DocumentPdf, GeneratedDocument
from backend.followup.models import Action, Ratification
from backend.meetings.models import AgendaEntry, Meeting
from backend.organisations.models import Coalition, Membership, Person
from backend.reminders.models import Notification
from tests.conftest import World, build_world
from workflows.engine import fire

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# Words only region B's rows carry: its name, its towns and its people's names.
B_MARKERS = ("Leiedal", "Kortrijk", "Harelbeke", "Kuurne", "leiedal-")
MISSING = 987654321


@dataclass
class Objects:
    """The ids of one region's objects, one of each kind."""

    region: int
    municipality: int
    body: int
    membership: int
    service: int
    coalition: int
    draft: int
    item: int
    attachment: int
    meeting: int
    entry: int
    decision: int
    ratification: int
    action: int
    notification: int
    document: int


def populate(w: World) -> Objects:
    """An item in every corner: a draft, a decided item with its attachment, meeting,
    agenda entry, documents, ratifications, an action and a notification."""
    name = w.region.name
    draft = w.item(title=f"{name}: ontwerp van een fietsplan")
    item = w.item(title=f"{name}: gezamenlijke aankoop van laadpalen")
    attachment = attachment_add(
        item=item, actor=w.author, upload=SimpleUploadedFile(f"{name}.pdf", PDF)
    )
    fire(item, "submit", actor=w.author)
    fire(item, "start_preparation", actor=w.group_chair)
    fire(item, "endorse", actor=w.group_chair)
    meeting = w.meeting_in_session(item)
    fire(item, "approve", actor=w.cluster_chair, text=f"{name} keurt goed.", consensus=True)
    item.refresh_from_db()
    action = Action.objects.create(
        item=item,
        title=f"{name}: offertes opvragen",
        service=w.service,
        due_date=timezone.localdate() + dt.timedelta(days=30),
    )
    coalition = Coalition.objects.create(region=w.region, name=f"{name}+")
    coalition.municipalities.set(w.municipalities[:2])
    notification = Notification.objects.create(
        recipient=w.coordinator,
        kind=Notification.Kind.ACTION_DUE,
        content_type=ContentType.objects.get_for_model(Action),
        object_id=str(action.pk),
        due_at=timezone.now(),
    )
    document = GeneratedDocument.objects.filter(meeting=meeting).first()
    assert document is not None, "convening writes the agenda"
    pdf = DocumentPdf(document=document, sha256=hashlib.sha256(PDF).hexdigest(), seconds=0)
    pdf.file.save("agenda.pdf", ContentFile(PDF))
    return Objects(
        region=w.region.pk,
        municipality=w.municipalities[0].pk,
        body=w.cluster.pk,
        membership=Membership.objects.filter(body__region=w.region).first().pk,
        service=w.service.pk,
        coalition=coalition.pk,
        draft=draft.pk,
        item=item.pk,
        attachment=attachment.pk,
        meeting=meeting.pk,
        entry=AgendaEntry.objects.get(meeting=meeting, item=item).pk,
        decision=item.decision.pk,
        ratification=Ratification.objects.filter(decision=item.decision).first().pk,
        action=action.pk,
        notification=notification.pk,
        document=document.pk,
    )


# (URL name, address with {placeholders} of region B's objects, methods). A placeholder
# `a_<kind>` takes region A's own object: a foreign id inside one's own object's address.
ADDRESSES: list[tuple[str, str, tuple[str, ...]]] = [
    ("web:item", "/punten/{item}/", ("GET",)),
    ("web:item", "/punten/{draft}/", ("GET",)),
    ("web:item-edit", "/punten/{draft}/bewerken/", ("GET", "POST")),
    ("web:attachment-upload", "/punten/{draft}/bijlagen/", ("POST",)),
    ("web:attachment", "/punten/{item}/bijlagen/{attachment}/", ("GET",)),
    ("web:attachment", "/punten/{a_item}/bijlagen/{attachment}/", ("GET",)),
    ("web:attachment-delete", "/punten/{item}/bijlagen/{attachment}/verwijderen/", ("POST",)),
    ("web:excerpts", "/punten/{item}/uittreksels.zip", ("GET",)),
    ("web:excerpt", "/punten/{item}/uittreksels/{municipality}/", ("GET",)),
    ("web:excerpt", "/punten/{a_item}/uittreksels/{municipality}/", ("GET",)),
    ("web:meeting", "/vergaderingen/{meeting}/", ("GET",)),
    ("web:meeting-edit", "/vergaderingen/{meeting}/bewerken/", ("GET", "POST")),
    ("web:entry-note", "/vergaderingen/{meeting}/punten/{entry}/bespreking/", ("POST",)),
    (
        "web:entry-conflicts",
        "/vergaderingen/{meeting}/punten/{entry}/belangenconflicten/",
        ("POST",),
    ),
    (
        "web:entry-conflicts",
        "/vergaderingen/{a_meeting}/punten/{entry}/belangenconflicten/",
        ("POST",),
    ),
    (
        "web:entry-conflict-remove",
        "/vergaderingen/{meeting}/punten/{entry}/belangenconflicten/1/verwijderen/",
        ("POST",),
    ),
    ("web:action-new", "/punten/{item}/acties/nieuw/", ("GET", "POST")),
    ("web:action-note", "/acties/{action}/notities/", ("POST",)),
    ("web:notification-read", "/meldingen/{notification}/gelezen/", ("POST",)),
    ("web:agenda", "/vergaderingen/{meeting}/agenda/", ("POST",)),
    ("web:meeting-secretary", "/vergaderingen/{meeting}/secretaris/", ("POST",)),
    ("web:attendance", "/vergaderingen/{meeting}/aanwezigheid/", ("POST",)),
    (
        "web:document-sign",
        "/vergaderingen/{meeting}/documenten/{document}/ondertekenen/",
        ("POST",),
    ),
    (
        "web:document-sign",
        "/vergaderingen/{a_meeting}/documenten/{document}/ondertekenen/",
        ("POST",),
    ),
    ("web:transition", "/overgang/item/{draft}/submit/", ("POST",)),
    ("web:transition", "/overgang/item/{item}/start_execution/", ("POST",)),
    ("web:transition", "/overgang/meeting/{meeting}/close/", ("POST",)),
    ("web:transition", "/overgang/action/{action}/start/", ("POST",)),
    ("web:transition", "/overgang/ratification/{ratification}/ratify/", ("POST",)),
    ("v1:region-detail", "/api/v1/regions/{region}/", ("GET",)),
    ("v1:municipality-detail", "/api/v1/municipalities/{municipality}/", ("GET",)),
    ("v1:body-detail", "/api/v1/bodies/{body}/", ("GET",)),
    ("v1:membership-detail", "/api/v1/memberships/{membership}/", ("GET",)),
    ("v1:service-detail", "/api/v1/services/{service}/", ("GET",)),
    ("v1:coalition-detail", "/api/v1/coalitions/{coalition}/", ("GET",)),
    ("v1:meeting-detail", "/api/v1/meetings/{meeting}/", ("GET", "PATCH", "PUT")),
    ("v1:meeting-agenda", "/api/v1/meetings/{meeting}/agenda/", ("POST",)),
    ("v1:meeting-attendance", "/api/v1/meetings/{meeting}/attendance/", ("GET", "POST")),
    ("v1:meeting-entries", "/api/v1/meetings/{meeting}/entries/", ("GET",)),
    ("v1:meeting-entry", "/api/v1/meetings/{meeting}/entries/{entry}/", ("GET", "PATCH")),
    ("v1:meeting-entry", "/api/v1/meetings/{a_meeting}/entries/{entry}/", ("GET", "PATCH")),
    (
        "v1:meeting-entry-conflicts",
        "/api/v1/meetings/{meeting}/entries/{entry}/conflicts/",
        ("GET", "POST"),
    ),
    (
        "v1:meeting-entry-conflicts",
        "/api/v1/meetings/{a_meeting}/entries/{entry}/conflicts/",
        ("GET", "POST"),
    ),
    (
        "v1:meeting-entry-conflict",
        "/api/v1/meetings/{meeting}/entries/{entry}/conflicts/1/",
        ("DELETE",),
    ),
    (
        "v1:meeting-entry-conflict",
        "/api/v1/meetings/{a_meeting}/entries/{entry}/conflicts/1/",
        ("DELETE",),
    ),
    ("v1:meeting-history", "/api/v1/meetings/{meeting}/history/", ("GET",)),
    ("v1:meeting-ics", "/api/v1/meetings/{meeting}/ics/", ("GET",)),
    ("v1:meeting-transitions", "/api/v1/meetings/{meeting}/transitions/close/", ("POST",)),
    ("v1:agendaitem-detail", "/api/v1/agenda-items/{draft}/", ("GET", "PATCH", "PUT")),
    ("v1:agendaitem-attachments", "/api/v1/agenda-items/{item}/attachments/", ("GET", "POST")),
    (
        "v1:agendaitem-attachment",
        "/api/v1/agenda-items/{item}/attachments/{attachment}/",
        ("DELETE",),
    ),
    (
        "v1:agendaitem-attachment",
        "/api/v1/agenda-items/{a_item}/attachments/{attachment}/",
        ("DELETE",),
    ),
    (
        "v1:agendaitem-attachment-download",
        "/api/v1/agenda-items/{item}/attachments/{attachment}/download/",
        ("GET",),
    ),
    ("v1:agendaitem-history", "/api/v1/agenda-items/{item}/history/", ("GET",)),
    (
        "v1:agendaitem-transitions",
        "/api/v1/agenda-items/{draft}/transitions/submit/",
        ("POST",),
    ),
    (
        "v1:agendaitem-transitions",
        "/api/v1/agenda-items/{item}/transitions/start_execution/",
        ("POST",),
    ),
    ("v1:decision-detail", "/api/v1/decisions/{decision}/", ("GET",)),
    ("v1:decision-excerpts", "/api/v1/decisions/{decision}/excerpts/", ("GET",)),
    (
        "v1:decision-excerpt",
        "/api/v1/decisions/{decision}/excerpts/{municipality}/",
        ("GET",),
    ),
    (
        "v1:decision-excerpt",
        "/api/v1/decisions/{a_decision}/excerpts/{municipality}/",
        ("GET",),
    ),
    ("v1:action-detail", "/api/v1/actions/{action}/", ("GET", "PATCH", "PUT")),
    ("v1:action-history", "/api/v1/actions/{action}/history/", ("GET",)),
    ("v1:action-notes", "/api/v1/actions/{action}/notes/", ("GET", "POST")),
    ("v1:action-transitions", "/api/v1/actions/{action}/transitions/start/", ("POST",)),
    ("v1:ratification-detail", "/api/v1/ratifications/{ratification}/", ("GET",)),
    ("v1:ratification-history", "/api/v1/ratifications/{ratification}/history/", ("GET",)),
    (
        "v1:ratification-transitions",
        "/api/v1/ratifications/{ratification}/transitions/ratify/",
        ("POST",),
    ),
    ("v1:notification-detail", "/api/v1/notifications/{notification}/", ("GET",)),
    ("v1:document-detail", "/api/v1/documents/{document}/", ("GET",)),
    ("v1:document-download", "/api/v1/documents/{document}/download/", ("GET",)),
    ("v1:document-pdf", "/api/v1/documents/{document}/pdf/", ("GET",)),
]

# Lists and pages without an object in their address: answered, and never with a row of B.
LISTS = [
    "/",
    "/punten/",
    "/punten/?q=laadpalen",
    "/vergaderingen/",
    "/overzicht/",
    "/hulp/",
    "/tweestapsverificatie/",
    "/api/v1/me/",
    "/api/v1/regions/",
    "/api/v1/municipalities/",
    "/api/v1/bodies/",
    "/api/v1/memberships/",
    "/api/v1/services/",
    "/api/v1/coalitions/",
    "/api/v1/meetings/",
    "/api/v1/agenda-items/",
    "/api/v1/agenda-items/?search=laadpalen",
    "/api/v1/decisions/",
    "/api/v1/actions/",
    "/api/v1/ratifications/",
    "/api/v1/ratifications/matrix/",
    "/api/v1/notifications/",
    "/api/v1/notifications/unread-count/",
    "/api/v1/documents/",
]

# Which of region B's ids each API list must not hold (ids are unique per table).
LIST_KINDS = {
    "/api/v1/regions/": ("region",),
    "/api/v1/municipalities/": ("municipality",),
    "/api/v1/bodies/": ("body",),
    "/api/v1/memberships/": ("membership",),
    "/api/v1/services/": ("service",),
    "/api/v1/coalitions/": ("coalition",),
    "/api/v1/meetings/": ("meeting",),
    "/api/v1/agenda-items/": ("item", "draft"),
    "/api/v1/decisions/": ("decision",),
    "/api/v1/actions/": ("action",),
    "/api/v1/ratifications/": ("ratification",),
    "/api/v1/notifications/": ("notification",),
    "/api/v1/documents/": ("document",),
}

# Addresses that need no line above, and why.
NOT_OBJECT_LEVEL = {
    "web:home": "a list (LISTS)",
    "web:sign-in": "signing in",
    "web:sign-in-code": "signing in",
    "web:sign-in-enrol": "signing in",
    "web:second-factor": "the person's own settings (LISTS)",
    "web:sign-out": "signing out",
    "web:api-keys": "the person's own keys (test_api_keys)",
    "web:api-key-revoke": "revokes only the caller's own key (test_api_keys tries another's)",
    "web:api-keys-revoke-all": "revokes only the caller's own keys (test_api_keys)",
    "web:items": "a list (LISTS)",
    "web:item-new": "a form; ids of another region in it are refused (test_bad_input)",
    "web:meetings": "a list (LISTS)",
    "web:notifications-read": "marks only the caller's own notifications (test_my_work)",
    "web:meeting-new": "a form; a body of another region in it is refused (test_planning_pages)",
    "web:overview": "a list (LISTS)",
    "web:help": "the same for everyone",
    "opendata:index": "public open data, by law",
    "opendata:meeting": "public open data, by law (closed sessions never appear)",
    "opendata:document": "public open data, by law (closed sessions never appear)",
    "opendata:iri": "public open data, by law",
    "opendata:search": "public open data, by law (public decisions only: test_public_site)",
    "opendata:decision": "public open data, by law (confidential and closed: test_public_site)",
    "opendata:body": "public open data, by law (bodies are public; their public meetings only)",
    "opendata:archive": "public open data, by law (signed public editions: test_public_signatures)",
    "opendata:body-feed": "public open data, by law (public entries only: test_public_site)",
    "opendata:region-feed": "public open data, by law (public entries only: test_public_site)",
    "opendata:download": "public open data, by law (public edition only: test_public_site)",
    "opendata:download-pdf": (
        "public open data, by law (public edition only: test_public_signatures)"
    ),
    "opendata:sitemap": "public open data, by law (public pages only: test_public_site)",
    "set_language": "the language switch",
    "v1:token": "signing in; DELETE revokes the token it is sent with",
    "v1:tokens": "revokes only the caller's own tokens (test_tokens)",
    "v1:me": "the caller's own record (LISTS)",
    "v1:me-calendar": "the caller's own calendar address",
    "v1:notification-read": "marks only the caller's own (tried with B's ids below)",
    "v1:notification-unread-count": "a count of the caller's own (LISTS)",
    "v1:ratification-matrix": "a list (LISTS)",
    "schema": "the API description",
    "swagger-ui": "the API description",
    "calendar-feed": "a secret token in the address, not an id",
    "admin-sign-in": "leads to signing in (the admin has its own test below)",
}


def url_names() -> set[str]:
    def walk(patterns: list, namespace: str = "") -> set[str]:
        names: set[str] = set()
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                if pattern.namespace == "admin":
                    continue  # the admin has its own test below
                names |= walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")
        return names

    return walk(get_resolver().url_patterns)


def test_every_address_of_the_product_is_in_the_matrix_or_needs_no_line() -> None:
    names = url_names()
    covered = {name for name, _path, _methods in ADDRESSES} | set(NOT_OBJECT_LEVEL)
    # DRF's router names its routes without the api namespace; the table says `api:`.
    lists = {name for name in names if name.endswith("-list")}  # in LISTS
    missing = sorted(names - covered - lists)
    assert not missing, f"add these to the BOLA matrix: {missing}"


@dataclass
class Regions:
    a: World
    b: World
    a_objects: Objects
    b_objects: Objects


@pytest.fixture
def regions(db: None) -> Regions:
    a = build_world()
    b = build_world(
        "Leiedal",
        ("Kortrijk", "Harelbeke", "Kuurne"),
        prefix="leiedal-",
        stranger_region="Meetjesland",
    )
    return Regions(a, b, populate(a), populate(b))


def roles_of(w: World) -> dict[str, Person]:
    staff = Person.objects.create_user(
        username=f"staff-{w.region.slug}", password="pw", region=w.region, is_staff=True
    )
    staff.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    return {
        "author": w.author,
        "group_member": w.group_member,
        "group_chair": w.group_chair,
        "cluster_chair": w.cluster_chair,
        "cluster_member": w.cluster_member,
        "coordinator": w.coordinator,
        "director": w.director,
        "dvv": w.dvv,
        "staff": staff,
    }


def fill(path: str, b: Objects, a: Objects) -> str:
    values = {key: getattr(b, key) for key in b.__dataclass_fields__}
    values |= {f"a_{key}": getattr(a, key) for key in a.__dataclass_fields__}
    return path.format(**values)


def ask(client: Client, method: str, path: str) -> int:
    body = {"title": "Overgenomen", "note": "x", "code": "x", "version": 1}
    if method == "GET":
        return client.get(path).status_code
    call = getattr(client, method.lower())
    return call(path, body, content_type="application/json").status_code


def snapshot() -> dict[str, object]:
    """What must stay as it is: every row's state and version, and the history's length."""
    return {
        "items": sorted(AgendaItem.objects.values_list("pk", "state", "version", "title")),
        "meetings": sorted(Meeting.objects.values_list("pk", "state", "version")),
        "actions": sorted(Action.objects.values_list("pk", "state", "version", "title")),
        "ratifications": sorted(Ratification.objects.values_list("pk", "state", "version")),
        "attachments": Attachment.objects.count(),
        "entries": sorted(AgendaEntry.objects.values_list("pk", "note")),
        "notifications": sorted(Notification.objects.values_list("pk", "read_at")),
        "history": TransitionLog.objects.count(),
    }


def test_every_role_of_one_region_gets_404_for_every_object_of_the_other(
    regions: Regions,
) -> None:
    before = snapshot()
    answers: dict[tuple[str, str, str], int] = {}
    for role, person in roles_of(regions.a).items():
        client = Client()
        client.force_login(person)
        for _name, template, methods in ADDRESSES:
            path = fill(template, regions.b_objects, regions.a_objects)
            for method in methods:
                answers[(role, method, path)] = ask(client, method, path)
        # marking someone else's notification read: answered, and nothing changes
        client.post(
            "/api/v1/notifications/read/",
            {"ids": [regions.b_objects.notification]},
            content_type="application/json",
        )
    wrong = {key: status for key, status in answers.items() if status != 404}
    assert not wrong, sorted({(m, p, st) for (_r, m, p), st in wrong.items()})
    assert len(answers) > 9 * 60
    assert snapshot() == before


def test_an_object_that_does_not_exist_answers_the_same(regions: Regions) -> None:
    """The control: the matrix's 404 is the answer of a missing object, so a 404 tells
    nobody whether an id exists in another region."""
    client = Client()
    client.force_login(regions.a.coordinator)
    missing = Objects(*([MISSING] * len(Objects.__dataclass_fields__)))
    for _name, template, methods in ADDRESSES:
        path = fill(template, missing, regions.a_objects)
        for method in methods:
            assert ask(client, method, path) == 404, (method, path)


def test_the_same_addresses_answer_inside_the_region(regions: Regions) -> None:
    """The control the other way: region B's own coordinator reads B's objects, so the
    404s above are about the region and not about a broken address."""
    client = Client()
    client.force_login(regions.b.coordinator)
    for _name, template, methods in ADDRESSES:
        if "GET" not in methods or "{a_" in template:
            continue
        path = fill(template, regions.b_objects, regions.b_objects)
        assert client.get(path).status_code in (200, 302), path


def test_no_list_or_page_of_one_region_holds_a_row_of_the_other(regions: Regions) -> None:
    b = regions.b_objects
    for role, person in roles_of(regions.a).items():
        client = Client()
        client.force_login(person)
        for path in LISTS:
            answer = client.get(path)
            if path == "/overzicht/" and not person.is_coordinator:
                assert answer.status_code == 403, (role, path)
                continue
            assert answer.status_code == 200, (role, path, answer.status_code)
            text = answer.content.decode()
            found = [marker for marker in B_MARKERS if marker.lower() in text.lower()]
            assert not found, (role, path, found)
            kinds = LIST_KINDS.get(path.split("?")[0], ())
            if kinds:
                ids = {row["id"] for row in answer.json()["results"]}
                foreign = {getattr(b, kind) for kind in kinds}
                assert not ids & foreign, (role, path, ids & foreign)


def test_the_admin_shows_staff_nothing_of_another_region(regions: Regions) -> None:
    staff = roles_of(regions.a)["staff"]
    client = Client()
    client.force_login(staff)
    b = regions.b_objects
    pages = {
        "organisations/region": b.region,
        "organisations/municipality": b.municipality,
        "organisations/body": b.body,
        "organisations/membership": b.membership,
        "organisations/service": b.service,
        "organisations/coalition": b.coalition,
        "organisations/person": regions.b.coordinator.pk,
        "agenda/agendaitem": b.item,
        "agenda/decision": b.decision,
        "meetings/meeting": b.meeting,
        "followup/action": b.action,
        "followup/ratification": b.ratification,
    }
    for model, pk in pages.items():
        listing = client.get(f"/admin/{model}/")
        assert listing.status_code == 200, model
        text = listing.content.decode()
        assert not [m for m in B_MARKERS if m.lower() in text.lower()], model
        for view in ("change", "history"):
            answer = client.get(f"/admin/{model}/{pk}/{view}/")
            assert answer.status_code == 404, (model, view, answer.status_code)
        # deleting is refused before any row is looked up: the same answer as for none
        delete = client.get(f"/admin/{model}/{pk}/delete/").status_code
        assert delete == client.get(f"/admin/{model}/{MISSING}/delete/").status_code == 403
    # the forms of the region's own rows offer none of B's rows as a choice
    a = regions.a_objects
    own = {
        "organisations/body": a.body,
        "organisations/membership": a.membership,
        "organisations/coalition": a.coalition,
        "organisations/person": regions.a.coordinator.pk,
        "agenda/agendaitem": a.item,
        "meetings/meeting": a.meeting,
        "followup/action": a.action,
        "followup/ratification": a.ratification,
    }
    for model, pk in own.items():
        form = client.get(f"/admin/{model}/{pk}/change/")
        assert form.status_code == 200, model
        text = form.content.decode()
        assert not [m for m in B_MARKERS if m.lower() in text.lower()], model
