"""`make run` serves the web and the reminder worker together; Ctrl+C stops both."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children_of(pid: int) -> list[int]:
    out = subprocess.run(
        ["ps", "-eo", "pid=,ppid="], capture_output=True, text=True, check=True
    ).stdout
    pairs = [tuple(int(x) for x in line.split()) for line in out.splitlines() if line.strip()]
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        for child, ppid in pairs:
            if ppid == parent:
                found.append(child)
                frontier.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = (
        Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}").exists() else "X"
    )
    return state not in ("Z", "X")


def test_ctrl_c_stops_the_web_server_and_the_worker_cleanly(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DEBUG="1", MIDWEST_VAR_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen(
        [python, "manage.py", "serve", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        page = None
        while time.monotonic() < deadline:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=2)
                if "running" in (tmp_path / "serve.log").read_text():
                    break
            except OSError:
                pass
            time.sleep(0.5)
        assert page is not None and page.status == 200
        assert "Q Cluster" in (tmp_path / "serve.log").read_text()
        processes = children_of(serve.pid)
        assert len(processes) >= 3  # the web server, the worker and the worker's processes
        serve.send_signal(signal.SIGINT)  # what Ctrl+C sends
        assert serve.wait(timeout=40) == 0
        time.sleep(1)
        assert [pid for pid in processes if alive(pid)] == []
        assert "has stopped" in (tmp_path / "serve.log").read_text()
    finally:
        if serve.poll() is None:
            serve.kill()
        for pid in children_of(serve.pid):
            os.kill(pid, signal.SIGKILL)
        log.close()
