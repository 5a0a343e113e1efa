"""Four processes fire the same transition on the same 150 objects at the same moment:
each object moves exactly once, with exactly one history row, and every other attempt
is an orderly refusal. Real processes and committed data, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from backend.agenda.models import AgendaItem
from backend.audit.models import TransitionLog
from backend.meetings.models import AgendaEntry
from backend.organisations.models import Person
from tests.conftest import World
from tests.integration import processes

pytestmark = pytest.mark.django_db(transaction=True)

CONTENDERS = 4
ITEMS = 150
REFUSALS = {"concurrent_change", "not_possible"}


@dataclass
class Race:
    started: float
    finished: float
    reports: list[dict[str, Any]]

    def outcomes(self, pk: int) -> list[str]:
        return [report["outcomes"].get(str(pk), "missing") for report in self.reports]

    def errors(self) -> list[str]:
        return [text for report in self.reports for text in report["errors"].values()]

    def summary(self, transition: str) -> str:
        lines = [
            f"{connection.vendor}: {CONTENDERS} processes x {len(self.reports[0]['outcomes'])} "
            f"'{transition}' in {self.finished - self.started:.2f} s"
        ]
        for n, report in enumerate(self.reports):
            counts = Counter(report["outcomes"].values())
            took = report["finished"] - report["started"]
            lines.append(f"  process {n}: {dict(sorted(counts.items()))} in {took:.2f} s")
        return "\n".join(lines)


def race(
    tmp_path: Path,
    transition: str,
    ids: list[int],
    actor: Person,
    *,
    fresh: bool,
    shuffle: bool,
    params: dict[str, Any] | None = None,
) -> Race:
    """Start the contenders, let them go at once, wait for all; kill them whatever happens."""
    env = processes.child_env(tmp_path)
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{n}" for n in range(CONTENDERS)]
    outs = [tmp_path / f"out-{n}.json" for n in range(CONTENDERS)]
    logs = [tmp_path / f"contender-{n}.log" for n in range(CONTENDERS)]
    started: list[Any] = []
    try:
        for n in range(CONTENDERS):
            args = [
                "-m",
                "tests.integration.race_worker",
                "--model=agenda.AgendaItem",
                f"--transition={transition}",
                f"--actor={actor.pk}",
                f"--ids={','.join(map(str, ids))}",
                f"--params={json.dumps(params or {})}",
                f"--ready={ready[n]}",
                f"--go={go}",
                f"--out={outs[n]}",
            ]
            if fresh:
                args.append("--fresh")
            if shuffle:
                args.append(f"--seed={n}")
            started.append(processes.start(args, env, logs[n]))
        processes.wait_for_files(ready, started, timeout=180)
        moment = processes.release(go)
        hanging = processes.join(started, timeout=600)
        finished = time.time()
    finally:
        for process in started:
            processes.stop(process, grace=5)
    output = "\n".join(log.read_text(errors="replace")[-3000:] for log in logs)
    assert not hanging, f"processes {hanging} did not finish\n{output}"
    assert [p.returncode for p in started] == [0] * CONTENDERS, output
    assert processes.LOCKED not in output
    reports = [json.loads(out.read_text()) for out in outs]
    return Race(started=moment, finished=finished, reports=reports)


def assert_moved_exactly_once(
    result: Race, transition: str, items: list[AgendaItem], target: str
) -> None:
    errors = result.errors()
    assert not errors, f"{len(errors)} unexpected errors, the first:\n{errors[0]}"
    assert not any(processes.LOCKED in text for text in errors)
    before = {item.pk: item.version for item in items}
    stored = AgendaItem.objects.in_bulk(list(before))
    for pk, version in before.items():
        outcomes = result.outcomes(pk)
        assert outcomes.count("moved") == 1, (pk, outcomes)
        assert set(outcomes) - {"moved"} <= REFUSALS, (pk, outcomes)
        assert (stored[pk].state, stored[pk].version) == (target, version + 1)
        logs = [log.transition for log in TransitionLog.objects.for_object(stored[pk])]
        assert logs.count(transition) == 1, (pk, logs)
    moved = sum(Counter(r["outcomes"].values())["moved"] for r in result.reports)
    assert moved == len(items)
    assert all(len(r["outcomes"]) == len(items) for r in result.reports)


@pytest.mark.parametrize(
    ("fresh", "shuffle"),
    [(False, False), (True, True)],
    ids=["copies-loaded-before-the-start-same-order", "loaded-per-attempt-shuffled"],
)
def test_four_processes_submitting_the_same_items_move_each_exactly_once(
    world: World, tmp_path: Path, fresh: bool, shuffle: bool
) -> None:
    items = [world.item(title=f"Voorstel {n}") for n in range(ITEMS)]
    logs_before = TransitionLog.objects.count()

    result = race(
        tmp_path,
        "submit",
        [item.pk for item in items],
        world.author,
        fresh=fresh,
        shuffle=shuffle,
    )

    print("\n" + result.summary("submit"))
    assert_moved_exactly_once(result, "submit", items, "submitted")
    assert TransitionLog.objects.count() - logs_before == ITEMS
    assert not AgendaItem.objects.filter(pk__in=[i.pk for i in items], state="draft").exists()


def test_four_processes_scheduling_the_same_items_put_each_on_the_agenda_once(
    world: World, tmp_path: Path
) -> None:
    """`schedule` has an effect: an agenda entry at the next free position of the meeting.
    Shuffled, the contenders schedule different items on one meeting at the same time."""
    items = [world.prepared_item(title=f"Voorstel {n}") for n in range(ITEMS)]
    meeting = world.meeting()
    logs_before = TransitionLog.objects.count()

    result = race(
        tmp_path,
        "schedule",
        [item.pk for item in items],
        world.coordinator,
        fresh=True,
        shuffle=True,
        params={"meeting": meeting.pk},
    )

    print("\n" + result.summary("schedule"))
    assert_moved_exactly_once(result, "schedule", items, "scheduled")
    assert TransitionLog.objects.count() - logs_before == ITEMS
    entries = AgendaEntry.objects.filter(meeting=meeting)
    assert sorted(entries.values_list("item_id", flat=True)) == sorted(i.pk for i in items)
    assert sorted(entries.values_list("position", flat=True)) == list(range(1, ITEMS + 1))
