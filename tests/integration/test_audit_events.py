"""The audit log: every sign-in, failed sign-in, sign-out and refusal, in fields that a
username with newlines cannot forge, and never changed afterwards."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from backend.audit.models import AppendOnlyError, AuditEvent
from tests.conftest import World

pytestmark = pytest.mark.django_db


def kinds() -> list[tuple[str, str]]:
    return [(e.kind, e.username) for e in AuditEvent.objects.order_by("at", "id")]


def test_sign_in_failure_and_sign_out_on_the_pages_are_logged(world: World) -> None:
    client = Client()
    client.post("/aanmelden/", {"username": "author", "password": "fout"})
    client.post("/aanmelden/", {"username": "author", "password": "pw"})
    client.post("/afmelden/")
    assert kinds() == [
        ("sign_in_failed", "author"),
        ("sign_in", "author"),
        ("sign_out", "author"),
    ]
    signed_in = AuditEvent.objects.get(kind="sign_in")
    assert signed_in.person == world.author and signed_in.address == "127.0.0.1"
    assert signed_in.path == "/aanmelden/" and signed_in.method == "POST"


def test_token_sign_ins_and_failures_are_logged(world: World) -> None:
    api = APIClient()
    api.post("/api/v1/auth/token/", {"username": "author", "password": "pw"}, format="json")
    api.post("/api/v1/auth/token/", {"username": "author", "password": "no"}, format="json")
    assert kinds() == [
        ("sign_in", "author"),
        ("token_created", "author"),
        ("sign_in_failed", "author"),
    ]


def test_a_username_with_newlines_cannot_forge_an_entry(world: World) -> None:
    forged = "author\n2026-11-29 12:00:00 sign_in coordinator /admin/"
    Client().post("/aanmelden/", {"username": forged, "password": "x"})
    event = AuditEvent.objects.get(kind="sign_in_failed")
    assert "\n" not in event.username and "\\n" in event.username
    assert "\n" not in str(event)


def test_a_refusal_on_someone_else_s_object_is_logged(world: World) -> None:
    secret = world.item(title="Personeelsdossier", confidential=True)
    client = Client()
    client.force_login(world.stranger)
    assert client.get(f"/punten/{secret.pk}/").status_code == 404
    api = APIClient()
    api.force_authenticate(world.dvv)
    assert api.get(f"/api/v1/agenda-items/{secret.pk}/").status_code == 404
    refusals = AuditEvent.objects.filter(kind="refused").order_by("id")
    assert [(e.person, e.path, e.status) for e in refusals] == [
        (world.stranger, f"/punten/{secret.pk}/", 404),
        (world.dvv, f"/api/v1/agenda-items/{secret.pk}/", 404),
    ]


def test_an_anonymous_miss_is_not_logged_as_a_refusal(world: World) -> None:
    assert Client().get("/bestaat-niet/").status_code == 404
    assert not AuditEvent.objects.filter(kind="refused").exists()


def test_the_audit_log_is_append_only(world: World) -> None:
    Client().post("/aanmelden/", {"username": "author", "password": "fout"})
    event = AuditEvent.objects.get()
    event.username = "someone else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(username="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
