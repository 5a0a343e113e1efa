"""Signing in: tokens, the pause after repeated failures, `me`, and what needs no login."""

from __future__ import annotations

import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import World

TOKEN = "/api/v1/auth/token/"


def ask(client: APIClient, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        TOKEN, {"username": username, "password": password}, format="json", REMOTE_ADDR=address
    )


def test_a_token_opens_the_api(world: World) -> None:
    client = APIClient()
    answer = ask(client, "director", "pw")
    assert answer.status_code == 200
    token = answer.json()["token"]
    assert client.get("/api/v1/me/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").json()["username"] == "director"


def test_a_wrong_password_is_a_clear_400(world: World) -> None:
    answer = ask(APIClient(), "director", "wrong")
    assert answer.status_code == 400
    assert answer.json()["reasons"] == ["Gebruikersnaam of wachtwoord is onjuist."]


def test_ten_failures_pause_the_account_even_for_the_right_password(world: World) -> None:
    client = APIClient()
    for attempt in range(10):
        assert ask(client, "director", f"guess{attempt}", f"10.0.0.{attempt}").status_code == 400
    paused = ask(client, "director", "pw", "10.9.9.9")
    assert paused.status_code == 429
    assert int(paused["Retry-After"]) > 0
    assert ask(client, "author", "pw", "10.9.9.9").status_code == 200  # others go on
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=16)):
        assert ask(client, "director", "pw", "10.9.9.9").status_code == 200


def test_ten_failures_from_one_address_pause_that_address(world: World) -> None:
    client = APIClient()
    for attempt in range(10):
        assert ask(client, f"nobody{attempt}", "x", "192.0.2.7").status_code == 400
    assert ask(client, "director", "pw", "192.0.2.7").status_code == 429
    assert ask(client, "director", "pw", "192.0.2.8").status_code == 200


def test_a_client_that_knows_its_password_is_never_paused(world: World) -> None:
    client = APIClient()
    for _ in range(40):
        assert ask(client, "director", "pw").status_code == 200


def test_me_describes_the_caller_with_memberships_and_roles(world: World) -> None:
    client = APIClient()
    client.force_authenticate(world.group_chair)
    me = client.get("/api/v1/me/").json()
    assert (me["id"], me["username"], me["municipality"]["name"]) == (
        world.group_chair.pk,
        "groupchair",
        "Tielt",
    )
    assert sorted((m["body"]["code"], m["role"]) for m in me["memberships"]) == [
        ("CL-RUIMTE", "member"),
        ("IG-RUIMTE", "chair"),
    ]
    assert me["roles"] == ["chair:IG-RUIMTE", "general_director", "member:CL-RUIMTE"]


def test_everything_but_the_token_and_the_schema_needs_a_login(world: World) -> None:
    client = APIClient()
    answer = client.get("/api/v1/agenda-items/")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Token"
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    assert b"TokenAuth" in schema.content or b"tokenAuth" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower()  # served from local static files
