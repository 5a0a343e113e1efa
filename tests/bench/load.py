"""The HTTP benchmarks' machinery: a gunicorn server on loopback and wrk loading it from
a second process (tests/bench/wrk.lua prints its figures as one line of JSON)."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
LUA = Path(__file__).with_name("wrk.lua")
WORKERS = 2
CONNECTIONS = 4
THREADS = 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of the benchmark server: the bench settings, quiet logs."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
            "LOG_LEVEL": "WARNING",
            "REMINDERS_WAKE_ON_TRANSITION": "0",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra or {})
    return env


@contextmanager
def gunicorn(workers: int = WORKERS, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """Serve the product (and the bare views) with gunicorn's sync workers on loopback;
    yield the base URL."""
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "backend.config.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--timeout",
        "120",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=server_environment(env))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/aanmelden/")
                connection.getresponse().read()
                connection.close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def wrk(
    base: str,
    path: str,
    *,
    headers: Mapping[str, str],
    seconds: int,
    connections: int = CONNECTIONS,
    method: str = "GET",
    ids: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """Load one URL for a fixed time; return requests/s, latency percentiles (ms), errors.
    With `ids`, PATH's "{id}" walks that range: each request a different object."""
    command = [
        "wrk",
        f"--threads={THREADS}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=30s",
        f"--script={LUA}",
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    command += [base, "--", method, path]
    if ids is not None:
        command += [str(ids[0]), str(ids[1]), str(THREADS)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRKJSON "))
    raw = json.loads(line.removeprefix("WRKJSON "))
    latency = raw["latency_us"]
    seconds_run = raw["duration_us"] / 1e6
    return {
        "method": method,
        "path": path,
        "connections": connections,
        "threads": THREADS,
        "seconds": round(seconds_run, 2),
        "requests": raw["requests"],
        "requests_per_second": round(raw["requests"] / seconds_run, 1),
        "latency_ms": {k: round(v / 1000, 2) for k, v in latency.items()},
        "errors": raw["errors"],
        "requests_past_the_ids": raw["past_last"],
    }
