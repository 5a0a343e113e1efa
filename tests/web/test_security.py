"""The headers every answer carries, the production settings Django itself checks, and the
session timeouts."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.conftest import World

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db

PAGES = [
    "/aanmelden/",
    "/",
    "/punten/",
    "/vergaderingen/",
    "/overzicht/",
    "/hulp/",
    "/open/",
    "/admin/login/",
    "/api/docs/",
    "/bestaat-niet/",
    "/api/v1/me/",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_answer_carries_the_security_headers(world: World, path: str) -> None:
    client = Client()
    client.force_login(world.coordinator)
    answer = client.get(path)
    policy = answer["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in policy, (path, policy)
    assert (
        "script-src 'self'" in policy
        and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Referrer-Policy"] == "same-origin"
    assert answer["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/", "/hulp/", "/punten/", "/api/docs/", "/aanmelden/"])
def test_the_pages_hold_no_inline_script_the_policy_would_block(world: World, path: str) -> None:
    client = Client()
    client.force_login(world.coordinator)
    html = client.get(path).content.decode()
    inline = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html)
        if "src=" not in tag and "application/ld+json" not in tag
    ]
    assert inline == [], path
    assert not re.search(r"\son[a-z]+=", html), path  # no onclick=, onchange=, …


def test_django_s_deployment_checks_pass_with_the_production_settings(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DEBUG", "SECURE_", "SESSION_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="backend.config.settings",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="midwest.example",
        MIDWEST_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_session_ends_after_half_an_hour_without_a_request(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = Client()
        assert (
            client.post("/aanmelden/", {"username": "author", "password": "pw"}).status_code == 302
        )
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=29))  # active, so still signed in
        assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        answer = client.get("/")
        assert answer.status_code == 302 and answer["Location"].startswith("/aanmelden/")
        page = client.get(answer["Location"]).content.decode()
        assert "Uw sessie is afgelopen. Meld u opnieuw aan." in page


def test_a_session_ends_twelve_hours_after_sign_in_however_active(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = Client()
        client.post("/aanmelden/", {"username": "author", "password": "pw"})
        for _ in range(11 * 3):  # every twenty minutes for eleven hours
            clock.shift(dt.timedelta(minutes=20))
            assert client.get("/punten/").status_code == 200
        clock.shift(dt.timedelta(hours=1, minutes=1))
        assert client.get("/punten/").status_code == 302
