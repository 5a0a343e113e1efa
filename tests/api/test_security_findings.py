"""The findings of an attack on a running demo, each reproduced and now refused.

The numbers follow SECURITY.md ("Findings closed"): who decides an entry (1), confidential
titles in reminders (2), text that cannot be stored (5), a forged X-Forwarded-For (6),
confidential entries in a meeting's representation (7), content edits on the record (8),
the admin's parameters (9) and macro-enabled Office files (10).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from backend.agenda.models import AgendaItem, Attachment
from backend.audit.models import LoginFailure, TransitionLog
from backend.audit.services import TooManyFailures, client_address, pause_of, sign_in
from backend.followup.models import Action, Ratification
from backend.meetings.models import Meeting
from backend.organisations.models import Person
from backend.reminders import rules
from backend.reminders.models import Notification
from backend.reminders.services import scan, send_due
from tests.conftest import World, member, person
from workflows.engine import fire

Api = Callable[[str | None], APIClient]


def edits_of(obj: Any) -> list[TransitionLog]:
    return list(TransitionLog.objects.for_object(obj).filter(kind=TransitionLog.Kind.EDIT))


# --- 1. The body of the meeting decides; the target stays while scheduled ---------------


def other_chair(world: World) -> Person:
    chair = person("welzijnchair", world.region, municipality=world.municipalities[2])
    member(chair, world.other_cluster, "chair", world.municipalities[2])
    return chair


def test_the_target_body_cannot_change_once_the_item_is_scheduled(world: World, api: Api) -> None:
    item = world.prepared_item()
    meeting = world.meeting()
    fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    item.refresh_from_db()
    url = f"/api/v1/agenda-items/{item.pk}/"
    for target in (world.other_cluster.pk, None):
        answer = api("group_chair").patch(url, {"target_cluster": target, "version": item.version})
        assert answer.status_code == 409, answer.content
        assert "agenda" in answer.json()["detail"]
    item.refresh_from_db()
    assert (item.target_cluster, item.version) == (world.cluster, 5)
    assert not edits_of(item)

    # Taking it off the agenda (the meeting is cancelled) frees the target again.
    fire(meeting, "cancel", actor=world.coordinator)
    item.refresh_from_db()
    answer = api("group_chair").patch(
        url, {"target_cluster": world.other_cluster.pk, "version": item.version}
    )
    assert answer.status_code == 200, answer.content
    (edit,) = edits_of(item)
    assert edit.params["changes"] == {
        "target_cluster": {"old": world.cluster.pk, "new": world.other_cluster.pk}
    }


def test_the_chair_of_the_meeting_body_decides_whatever_the_target_says(
    world: World, api: Api
) -> None:
    """Rows written before the target was frozen: the target points elsewhere."""
    item = world.prepared_item()
    meeting = world.meeting_in_session(item)
    AgendaItem.objects.filter(pk=item.pk).update(target_cluster=world.other_cluster)
    intruder = other_chair(world)
    url = f"/api/v1/agenda-items/{item.pk}/transitions/approve/"
    body = {"text": "Goedgekeurd.", "consensus": True}
    client = APIClient()
    client.force_authenticate(intruder)
    assert client.post(url, body).status_code in (403, 404)
    answer = api("cluster_chair").post(url, body)
    assert answer.status_code == 200, answer.content
    item.refresh_from_db()
    assert item.decision.body == meeting.body
    assert item.decision.number.split("/")[1] == world.cluster.code


def test_only_the_author_the_group_chair_or_the_coordinator_change_target_or_confidentiality(
    world: World, api: Api
) -> None:
    item = world.item()
    url = f"/api/v1/agenda-items/{item.pk}/"
    for change in ({"target_cluster": world.other_cluster.pk}, {"confidential": True}):
        refused = api("group_member").patch(url, {**change, "version": item.version})
        assert refused.status_code == 403, refused.content
    assert api("group_member").patch(url, {"title": "Nieuwe titel"}).status_code == 200
    assert api("author").patch(url, {"confidential": True}).status_code == 200
    assert api("author").patch(url, {"confidential": False}).status_code == 200

    item.refresh_from_db()
    fire(item, "submit", actor=world.author)
    fire(item, "start_preparation", actor=world.group_chair)
    # The cluster chair may edit the text now, but not move the item elsewhere.
    assert api("cluster_chair").patch(url, {"title": "Scherper"}).status_code == 200
    refused = api("cluster_chair").patch(url, {"target_cluster": world.other_cluster.pk})
    assert refused.status_code == 403
    refused = api("cluster_chair").patch(url, {"confidential": True})
    assert refused.status_code == 403
    assert api("group_chair").patch(url, {"confidential": True}).status_code == 200
    item.refresh_from_db()
    assert item.confidential is True
    flags = [(e.actor.username, e.params["changes"].get("confidential")) for e in edits_of(item)]
    assert [(who, flag) for who, flag in flags if flag] == [
        ("author", {"old": False, "new": True}),
        ("author", {"old": True, "new": False}),
        ("groupchair", {"old": False, "new": True}),
    ]


# --- 2. Nothing of an object reaches someone who may not see it ------------------------


@pytest.fixture
def secret(world: World) -> Any:
    """An approved confidential item with a pending ratification for Roeselare."""
    item = world.prepared_item(title="Geheime personeelszaak", confidential=True)
    world.meeting_in_session(item)
    fire(item, "approve", actor=world.cluster_chair, text="Besloten.", consensus=True)
    item.refresh_from_db()
    return item


def test_an_action_cannot_go_to_someone_who_may_not_see_its_confidential_item(
    world: World, api: Api, secret: AgendaItem
) -> None:
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    base = {"item": secret.pk, "title": "Dossier opvolgen", "due_date": due}
    refused = api("coordinator").post("/api/v1/actions/", {**base, "service": world.service.pk})
    assert refused.status_code == 400, refused.content
    assert world.service.name in " ".join(refused.json()["reasons"])
    refused = api("coordinator").post("/api/v1/actions/", {**base, "assignee": world.director.pk})
    assert refused.status_code == 400
    assert "Director" in " ".join(refused.json()["reasons"])
    assert not Action.objects.exists()

    made = api("coordinator").post(
        "/api/v1/actions/", {**base, "assignee": world.cluster_member.pk}
    )
    assert made.status_code == 201, made.content
    action = Action.objects.get()
    answer = api("coordinator").patch(
        f"/api/v1/actions/{action.pk}/", {"assignee": world.director.pk}
    )
    assert answer.status_code == 400
    assert api("cluster_member").get(f"/api/v1/actions/{action.pk}/").status_code == 200


def test_an_assignee_always_sees_their_action(world: World, api: Api, secret: AgendaItem) -> None:
    # Written before assignment was checked: the director cannot see the item.
    action = Action.objects.create(
        item=secret, title="Verslag", assignee=world.director, due_date=timezone.localdate()
    )
    assert api("director").get(f"/api/v1/actions/{action.pk}/").status_code == 200
    ids = [row["id"] for row in api("director").get("/api/v1/actions/").json()["results"]]
    assert ids == [action.pk]
    assert api("director").get(f"/api/v1/agenda-items/{secret.pk}/").status_code == 404
    assert api("third_member").get(f"/api/v1/actions/{action.pk}/").status_code == 200
    assert api("dvv").get(f"/api/v1/actions/{action.pk}/").status_code == 404


def subjects(world: World, secret: AgendaItem) -> dict[str, Any]:
    meeting = secret.decision.meeting
    action = Action.objects.create(
        item=secret,
        title="Geheime actie",
        assignee=world.cluster_member,
        due_date=dt.date(2026, 1, 5),
    )
    ratification = Ratification.objects.get(
        decision=secret.decision, municipality=world.municipalities[0]
    )
    kinds = Notification.Kind
    return {
        kinds.SUBMISSION_DEADLINE: meeting,
        kinds.INVITATION: meeting,
        kinds.MEETING_REMINDER: meeting,
        kinds.MINUTES_READY: meeting,
        kinds.ACTION_DUE: action,
        kinds.ACTION_ASSIGNED: action,
        kinds.ACTION_OVERDUE: action,
        kinds.ESCALATION: action,
        kinds.RATIFICATION_PENDING: ratification,
        kinds.DIGEST: world.region,
        kinds.AGENDA_TERM: meeting,
        kinds.DECISION_LIST_TERM: meeting,
    }


SECRETS = ("Geheime", "Ruimte en mobiliteit", "Midwest", "CL-RUIMTE", "Stadhuis")


@pytest.mark.parametrize("kind", Notification.Kind.values)
def test_no_reminder_of_any_kind_tells_its_recipient_what_they_may_not_see(
    world: World, api: Api, secret: AgendaItem, kind: str
) -> None:
    subject = subjects(world, secret)[kind]
    # The stranger (another region) may see nothing here; what concerns the confidential
    # item, the director of this region (in none of its bodies) may not see either.
    blind = [world.stranger]
    if kind != Notification.Kind.DIGEST and not isinstance(subject, Meeting):
        blind.append(world.director)
    for recipient in blind:
        assert not rules.may_see(recipient, subject)
        Notification.objects.create(
            recipient=recipient, kind=kind, subject=subject, due_at=timezone.now()
        )
    mail.outbox.clear()
    send_due()
    assert mail.outbox == []
    assert not Notification.objects.filter(sent_at__isnull=False).exists()
    assert Notification.objects.filter(dropped_at__isnull=False).count() == len(blind)
    for recipient in blind:
        client = APIClient()
        client.force_authenticate(recipient)
        rows = client.get("/api/v1/notifications/").json()["results"]
        assert len(rows) == 1
        assert not any(word in rows[0]["text"] for word in SECRETS), rows[0]["text"]


def test_the_scan_does_not_remind_a_director_of_a_confidential_decision_they_may_not_see(
    world: World, secret: AgendaItem
) -> None:
    later = timezone.now() + dt.timedelta(days=60)
    scan(later)
    pending = Notification.objects.filter(kind=Notification.Kind.RATIFICATION_PENDING)
    assert not pending.filter(recipient=world.director).exists()
    # Once the director sits in the cluster, the reminder is theirs.
    member(world.director, world.cluster, "member", world.municipalities[0])
    world.director = Person.objects.get(pk=world.director.pk)
    scan(later)
    assert pending.filter(recipient=world.director).exists()


# --- 5. Text that no database stores is a 400 that names the field --------------------


def raw_post(client: APIClient, url: str, body: str) -> Any:
    return client.post(url, data=body.encode("utf-8"), content_type="application/json")


@pytest.mark.parametrize(
    ("persona", "setup", "name", "body", "field"),
    [
        ("author", "draft", "submit", '{"comment": "x\\ud800y"}', "comment"),
        (
            "cluster_chair",
            "in_session",
            "approve",
            '{"text": "a\\udfffb", "consensus": true}',
            "text",
        ),
        ("cluster_chair", "in_session", "postpone", '{"comment": "\\ud83d"}', "comment"),
        ("author", "draft", "submit", '{"\\ud800": 1}', "body"),
    ],
)
def test_a_lone_surrogate_in_a_transition_is_a_400_naming_the_field(
    world: World, api: Api, persona: str, setup: str, name: str, body: str, field: str
) -> None:
    item = world.prepared_item() if setup == "in_session" else world.item()
    if setup == "in_session":
        world.meeting_in_session(item)
    logs = TransitionLog.objects.count()
    answer = raw_post(api(persona), f"/api/v1/agenda-items/{item.pk}/transitions/{name}/", body)
    assert answer.status_code == 400, answer.content
    assert field in answer.json()["detail"]
    assert TransitionLog.objects.count() == logs


def test_lone_surrogates_in_ratification_and_action_texts_are_refused(
    world: World, api: Api, decided: Any
) -> None:
    ratification = decided.ratification
    answer = raw_post(
        api("coordinator"),
        f"/api/v1/ratifications/{ratification.pk}/transitions/ratify/",
        '{"date": "2026-01-01", "deciding_body": "college", "reference": "\\ud800"}',
    )
    assert answer.status_code == 400 and "reference" in answer.json()["detail"]
    answer = raw_post(
        api("coordinator"),
        f"/api/v1/ratifications/{ratification.pk}/transitions/decline/",
        '{"reason": "nee\\udc00"}',
    )
    assert answer.status_code == 400 and "reason" in answer.json()["detail"]
    answer = raw_post(
        api("dvv"),
        f"/api/v1/actions/{decided.action.pk}/transitions/block/",
        '{"reason": "\\ud800"}',
    )
    assert answer.status_code == 400 and "reason" in answer.json()["detail"]
    answer = api("author").patch(
        f"/api/v1/agenda-items/{world.item().pk}/",
        data=b'{"title": "t\\ud800"}',
        content_type="application/json",
    )
    assert answer.status_code == 400 and "title" in answer.json()["detail"]


# --- 6. X-Forwarded-For is believed only as far as the trusted proxies reach ------------


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.1"),  # shorter than the chain: not believed
        (1, "not-an-address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
    ],
)
def test_the_client_address_is_counted_from_the_right(
    settings: Any, count: int, forwarded: str, expected: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.1")
    assert client_address(request) == expected


def test_a_forged_leftmost_address_neither_escapes_the_pause_nor_pauses_someone_else(
    world: World, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_FAILURE_LIMIT = 3
    factory = RequestFactory()

    def request(forged: str, client: str = "198.51.100.7") -> Any:
        return factory.post("/", HTTP_X_FORWARDED_FOR=f"{forged}, {client}", REMOTE_ADDR="10.0.0.1")

    for n in range(3):
        assert sign_in(request(f"192.0.2.{n}"), f"guess{n}", "wrong") is None
    assert set(LoginFailure.objects.values_list("address", flat=True)) == {"198.51.100.7"}
    with pytest.raises(TooManyFailures):
        pause_of(request("192.0.2.99"), "someone")
    # The victim whose address the attacker wrote on the left is not paused.
    pause_of(request("198.51.100.7", client="192.0.2.1"), "victim")


# --- 7. A meeting's entries leave out what the caller may not see ----------------------


def test_a_meeting_does_not_list_confidential_entries_to_those_who_may_not_see_them(
    world: World, api: Api
) -> None:
    open_item = world.prepared_item(title="Openbaar punt")
    hidden = world.prepared_item(title="Besloten punt", confidential=True)
    meeting = world.meeting()
    for item in (open_item, hidden):
        fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    everything, public = [open_item.pk, hidden.pk], [open_item.pk]
    for persona, expected in (
        ("coordinator", everything),
        ("cluster_member", everything),
        ("director", public),
    ):
        answer = api(persona).get(f"/api/v1/meetings/{meeting.pk}/")
        assert [e["item"] for e in answer.json()["entries"]] == expected, persona
        listed = api(persona).get(f"/api/v1/meetings/?body={world.cluster.pk}").json()
        assert [e["item"] for e in listed["results"][0]["entries"]] == expected, persona


# --- 8. Every content edit is on the record --------------------------------------------


def test_every_edit_of_an_item_is_on_its_record_between_the_steps(
    world: World, api: Api, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    item = world.item()
    url = f"/api/v1/agenda-items/{item.pk}/"
    long_text = "Motivering. " * 100
    answer = api("author").patch(
        url,
        {
            "title": "Fietsroute Tielt–Roeselare",
            "rationale": long_text,
            "municipalities": [m.pk for m in world.municipalities],
        },
    )
    assert answer.status_code == 200, answer.content
    item.refresh_from_db()
    fire(item, "submit", actor=world.author)
    upload = SimpleUploadedFile("nota.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")
    # The group chair edits after the group took it up: "who changed it after endorsing".
    fire(item, "start_preparation", actor=world.group_chair)
    assert (
        api("group_chair")
        .post(f"{url}attachments/", {"file": upload}, format="multipart")
        .status_code
        == 201
    )
    attachment = Attachment.objects.get()
    assert api("group_chair").delete(f"{url}attachments/{attachment.pk}/").status_code == 204

    history = api("group_member").get(f"{url}history/").json()
    assert [(h["kind"], h["transition"]) for h in history] == [
        ("edit", "edit"),
        ("transition", "submit"),
        ("transition", "start_preparation"),
        ("edit", "edit"),
        ("edit", "edit"),
    ]
    first = history[0]
    assert first["actor"]["username"] == "author"
    assert first["params"]["fields"] == ["municipalities", "rationale", "title"]
    changes = first["params"]["changes"]
    assert changes["title"] == {"old": "Regionale fietsroute", "new": "Fietsroute Tielt–Roeselare"}
    assert changes["rationale"]["new"]["length"] == len(long_text.strip())
    assert len(changes["rationale"]["new"]["sha256"]) == 64
    assert changes["rationale"]["old"] == "Een veilige fietsverbinding tussen de gemeenten."
    assert changes["municipalities"]["new"] == sorted(m.pk for m in world.municipalities)
    assert history[3]["params"]["changes"] == {"attachments": {"old": None, "new": "nota.pdf"}}
    assert history[4]["params"]["changes"] == {"attachments": {"old": "nota.pdf", "new": None}}
    assert history[3]["actor"]["username"] == "groupchair"

    client = Client()
    client.force_login(world.group_member)
    page = client.get(reverse("web:item", args=[item.pk])).content.decode()
    assert "Bewerkt: bijlagen" in page
    assert "Bewerkt: betrokken gemeenten, toelichting, titel" in page


def test_an_edit_refused_for_a_stale_version_leaves_no_record(world: World, api: Api) -> None:
    item = world.item()
    answer = api("author").patch(f"/api/v1/agenda-items/{item.pk}/", {"title": "X", "version": 99})
    assert answer.status_code == 409
    assert not edits_of(item)
    same = api("author").patch(f"/api/v1/agenda-items/{item.pk}/", {"title": item.title})
    assert same.status_code == 200
    assert not edits_of(item)


def test_edits_of_a_meeting_and_an_action_are_on_their_records(
    world: World, api: Api, decided: Any
) -> None:
    meeting = world.meeting()
    first, second = world.prepared_item(title="Eerste"), world.prepared_item(title="Tweede")
    for item in (first, second):
        fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    url = f"/api/v1/meetings/{meeting.pk}/"
    assert api("coordinator").patch(url, {"location": "Stadhuis Tielt"}).status_code == 200
    entries = api("coordinator").get(url).json()["entries"]
    order = [{"id": e["id"], "session": "public"} for e in reversed(entries)]
    assert api("coordinator").post(f"{url}agenda/", {"entries": order}).status_code == 200
    answer = api("coordinator").post(
        f"{url}attendance/", {"person": world.cluster_member.pk, "status": "excused"}
    )
    assert answer.status_code == 200
    history = api("cluster_member").get(f"{url}history/").json()
    assert [h["params"]["fields"] for h in history] == [
        ["location"],
        ["agenda"],
        [f"attendance:{world.cluster_member.pk}"],
    ]
    assert history[0]["params"]["changes"]["location"] == {
        "old": "Stadhuis Roeselare",
        "new": "Stadhuis Tielt",
    }
    assert history[1]["params"]["changes"]["agenda"]["new"] == [[o["id"], "public"] for o in order]
    assert history[2]["params"]["changes"][f"attendance:{world.cluster_member.pk}"] == {
        "old": None,
        "new": "excused",
    }

    note_url = f"/api/v1/meetings/{decided.meeting.pk}/entries/{decided.meeting.entries.get().pk}/"
    assert api("coordinator").patch(note_url, {"note": "Besproken."}).status_code == 200
    (note,) = [e for e in edits_of(decided.meeting) if e.params["fields"][0].startswith("note:")]
    (change,) = note.params["changes"].values()
    assert change["new"]["length"] == len("Besproken.")  # a digest: the region reads this
    assert "Besproken" not in json.dumps(note.params)

    action_url = f"/api/v1/actions/{decided.action.pk}/"
    later = (decided.action.due_date + dt.timedelta(days=7)).isoformat()
    assert api("coordinator").patch(action_url, {"due_date": later}).status_code == 200
    (edit,) = api("coordinator").get(f"{action_url}history/").json()
    assert edit["params"]["changes"]["due_date"] == {
        "old": decided.action.due_date.isoformat(),
        "new": later,
    }


# --- 9. The admin fires with the posted parameters as parameters ------------------------


def test_the_admin_reads_only_the_declared_fields_never_other_keywords(world: World) -> None:
    root = Person.objects.create_superuser("root", "root@example.invalid", "pw")
    client = Client()
    client.force_login(root)
    item = world.item()
    url = reverse("admin:agenda_agendaitem_transition", args=[item.pk, "submit"])
    posted = {
        "actor": world.stranger.pk,
        "name": "withdraw",
        "params": json.dumps({"actor": world.stranger.pk}),
        "comment": "via beheer",
    }
    assert client.post(url, posted).status_code == 302
    item.refresh_from_db()
    assert item.state == "submitted"
    [log] = TransitionLog.objects.for_object(item)
    assert (log.transition, log.actor, log.comment) == ("submit", root, "via beheer")
    assert log.params == {}


# --- 10. Office files with macros are refused ------------------------------------------


def with_part(name: str) -> bytes:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for info in source.infolist():
            package.writestr(info, source.read(info))
        package.writestr(name, b"\x00macro")
    return out.getvalue()


@pytest.mark.parametrize("part", ["word/vbaProject.bin", "word/activeX/activeX1.bin"])
def test_a_word_file_that_carries_macros_is_refused_in_dutch(
    world: World, api: Api, settings: Any, tmp_path: Path, part: str
) -> None:
    settings.MEDIA_ROOT = tmp_path
    item = world.item()
    answer = api("author").post(
        f"/api/v1/agenda-items/{item.pk}/attachments/",
        {"file": SimpleUploadedFile("voorstel.docx", with_part(part))},
        format="multipart",
    )
    assert answer.status_code == 400, answer.content
    assert "macro" in " ".join(answer.json()["reasons"])
    assert not Attachment.objects.exists()


def test_an_edit_in_the_admin_is_on_the_record_and_leaves_a_scheduled_target_alone(
    world: World,
) -> None:
    root = Person.objects.create_superuser("root", "root@example.invalid", "pw")
    client = Client()
    client.force_login(root)
    item = world.prepared_item()
    fire(item, "schedule", actor=world.coordinator, meeting=world.meeting().pk)
    url = reverse("admin:agenda_agendaitem_change", args=[item.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    data["municipalities"] = [m.pk for m in world.municipalities]
    data["title"] = "Aangepast in het beheer"
    data["target_cluster"] = world.other_cluster.pk  # read-only while on the agenda
    answer = client.post(url, data)
    assert answer.status_code == 302, answer.context["adminform"].form.errors
    item.refresh_from_db()
    assert (item.title, item.target_cluster, item.version) == (
        "Aangepast in het beheer",
        world.cluster,
        6,
    )
    (edit,) = edits_of(item)
    assert edit.actor == root
    assert edit.params["fields"] == ["municipalities", "title"]
    assert edit.params["changes"]["title"]["old"] == "Regionale fietsroute"
