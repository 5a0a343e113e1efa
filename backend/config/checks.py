"""Startup checks that refuse a dangerous configuration (run by every manage.py command,
the web server and the worker): a queue that could run a task twice at once, a queue
whose behaviour after downtime was not chosen, and SQLite without WAL or IMMEDIATE
transactions (concurrent writers would fail with "database is locked")."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register("midwest")
def queue_configured_deliberately(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    q = getattr(settings, "Q_CLUSTER", {})
    timeout, retry = q.get("timeout"), q.get("retry")
    if timeout is None or retry is None or retry <= timeout:
        errors.append(
            Error(
                "Q_CLUSTER 'retry' must be above 'timeout'.",
                hint="Otherwise a task still running is handed to a second worker.",
                id="midwest.E001",
            )
        )
    if "catch_up" not in q:
        errors.append(
            Error(
                "Q_CLUSTER 'catch_up' must be set deliberately.",
                hint="False: after downtime a schedule runs once, not once per missed slot.",
                id="midwest.E002",
            )
        )
    if not q.get("max_attempts"):
        errors.append(
            Error(
                "Q_CLUSTER 'max_attempts' must be a positive number.",
                hint="0 retries a failing task for ever.",
                id="midwest.E003",
            )
        )
    return errors


@register("midwest")
def sqlite_waits_instead_of_failing(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return sqlite_errors(settings.DATABASES)


def sqlite_errors(databases: dict[str, Any]) -> list[Error]:
    """The SQLite databases among these that lack WAL or IMMEDIATE transactions."""
    errors: list[Error] = []
    for alias, database in databases.items():
        if database.get("ENGINE") != "django.db.backends.sqlite3":
            continue
        options = database.get("OPTIONS", {})
        wal = "journal_mode=wal" in str(options.get("init_command", "")).lower().replace(" ", "")
        if not wal or options.get("transaction_mode") != "IMMEDIATE":
            errors.append(
                Error(
                    f"The SQLite database '{alias}' needs WAL and IMMEDIATE transactions.",
                    hint="Set OPTIONS init_command 'PRAGMA journal_mode=WAL;' and "
                    "transaction_mode 'IMMEDIATE' (backend.config.settings does for every "
                    "sqlite:// URL).",
                    id="midwest.E004",
                )
            )
    return errors
