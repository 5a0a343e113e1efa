"""One writer of the SQLite stress run: until its time is up, carry items the whole way
from draft to decision, as people do through the services and `workflows.engine.fire`,
and write its counts and every exception it met as JSON.

A cycle: draft three items, submit, start preparation, edit the rationale, endorse; plan
a meeting, schedule the three, convene (which stores the agenda and brings invitations),
record attendance, open, approve each (a decision number of the shared cluster,
ratifications), close (minutes and decision list). After convene and close it queues a
reminder run for the cluster, at most one a second, as the transitions would wake it,
and one more when its time is up, so the cluster's last scan sees every closed meeting.

    python -m tests.integration.stress_writer --world world.json --seconds 60 \
        --ready ready-0 --go go --out out-0.json --name w0
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

import django

ITEMS_PER_MEETING = 3
WAKE_EVERY = 1.0  # seconds; the cluster keeps up, so it writes all through the run


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--world", type=Path, required=True, help="JSON with the personas' ids")
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--ready", type=Path, required=True)
    parser.add_argument("--go", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--name", required=True)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse(argv)
    django.setup()
    from django.db import connections
    from django.utils import timezone
    from django_q.tasks import async_task

    from backend.agenda.services import item_create, item_update
    from backend.meetings.services import attendance_record, meeting_plan
    from backend.organisations.models import Body, Municipality, Person
    from tests.integration.processes import await_release, report_write
    from workflows.engine import fire

    ids = json.loads(args.world.read_text())
    people = Person.objects.in_bulk(list(ids["people"].values()))
    who = {role: people[pk] for role, pk in ids["people"].items()}
    group = Body.objects.get(pk=ids["group"])
    cluster = Body.objects.get(pk=ids["cluster"])
    municipalities = list(Municipality.objects.filter(pk__in=ids["municipalities"]))
    connections.close_all()
    args.ready.touch()
    await_release(args.go)

    counts: Counter[str] = Counter()
    errors: list[str] = []

    def step(obj: Any, name: str, actor: Person, **params: Any) -> None:
        fire(obj, name, actor=actor, **params)
        counts["transitions"] += 1
        counts[name] += 1

    last_wake = 0.0

    def wake(now: bool = False) -> None:
        nonlocal last_wake
        if now or time.monotonic() - last_wake >= WAKE_EVERY:
            async_task("backend.reminders.tasks.run_reminders", task_name="stress-wake")
            last_wake = time.monotonic()
            counts["wakes"] += 1

    started = time.time()
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        cycle = counts["cycles"]
        try:
            items = []
            for n in range(ITEMS_PER_MEETING):
                item = item_create(
                    actor=who["author"],
                    title=f"{args.name} voorstel {cycle}.{n}",
                    intervision_group=group,
                    rationale="Een gedeelde aanpak voor de regio.",
                    proposed_decision="De cluster keurt de aanpak goed.",
                    target_cluster=cluster,
                    municipalities=municipalities,
                )
                counts["items"] += 1
                items.append(item)
                step(item, "submit", who["author"])
                step(item, "start_preparation", who["group_chair"])
                item_update(
                    item,
                    actor=who["group_chair"],
                    expected_version=item.version,
                    rationale=f"Een gedeelde aanpak voor de regio (versie {cycle}.{n}).",
                )
                counts["edits"] += 1
                step(item, "endorse", who["group_chair"])
            starts_at = timezone.now() + dt.timedelta(days=14)
            meeting = meeting_plan(
                body=cluster,
                starts_at=starts_at,
                submission_deadline=starts_at - dt.timedelta(days=7),
                location="Stadhuis Tielt",
                actor=who["coordinator"],
            )
            counts["meetings"] += 1
            for item in items:
                step(item, "schedule", who["coordinator"], meeting=meeting.pk)
            step(meeting, "convene", who["coordinator"])
            wake()
            for role in ("cluster_chair", "cluster_member"):
                attendance_record(
                    meeting=meeting, person=who[role], status="present", actor=who["coordinator"]
                )
                counts["attendance"] += 1
            step(meeting, "open", who["cluster_chair"])
            for item in items:
                item.refresh_from_db()
                step(
                    item,
                    "approve",
                    who["cluster_chair"],
                    text="De cluster keurt de aanpak goed.",
                    consensus=True,
                )
            meeting.refresh_from_db()
            step(meeting, "close", who["cluster_chair"])
            wake()
            counts["cycles"] += 1
        except Exception:
            counts["errors"] += 1
            errors.append(traceback.format_exc())
    finished = time.time()
    try:
        wake(now=True)
    except Exception:
        errors.append(traceback.format_exc())
    connections.close_all()
    report = {"started": started, "finished": finished, "counts": counts, "errors": errors}
    report_write(args.out, report)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
