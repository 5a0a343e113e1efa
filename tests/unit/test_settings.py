"""Settings come from the environment, with safe defaults and SQLite that never locks out."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import teardown_test_environment
from pytest_django import DjangoDbBlocker

from backend.config.settings import database_from_env

ROOT = Path(__file__).resolve().parents[2]


def test_every_sqlite_database_gets_wal_and_immediate_transactions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/elsewhere.sqlite3")
    config = database_from_env()
    assert config["NAME"] == "/tmp/elsewhere.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["timeout"] >= 5


def test_the_default_database_is_a_sqlite_file_under_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = database_from_env()
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"].endswith("midwest.sqlite3")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_postgresql_comes_from_database_url_with_persistent_connections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/midwest")
    config = database_from_env()
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "midwest"
    assert config["CONN_MAX_AGE"] >= 60
    assert config["CONN_HEALTH_CHECKS"] is True
    assert config["OPTIONS"]["options"] == "-c jit=off"


def test_a_database_url_s_own_connection_options_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/midwest?options=-c%20jit%3Don"
    )
    assert database_from_env()["OPTIONS"]["options"] == "-c jit=on"


@pytest.mark.django_db
def test_the_open_postgresql_connection_does_not_compile_queries() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("this pass runs on SQLite; the PostgreSQL pass checks the JIT setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.django_db
def test_the_open_sqlite_connection_runs_in_wal_mode() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("this pass runs on PostgreSQL; the SQLite pass checks the journal mode")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


def test_language_and_time_are_belgian() -> None:
    assert settings.LANGUAGE_CODE == "nl-be"
    assert "en" in dict(settings.LANGUAGES)
    assert settings.TIME_ZONE == "Europe/Brussels"
    assert settings.USE_TZ


def run_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import backend.config.settings as s;"
            "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)",
        ],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = run_settings()
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_defaults_are_safe() -> None:
    result = run_settings(SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "31536000"]


@pytest.mark.django_db
def test_the_sqlite_test_database_is_the_file_of_the_process_running_the_tests() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("only the SQLite test database is a file per process")
    assert Path(connection.settings_dict["NAME"]).name == f"test-midwest-{os.getpid()}.sqlite3"


@pytest.mark.django_db(transaction=True)  # the forked run must not start inside our transaction
def test_a_test_run_forked_after_the_settings_were_read_gets_a_database_of_its_own(
    django_db_blocker: DjangoDbBlocker,
) -> None:
    """As a mutation-testing worker is: forked from a process that imported the settings
    and ran the tests, it runs them again and creates (and at the end destroys) a test
    database."""
    if connection.vendor != "sqlite":
        pytest.skip("only the SQLite test database is a file per process")
    ours = Path(settings.DATABASES["default"]["TEST"]["NAME"])
    assert ours.exists()
    pid = os.fork()
    if pid == 0:  # the worker
        code = 1
        try:
            # as after the run the worker was forked from
            teardown_test_environment()
            django_db_blocker.unblock()
            code = pytest.main(
                [
                    f"{__file__}::test_the_sqlite_test_database_is_the_file_of_the_process"
                    "_running_the_tests",
                    "-q",
                    "-p",
                    "no:cacheprovider",
                ]
            )
        finally:
            os._exit(int(code))
    deadline = time.monotonic() + 120
    while (ended := os.waitpid(pid, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    status = ended[1]
    if ended[0] == 0:  # still running: a fork can hang on a lock another thread held
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the forked test run did not finish within 120 s")
    assert os.waitstatus_to_exitcode(status) == 0
    assert not Path(str(ours).replace(str(os.getpid()), str(pid))).exists()  # cleaned up
    assert ours.exists()  # and ours is still there


def default_storage_of(**env: str) -> list[str]:
    """Describe the default storage a process with this environment gets."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AWS_") and k != "DJANGO_SETTINGS_MODULE"
    }
    script = (
        "import django, os;"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'backend.config.settings';"
        "django.setup();"
        "from django.core.files.storage import storages;"
        "s = storages['default'];"
        "c = getattr(s, 'client_config', None);"
        "print(type(s).__name__, getattr(s, 'bucket_name', '-'), getattr(s, 'endpoint_url', '-'),"
        " getattr(s, 'access_key', '-'), getattr(s, 'secret_key', '-'),"
        " c and c.connect_timeout, c and c.read_timeout, c and c.retries['total_max_attempts'],"
        " c and c.s3['addressing_style'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, "SECRET_KEY": "x" * 50, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_files_stay_in_the_media_folder_unless_a_bucket_is_named() -> None:
    assert default_storage_of()[0] == "FileSystemStorage"


def test_a_bucket_name_puts_the_files_in_the_object_store_by_django_storages_names() -> None:
    described = default_storage_of(
        AWS_STORAGE_BUCKET_NAME="midwest-files",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:8333",
        AWS_ACCESS_KEY_ID="key-id",
        AWS_SECRET_ACCESS_KEY="secret",
    )
    assert described == [
        "ObjectStorage",
        "midwest-files",
        "http://127.0.0.1:8333",
        "key-id",
        "secret",
        "3",
        "10",
        "2",
        "path",
    ]
