"""Run parts of the project in other processes against the test database, and stop them.

The children use the product's own settings with DATABASE_URL pointing at the database of
this test run, so they contend for it exactly as the web, the API and the worker do.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
LOCKED = "database is locked"


def report_write(path: Path, report: dict[str, object]) -> None:
    """Write a child's report whole or not at all (the parent reads it after the exit)."""
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(report))
    partial.rename(path)


def database_url() -> str:
    """Return the URL of the database this test run uses (its test database)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def child_env(tmp_path: Path, **more: str) -> dict[str, str]:
    """Return the environment of a child process: production settings, this database."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DEBUG")}
    env.update(
        DJANGO_SETTINGS_MODULE="backend.config.settings",
        SECRET_KEY="child-process-test-secret-key-that-is-long-enough",
        DATABASE_URL=database_url(),
        MIDWEST_VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "media"),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        REMINDERS_WAKE_ON_TRANSITION="0",
        # The children load the database and the reminder queue; a PDF conversion per
        # document (seconds of LibreOffice each) would only queue behind them.
        DOCUMENTS_PDF="0",
        PYTHONUNBUFFERED="1",
    )
    env.update(more)
    return env


def start(args: Sequence[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start `python <args>` in the project root, in a process group of its own."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_for_files(
    paths: Iterable[Path], processes: Sequence[subprocess.Popen[bytes]], timeout: float
) -> None:
    """Wait until every file exists; fail early when a process has already ended."""
    paths = list(paths)
    deadline = time.monotonic() + timeout
    while not all(path.exists() for path in paths):
        ended = [p.pid for p in processes if p.poll() is not None]
        if ended:
            raise AssertionError(f"processes {ended} ended before they were ready")
        if time.monotonic() > deadline:
            raise AssertionError(
                f"not ready after {timeout} s: {[p for p in paths if not p.exists()]}"
            )
        time.sleep(0.02)


def release(go: Path) -> float:
    """Let every waiting child start at once; return the moment (time.time())."""
    moment = time.time()
    partial = go.with_suffix(".tmp")
    partial.write_text(str(moment))
    partial.rename(go)  # atomic: a child never reads a half-written file
    return moment


def await_release(go: Path, timeout: float = 300) -> None:
    """In a child: wait for the start signal."""
    deadline = time.monotonic() + timeout
    while not go.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"no start signal at {go} after {timeout} s")
        time.sleep(0.001)


def join(processes: Sequence[subprocess.Popen[bytes]], timeout: float) -> list[int]:
    """Wait for every process to end by itself; return the ids of those still hanging."""
    deadline = time.monotonic() + timeout
    hanging = []
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            hanging.append(process.pid)
    return hanging


def stop(process: subprocess.Popen[bytes], grace: float = 30) -> None:
    """Stop a child: SIGTERM to its main process (qcluster stops cleanly that way), then
    SIGKILL to its whole group when it does not end in time."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # also any worker left behind in its group
    process.wait()
