"""API tokens end: after a while without a request, at a fixed time after sign-in, when
revoked, and when the password or the second step changes. Every sign-in makes a new one."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from backend.audit.models import ApiToken, AuditEvent
from tests.conftest import World

TOKEN = "/api/v1/auth/token/"
TOKENS = "/api/v1/auth/tokens/"
ME = "/api/v1/me/"


def new_token(username: str = "director", **extra: str) -> str:
    answer = APIClient().post(TOKEN, {"username": username, "password": "pw", **extra})
    assert answer.status_code == 200, answer.content
    return answer.json()["token"]


def holding(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def works(token: str) -> bool:
    status = holding(token).get(ME).status_code
    assert status in (200, 401)
    return status == 200


def test_the_limits_default_to_those_of_a_session() -> None:
    assert settings.API_TOKEN_IDLE_SECONDS == settings.SESSION_IDLE_TIMEOUT == 1800
    assert settings.API_TOKEN_TTL_SECONDS == settings.SESSION_ABSOLUTE_TIMEOUT == 43200


def test_every_sign_in_gives_a_new_token_and_the_earlier_ones_keep_working(
    world: World,
) -> None:
    first, second = new_token(), new_token()
    assert first != second
    assert works(first) and works(second)
    assert ApiToken.objects.filter(user=world.director).count() == 2


def test_a_token_is_stored_only_as_a_digest_with_its_name(world: World) -> None:
    secret = new_token(name="Rapportage")
    row = ApiToken.objects.get(user=world.director)
    assert row.name == "Rapportage"
    assert secret not in (row.digest, row.token_key) and secret.startswith(row.token_key)


def test_the_answer_says_when_the_token_ends(world: World) -> None:
    with time_machine.travel(timezone.now(), tick=False):
        answer = APIClient().post(TOKEN, {"username": "director", "password": "pw"})
        ends = dt.datetime.fromisoformat(answer.json()["expiry"])
        assert ends == timezone.now() + dt.timedelta(seconds=settings.API_TOKEN_IDLE_SECONDS)


def test_a_token_ends_after_the_idle_limit_without_a_request(world: World) -> None:
    idle = dt.timedelta(seconds=settings.API_TOKEN_IDLE_SECONDS)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token = new_token()
        clock.shift(idle - dt.timedelta(minutes=2))
        assert works(token)  # a request moves the end on
        clock.shift(idle - dt.timedelta(minutes=1))
        assert works(token)
        clock.shift(idle + dt.timedelta(seconds=1))
        assert not works(token)
    assert not ApiToken.objects.exists()


def test_a_token_in_use_ends_at_the_absolute_limit(world: World) -> None:
    absolute = dt.timedelta(seconds=settings.API_TOKEN_TTL_SECONDS)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        made = timezone.now()
        token = new_token()
        while timezone.now() + dt.timedelta(minutes=20) < made + absolute:
            clock.shift(dt.timedelta(minutes=20))
            assert works(token)
        clock.move_to(made + absolute + dt.timedelta(seconds=1))
        assert not works(token)


def test_a_token_older_than_a_lowered_absolute_limit_is_refused(
    world: World, settings: object
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token = new_token()
        clock.shift(dt.timedelta(minutes=20))
        settings.API_TOKEN_TTL_SECONDS = 600  # type: ignore[attr-defined]
        assert not works(token)


def test_deleting_the_token_revokes_the_one_in_use_only(world: World) -> None:
    used, other = new_token(), new_token()
    client = holding(used)
    answer = client.delete(TOKEN)
    assert answer.status_code == 204
    assert client.get(ME).status_code == 401
    assert client.delete(TOKEN).status_code == 401
    assert works(other)
    revoked = AuditEvent.objects.get(kind=AuditEvent.Kind.TOKEN_REVOKED)
    assert revoked.person == world.director and revoked.path == TOKEN


def signed_in_session(world: World) -> APIClient:
    client = APIClient()
    client.force_login(world.director)
    return client


def test_deleting_the_token_needs_a_token(world: World) -> None:
    assert APIClient().delete(TOKEN).status_code == 401
    assert signed_in_session(world).delete(TOKEN).status_code == 401  # a session has none


def test_revoking_all_ends_every_token_of_the_caller_only(world: World) -> None:
    mine = [new_token(), new_token()]
    theirs = new_token("author")
    assert holding(mine[0]).delete(TOKENS).status_code == 204
    assert not any(works(token) for token in mine)
    assert works(theirs)


def test_a_signed_in_session_can_revoke_all_tokens(world: World) -> None:
    token = new_token()
    assert signed_in_session(world).delete(TOKENS).status_code == 204
    assert not works(token)
    assert APIClient().delete(TOKENS).status_code == 401


def test_making_a_token_is_in_the_audit_log(world: World) -> None:
    new_token()
    made = AuditEvent.objects.get(kind=AuditEvent.Kind.TOKEN_CREATED)
    assert made.person == world.director and made.path == TOKEN


def test_a_new_password_revokes_every_token(world: World) -> None:
    token = new_token()
    world.director.set_password("nieuw-wachtwoord")
    world.director.save()
    assert not works(token)
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.TOKEN_REVOKED, person=world.director
    ).exists()


def test_a_password_set_in_the_admin_revokes_every_token(world: World) -> None:
    token = new_token()
    form = AdminPasswordChangeForm(
        world.director,
        {"password1": "een-lang-nieuw-wachtwoord", "password2": "een-lang-nieuw-wachtwoord"},
    )
    assert form.is_valid(), form.errors
    form.save()
    assert not works(token)


def test_a_password_set_with_changepassword_revokes_every_token(world: World) -> None:
    token = new_token()
    with mock.patch("getpass.getpass", return_value="een-lang-nieuw-wachtwoord"):
        call_command("changepassword", "director", stdout=mock.MagicMock())
    assert not works(token)


def test_saving_a_person_without_a_new_password_keeps_the_tokens(world: World) -> None:
    token = new_token()
    world.director.first_name = "Anders"
    world.director.save()
    assert works(token)


@pytest.mark.parametrize("header", ["Token", "Token a b", "Bearer x", "Token " + "0" * 64])
def test_a_malformed_or_unknown_token_is_a_401(world: World, header: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get(ME).status_code == 401
