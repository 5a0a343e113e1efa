"""The startup checks refuse a dangerous configuration and pass the product's own."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from backend.config.checks import (
    queue_configured_deliberately,
    sqlite_errors,
    sqlite_waits_instead_of_failing,
)

GOOD_QUEUE: dict[str, Any] = {"timeout": 60, "retry": 180, "max_attempts": 3, "catch_up": False}


def ids(errors: list[Any]) -> list[str]:
    return [error.id for error in errors]


def test_the_product_s_own_settings_pass() -> None:
    assert queue_configured_deliberately() == []
    assert sqlite_waits_instead_of_failing() == []
    call_command("check", "--fail-level", "ERROR")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"retry": 60}, ["midwest.E001"]),
        ({"retry": 30}, ["midwest.E001"]),
        ({"catch_up": None}, ["midwest.E002"]),
        ({"max_attempts": 0}, ["midwest.E003"]),
    ],
)
def test_a_dangerous_queue_is_refused(change: dict[str, Any], expected: list[str]) -> None:
    queue = {**GOOD_QUEUE, **change}
    if change.get("catch_up", False) is None:
        del queue["catch_up"]
    with override_settings(Q_CLUSTER=queue):
        assert ids(queue_configured_deliberately()) == expected


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"transaction_mode": "IMMEDIATE"},
        {"init_command": "PRAGMA journal_mode=WAL;"},
        {"init_command": "PRAGMA journal_mode=DELETE;", "transaction_mode": "IMMEDIATE"},
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "DEFERRED"},
    ],
)
def test_sqlite_without_wal_or_immediate_is_refused(options: dict[str, Any]) -> None:
    databases = {"default": {"ENGINE": "django.db.backends.sqlite3", "OPTIONS": options}}
    assert ids(sqlite_errors(databases)) == ["midwest.E004"]
    postgres = {"default": {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {}}}
    assert sqlite_errors(postgres) == []
