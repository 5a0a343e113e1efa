"""Two-step sign-in: the coordinator and administrators need a code from an authenticator
app (or a recovery code) after their password, on the pages, the admin and the API."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from backend.audit import second_factor
from backend.audit.models import AuditEvent, LoginFailure
from tests.conftest import World, authenticator_for, code_of

SIGN_IN = "/aanmelden/"
CODE = "/aanmelden/code/"
ENROL = "/aanmelden/instellen/"
TOKEN = "/api/v1/auth/token/"


def password_step(client: Client, username: str = "coordinator", next_: str = "") -> object:
    return client.post(SIGN_IN, {"username": username, "password": "pw", "next": next_})


def signed_in_as(client: Client) -> str | None:
    answer = client.get("/api/v1/me/")
    return answer.json()["username"] if answer.status_code == 200 else None


def codes_on(page: object) -> list[str]:
    return re.findall(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>", page.content.decode())


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def failed_sign_ins(username: str) -> int:
    return AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN_FAILED, username=username).count()


def test_the_coordinator_s_password_alone_does_not_sign_in(world: World) -> None:
    authenticator_for(world.coordinator)
    client = Client()
    answer = password_step(client)
    assert answer.status_code == 302 and answer["Location"] == CODE
    assert signed_in_as(client) is None
    assert client.get("/").status_code == 302
    page = client.get(CODE)
    assert "tweede stap" in page.content.decode()


def test_the_right_code_signs_in_and_renews_the_session_key(world: World) -> None:
    device = authenticator_for(world.coordinator)
    client = Client()
    password_step(client, next_="/overzicht/")
    pending_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    answer = client.post(CODE, {"code": code_of(device)})
    assert answer.status_code == 302 and answer["Location"] == "/overzicht/"
    assert signed_in_as(client) == "coordinator"
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != pending_key
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN).get()
    assert event.person == world.coordinator and event.path == CODE


def test_a_wrong_code_is_refused_counted_and_logged(world: World) -> None:
    device = authenticator_for(world.coordinator)
    client = Client()
    password_step(client)
    answer = client.post(CODE, {"code": wrong(code_of(device))})
    assert answer.status_code == 400
    assert "Deze code klopt niet" in answer.content.decode()
    assert signed_in_as(client) is None
    assert LoginFailure.objects.filter(username="coordinator").count() == 1
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.SIGN_IN_FAILED, username="coordinator"
    ).exists()


def test_after_a_wrong_code_the_next_try_waits_then_the_right_code_works(world: World) -> None:
    device = authenticator_for(world.coordinator)
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        password_step(client)
        assert client.post(CODE, {"code": wrong(code_of(device))}).status_code == 400
        # django-otp's throttle: the right code within the second after a wrong one fails
        assert client.post(CODE, {"code": code_of(device)}).status_code == 400
        clock.shift(dt.timedelta(seconds=5))
        assert client.post(CODE, {"code": code_of(device)}).status_code == 302
    assert signed_in_as(client) == "coordinator"


def test_repeated_wrong_codes_pause_the_account_like_wrong_passwords(world: World) -> None:
    device = authenticator_for(world.coordinator)
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        password_step(client)
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            clock.shift(dt.timedelta(seconds=1))
            client.post(CODE, {"code": "000000"})
        clock.shift(dt.timedelta(seconds=2))
        assert client.post(CODE, {"code": code_of(device)}).status_code == 429
        assert password_step(Client()).status_code == 429
    assert signed_in_as(client) is None


def test_a_code_used_once_cannot_be_used_again(world: World) -> None:
    device = authenticator_for(world.coordinator)
    with time_machine.travel(timezone.now(), tick=False):
        first, second = Client(), Client()
        password_step(first)
        password_step(second)
        code = code_of(device)
        assert first.post(CODE, {"code": code}).status_code == 302
        assert second.post(CODE, {"code": code}).status_code == 400
    assert signed_in_as(second) is None


def test_the_second_step_must_follow_the_password_within_minutes(world: World) -> None:
    device = authenticator_for(world.coordinator)
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        password_step(client)
        clock.shift(dt.timedelta(seconds=settings.SECOND_FACTOR_WAIT_SECONDS + 1))
        answer = client.post(CODE, {"code": code_of(device)})
    assert answer.status_code == 302 and answer["Location"] == SIGN_IN
    assert signed_in_as(client) is None


def test_the_code_page_without_a_password_step_sends_back_to_sign_in(world: World) -> None:
    authenticator_for(world.coordinator)
    answer = Client().post(CODE, {"code": "123456"})
    assert answer.status_code == 302 and answer["Location"] == SIGN_IN


def test_a_first_sign_in_sets_up_the_app_and_shows_recovery_codes_once(world: World) -> None:
    client = Client()
    answer = password_step(client, next_="/punten/")
    assert answer.status_code == 302 and answer["Location"] == ENROL
    page = client.get(ENROL)
    body = page.content.decode()
    assert "<svg" in body and "<script" not in body.split("<main", 1)[1].split("</main>")[0]
    key = re.search(r'<code class="key">([A-Z2-7 ]+)</code>', body).group(1).replace(" ", "")
    assert signed_in_as(client) is None
    # the same key until it is confirmed (a reload does not change it)
    assert key in client.get(ENROL).content.decode().replace(" ", "")
    secret = base64.b32decode(key)
    assert client.post(ENROL, {"code": "000000"}).status_code == 400
    assert signed_in_as(client) is None
    assert failed_sign_ins("coordinator") == 1
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5), tick=False):
        now_code = f"{totp(secret):06d}"
        shown = client.post(ENROL, {"code": now_code})
    assert shown.status_code == 200 and "no-store" in shown["Cache-Control"]
    codes = codes_on(shown)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert 'href="/punten/"' in shown.content.decode()
    assert signed_in_as(client) == "coordinator"
    device = TOTPDevice.objects.get(user=world.coordinator)
    assert device.confirmed
    # stored only as a keyed digest
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {c.replace("-", "") for c in codes} and not stored & set(codes)


def test_a_recovery_code_signs_in_once(world: World) -> None:
    client = Client()
    password_step(client)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=world.coordinator)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5), tick=False):
        codes = codes_on(client.post(ENROL, {"code": code_of(device)}))
    client.post("/afmelden/")

    again = Client()
    password_step(again)
    answer = again.post(CODE, {"code": codes[3].lower().replace("-", " ")}, follow=True)
    assert answer.status_code == 200 and signed_in_as(again) == "coordinator"
    assert "nog 9 over" in answer.content.decode()

    third = Client()
    password_step(third)
    assert third.post(CODE, {"code": codes[3]}).status_code == 400
    assert signed_in_as(third) is None


def test_new_recovery_codes_replace_the_old_ones(world: World) -> None:
    device = authenticator_for(world.coordinator)
    client = Client()
    client.force_login(world.coordinator)
    with time_machine.travel(timezone.now(), tick=False):
        assert client.post("/tweestapsverificatie/", {"code": "000000"}).status_code == 400
    assert failed_sign_ins("coordinator") == 1
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=40), tick=False):
        first = codes_on(client.post("/tweestapsverificatie/", {"code": code_of(device)}))
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=80), tick=False):
        second = codes_on(client.post("/tweestapsverificatie/", {"code": code_of(device)}))
    assert len(first) == len(second) == 10 and not set(first) & set(second)
    page = client.get("/tweestapsverificatie/").content.decode()
    assert "10 ongebruikte herstelcodes" in page
    other = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        password_step(other)
        assert other.post(CODE, {"code": first[0]}).status_code == 400
        clock.shift(dt.timedelta(seconds=5))  # past the throttle's wait after a wrong code
        assert other.post(CODE, {"code": second[0]}).status_code == 302


@pytest.mark.parametrize("role", ["is_staff", "is_superuser"])
def test_administrators_need_the_second_step_too(world: World, role: str) -> None:
    setattr(world.author, role, True)
    world.author.save()
    client = Client()
    answer = password_step(client, username="author")
    assert answer["Location"] == ENROL
    assert signed_in_as(client) is None


def test_someone_else_signs_in_with_the_password_unless_they_chose_the_app(
    world: World,
) -> None:
    client = Client()
    assert password_step(client, username="author")["Location"] == "/"
    assert signed_in_as(client) == "author"
    authenticator_for(world.author)
    later = Client()
    assert password_step(later, username="author")["Location"] == CODE
    assert signed_in_as(later) is None


def test_the_admin_signs_in_on_the_product_s_page(world: World) -> None:
    answer = Client().get("/admin/login/?next=/admin/")
    assert answer.status_code == 302
    assert answer["Location"] == "/aanmelden/?next=/admin/"
    posted = Client().post("/admin/login/", {"username": "coordinator", "password": "pw"})
    assert posted.status_code == 302 and signed_in_as(Client()) is None


def test_a_token_for_the_coordinator_needs_the_code(world: World) -> None:
    api = APIClient()
    body = {"username": "coordinator", "password": "pw"}
    not_set_up = api.post(TOKEN, body, format="json")
    assert not_set_up.status_code == 403
    assert "tweestapsverificatie" in not_set_up.json()["detail"].lower()
    device = authenticator_for(world.coordinator)
    without = api.post(TOKEN, body, format="json")
    assert without.status_code == 400
    assert any("code" in reason for reason in without.json()["reasons"])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        bad = api.post(TOKEN, {**body, "code": wrong(code_of(device))}, format="json")
        assert bad.status_code == 400
        assert LoginFailure.objects.filter(username="coordinator").count() == 1
        assert failed_sign_ins("coordinator") == 1
        clock.shift(dt.timedelta(seconds=40))
        good = api.post(TOKEN, {**body, "code": code_of(device)}, format="json")
    assert good.status_code == 200 and good.json()["token"]


def test_a_token_for_someone_else_needs_only_the_password(world: World) -> None:
    answer = APIClient().post(TOKEN, {"username": "author", "password": "pw"}, format="json")
    assert answer.status_code == 200


# --- A session left open cannot change how its person signs in ---------------------------


def new_app_of(person: object) -> TOTPDevice:
    return TOTPDevice.objects.get(user=person, confirmed=False)


def api_token_of(username: str, **extra: str) -> str:
    body = {"username": username, "password": "pw", **extra}
    return APIClient().post(TOKEN, body, format="json").json()["token"]


def token_works(token: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/me/").status_code == 200


def test_a_signed_in_session_cannot_replace_the_app_without_the_current_code(
    world: World,
) -> None:
    old = authenticator_for(world.coordinator)
    stolen = Client()
    stolen.force_login(world.coordinator)
    assert "Huidige code" in stolen.get(ENROL).content.decode()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        without = stolen.post(ENROL, {"code": code_of(new_app_of(world.coordinator))})
        assert without.status_code == 400 and not codes_on(without)
        clock.shift(dt.timedelta(seconds=40))
        wrong_proof = stolen.post(
            ENROL,
            {"proof": wrong(code_of(old)), "code": code_of(new_app_of(world.coordinator))},
        )
        assert wrong_proof.status_code == 400 and not codes_on(wrong_proof)
        assert "Deze code klopt niet" in wrong_proof.content.decode()
    assert failed_sign_ins("coordinator") == 1
    assert second_factor.authenticator_of(world.coordinator) == old
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.SECOND_STEP_CHANGED).exists()


def test_with_the_current_code_the_app_is_replaced_logged_and_tokens_revoked(
    world: World,
) -> None:
    old = authenticator_for(world.coordinator)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token = api_token_of("coordinator", code=code_of(old))
        clock.shift(dt.timedelta(seconds=40))
        client = Client()
        client.force_login(world.coordinator)
        client.get(ENROL)
        shown = client.post(
            ENROL, {"proof": code_of(old), "code": code_of(new_app_of(world.coordinator))}
        )
    assert shown.status_code == 200 and len(codes_on(shown)) == 10
    current = second_factor.authenticator_of(world.coordinator)
    assert current is not None and current.pk != old.pk
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    changed = AuditEvent.objects.get(kind=AuditEvent.Kind.SECOND_STEP_CHANGED)
    assert changed.person == world.coordinator and changed.path == ENROL
    assert not token_works(token)


def test_a_recovery_code_proves_it_is_you_when_the_phone_is_lost(world: World) -> None:
    authenticator_for(world.coordinator)
    codes = second_factor.recovery_codes_renew(world.coordinator)
    client = Client()
    client.force_login(world.coordinator)
    client.get(ENROL)
    with time_machine.travel(timezone.now(), tick=False):
        shown = client.post(
            ENROL, {"proof": codes[0], "code": code_of(new_app_of(world.coordinator))}
        )
    assert shown.status_code == 200 and len(codes_on(shown)) == 10


def test_turning_the_app_on_when_signed_in_asks_the_password(world: World) -> None:
    token = api_token_of("author")
    client = Client()
    client.force_login(world.author)
    page = client.get(ENROL).content.decode()
    assert 'type="password"' in page
    with time_machine.travel(timezone.now(), tick=False) as clock:
        refused = client.post(ENROL, {"proof": "fout", "code": code_of(new_app_of(world.author))})
        assert refused.status_code == 400
        assert "Het wachtwoord is niet juist" in refused.content.decode()
        assert second_factor.authenticator_of(world.author) is None
        clock.shift(dt.timedelta(seconds=40))
        shown = client.post(ENROL, {"proof": "pw", "code": code_of(new_app_of(world.author))})
    assert shown.status_code == 200 and len(codes_on(shown)) == 10
    assert second_factor.authenticator_of(world.author) is not None
    assert not token_works(token)


def test_the_first_set_up_during_sign_in_is_logged_without_asking_a_proof(
    world: World,
) -> None:
    client = Client()
    password_step(client)
    client.get(ENROL)
    with time_machine.travel(timezone.now(), tick=False):
        shown = client.post(ENROL, {"code": code_of(new_app_of(world.coordinator))})
    assert shown.status_code == 200 and len(codes_on(shown)) == 10
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.SECOND_STEP_CHANGED, person=world.coordinator
    ).exists()


def test_new_recovery_codes_are_logged_and_revoke_the_tokens(world: World) -> None:
    device = authenticator_for(world.coordinator)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token = api_token_of("coordinator", code=code_of(device))
        client = Client()
        client.force_login(world.coordinator)
        assert not codes_on(client.post("/tweestapsverificatie/", {"code": ""}))
        assert token_works(token)
        clock.shift(dt.timedelta(seconds=40))
        shown = client.post("/tweestapsverificatie/", {"code": code_of(device)})
    assert len(codes_on(shown)) == 10
    renewed = AuditEvent.objects.get(kind=AuditEvent.Kind.RECOVERY_CODES_RENEWED)
    assert renewed.person == world.coordinator
    assert not token_works(token)
