"""SQLite under load: four writer processes carry items from draft to decision for a minute
while a real django-q2 cluster (database broker) runs the reminder scan and sends what it
finds. Not one "database is locked", not one other error, and the history agrees with
what the writers did.

MIDWEST_STRESS_SECONDS sets the length of the run (60 s by default).
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django_q.models import Failure, OrmQ, Success

from backend.agenda.models import AgendaItem, Decision
from backend.audit.models import TransitionLog
from backend.meetings.models import Meeting
from backend.organisations.models import Membership
from backend.reminders.models import Notification
from tests.conftest import World
from tests.integration import processes

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 4
SECONDS = float(os.environ.get("MIDWEST_STRESS_SECONDS", "60"))
RUN_REMINDERS = "backend.reminders.tasks.run_reminders"


def world_file(world: World, path: Path) -> Path:
    roles = ("author", "group_chair", "coordinator", "cluster_chair", "cluster_member")
    path.write_text(
        json.dumps(
            {
                "people": {role: getattr(world, role).pk for role in roles},
                "group": world.group.pk,
                "cluster": world.cluster.pk,
                "municipalities": [m.pk for m in world.municipalities[:2]],
            }
        )
    )
    return path


def wait_for_text(log: Path, text: str, process: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while text not in (log.read_text(errors="replace") if log.exists() else ""):
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"no {text!r} in the log:\n{log.read_text(errors='replace')}")
        time.sleep(0.2)


def test_writers_and_a_running_cluster_never_meet_a_locked_database(
    world: World, tmp_path: Path
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the embedded SQLite set-up is under test; PostgreSQL locks rows instead")
    call_command("setup_schedules", stdout=open(os.devnull, "w"))  # noqa: SIM115
    env = processes.child_env(tmp_path)
    cluster_log = tmp_path / "qcluster.log"
    cluster_env = {
        **env,
        "Q_WORKERS": "1",
        "Q_NAME": f"midwest-stress-{os.getpid()}",
    }
    writer_env = {**env, "Q_NAME": cluster_env["Q_NAME"]}
    world_json = world_file(world, tmp_path / "world.json")
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{n}" for n in range(WRITERS)]
    outs = [tmp_path / f"out-{n}.json" for n in range(WRITERS)]
    logs = [tmp_path / f"writer-{n}.log" for n in range(WRITERS)]
    logs_before = TransitionLog.objects.steps().count()
    edits_before = TransitionLog.objects.filter(kind=TransitionLog.Kind.EDIT).count()
    meetings_before = list(Meeting.objects.values_list("pk", flat=True))
    writers: list[Any] = []
    cluster = processes.start(["manage.py", "qcluster"], cluster_env, cluster_log)
    try:
        wait_for_text(cluster_log, "running", cluster, timeout=120)
        for n in range(WRITERS):
            args = [
                "-m",
                "tests.integration.stress_writer",
                f"--world={world_json}",
                f"--seconds={SECONDS}",
                f"--ready={ready[n]}",
                f"--go={go}",
                f"--out={outs[n]}",
                f"--name=w{n}",
            ]
            writers.append(processes.start(args, writer_env, logs[n]))
        processes.wait_for_files(ready, writers, timeout=180)
        started = processes.release(go)
        hanging = processes.join(writers, timeout=SECONDS + 300)
        written = time.time()
        # The cluster works off what the writers queued before it stops.
        deadline = time.monotonic() + 300
        while OrmQ.objects.exists() and time.monotonic() < deadline:
            time.sleep(1)
        queued_left = OrmQ.objects.count()
    finally:
        for writer in writers:
            processes.stop(writer, grace=5)
        processes.stop(cluster, grace=60)

    writer_output = "\n".join(log.read_text(errors="replace")[-3000:] for log in logs)
    cluster_output = cluster_log.read_text(errors="replace")
    assert not hanging, f"writers {hanging} did not finish\n{writer_output}"
    assert [w.returncode for w in writers] == [0] * WRITERS, writer_output
    reports = [json.loads(out.read_text()) for out in outs]
    errors = [text for report in reports for text in report["errors"]]
    totals: Counter[str] = sum((Counter(r["counts"]) for r in reports), Counter())
    tasks_done = Success.objects.filter(func=RUN_REMINDERS).count()
    print(
        f"\nsqlite stress: {WRITERS} writers for {written - started:.1f} s (asked {SECONDS:.0f} s)"
        f", a qcluster with 1 worker"
        f"\n  writers: {totals['items']} items, {totals['transitions']} transitions, "
        f"{totals['edits']} edits, {totals['attendance']} attendance records, "
        f"{totals['meetings']} meetings, {totals['cycles']} full cycles, {len(errors)} errors"
        f"\n  per writer: {[r['counts'].get('transitions', 0) for r in reports]} transitions"
        f"\n  cluster: {totals['wakes']} reminder runs queued by the writers, {tasks_done} done, "
        f"{Failure.objects.count()} failed, "
        f"{queued_left} left queued; {Notification.objects.count()} notifications, "
        f"{Notification.objects.filter(sent_at__isnull=False).count()} sent"
        f"\n  'database is locked': {writer_output.count(processes.LOCKED)} in writers' logs, "
        f"{sum(t.count(processes.LOCKED) for t in errors)} in writers' errors, "
        f"{cluster_output.count(processes.LOCKED)} in the cluster's log"
    )

    assert not any(processes.LOCKED in text for text in errors)
    assert processes.LOCKED not in writer_output
    assert processes.LOCKED not in cluster_output
    assert not errors, f"{len(errors)} errors in the writers, the first:\n{errors[0]}"
    assert "Traceback" not in cluster_output, cluster_output[-5000:]
    assert not Failure.objects.exists(), [f.result for f in Failure.objects.all()[:5]]
    assert queued_left == 0
    assert tasks_done > 0  # the cluster did write while the writers wrote
    assert totals["cycles"] > 0

    # The history agrees with the writers' own counts, and nothing was done twice.
    assert TransitionLog.objects.steps().count() - logs_before == totals["transitions"]
    # Every content edit and every attendance record is on the record too, once.
    edits = TransitionLog.objects.filter(kind=TransitionLog.Kind.EDIT)
    assert edits.count() - edits_before == totals["edits"] + totals["attendance"]
    for name in ("submit", "schedule", "approve", "convene", "close"):
        assert TransitionLog.objects.filter(transition=name).count() == totals[name], name
    items = AgendaItem.objects.filter(title__contains=" voorstel ")
    assert items.count() == totals["items"]
    assert items.filter(state="approved").count() == totals["approve"]
    numbers = sorted(int(d.number.rsplit("/", 1)[1]) for d in Decision.objects.all())
    assert numbers == list(range(1, totals["approve"] + 1))

    # Meetings are convened and closed within milliseconds, so whether a scan catches one
    # convened (an invitation) is chance; every writer's last wake comes after its last
    # close, so each closed meeting's members have their "minutes ready" reminder.
    meetings = Meeting.objects.exclude(pk__in=meetings_before)
    assert meetings.count() == totals["meetings"] == totals["close"]
    assert set(meetings.values_list("state", flat=True)) == {"closed"}
    members = (
        Membership.objects.active().filter(body=world.cluster).values("person").distinct().count()
    )
    assert members > 0
    minutes_ready = Counter(
        Notification.objects.filter(kind="minutes_ready").values_list("object_id", flat=True)
    )
    assert minutes_ready == {str(pk): members for pk in meetings.values_list("pk", flat=True)}
