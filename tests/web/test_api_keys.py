"""The API keys page: the person's working keys without their secrets, a new key shown
once after the current code (or password), and revoking one or all."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from backend.audit.models import ApiToken, AuditEvent
from backend.audit.tokens import token_create
from tests.conftest import World, authenticator_for, code_of

PAGE = "/api-sleutels/"


def signed_in(person: object) -> Client:
    client = Client()
    client.force_login(person)
    return client


def works(secret: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client.get("/api/v1/me/").status_code == 200


def secret_on(page: object) -> str:
    return re.search(r'<code class="key">([0-9a-f]{64})</code>', page.content.decode()).group(1)


def test_the_page_lists_the_person_s_keys_without_their_secrets(world: World) -> None:
    mine, secret = token_create(world.author, name="Rekenblad")
    token_create(world.director, name="Van iemand anders")
    page = signed_in(world.author).get(PAGE)
    body = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "API-sleutels" in body and "Rekenblad" in body and "nog niet" in body
    assert mine.token_key[:8] in body and secret not in body and mine.digest not in body
    assert "Van iemand anders" not in body


def test_the_two_step_page_links_to_the_keys(world: World) -> None:
    assert (
        f'href="{PAGE}"' in signed_in(world.author).get("/tweestapsverificatie/").content.decode()
    )


def test_a_new_key_needs_the_password_of_someone_without_a_second_step(world: World) -> None:
    client = signed_in(world.author)
    refused = client.post(PAGE, {"name": "Script", "proof": "fout"})
    assert refused.status_code == 400
    assert "Het wachtwoord is niet juist" in refused.content.decode()
    assert not ApiToken.objects.exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN_FAILED).count() == 1
    made = client.post(PAGE, {"name": "Script", "proof": "pw"})
    assert made.status_code == 200 and "no-store" in made["Cache-Control"]
    secret = secret_on(made)
    assert works(secret)
    assert ApiToken.objects.get(user=world.author).name == "Script"
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.TOKEN_CREATED, person=world.author, path=PAGE
    ).exists()
    assert secret not in client.get(PAGE).content.decode()  # shown once


def test_a_new_key_needs_the_current_code_of_someone_with_a_second_step(
    world: World,
) -> None:
    device = authenticator_for(world.coordinator)
    client = signed_in(world.coordinator)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert client.post(PAGE, {"name": "x", "proof": "pw"}).status_code == 400
        clock.shift(dt.timedelta(seconds=40))
        made = client.post(PAGE, {"name": "x", "proof": code_of(device)})
    assert made.status_code == 200 and works(secret_on(made))


def test_revoking_one_key_leaves_the_others(world: World) -> None:
    first, first_secret = token_create(world.author)
    _second, second_secret = token_create(world.author)
    answer = signed_in(world.author).post(f"{PAGE}{first.pk}/intrekken/", follow=True)
    assert "De API-sleutel is ingetrokken" in answer.content.decode()
    assert not works(first_secret) and works(second_secret)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.TOKEN_REVOKED).count() == 1


def test_someone_else_s_key_cannot_be_revoked(world: World) -> None:
    theirs, secret = token_create(world.director)
    signed_in(world.author).post(f"{PAGE}{theirs.pk}/intrekken/")
    assert works(secret)


def test_revoking_all_keys(world: World) -> None:
    secrets = [token_create(world.author)[1] for _ in range(3)]
    answer = signed_in(world.author).post(f"{PAGE}alle-intrekken/", follow=True)
    assert "Al uw API-sleutels zijn ingetrokken" in answer.content.decode()
    assert not any(works(secret) for secret in secrets)


def test_revoking_needs_a_post_and_a_sign_in(world: World) -> None:
    mine, secret = token_create(world.author)
    assert signed_in(world.author).get(f"{PAGE}{mine.pk}/intrekken/").status_code == 405
    assert Client().post(f"{PAGE}alle-intrekken/").status_code == 302
    assert Client().get(PAGE).status_code == 302
    assert works(secret)
