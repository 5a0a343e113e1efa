"""Bad input through the API: every refusal is a clear 4xx with a JSON error body, and a
refused request writes nothing (no rows, no state change, no version bump, no history).

The error shape (backend/api/exceptions.py): `{"detail", "code"}` and, for 400,
`"reasons"`: a non-empty list of sentences. A request that the product cannot handle
must never end in a 500 (DOMAIN.md §5), so the clients here return a 500 as an answer
instead of re-raising the server's exception.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import pytest
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.translation import gettext
from rest_framework.test import APIClient

from backend.agenda.models import AgendaItem, Decision, Vote
from backend.audit.models import LoginFailure, TransitionLog
from backend.followup.models import Action, Ratification
from backend.meetings.models import AgendaEntry, Attendance, Meeting
from backend.organisations.models import Body, Municipality, Service
from tests.conftest import World, person
from workflows.engine import fire

Client = Callable[[str | None], APIClient]

# --- Helpers ------------------------------------------------------------------------------

WATCHED: tuple[type[Model], ...] = (
    AgendaItem,
    AgendaEntry,
    Meeting,
    Attendance,
    Decision,
    Vote,
    Action,
    Ratification,
    TransitionLog,
    LoginFailure,
)


def row_counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in WATCHED}


def as_stored(obj: Model) -> dict[str, Any]:
    """Return the object's row as stored now (with an item's municipalities)."""
    values = type(obj)._default_manager.filter(pk=obj.pk).values().get()
    if isinstance(obj, AgendaItem):
        values["municipalities"] = sorted(obj.municipalities.values_list("pk", flat=True))
    return values


@contextmanager
def nothing_written(*objects: Model) -> Iterator[None]:
    """Assert that the block changes no row count and none of the given objects."""
    before = (row_counts(), [as_stored(obj) for obj in objects])
    yield
    assert (row_counts(), [as_stored(obj) for obj in objects]) == before


def refused(answer: Any, status: int) -> dict[str, Any]:
    """Assert a refusal with that status and the shared JSON error shape; return the body."""
    assert answer.status_code == status, answer.content[:500]
    assert answer["Content-Type"].startswith("application/json"), answer["Content-Type"]
    body = answer.json()
    assert isinstance(body.get("detail"), str) and body["detail"].strip(), body
    assert isinstance(body.get("code"), str) and body["code"].strip(), body
    if status == 400:
        reasons = body.get("reasons")
        assert isinstance(reasons, list) and reasons, body
        assert all(isinstance(reason, str) and reason.strip() for reason in reasons), body
    return body


def nl(message: str) -> str:
    """Return a product message as a Dutch-speaking user reads it."""
    with translation.override("nl-be"):
        return gettext(message)


def with_ids(value: Any, ids: dict[str, int]) -> Any:
    """Replace the placeholders (`"{meeting}"`) of a parameter table by real ids."""
    if isinstance(value, list):
        return [with_ids(v, ids) for v in value]
    if isinstance(value, dict):
        return {key: with_ids(v, ids) for key, v in value.items()}
    return ids.get(value, value) if isinstance(value, str) else value


def mentions(body: dict[str, Any], field: str) -> bool:
    """Whether one of the reasons is about that field (`field: message`)."""
    return any(reason.startswith(f"{field}:") for reason in body["reasons"])


@pytest.fixture
def client(api: Client) -> Client:
    """Like `api`, but a server error comes back as a 500 answer instead of an exception.

    (In this module it stands in for pytest-django's `client` fixture.)"""

    def signed_in(persona: str | None) -> APIClient:
        c = api(persona)
        c.raise_request_exception = False
        return c

    return signed_in


def in_days(days: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def a_new_item(world: World, **fields: Any) -> dict[str, Any]:
    """A valid create body for an agenda item, with some fields replaced."""
    roeselare, tielt, _izegem = world.municipalities
    body = {
        "title": "Gezamenlijke aankoop van elektrische deelfietsen",
        "rationale": "Meerdere gemeenten willen deelfietsen aan de stations van de regio.",
        "proposed_decision": "De cluster keurt de gezamenlijke aankoop goed.",
        "kind": "decision",
        "intervision_group": world.group.pk,
        "target_cluster": world.cluster.pk,
        "municipalities": [roeselare.pk, tielt.pk],
        "confidential": False,
    }
    body.update(fields)
    return body


def a_new_meeting(world: World, **fields: Any) -> dict[str, Any]:
    starts = in_days(21)
    body = {
        "body": world.cluster.pk,
        "starts_at": starts.isoformat(),
        "submission_deadline": (starts - dt.timedelta(days=7)).isoformat(),
        "location": "Stadhuis Tielt, raadzaal",
    }
    body.update(fields)
    return body


def a_new_action(for_item: AgendaItem, world: World, /, **fields: Any) -> dict[str, Any]:
    body = {
        "item": for_item.pk,
        "title": "Fietsroutes intekenen in het GIS",
        "description": "De GIS-coördinator tekent het goedgekeurde tracé in.",
        "service": world.service.pk,
        "due_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
    }
    body.update(fields)
    return body


# --- Fixtures: a decided item, an item in session, and a second region -----------------


@pytest.fixture
def in_session(world: World) -> SimpleNamespace:
    """An item scheduled on a cluster meeting that is in session (Roeselare and Tielt present)."""
    item = world.prepared_item(title="Gemeenschappelijk archiefbeleid")
    meeting = world.meeting_in_session(item)
    item.refresh_from_db()
    return SimpleNamespace(item=item, meeting=meeting)


@pytest.fixture
def westhoek(world: World) -> SimpleNamespace:
    """Objects of another region (the stranger's): nothing of it may be used in Midwest."""
    region = world.stranger.region
    ieper = Municipality.objects.create(region=region, name="Ieper", slug="ieper")
    cluster = Body.objects.create(
        region=region, kind=Body.Kind.CLUSTER, name="Cluster Westhoek", code="CL-WH"
    )
    group = Body.objects.create(
        region=region,
        kind=Body.Kind.INTERVISION_GROUP,
        name="Intervisiegroep Westhoek",
        code="IG-WH",
        prepares_for=cluster,
    )
    service = Service.objects.create(region=region, name="ICT-coördinator Westhoek", code="ict")
    resident = person("westhoeker", region, municipality=ieper)
    meeting = world.meeting(body=cluster)
    item = AgendaItem.objects.create(
        title="Kustfietsroute",
        author=world.stranger,
        intervision_group=group,
        target_cluster=cluster,
    )
    return SimpleNamespace(
        municipality=ieper,
        cluster=cluster,
        group=group,
        service=service,
        person=resident,
        meeting=meeting,
        item=item,
    )


# --- Not signed in --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/agenda-items/"),
        ("get", "/api/v1/me/"),
        ("post", "/api/v1/agenda-items/"),
        ("patch", "/api/v1/agenda-items/{item}/"),
        ("post", "/api/v1/agenda-items/{item}/transitions/submit/"),
        ("get", "/api/v1/agenda-items/{item}/history/"),
    ],
)
def test_a_request_without_credentials_is_refused_with_401_and_a_token_challenge(
    world: World, client: Client, method: str, path: str
) -> None:
    item = world.item()
    with nothing_written(item):
        answer = getattr(client(None), method)(
            path.format(item=item.pk), {"title": "Anoniem voorstel"}, format="json"
        )
    refused(answer, 401)
    assert answer["WWW-Authenticate"].startswith("Token")


def test_an_unknown_token_is_refused_with_401(world: World, client: Client) -> None:
    item = world.item()
    anonymous = client(None)
    anonymous.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    with nothing_written(item):
        answer = anonymous.patch(
            f"/api/v1/agenda-items/{item.pk}/", {"title": "Overgenomen"}, format="json"
        )
    assert refused(answer, 401)["code"] == "authentication_failed"


@pytest.mark.parametrize(
    "body",
    [
        ["author", "pw"],
        {"username": {"naam": "author"}, "password": "pw"},
        {"username": "author"},
        {"username": "a" * 10_000, "password": "pw"},
    ],
    ids=["list", "username-object", "no-password", "username-10000-chars"],
)
def test_a_malformed_token_request_is_refused_without_counting_a_failed_sign_in(
    world: World, client: Client, body: Any
) -> None:
    with nothing_written():
        answer = client(None).post("/api/v1/auth/token/", body, format="json")
    refused(answer, 400)


# --- The body is not a JSON object ------------------------------------------------------

NOT_AN_OBJECT = {
    "list": '[{"title": "Fietsroute"}]',
    "string": '"Regionale fietsroute"',
    "number": "42",
    "null": "null",
}


@pytest.mark.parametrize("raw", NOT_AN_OBJECT.values(), ids=NOT_AN_OBJECT.keys())
@pytest.mark.parametrize(
    ("persona", "method", "path"),
    [
        ("author", "post", "/api/v1/agenda-items/"),
        ("author", "patch", "/api/v1/agenda-items/{item}/"),
        ("coordinator", "post", "/api/v1/meetings/"),
        ("coordinator", "patch", "/api/v1/meetings/{meeting}/"),
        ("coordinator", "post", "/api/v1/actions/"),
        ("coordinator", "post", "/api/v1/meetings/{meeting}/attendance/"),
        ("author", "post", "/api/v1/agenda-items/{item}/transitions/submit/"),
        ("coordinator", "post", "/api/v1/meetings/{meeting}/transitions/cancel/"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused_with_400(
    world: World, client: Client, persona: str, method: str, path: str, raw: str
) -> None:
    item, meeting = world.item(), world.meeting()
    url = path.format(item=item.pk, meeting=meeting.pk)
    with nothing_written(item, meeting):
        answer = getattr(client(persona), method)(url, raw, content_type="application/json")
    refused(answer, 400)


INVALID_JSON = {
    "trailing-comma": b'{"title": "Fietsroute",}',
    "unquoted-key": b'{title: "Fietsroute"}',
    "truncated": b'{"title": "Fietsroute"',
    "nan": b'{"title": "Fietsroute", "intervision_group": NaN}',
    "not-utf8": b'{"title": "Fietsroute \xff\xfe"}',
    "5000-digit-number": b'{"intervision_group": ' + b"9" * 5000 + b"}",
}


@pytest.mark.parametrize("raw", INVALID_JSON.values(), ids=INVALID_JSON.keys())
def test_invalid_json_is_refused_with_400_and_not_a_server_error(
    world: World, client: Client, raw: bytes
) -> None:
    with nothing_written():
        answer = client("author").post(
            "/api/v1/agenda-items/", raw, content_type="application/json"
        )
    assert answer.status_code == 400, answer.content[:300]
    assert answer.json()["code"] == "parse_error"


def test_invalid_json_is_answered_with_reasons_like_every_other_400(
    world: World, client: Client
) -> None:
    answer = client("author").post(
        "/api/v1/agenda-items/", b'{"title": "Fietsroute",}', content_type="application/json"
    )
    refused(answer, 400)


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"title": ' + '{"a": ' * 100_000 + "1" + "}" * 100_001,
    ],
    ids=["arrays", "objects"],
)
def test_deeply_nested_json_is_refused_with_400(world: World, client: Client, raw: str) -> None:
    with nothing_written():
        answer = client("author").post(
            "/api/v1/agenda-items/", raw, content_type="application/json"
        )
    refused(answer, 400)


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        ("title=Fietsroute&intervision_group=1", "application/x-www-form-urlencoded"),
        ("Regionale fietsroute", "text/plain"),
        ("<item><title>Fietsroute</title></item>", "application/xml"),
    ],
    ids=["form", "text", "xml"],
)
def test_a_body_that_is_not_json_is_refused_with_415(
    world: World, client: Client, raw: str, content_type: str
) -> None:
    with nothing_written():
        answer = client("author").post("/api/v1/agenda-items/", raw, content_type=content_type)
    assert refused(answer, 415)["code"] == "unsupported_media_type"


def test_a_body_over_the_upload_limit_is_refused_and_nothing_is_written(
    world: World, client: Client
) -> None:
    with nothing_written():
        answer = client("author").post(
            "/api/v1/agenda-items/", a_new_item(world, rationale="x" * 3_000_000), format="json"
        )
    assert answer.status_code in (400, 413)


def test_a_body_over_the_upload_limit_is_answered_in_json(world: World, client: Client) -> None:
    answer = client("author").post(
        "/api/v1/agenda-items/", a_new_item(world, rationale="x" * 3_000_000), format="json"
    )
    assert answer.status_code in (400, 413)
    refused(answer, answer.status_code)


# --- Wrong types and missing fields on create ---------------------------------------------

ITEM_FIELDS_OF_THE_WRONG_TYPE = [
    ("title", ["Regionale fietsroute"]),
    ("title", {"nl": "Regionale fietsroute"}),
    ("title", True),
    ("title", None),
    ("title", ""),
    ("title", "    "),
    ("rationale", ["Een veilige fietsverbinding."]),
    ("rationale", None),
    ("proposed_decision", {"tekst": "Goedkeuren"}),
    ("kind", "besluit"),
    ("kind", ["decision"]),
    ("intervision_group", "abc"),
    ("intervision_group", "IG-RUIMTE"),
    ("intervision_group", None),
    ("intervision_group", [1]),
    ("intervision_group", 1.5),
    ("intervision_group", 10**30),
    ("intervision_group", -1),
    ("target_cluster", "CL-RUIMTE"),
    ("target_cluster", {"id": 1}),
    ("municipalities", "Roeselare"),
    ("municipalities", "1,2"),
    ("municipalities", 1),
    ("municipalities", None),
    ("municipalities", ["Roeselare"]),
    ("municipalities", [[1]]),
    ("municipalities", [10**30]),
    ("confidential", "misschien"),
    ("confidential", "ja"),
    ("confidential", None),
    ("confidential", [True]),
    ("confidential", 2),
]


@pytest.mark.parametrize(
    ("field", "value"),
    ITEM_FIELDS_OF_THE_WRONG_TYPE,
    ids=[f"{field}={value!r}"[:60] for field, value in ITEM_FIELDS_OF_THE_WRONG_TYPE],
)
def test_an_agenda_item_field_of_the_wrong_type_is_refused(
    world: World, client: Client, field: str, value: Any
) -> None:
    with nothing_written():
        answer = client("author").post(
            "/api/v1/agenda-items/", a_new_item(world, **{field: value}), format="json"
        )
    assert mentions(refused(answer, 400), field)


def test_a_title_sent_as_a_number_is_refused(world: World, client: Client) -> None:
    with nothing_written():
        answer = client("author").post(
            "/api/v1/agenda-items/", a_new_item(world, title=12345), format="json"
        )
    assert mentions(refused(answer, 400), "title")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("body", "abc"),
        ("body", None),
        ("body", 10**30),
        ("starts_at", "tomorrow"),
        ("starts_at", "morgen om 10 uur"),
        ("starts_at", 1767258000),
        ("starts_at", "2027-02-30T10:00:00+01:00"),
        ("starts_at", "9999-12-31T23:59:59-14:00"),
        ("starts_at", None),
        ("submission_deadline", "gisteren"),
        ("submission_deadline", ["2027-01-01T10:00:00+01:00"]),
        ("location", ["Stadhuis Tielt"]),
        ("location", "Stadhuis " * 30),
    ],
    ids=lambda value: repr(value)[:40],
)
def test_a_meeting_field_of_the_wrong_type_is_refused(
    world: World, client: Client, field: str, value: Any
) -> None:
    with nothing_written():
        answer = client("coordinator").post(
            "/api/v1/meetings/", a_new_meeting(world, **{field: value}), format="json"
        )
    assert mentions(refused(answer, 400), field)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("due_date", "2026-13-45"),
        ("due_date", "morgen"),
        ("due_date", "31/12/2026"),
        ("due_date", 20261231),
        ("due_date", None),
        ("assignee", "someone"),
        ("assignee", "me"),
        ("assignee", 10**30),
        ("service", "gis"),
        ("service", [1]),
        ("item", "abc"),
        ("item", None),
        ("title", ["Routes intekenen"]),
        ("title", "x" * 10_000),
        ("description", "x" * 1_000_000),
    ],
    ids=lambda value: repr(value)[:40],
)
def test_an_action_field_of_the_wrong_type_is_refused(
    world: World, client: Client, decided: SimpleNamespace, field: str, value: Any
) -> None:
    with nothing_written(decided.item):
        answer = client("coordinator").post(
            "/api/v1/actions/", a_new_action(decided.item, world, **{field: value}), format="json"
        )
    assert mentions(refused(answer, 400), field)


@pytest.mark.parametrize(
    "body",
    [
        {"person": "clusterchair", "status": "present"},
        {"person": None, "status": "present"},
        {"person": 10**30, "status": "present"},
        {"person": "{chair}", "status": "misschien"},
        {"person": "{chair}", "status": True},
        {"person": "{chair}"},
        {"status": "present"},
    ],
    ids=repr,
)
def test_an_attendance_of_the_wrong_type_is_refused(
    world: World, client: Client, body: dict[str, Any]
) -> None:
    meeting = world.meeting()
    body = with_ids(body, {"{chair}": world.cluster_chair.pk})
    with nothing_written(meeting):
        answer = client("coordinator").post(
            f"/api/v1/meetings/{meeting.pk}/attendance/", body, format="json"
        )
    refused(answer, 400)


@pytest.mark.parametrize(
    ("path", "body", "missing"),
    [
        ("/api/v1/agenda-items/", {}, ["title", "intervision_group"]),
        ("/api/v1/agenda-items/", {"title": "Fietsroute"}, ["intervision_group"]),
        ("/api/v1/agenda-items/", {"intervision_group": "{group}"}, ["title"]),
        ("/api/v1/meetings/", {}, ["body", "starts_at", "submission_deadline"]),
        ("/api/v1/meetings/", {"body": "{cluster}"}, ["starts_at", "submission_deadline"]),
        ("/api/v1/actions/", {}, ["item", "title", "due_date"]),
    ],
    ids=[
        "item-empty",
        "item-without-group",
        "item-without-title",
        "meeting-empty",
        "meeting-without-dates",
        "action-empty",
    ],
)
def test_a_missing_required_field_is_named_in_the_reasons(
    world: World, client: Client, path: str, body: dict[str, Any], missing: list[str]
) -> None:
    body = with_ids(body, {"{group}": world.group.pk, "{cluster}": world.cluster.pk})
    persona = "author" if "agenda-items" in path else "coordinator"
    with nothing_written():
        answer = client(persona).post(path, body, format="json")
    reasons = refused(answer, 400)
    for field in missing:
        assert mentions(reasons, field), (field, reasons)


# --- Huge strings -------------------------------------------------------------------------


def test_a_title_of_ten_thousand_characters_is_refused(world: World, client: Client) -> None:
    title = "Regionale fietsroute " * 500
    with nothing_written():
        answer = client("author").post(
            "/api/v1/agenda-items/", a_new_item(world, title=title[:10_000]), format="json"
        )
    assert mentions(refused(answer, 400), "title")


@pytest.mark.parametrize("field", ["rationale", "proposed_decision"])
def test_a_text_of_a_million_characters_is_refused(
    world: World, client: Client, field: str
) -> None:
    with nothing_written():
        answer = client("author").post(
            "/api/v1/agenda-items/", a_new_item(world, **{field: "x" * 1_000_000}), format="json"
        )
    assert mentions(refused(answer, 400), field)


def test_a_huge_title_in_an_edit_is_refused_and_the_item_is_unchanged(
    world: World, client: Client
) -> None:
    item = world.item()
    with nothing_written(item):
        answer = client("author").patch(
            f"/api/v1/agenda-items/{item.pk}/", {"title": "x" * 10_000}, format="json"
        )
    assert mentions(refused(answer, 400), "title")


def test_a_decision_text_of_a_million_characters_is_refused(
    world: World, client: Client, in_session: SimpleNamespace
) -> None:
    with nothing_written(in_session.item):
        answer = client("cluster_chair").post(
            f"/api/v1/agenda-items/{in_session.item.pk}/transitions/approve/",
            {"text": "x" * 1_000_000, "consensus": True},
            format="json",
        )
    refused(answer, 400)


def test_a_transition_comment_of_a_million_characters_is_refused(
    world: World, client: Client
) -> None:
    item = world.item()
    with nothing_written(item):
        answer = client("author").post(
            f"/api/v1/agenda-items/{item.pk}/transitions/submit/",
            {"comment": "x" * 1_000_000},
            format="json",
        )
    refused(answer, 400)


# --- Unknown fields and mass assignment ----------------------------------------------------


def test_unknown_fields_on_create_are_ignored_and_not_stored(world: World, client: Client) -> None:
    answer = client("author").post(
        "/api/v1/agenda-items/",
        a_new_item(world, prioriteit="hoog", geheime_notitie="Niet bewaren", is_staff=True),
        format="json",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    for unknown in ("prioriteit", "geheime_notitie", "is_staff"):
        assert unknown not in body
    item = AgendaItem.objects.get(pk=body["id"])
    assert not hasattr(item, "prioriteit")
    assert item.title == "Gezamenlijke aankoop van elektrische deelfietsen"
    world.author.refresh_from_db()
    assert not world.author.is_staff


def test_state_author_version_id_and_dates_in_a_create_body_are_not_taken_over(
    world: World, client: Client, decided: SimpleNamespace
) -> None:
    before = timezone.now()
    logs = TransitionLog.objects.count()
    decisions = Decision.objects.count()
    answer = client("author").post(
        "/api/v1/agenda-items/",
        a_new_item(
            world,
            id=4242,
            state="approved",
            author=world.coordinator.pk,
            version=99,
            created_at="2001-01-01T00:00:00Z",
            updated_at="2001-01-01T00:00:00Z",
            decision=decided.decision.pk,
            meeting=decided.meeting.pk,
            available_transitions=["start_execution"],
        ),
        format="json",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    item = AgendaItem.objects.get(pk=body["id"])
    assert item.pk != 4242
    assert (item.state, item.author, item.version) == ("draft", world.author, 1)
    assert item.created_at >= before and item.updated_at >= before
    assert not Decision.objects.filter(item=item).exists()
    assert not item.entries.exists()
    assert body["decision"] is None and body["meeting"] is None
    assert body["available_transitions"] == ["submit", "withdraw"]
    assert (TransitionLog.objects.count(), Decision.objects.count()) == (logs, decisions)


def test_state_and_version_in_a_new_meeting_or_action_are_not_taken_over(
    world: World, client: Client, decided: SimpleNamespace
) -> None:
    before = timezone.now()
    coordinator = client("coordinator")
    meeting = coordinator.post(
        "/api/v1/meetings/",
        a_new_meeting(world, state="in_session", version=7, id=777, entries=[{"item": 1}]),
        format="json",
    )
    assert meeting.status_code == 201, meeting.content
    stored = Meeting.objects.get(pk=meeting.json()["id"])
    assert stored.pk != 777
    assert (stored.state, stored.version) == ("planned", 1)
    assert not stored.entries.exists()

    action = coordinator.post(
        "/api/v1/actions/",
        a_new_action(
            decided.item,
            world,
            state="done",
            version=5,
            blocked_reason="Overgenomen reden",
            created_at="2001-01-01T00:00:00Z",
            overdue=True,
        ),
        format="json",
    )
    assert action.status_code == 201, action.content
    stored_action = Action.objects.get(pk=action.json()["id"])
    assert (stored_action.state, stored_action.version) == ("open", 1)
    assert stored_action.blocked_reason == ""
    assert stored_action.created_at >= before


def test_state_author_dates_and_decision_in_an_edit_change_nothing_of_them(
    world: World, client: Client, decided: SimpleNamespace
) -> None:
    item = world.item()
    before = as_stored(item)
    logs = TransitionLog.objects.count()
    answer = client("author").patch(
        f"/api/v1/agenda-items/{item.pk}/",
        {
            "state": "approved",
            "author": world.coordinator.pk,
            "created_at": "2001-01-01T00:00:00Z",
            "decision": decided.decision.pk,
            "meeting": decided.meeting.pk,
            "id": 4242,
        },
        format="json",
    )
    assert answer.status_code == 200, answer.content
    after = as_stored(item)
    for field in ("id", "state", "author_id", "created_at", "title", "rationale"):
        assert after[field] == before[field], field
    assert not Decision.objects.filter(item=item).exists()
    assert TransitionLog.objects.count() == logs


# --- Transitions: unknown names and wrong parameters ------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["goedkeuren", "approve_all", "unschedule", "save", "delete", "refresh_from_db", "__init__"],
)
def test_a_transition_that_does_not_exist_is_404(world: World, client: Client, name: str) -> None:
    item = world.item()
    with nothing_written(item):
        answer = client("coordinator").post(
            f"/api/v1/agenda-items/{item.pk}/transitions/{name}/", {}, format="json"
        )
    assert refused(answer, 404)["code"] == "unknown_transition"


@pytest.mark.parametrize("name", ["sub-mit", "submit%3B", "%20submit", "s%C3%BCbmit"])
def test_a_transition_name_outside_the_url_pattern_is_404(
    world: World, client: Client, name: str
) -> None:
    item = world.item()
    with nothing_written(item):
        answer = client("author").post(
            f"/api/v1/agenda-items/{item.pk}/transitions/{name}/", {}, format="json"
        )
    refused(answer, 404)


def test_a_transition_on_an_item_of_another_region_is_404_before_anything_else(
    world: World, client: Client, westhoek: SimpleNamespace
) -> None:
    with nothing_written(westhoek.item):
        unknown = client("coordinator").post(
            f"/api/v1/agenda-items/{westhoek.item.pk}/transitions/goedkeuren/", {}, format="json"
        )
        known = client("coordinator").post(
            f"/api/v1/agenda-items/{westhoek.item.pk}/transitions/submit/",
            {"comment": 5},
            format="json",
        )
    assert refused(unknown, 404)["code"] != "unknown_transition"
    refused(known, 404)


SCHEDULE_PARAMETERS = [
    ({"meeting": "x"}, "That meeting does not exist."),
    ({"meeting": 10**30}, "That meeting does not exist."),
    ({"meeting": "99999999999999999999999"}, "That meeting does not exist."),
    ({"meeting": -1}, "That meeting does not exist."),
    ({"meeting": 2.5}, "That meeting does not exist."),
    ({"meeting": True}, "That meeting does not exist."),
    ({"meeting": ["{meeting}"]}, "That meeting does not exist."),
    ({"meeting": {"id": "{meeting}"}}, "That meeting does not exist."),
    ({"meeting": "{westhoek}"}, "That meeting does not exist."),
    ({"meeting": None}, "Choose the meeting to schedule the item on."),
    ({}, "Choose the meeting to schedule the item on."),
    ({"meeting": "{welzijn}"}, "The meeting is not a meeting of the item's target cluster."),
    (
        {"meeting": "{meeting}", "urgent": True, "reason": "Dringend"},
        "The invitation to this meeting has not gone out yet: schedule the item without urgent.",
    ),
    ({"meeting": "{meeting}", "urgent": "yes"}, "%(name)s must be true or false."),
    ({"meeting": "{meeting}", "urgency": True}, "Unknown parameter: %(name)s."),
    ({"meeting": "{meeting}", "comment": 5}, "A text was expected."),
    ({"meeting": "{meeting}", "comment": ["Dringend"]}, "A text was expected."),
]


@pytest.mark.parametrize(
    ("params", "reason"), SCHEDULE_PARAMETERS, ids=[repr(p)[:50] for p, _ in SCHEDULE_PARAMETERS]
)
def test_scheduling_with_a_wrong_meeting_is_refused_with_a_reason(
    world: World,
    client: Client,
    westhoek: SimpleNamespace,
    params: dict[str, Any],
    reason: str,
) -> None:
    item = world.prepared_item()
    ids = {
        "{meeting}": world.meeting().pk,
        "{welzijn}": world.meeting(body=world.other_cluster).pk,
        "{westhoek}": westhoek.meeting.pk,
    }

    with nothing_written(item):
        answer = client("coordinator").post(
            f"/api/v1/agenda-items/{item.pk}/transitions/schedule/",
            with_ids(params, ids),
            format="json",
        )
    name = next((key for key in ("urgency", "urgent") if key in params), "")
    expected = nl(reason) % {"name": name} if "%(name)s" in reason else nl(reason)
    assert expected in refused(answer, 400)["reasons"]


DECISION_PARAMETERS = [
    ({"text": "Goedgekeurd.", "votes": "for"}, "The votes must be a list."),
    ({"text": "Goedgekeurd.", "votes": {"Roeselare": "for"}}, "The votes must be a list."),
    ({"text": "Goedgekeurd.", "votes": ["{roeselare}", "{tielt}"]}, None),
    ({"text": "Goedgekeurd.", "votes": [{"vote": "for"}]}, "Each vote needs a municipality id."),
    ({"text": "Goedgekeurd.", "votes": [{"municipality": "{roeselare}"}]}, None),
    ({"text": "Goedgekeurd.", "votes": [{"municipality": "Roeselare", "vote": "for"}]}, None),
    ({"text": "Goedgekeurd.", "votes": [{"municipality": None, "vote": "for"}]}, None),
    ({"text": "Goedgekeurd.", "votes": [{"municipality": 10**30, "vote": "for"}]}, None),
    ({"text": "Goedgekeurd.", "votes": [{"municipality": "{roeselare}", "vote": "ja"}]}, None),
    ({"text": "Goedgekeurd.", "votes": [{"municipality": "{roeselare}", "vote": "for"}]}, None),
    (
        {
            "text": "Goedgekeurd.",
            "votes": [
                {"municipality": "{roeselare}", "vote": "for"},
                {"municipality": "{roeselare}", "vote": "against"},
            ],
        },
        "A municipality can vote only once.",
    ),
    ({"text": "Goedgekeurd.", "consensus": "true"}, "consensus must be true or false."),
    ({"text": "Goedgekeurd.", "consensus": 1}, None),
    ({"text": "Goedgekeurd.", "consensus": True, "votes": []}, None),
    ({"text": "Goedgekeurd."}, None),
    ({"consensus": True}, "Give the decision text."),
    ({"text": "   ", "consensus": True}, "Give the decision text."),
    ({"text": 42, "consensus": True}, "A text was expected."),
    ({"text": ["Goedgekeurd."], "consensus": True}, "A text was expected."),
    ({"text": "Goedgekeurd.", "consensus": True, "besluit": "ja"}, None),
]


@pytest.mark.parametrize("name", ["approve", "reject"])
@pytest.mark.parametrize(
    ("params", "reason"), DECISION_PARAMETERS, ids=[repr(p)[:60] for p, _ in DECISION_PARAMETERS]
)
def test_a_decision_with_malformed_votes_is_refused_and_nothing_is_recorded(
    world: World,
    client: Client,
    in_session: SimpleNamespace,
    name: str,
    params: dict[str, Any],
    reason: str | None,
) -> None:
    roeselare, tielt, _izegem = world.municipalities
    ids = {"{roeselare}": roeselare.pk, "{tielt}": tielt.pk}

    entry = in_session.item.current_entry()
    with nothing_written(in_session.item, in_session.meeting, entry):
        answer = client("cluster_chair").post(
            f"/api/v1/agenda-items/{in_session.item.pk}/transitions/{name}/",
            with_ids(params, ids),
            format="json",
        )
    reasons = refused(answer, 400)["reasons"]
    if reason is not None:
        assert nl(reason) in reasons


def test_wrong_parameters_from_someone_not_permitted_are_403_not_400(
    world: World, client: Client, in_session: SimpleNamespace
) -> None:
    with nothing_written(in_session.item):
        answer = client("cluster_member").post(
            f"/api/v1/agenda-items/{in_session.item.pk}/transitions/approve/",
            {"votes": "for"},
            format="json",
        )
    refused(answer, 403)


def test_wrong_parameters_for_a_transition_the_state_does_not_offer_are_409_not_400(
    world: World, client: Client
) -> None:
    item = world.prepared_item()
    with nothing_written(item):
        answer = client("cluster_chair").post(
            f"/api/v1/agenda-items/{item.pk}/transitions/approve/",
            {"votes": "for"},
            format="json",
        )
    refused(answer, 409)


RATIFICATION_PARAMETERS = [
    ("ratify", {"date": "gisteren", "deciding_body": "college", "reference": "CBS/2026/12"}),
    ("ratify", {"date": "2026-13-45", "deciding_body": "college", "reference": "CBS/2026/12"}),
    ("ratify", {"date": 20260101, "deciding_body": "college", "reference": "CBS/2026/12"}),
    ("ratify", {"date": ["2026-01-01"], "deciding_body": "college", "reference": "CBS/12"}),
    ("ratify", {"date": "{today}", "deciding_body": "raad", "reference": "GR/2026/77"}),
    ("ratify", {"date": "{today}", "deciding_body": 5, "reference": "GR/2026/77"}),
    ("ratify", {"date": "{today}", "deciding_body": "gemeenteraad", "reference": ["GR/77"]}),
    ("ratify", {"date": "{today}", "deciding_body": "gemeenteraad", "reference": "GR" * 101}),
    ("ratify", {"date": "{today}", "deciding_body": "gemeenteraad"}),
    ("ratify", {"date": "2999-01-01", "deciding_body": "gemeenteraad", "reference": "GR/77"}),
    ("ratify", {}),
    ("decline", {}),
    ("decline", {"reason": {"tekst": "Geen budget"}}),
    ("decline", {"reason": "   "}),
    ("decline", {"reason": "Geen budget. " * 100_000}),
    ("waive", {"reden": "Niet nodig"}),
]


@pytest.mark.parametrize(
    ("name", "params"),
    RATIFICATION_PARAMETERS,
    ids=[f"{n}-{p!r}"[:60] for n, p in RATIFICATION_PARAMETERS],
)
def test_a_ratification_with_wrong_parameters_is_refused(
    world: World, client: Client, decided: SimpleNamespace, name: str, params: dict[str, Any]
) -> None:
    today = timezone.localdate().isoformat()
    params = {key: today if value == "{today}" else value for key, value in params.items()}
    with nothing_written(decided.ratification):
        answer = client("coordinator").post(
            f"/api/v1/ratifications/{decided.ratification.pk}/transitions/{name}/",
            params,
            format="json",
        )
    refused(answer, 400)


@pytest.mark.parametrize(
    "params",
    [{}, {"reason": 5}, {"reason": "  "}, {"reason": ["Wacht op data"]}, {"reden": "Geen data"}],
    ids=repr,
)
def test_blocking_an_action_without_a_readable_reason_is_refused(
    world: World, client: Client, decided: SimpleNamespace, params: dict[str, Any]
) -> None:
    with nothing_written(decided.action):
        answer = client("dvv").post(
            f"/api/v1/actions/{decided.action.pk}/transitions/block/", params, format="json"
        )
    refused(answer, 400)


# --- Ids of another region -------------------------------------------------------------


@pytest.mark.parametrize(
    "field", ["intervision_group", "target_cluster", "municipalities", "cluster-as-group"]
)
def test_a_new_item_with_ids_of_another_region_is_refused(
    world: World, client: Client, westhoek: SimpleNamespace, field: str
) -> None:
    roeselare = world.municipalities[0]
    changes = {
        "intervision_group": {"intervision_group": westhoek.group.pk},
        "target_cluster": {"target_cluster": westhoek.cluster.pk},
        "municipalities": {"municipalities": [roeselare.pk, westhoek.municipality.pk]},
        "cluster-as-group": {"intervision_group": world.cluster.pk},
    }[field]
    with nothing_written():
        answer = client("author").post(
            "/api/v1/agenda-items/", a_new_item(world, **changes), format="json"
        )
    assert mentions(refused(answer, 400), next(iter(changes)))


@pytest.mark.parametrize("field", ["intervision_group", "target_cluster", "municipalities"])
def test_an_edit_with_ids_of_another_region_is_refused(
    world: World, client: Client, westhoek: SimpleNamespace, field: str
) -> None:
    item = world.item()
    value = {
        "intervision_group": westhoek.group.pk,
        "target_cluster": westhoek.cluster.pk,
        "municipalities": [westhoek.municipality.pk],
    }[field]
    with nothing_written(item):
        answer = client("author").patch(
            f"/api/v1/agenda-items/{item.pk}/", {field: value, "version": 1}, format="json"
        )
    assert mentions(refused(answer, 400), field)


def test_a_meeting_of_a_body_of_another_region_is_refused(
    world: World, client: Client, westhoek: SimpleNamespace
) -> None:
    with nothing_written():
        answer = client("coordinator").post(
            "/api/v1/meetings/", a_new_meeting(world, body=westhoek.cluster.pk), format="json"
        )
    assert mentions(refused(answer, 400), "body")


@pytest.mark.parametrize("field", ["assignee", "service", "item"])
def test_an_action_with_ids_of_another_region_is_refused(
    world: World,
    client: Client,
    decided: SimpleNamespace,
    westhoek: SimpleNamespace,
    field: str,
) -> None:
    value = {
        "assignee": westhoek.person.pk,
        "service": westhoek.service.pk,
        "item": westhoek.item.pk,
    }[field]
    with nothing_written():
        answer = client("coordinator").post(
            "/api/v1/actions/", a_new_action(decided.item, world, **{field: value}), format="json"
        )
    assert mentions(refused(answer, 400), field)


@pytest.mark.parametrize("field", ["assignee", "service"])
def test_an_action_edit_with_ids_of_another_region_is_refused(
    world: World,
    client: Client,
    decided: SimpleNamespace,
    westhoek: SimpleNamespace,
    field: str,
) -> None:
    value = {"assignee": westhoek.person.pk, "service": westhoek.service.pk}[field]
    with nothing_written(decided.action):
        answer = client("coordinator").patch(
            f"/api/v1/actions/{decided.action.pk}/", {field: value}, format="json"
        )
    assert mentions(refused(answer, 400), field)


def test_attendance_of_a_person_of_another_region_is_refused(
    world: World, client: Client, westhoek: SimpleNamespace
) -> None:
    meeting = world.meeting()
    with nothing_written(meeting):
        answer = client("coordinator").post(
            f"/api/v1/meetings/{meeting.pk}/attendance/",
            {"person": westhoek.person.pk, "status": "present"},
            format="json",
        )
    assert mentions(refused(answer, 400), "person")


# --- Objects of another region are not found ---------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/agenda-items/{item}/",
        "/api/v1/agenda-items/{item}/history/",
        "/api/v1/meetings/{meeting}/",
        "/api/v1/meetings/{meeting}/attendance/",
        "/api/v1/meetings/{meeting}/history/",
        "/api/v1/decisions/{decision}/",
        "/api/v1/actions/{action}/",
        "/api/v1/ratifications/{ratification}/",
        "/api/v1/bodies/{cluster}/",
        "/api/v1/municipalities/{roeselare}/",
        "/api/v1/services/{service}/",
        "/api/v1/regions/{region}/",
    ],
)
def test_an_object_of_another_region_is_not_found(
    world: World, client: Client, decided: SimpleNamespace, path: str
) -> None:
    url = path.format(
        item=decided.item.pk,
        meeting=decided.meeting.pk,
        decision=decided.decision.pk,
        action=decided.action.pk,
        ratification=decided.ratification.pk,
        cluster=world.cluster.pk,
        roeselare=world.municipalities[0].pk,
        service=world.service.pk,
        region=world.region.pk,
    )
    assert client("coordinator").get(url).status_code == 200
    refused(client("stranger").get(url), 404)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("patch", "/api/v1/agenda-items/{item}/", {"title": "Overgenomen"}),
        ("patch", "/api/v1/actions/{action}/", {"title": "Overgenomen"}),
        ("patch", "/api/v1/meetings/{meeting}/", {"location": "Ieper"}),
        ("post", "/api/v1/agenda-items/{item}/transitions/start_execution/", {}),
        ("post", "/api/v1/actions/{action}/transitions/cancel/", {}),
        ("post", "/api/v1/ratifications/{ratification}/transitions/waive/", {}),
        ("post", "/api/v1/meetings/{meeting}/attendance/", {"person": 1, "status": "absent"}),
    ],
)
def test_a_change_to_an_object_of_another_region_is_not_found_and_changes_nothing(
    world: World,
    client: Client,
    decided: SimpleNamespace,
    method: str,
    path: str,
    body: dict[str, Any],
) -> None:
    url = path.format(
        item=decided.item.pk,
        action=decided.action.pk,
        meeting=decided.meeting.pk,
        ratification=decided.ratification.pk,
    )
    watched = (decided.item, decided.action, decided.meeting, decided.ratification)
    with nothing_written(*watched):
        answer = getattr(client("stranger"), method)(url, body, format="json")
    refused(answer, 404)


@pytest.mark.parametrize("pk", ["99999", "99999999999999999999999", "abc", "-1", "1.0"])
def test_an_id_that_is_no_object_is_not_found(world: World, client: Client, pk: str) -> None:
    answer = client("coordinator").get(f"/api/v1/agenda-items/{pk}/")
    assert answer.status_code == 404


# --- Stale versions, decided items, no permission ----------------------------------------


def test_an_edit_with_a_stale_version_is_409_and_changes_nothing(
    world: World, client: Client
) -> None:
    item = world.item()
    author = client("author")
    first = author.patch(
        f"/api/v1/agenda-items/{item.pk}/",
        {"title": "Regionale fietsroute (herwerkt)", "version": 1},
        format="json",
    )
    assert first.status_code == 200 and first.json()["version"] == 2, first.content
    with nothing_written(item):
        second = client("group_member").patch(
            f"/api/v1/agenda-items/{item.pk}/",
            {"title": "Regionale fietsroute (versie van Tielt)", "version": 1},
            format="json",
        )
    assert refused(second, 409)["code"] == "concurrent_change"
    item.refresh_from_db()
    assert (item.title, item.version) == ("Regionale fietsroute (herwerkt)", 2)


@pytest.mark.parametrize("version", [0, 2, 10**30, -1])
def test_an_edit_with_a_version_that_is_not_the_current_one_is_409(
    world: World, client: Client, version: int
) -> None:
    item = world.item()
    with nothing_written(item):
        answer = client("author").patch(
            f"/api/v1/agenda-items/{item.pk}/",
            {"title": "Nieuwe titel", "version": version},
            format="json",
        )
    refused(answer, 409)


@pytest.mark.parametrize("version", ["abc", "1.5", [1], None, True])
def test_an_edit_with_a_version_that_is_not_a_number_is_refused(
    world: World, client: Client, version: Any
) -> None:
    item = world.item()
    with nothing_written(item):
        answer = client("author").patch(
            f"/api/v1/agenda-items/{item.pk}/",
            {"title": "Nieuwe titel", "version": version},
            format="json",
        )
    assert mentions(refused(answer, 400), "version")


def test_stale_edits_of_a_meeting_and_an_action_are_409(
    world: World, client: Client, decided: SimpleNamespace
) -> None:
    meeting = world.meeting()
    coordinator = client("coordinator")
    with nothing_written(meeting, decided.action):
        stale_meeting = coordinator.patch(
            f"/api/v1/meetings/{meeting.pk}/",
            {"location": "Stadhuis Izegem", "version": 0},
            format="json",
        )
        stale_action = coordinator.patch(
            f"/api/v1/actions/{decided.action.pk}/", {"title": "Nieuw", "version": 3}, format="json"
        )
    refused(stale_meeting, 409)
    refused(stale_action, 409)


@pytest.mark.parametrize("outcome", ["approved", "withdrawn"])
def test_an_edit_of_a_decided_item_is_409(
    world: World, client: Client, decided: SimpleNamespace, outcome: str
) -> None:
    item = decided.item
    if outcome == "withdrawn":
        item = world.item()
        fire(item, "withdraw", actor=world.author)
    with nothing_written(item):
        answer = client("coordinator").patch(
            f"/api/v1/agenda-items/{item.pk}/",
            {"proposed_decision": "Achteraf herschreven besluit."},
            format="json",
        )
    assert refused(answer, 409)["code"] == "not_possible"


def test_a_meeting_that_is_no_longer_planned_cannot_be_edited(
    world: World, client: Client, in_session: SimpleNamespace
) -> None:
    with nothing_written(in_session.meeting):
        answer = client("coordinator").patch(
            f"/api/v1/meetings/{in_session.meeting.pk}/", {"location": "Elders"}, format="json"
        )
    refused(answer, 409)


@pytest.mark.parametrize(
    ("persona", "state"),
    [
        ("third_member", "draft"),
        ("dvv", "draft"),
        ("director", "draft"),
        ("author", "submitted"),
        ("group_member", "submitted"),
        ("cluster_member", "prepared"),
    ],
)
def test_an_edit_by_someone_not_permitted_is_403(
    world: World, client: Client, persona: str, state: str
) -> None:
    item = world.item()
    if state != "draft":
        fire(item, "submit", actor=world.author)
    if state == "prepared":
        fire(item, "start_preparation", actor=world.group_chair)
        fire(item, "endorse", actor=world.group_chair)
    with nothing_written(item):
        answer = client(persona).patch(
            f"/api/v1/agenda-items/{item.pk}/",
            {"title": "Door iemand anders herschreven"},
            format="json",
        )
    assert refused(answer, 403)["code"] == "not_permitted"


@pytest.mark.parametrize(
    ("persona", "what"),
    [("author", "meeting"), ("cluster_member", "meeting"), ("dvv", "action"), ("author", "action")],
)
def test_an_edit_of_a_meeting_or_action_by_someone_not_permitted_is_403(
    world: World, client: Client, decided: SimpleNamespace, persona: str, what: str
) -> None:
    target = world.meeting() if what == "meeting" else decided.action
    url = f"/api/v1/{what}s/{target.pk}/"
    change = {"location": "Elders"} if what == "meeting" else {"title": "Elders"}
    with nothing_written(target):
        answer = client(persona).patch(url, change, format="json")
    refused(answer, 403)


def test_a_new_item_in_a_group_the_author_is_not_in_is_403(world: World, client: Client) -> None:
    with nothing_written():
        answer = client("cluster_member").post(
            "/api/v1/agenda-items/", a_new_item(world), format="json"
        )
    refused(answer, 403)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/agenda-items/{item}/",
        "/api/v1/decisions/{decision}/",
        "/api/v1/meetings/{meeting}/",
        "/api/v1/actions/{action}/",
        "/api/v1/ratifications/{ratification}/",
    ],
)
def test_nothing_is_deleted_through_the_api(
    world: World, client: Client, decided: SimpleNamespace, path: str
) -> None:
    url = path.format(
        item=decided.item.pk,
        decision=decided.decision.pk,
        meeting=decided.meeting.pk,
        action=decided.action.pk,
        ratification=decided.ratification.pk,
    )
    with nothing_written(decided.item, decided.decision, decided.action):
        answer = client("coordinator").delete(url)
    refused(answer, 405)


# --- Query parameters on lists ------------------------------------------------------------

BIG = "99999999999999999999"

QUERIES = [
    ("/api/v1/agenda-items/?state=bogus", 400),
    ("/api/v1/agenda-items/?state=", 200),
    ("/api/v1/agenda-items/?intervision_group=abc", 400),
    (f"/api/v1/agenda-items/?intervision_group={BIG}", 400),
    ("/api/v1/agenda-items/?target_cluster=-1", 400),
    ("/api/v1/agenda-items/?meeting=abc", 400),
    ("/api/v1/agenda-items/?meeting=1e400", 400),
    ("/api/v1/agenda-items/?municipality=Roeselare", 400),
    ("/api/v1/agenda-items/?confidential=maybe", 200),
    ("/api/v1/agenda-items/?search=%00", 400),
    ("/api/v1/agenda-items/?ordering=bogus", 200),
    ("/api/v1/agenda-items/?ordering=author__password", 200),
    ("/api/v1/agenda-items/?page=0", 404),
    ("/api/v1/agenda-items/?page=999", 404),
    ("/api/v1/agenda-items/?page=abc", 404),
    ("/api/v1/agenda-items/?page=-1", 404),
    (f"/api/v1/agenda-items/?page={BIG}", 404),
    ("/api/v1/agenda-items/?page=last", 200),
    ("/api/v1/agenda-items/?page_size=100000", 200),
    ("/api/v1/agenda-items/?page_size=0", 200),
    ("/api/v1/agenda-items/?page_size=abc", 200),
    ("/api/v1/bodies/?kind=bogus", 400),
    ("/api/v1/bodies/?prepares_for=abc", 400),
    ("/api/v1/memberships/?body=abc", 400),
    ("/api/v1/memberships/?role=voorzitter", 400),
    ("/api/v1/meetings/?body=abc", 400),
    (f"/api/v1/meetings/?body={BIG}", 400),
    ("/api/v1/meetings/?state=bogus", 400),
    ("/api/v1/meetings/?starts_after=gisteren", 400),
    ("/api/v1/decisions/?meeting=abc", 400),
    ("/api/v1/decisions/?item=abc", 400),
    ("/api/v1/decisions/?outcome=misschien", 400),
    ("/api/v1/ratifications/?state=bogus", 400),
    ("/api/v1/ratifications/?decision=abc", 400),
    ("/api/v1/ratifications/?municipality=Roeselare", 400),
    ("/api/v1/ratifications/?coalition=abc", 400),
    ("/api/v1/actions/?assignee=someone", 400),
    ("/api/v1/actions/?assignee=", 200),
    ("/api/v1/actions/?assignee=-1", 400),
    ("/api/v1/actions/?overdue=maybe", 200),
    ("/api/v1/actions/?due_before=yesterday", 400),
    ("/api/v1/actions/?due_before=2026-13-45", 400),
    ("/api/v1/actions/?state=bogus", 400),
    ("/api/v1/actions/?item=abc", 400),
    (f"/api/v1/actions/?item={BIG}", 400),
    (f"/api/v1/agenda-items/?meeting={BIG}", 400),
    (f"/api/v1/agenda-items/?municipality={BIG}", 400),
    (f"/api/v1/ratifications/?coalition={BIG}", 400),
    (f"/api/v1/ratifications/?body={BIG}", 400),
    (f"/api/v1/actions/?assignee={BIG}", 400),
    (f"/api/v1/municipalities/?coalition={BIG}", 400),
]


@pytest.mark.parametrize(("url", "status"), QUERIES)
def test_a_query_parameter_of_the_wrong_type_gets_an_error_or_a_well_formed_list(
    world: World, client: Client, decided: SimpleNamespace, url: str, status: int
) -> None:
    answer = client("coordinator").get(url)
    assert answer.status_code < 500, answer.content[:300]
    assert answer.status_code == status, answer.content[:300]
    if status == 200:
        body = answer.json()
        assert set(body) == {"count", "next", "previous", "results"}
        assert isinstance(body["results"], list) and len(body["results"]) <= 100
        assert body["count"] >= len(body["results"])
    else:
        refused(answer, status)


def test_a_fractional_meeting_id_selects_no_meeting(
    world: World, client: Client, decided: SimpleNamespace
) -> None:
    answer = client("coordinator").get(f"/api/v1/agenda-items/?meeting={decided.meeting.pk}.5")
    assert answer.status_code == 400 or answer.json()["count"] == 0, answer.content[:300]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        # PostgreSQL refuses offsets beyond 15:59 that Python accepts; read as UTC they are fine.
        ("/api/v1/meetings/?starts_before=6057-07-28T19:31:56-16:20", 200),
        ("/api/v1/meetings/?starts_after=1527-10-06T06:52:07%2B23:59", 200),
        ("/api/v1/ratifications/?decided_before=2026-03-03T10:00:00-18:00", 200),
        # Shifted to UTC these fall off the calendar: a clear 400, not an overflow.
        ("/api/v1/meetings/?starts_after=0001-01-01T00:00:00%2B05:00", 400),
        ("/api/v1/ratifications/?decided_after=9999-12-31T23:59:59-05:00", 400),
    ],
)
def test_an_instant_with_an_extreme_offset_is_read_in_utc_and_leaves_the_database_usable(
    world: World, client: Client, decided: SimpleNamespace, query: str, status: int
) -> None:
    coordinator = client("coordinator")
    answer = coordinator.get(query)
    assert answer.status_code == status, answer.content[:300]
    if status == 400:
        refused(answer, 400)
    # The database never saw a value it refuses: the next question in the same
    # transaction is answered (PostgreSQL would otherwise abort the transaction).
    assert coordinator.get("/api/v1/meetings/").status_code == 200


def test_an_instant_filter_compares_in_utc(
    world: World, client: Client, decided: SimpleNamespace
) -> None:
    starts = decided.meeting.starts_at.astimezone(dt.UTC)
    just_after = (starts + dt.timedelta(seconds=1)).astimezone(dt.timezone(dt.timedelta(hours=-14)))
    just_before = (starts - dt.timedelta(seconds=1)).astimezone(dt.timezone(dt.timedelta(hours=14)))
    coordinator = client("coordinator")

    def found_before(instant: dt.datetime) -> set[int]:
        answer = coordinator.get("/api/v1/meetings/", {"starts_before": instant.isoformat()})
        return {meeting["id"] for meeting in answer.json()["results"]}

    assert decided.meeting.pk in found_before(just_after)
    assert decided.meeting.pk not in found_before(just_before)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/decisions/{decision}/excerpts/1.5/",
        "/api/v1/meetings/{meeting}/entries/1.5/",
        "/api/v1/agenda-items/{item}/attachments/1.5/download/",
        "/api/v1/agenda-items/{item}.json",
    ],
)
def test_a_dotted_id_in_a_nested_path_is_not_found(
    world: World, client: Client, decided: SimpleNamespace, path: str
) -> None:
    url = path.format(
        decision=decided.decision.pk, meeting=decided.meeting.pk, item=decided.item.pk
    )
    answer = client("coordinator").get(url)
    assert answer.status_code == 404, answer.content[:300]
