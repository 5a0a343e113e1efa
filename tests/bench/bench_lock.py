"""Benchmark: how long other writers wait while `close` makes minutes of 100 entries.

Run with `make bench` (or `python -m tests.bench.bench_lock`). On a fresh SQLite file (WAL,
IMMEDIATE, as the product), it brings meetings of 100 entries each to `in_session` with
every entry noted, then, per round, closes one of them while a second process records
attendance on another meeting in a loop, as a secretary would, timing each write. `close`
runs as the product runs it, its documents included: the queued task runs in the
closing process as soon as it is queued (django-q2's sync mode), so the round ends when
the minutes and the decision list exist. Figures: the other writer's latency while the
close and its documents were under way (p50, p99, max) against the same writer's
latency outside those windows, in var/bench/lock.json. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

RATIONALE = (
    "De intervisiegroep bundelde de plannen van de zestien besturen tot één voorstel: "
    "een fijnmazig netwerk van hoppinpunten, veilige schoolroutes & een regionaal fietsnetwerk. "
) * 3


def configure() -> Path:
    """A fresh SQLite file and media folder in a temporary folder; migrate."""
    tmp = Path(tempfile.mkdtemp(prefix="midwest-bench-lock-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "backend.config.settings"
    os.environ["SECRET_KEY"] = "bench-only-secret-key-that-is-long-enough-to-be-accepted-0123"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["REMINDERS_WAKE_ON_TRANSITION"] = "0"
    os.environ["DOCUMENTS_PDF"] = "0"
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["MIDWEST_VAR_DIR"] = str(tmp)
    os.environ["MEDIA_ROOT"] = str(tmp / "media")

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return tmp


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def writer(meeting_id: int, person_id: int, actor_id: int, stop: Any, out: Any) -> None:
    """Record attendance on another meeting until told to stop; send (start, seconds)."""
    from backend.meetings.models import Meeting
    from backend.meetings.services import attendance_record
    from backend.organisations.models import Person

    meeting = Meeting.objects.get(pk=meeting_id)
    person, actor = Person.objects.get(pk=person_id), Person.objects.get(pk=actor_id)
    samples: list[tuple[float, float]] = []
    statuses = ("present", "excused")
    n = 0
    while not stop.is_set():
        started = time.time()
        tick = time.perf_counter()
        attendance_record(meeting=meeting, person=person, status=statuses[n % 2], actor=actor)
        samples.append((started, time.perf_counter() - tick))
        n += 1
        time.sleep(0.002)
    out.put(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="var/bench/lock.json")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--entries", type=int, default=100)
    args = parser.parse_args()
    out_path = Path(args.out).resolve()
    configure()

    from django.db import connections
    from django_q.conf import Conf

    from backend.documents.models import GeneratedDocument
    from tests.conftest import build_world
    from workflows.engine import fire

    Conf.SYNC = True  # a queued task runs at once, in the process that queues it
    world = build_world()
    meetings = []
    for _round in range(args.rounds):
        items = [
            world.prepared_item(title=f"Agendapunt {n}", kind="information", rationale=RATIONALE)
            for n in range(args.entries)
        ]
        meeting = world.meeting_in_session(*items)
        for item in items:
            fire(item, "take_note", actor=world.cluster_chair)
        meetings.append(meeting)
    other = world.meeting(days=30)
    connections.close_all()

    context = mp.get_context("fork")
    stop, queue = context.Event(), context.Queue()
    process = context.Process(
        target=writer, args=(other.pk, world.cluster_member.pk, world.coordinator.pk, stop, queue)
    )
    process.start()
    time.sleep(2.0)  # the writer's own pace first
    windows, closes = [], []
    for meeting in meetings:
        started = time.time()
        fire(meeting, "close", actor=world.cluster_chair)
        ended = time.time()
        assert GeneratedDocument.objects.filter(meeting=meeting, kind="minutes").exists()
        windows.append((started, ended))
        closes.append(ended - started)
        time.sleep(1.0)
    stop.set()
    samples = queue.get()
    process.join()

    def during(start: float) -> bool:
        return any(a - 0.001 <= start <= b for a, b in windows)

    inside = [s * 1000 for start, s in samples if during(start)]
    outside = [s * 1000 for start, s in samples if not during(start)]
    figures = {
        "benchmark": (
            f"attendance writes in a second process while close makes minutes of "
            f"{args.entries} entries (SQLite, WAL)"
        ),
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "date": time.strftime("%Y-%m-%d"),
        "rounds": args.rounds,
        "close_with_documents_ms_median": round(statistics.median(closes) * 1000, 1),
        "writes_during_close": len(inside),
        "during_close_ms": {
            "p50": round(percentile(inside, 0.5), 1),
            "p99": round(percentile(inside, 0.99), 1),
            "max": round(max(inside, default=0.0), 1),
        },
        "writes_otherwise": len(outside),
        "otherwise_ms": {
            "p50": round(percentile(outside, 0.5), 1),
            "p99": round(percentile(outside, 0.99), 1),
            "max": round(max(outside, default=0.0), 1),
        },
    }
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
