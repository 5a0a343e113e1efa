"""Serve the product and run its reminder worker together; Ctrl+C stops both cleanly.

The worker (qcluster) runs in its own session, so the terminal's Ctrl+C reaches only
this command, which then sends SIGTERM to the worker's main process alone: a signal to
the worker's whole process group can leave it stuck in "stopping".
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

STOP_GRACE = 20


class Command(BaseCommand):
    help = "Run the web server and the reminder worker; stop both with Ctrl+C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--web", default="runserver", choices=["runserver", "gunicorn"], help="web server"
        )

    def handle(self, *args: Any, addrport: str, web: str, **options: Any) -> None:
        python = sys.executable
        if web == "gunicorn":
            web_cmd = [python, "-m", "gunicorn", "backend.config.wsgi", "--bind", addrport]
        else:
            web_cmd = [python, "manage.py", "runserver", addrport, "--noreload"]
        children = [
            subprocess.Popen([python, "manage.py", "qcluster"], start_new_session=True),  # noqa: S603
            subprocess.Popen(web_cmd, start_new_session=True),  # noqa: S603
        ]
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(f"Serving on http://{addrport}/ with the reminder worker; Ctrl+C stops.")
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.2)
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.stdout.write("Stopped.")
