"""The reminder machinery at the size of a busy region: how long the scan takes, how many
queries it runs, whether it reads through an index, and how fast one worker sends.

    .venv/bin/python -m tests.bench.bench_reminders [--out FILE] [--actions N] [--meetings M]

Without DATABASE_URL it builds a fresh SQLite file (WAL, as the product does) in a
temporary folder and removes it afterwards; with DATABASE_URL it uses that database,
which must be empty (or pass --flush to empty it: everything in it is deleted).
The figures go to --out as JSON (var/bench/reminders.json by default) and a summary is
printed. Figures only: nothing here asserts a time. tests/bench/README.md explains them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.bench.report import platform_figures, put_away, write_report

SEED = 20260301
PEOPLE = 200
ITEMS = 1_000
DECISIONS = 300
STEADY_RUNS = 5
RULE_RUNS = 3


def configure() -> Path:
    """Point Django at the settings, a locmem mailbox and (without DATABASE_URL) a fresh
    SQLite file in a temporary folder; migrate. Return the temporary folder."""
    tmp = Path(tempfile.mkdtemp(prefix="midwest-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "backend.config.settings"
    os.environ["SECRET_KEY"] = "bench-only-secret-key-that-is-long-enough-to-be-accepted-0123"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["REMINDERS_WAKE_ON_TRANSITION"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # The SQLite file (when DATABASE_URL is not set), media and mail stay out of var/.
    os.environ["MIDWEST_VAR_DIR"] = str(tmp)
    os.environ["MEDIA_ROOT"] = str(tmp / "media")

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return tmp


# --- The region ------------------------------------------------------------------------


def chunks(values: list[int], size: int = 900) -> list[list[int]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def set_state(model: type, pks: list[int], state: str) -> None:
    """Put rows in a state without the workflow.

    BENCHMARK FIXTURE ONLY: `state` is a protected django-fsm field that product code
    changes through `workflows.engine.fire`. Building 100,000 actions and 10,000 meetings
    through the workflow would take far longer than the benchmark itself, so this test
    data writes the state with a queryset update. Never do this in product code."""
    for part in chunks(pks):
        model._default_manager.filter(pk__in=part).update(state=state)  # type: ignore[attr-defined]


def build(n_actions: int, n_meetings: int, now: dt.datetime, rng: random.Random) -> dict[str, Any]:
    """Build one region with bulk_create: 16 municipalities, ~200 people, a cluster and an
    intervision group with members, 1,000 approved items, the meetings, the actions (all
    unfinished, due from 200 days ago to 200 days ahead) and some pending ratifications."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from backend.agenda.models import AgendaItem, Decision
    from backend.audit.models import TransitionLog
    from backend.followup.models import Action, Ratification
    from backend.meetings.models import Attendance, Meeting
    from backend.organisations.models import (
        Body,
        Membership,
        Municipality,
        Person,
        Region,
        Service,
    )

    today = timezone.localdate(now)
    region = Region.objects.create(name="Midwest", slug="midwest")
    municipalities = Municipality.objects.bulk_create(
        Municipality(region=region, name=f"Gemeente {i:02d}", slug=f"gemeente-{i:02d}")
        for i in range(16)
    )
    services = Service.objects.bulk_create(
        Service(region=region, name=f"Dienst {code}", code=code)
        for code in ("gis", "ict", "archief", "toezicht")
    )

    def person(username: str, **fields: Any) -> Person:
        return Person(
            username=username,
            password="!",  # unusable: nobody signs in during a benchmark
            first_name=username,
            email=f"{username}@example.invalid",
            region=region,
            **fields,
        )

    people = [
        person(f"mayor-{i:02d}", municipality=m, function=Person.Function.MAYOR)
        for i, m in enumerate(municipalities)
    ]
    people += [
        person(f"director-{i:02d}", municipality=m, function=Person.Function.GENERAL_DIRECTOR)
        for i, m in enumerate(municipalities)
    ]
    people.append(person("coordinator", is_coordinator=True, function=Person.Function.COORDINATOR))
    people += [
        person(f"dvv-{i:02d}", service=services[i % len(services)], function="dvv_staff")
        for i in range(12)
    ]
    people += [
        person(f"staff-{i:03d}", municipality=municipalities[i % 16])
        for i in range(PEOPLE - len(people))
    ]
    people = Person.objects.bulk_create(people)
    mayors, directors = people[:16], people[16:32]
    coordinator = people[32]

    cluster = Body.objects.create(
        region=region, kind=Body.Kind.CLUSTER, name="Ruimte en mobiliteit", code="CL-BENCH"
    )
    group = Body.objects.create(
        region=region,
        kind=Body.Kind.INTERVISION_GROUP,
        name="Intervisiegroep ruimte",
        code="IG-BENCH",
        prepares_for=cluster,
    )
    since = dt.date(2020, 1, 1)
    Membership.objects.bulk_create(
        [
            Membership(
                body=cluster,
                person=p,
                municipality=p.municipality,
                role="chair" if i == 0 else "member",
                start_date=since,
            )
            for i, p in enumerate(mayors)
        ]
        + [
            Membership(
                body=group,
                person=p,
                municipality=p.municipality,
                role="chair" if i == 0 else "member",
                start_date=since,
            )
            for i, p in enumerate(directors)
        ]
        + [
            Membership(
                body=cluster,
                person=directors[0],
                municipality=directors[0].municipality,
                start_date=since,
            )
        ]
    )

    items = AgendaItem.objects.bulk_create(
        AgendaItem(
            title=f"Voorstel {i:04d}",
            rationale="Benchmark.",
            proposed_decision="De cluster keurt het goed.",
            author=directors[i % 16],
            intervision_group=group,
            target_cluster=cluster,
        )
        for i in range(ITEMS)
    )
    set_state(AgendaItem, [i.pk for i in items], "approved")

    # Meetings: 80 % in the past three years, 20 % in the coming year. Past ones are
    # closed (the last month) or have approved minutes; a future one is convened once its
    # submission deadline has passed (a few stay planned), otherwise planned.
    meetings, states = [], []
    for i in range(n_meetings):
        if i < n_meetings * 0.8:
            starts_at = now - dt.timedelta(minutes=rng.randint(60, 3 * 365 * 24 * 60))
        else:
            starts_at = now + dt.timedelta(minutes=rng.randint(60, 365 * 24 * 60))
        starts_at = starts_at.replace(second=0, microsecond=0)
        deadline = starts_at - dt.timedelta(days=rng.choice((7, 10, 14)))
        roll = rng.random()
        if starts_at <= now:
            if roll < 0.03:
                state = "cancelled"
            elif starts_at > now - dt.timedelta(days=30) or roll < 0.08:
                state = "closed"
            else:
                state = "minutes_approved"
        elif deadline <= now:
            state = "planned" if roll < 0.1 else "convened"
        else:
            state = "cancelled" if roll < 0.03 else "planned"
        meetings.append(
            Meeting(
                body=cluster,
                starts_at=starts_at,
                submission_deadline=deadline,
                location="Stadhuis",
            )
        )
        states.append(state)
    meetings = Meeting.objects.bulk_create(meetings, batch_size=2000)
    by_state: dict[str, list[int]] = {}
    for meeting, state in zip(meetings, states, strict=True):
        by_state.setdefault(state, []).append(meeting.pk)
    for state, pks in by_state.items():
        if state != "planned":
            set_state(Meeting, pks, state)

    # The history the rules read: when each meeting was convened and closed.
    meeting_type = ContentType.objects.get_for_model(Meeting)
    logs = []
    for meeting, state in zip(meetings, states, strict=True):
        if state in ("convened", "closed", "minutes_approved"):
            convened = min(meeting.submission_deadline + dt.timedelta(hours=1), now)
            logs.append((meeting, "convene", "planned", "convened", convened))
        if state in ("closed", "minutes_approved"):
            closed = min(meeting.starts_at + dt.timedelta(hours=3), now)
            logs.append((meeting, "close", "in_session", "closed", closed))
    TransitionLog.objects.bulk_create(
        (
            TransitionLog(
                content_type=meeting_type,
                object_id=str(m.pk),
                transition=name,
                source=source,
                target=target,
                actor=coordinator,
                at=at,
            )
            for m, name, source, target, at in logs
        ),
        batch_size=2000,
    )
    tomorrow = [
        m
        for m, state in zip(meetings, states, strict=True)
        if state == "convened" and m.starts_at <= now + dt.timedelta(days=1)
    ]
    Attendance.objects.bulk_create(
        Attendance(meeting=m, person=mayors[1], status="excused") for m in tomorrow
    )

    # Decisions of the last year on the first items, each to be ratified by every
    # municipality: pending when recent (and 5 % of the older ones), ratified otherwise.
    recent_closed = [
        m
        for m, state in zip(meetings, states, strict=True)
        if state in ("closed", "minutes_approved") and m.starts_at > now - dt.timedelta(days=365)
    ]
    decisions = Decision.objects.bulk_create(
        Decision(
            item=item,
            meeting=(meeting := rng.choice(recent_closed)),
            body=cluster,
            number=f"BENCH/{i:04d}",
            outcome="approved",
            text="Goedgekeurd.",
            decided_at=meeting.starts_at + dt.timedelta(hours=2),
            recorded_by=coordinator,
        )
        for i, item in enumerate(items[: min(DECISIONS, len(items))])
    )
    ratifications = Ratification.objects.bulk_create(
        (Ratification(decision=d, municipality=m) for d in decisions for m in municipalities),
        batch_size=2000,
    )
    decided = {d.pk: d.decided_at for d in decisions}
    ratified = [
        r.pk
        for r in ratifications
        if decided[r.decision_id] < now - dt.timedelta(days=120) and rng.random() > 0.05
    ]
    set_state(Ratification, ratified, "ratified")

    # The actions: 90 % for a person among the ~200, 10 % for a DVV service only; all
    # unfinished (70 % open, 20 % in progress, 10 % blocked).
    assignees = [p.pk for p in people if p.pk != coordinator.pk]
    actions = []
    for i in range(n_actions):
        for_service = rng.random() < 0.1
        actions.append(
            Action(
                item=items[i % len(items)],
                title=f"Actie {i:06d}",
                assignee_id=None if for_service else rng.choice(assignees),
                service=rng.choice(services) if for_service else None,
                due_date=today + dt.timedelta(days=rng.randint(-200, 200)),
            )
        )
    action_pks = [a.pk for a in Action.objects.bulk_create(actions, batch_size=5000)]
    rng.shuffle(action_pks)
    set_state(Action, action_pks[: n_actions // 5], "in_progress")
    set_state(Action, action_pks[n_actions // 5 : n_actions * 3 // 10], "blocked")

    return {
        "municipalities": len(municipalities),
        "people": len(people),
        "items": len(items),
        "meetings": len(meetings),
        "meetings_by_state": {s: len(p) for s, p in sorted(by_state.items())},
        "transition_logs": len(logs),
        "decisions": len(decisions),
        "ratifications": len(ratifications),
        "ratifications_pending": len(ratifications) - len(ratified),
        "actions": n_actions,
        "actions_overdue": Action.objects.filter(due_date__lt=today).count(),
    }


def analyze_if_postgres() -> None:
    """PostgreSQL's autovacuum analyses a table soon after many rows were written; do it
    now so the plans are those of production. (SQLite: the product never runs ANALYZE, so
    neither does the benchmark.)"""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# --- Measuring -----------------------------------------------------------------------------


class ExecuteTimer:
    """Seconds spent in cursor.execute per kind of statement, timed with perf_counter
    (the captured queries' own times are rounded to milliseconds). SQLite does part of a
    SELECT's work while its rows are fetched, which is not counted here."""

    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()

    def __call__(self, execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, *args)
        finally:
            self.seconds[sql.split(None, 1)[0].upper()] += time.perf_counter() - start

    def figures(self) -> dict[str, float]:
        return {kind: round(value, 4) for kind, value in self.seconds.items()}


def measured(fn: Callable[[], Any]) -> tuple[Any, float, list[dict[str, str]], dict[str, float]]:
    """Run fn; return its result, the seconds it took, the queries it ran and the seconds
    spent executing them, per kind of statement."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timer = ExecuteTimer()
    connection.queries_log.clear()  # holds 9,000 queries at most; start each run empty
    with CaptureQueriesContext(connection) as context, connection.execute_wrapper(timer):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
    return result, elapsed, list(context.captured_queries), timer.figures()


def query_kinds(queries: list[dict[str, str]]) -> dict[str, int]:
    return dict(Counter(q["sql"].split(None, 1)[0].upper() for q in queries))


def tables_of(sql: str) -> list[str]:
    return sorted(set(re.findall(r'(?:FROM|JOIN)\s+"?(\w+)"?', sql, flags=re.IGNORECASE)))


# The tables that grow with the region; a full read of one of these is what the benchmark
# looks for (reading a whole table of 16 municipalities or one region is no concern).
LARGE = {
    "followup_action",
    "reminders_notification",
    "meetings_meeting",
    "followup_ratification",
    "audit_transitionlog",
    "agenda_agendaitem",
    "agenda_decision",
}


def full_scans(vendor: str, plan: list[str]) -> list[str]:
    """The tables a plan reads from start to end (no index search), with the rows read
    where the database says (PostgreSQL's EXPLAIN ANALYZE)."""
    scans = []
    for n, line in enumerate(plan):
        if vendor == "sqlite":
            # "SCAN t" reads the table; "SCAN t USING [COVERING] INDEX i" walks a whole index.
            match = re.search(r"\bSCAN (\w+)(.*)", line)
            if match and match.group(1) != "CONSTANT":
                scans.append(f"{match.group(1)}{match.group(2)}".strip())
            continue
        match = re.search(r"Seq Scan on (\w+)(?: (\w+))?", line)
        if not match:
            continue
        kept = re.search(r"actual time=\S+ rows=(\d+) loops=(\d+)", line)
        removed = next(
            (
                int(m.group(1))
                for later in plan[n + 1 : n + 4]
                if (m := re.search(r"Rows Removed by Filter: (\d+)", later))
            ),
            0,
        )
        text = f"Seq Scan on {match.group(1)}"
        if kept:
            rows, loops = int(kept.group(1)), int(kept.group(2))
            text += f" ({(rows + removed) * loops} rows read, {rows * loops} kept)"
        scans.append(text)
    return scans


def large_scans(plan: dict[str, Any]) -> list[str]:
    return [s for s in plan["full_scans"] if re.sub(r"^Seq Scan on ", "", s).split()[0] in LARGE]


def explain(sql: str) -> list[str]:
    from django.db import connection

    # PostgreSQL: ANALYZE runs the SELECT to show the rows each step really read.
    sqlite = connection.vendor == "sqlite"
    prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (ANALYZE, BUFFERS) "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        # (id, parent, notused, detail): indent by depth as the sqlite3 shell does.
        depth: dict[int, int] = {0: -1}
        lines = []
        for node, parent, _unused, detail in rows:
            depth[node] = depth.get(parent, -1) + 1
            lines.append("  " * depth[node] + detail)
        return lines
    return [row[0] for row in rows]


def plans(queries: list[dict[str, str]], label: str) -> list[dict[str, Any]]:
    """EXPLAIN every distinct SELECT of a run; mark those on actions and notifications."""
    from django.db import connection

    out, seen = [], set()
    for query in queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT") or sql in seen:
            continue
        seen.add(sql)
        plan = explain(sql)
        tables = tables_of(sql)
        out.append(
            {
                "run": label,
                "tables": tables,
                "focus": bool({"followup_action", "reminders_notification"} & set(tables)),
                "seconds": float(query["time"]),
                "sql": sql,
                "plan": plan,
                "full_scans": full_scans(connection.vendor, plan),
            }
        )
        out[-1]["full_scans_of_large_tables"] = large_scans(out[-1])
    return out


def action_reads(now: dt.datetime) -> dict[str, dict[str, int]]:
    """How many actions the action kinds' two queries read through the (state, due_date)
    index and how many of those they return, in the steady state (same filters as kinds.py)."""
    from django.db.models import Q
    from django.utils import timezone

    from backend.followup.models import Action
    from backend.reminders import rules
    from workflows.states import ActionState

    today = timezone.localdate(now)
    unfinished = Action.objects.filter(state__in=ActionState.unfinished())
    horizon = today + dt.timedelta(days=rules.longest_lead("action_due_lead_days"))
    due = unfinished.filter(due_date__gte=today, due_date__lte=horizon)
    overdue = unfinished.filter(due_date__lt=today)
    kind = rules.Kind
    return {
        "action_due": {
            "rows_in_index_range": due.count(),
            "rows_returned": due.filter(rules.not_yet(kind.ACTION_DUE, Action)).count(),
        },
        "action_overdue and escalation": {
            "rows_in_index_range": overdue.count(),
            "rows_returned": overdue.filter(
                Q(rules.not_yet(kind.ACTION_OVERDUE, Action))
                | Q(rules.not_yet(kind.ESCALATION, Action))
            ).count(),
        },
    }


def scan_figures(now: dt.datetime) -> dict[str, Any]:
    from backend.reminders import kinds, services
    from backend.reminders.models import Notification

    figures: dict[str, Any] = {}
    created, seconds, queries, db_seconds = measured(lambda: services.scan(now))
    by_kind = dict(Counter(Notification.objects.values_list("kind", flat=True)))
    figures["first"] = {
        "seconds": round(seconds, 3),
        "queries": len(queries),
        "query_kinds": query_kinds(queries),
        "database_seconds": db_seconds,
        "rows_created": created,
        "rows_by_kind": dict(sorted(by_kind.items())),
    }
    first_queries = queries
    analyze_if_postgres()  # autovacuum would, after so many new notifications

    runs = []
    for _ in range(STEADY_RUNS):
        created, seconds, queries, db_seconds = measured(lambda: services.scan(now))
        runs.append({"seconds": seconds, "queries": len(queries), "rows_created": created})
    figures["steady"] = {
        "runs": STEADY_RUNS,
        "median_seconds": round(statistics.median(r["seconds"] for r in runs), 3),
        "seconds": [round(r["seconds"], 3) for r in runs],
        "queries": runs[-1]["queries"],
        "query_kinds": query_kinds(queries),
        "database_seconds": db_seconds,  # of the last run
        "rows_created": [r["rows_created"] for r in runs],
    }
    steady_queries = queries

    # Where the steady-state time goes: each kind alone (the reminders it still yields are
    # the rows the scan offers the database again, which refuses them as duplicates).
    per_rule = {}
    for value, kind in kinds.KINDS.items():
        times = []
        for _ in range(RULE_RUNS):
            yielded, seconds, queries, _db = measured(
                lambda kind=kind: list(kind.due(kinds.Scan(now)))
            )
            times.append(seconds)
        per_rule[value] = {
            "median_seconds": round(statistics.median(times), 4),
            "queries": len(queries),
            "reminders_yielded": len(yielded),
        }
    _count, seconds, _queries, _db = measured(Notification.objects.count)
    per_rule["notification_count (run twice per scan)"] = {
        "median_seconds": round(seconds, 4),
        "queries": 1,
        "reminders_yielded": 0,
    }
    figures["steady"]["per_rule"] = per_rule
    # Rows the steady scan hands to INSERT … ON CONFLICT DO NOTHING although they exist.
    figures["steady"]["rows_offered_again"] = sum(r["reminders_yielded"] for r in per_rule.values())
    figures["action_reads"] = action_reads(now)
    figures["plans"] = plans(steady_queries, "steady scan")
    # The first scan runs the same SELECTs with more rows to find; explain the ones the
    # steady scan did not run (e.g. the owners of the many overdue actions).
    steady_sql = {p["sql"] for p in figures["plans"]}
    figures["plans"] += [
        p for p in plans(first_queries, "first scan") if p["sql"] not in steady_sql
    ][:10]
    return figures


def send_figures(now: dt.datetime, send_max: int | None) -> dict[str, Any]:
    """Send everything the scans wrote, BATCH rows per call, as one worker would."""
    from django.core import mail
    from django.db.models import Max

    from backend.reminders import services
    from backend.reminders.models import Notification

    latest = Notification.objects.aggregate(m=Max("due_at"))["m"] or now
    # Every row the scan wrote is due at the sender's clock (due_at is left alone: it is
    # part of the unique constraint).
    send_now = max(now, latest) + dt.timedelta(seconds=1)
    waiting = Notification.objects.filter(services.waiting(send_now))
    total = waiting.count()
    mail.outbox = []
    sent = mails = calls = 0
    seconds = 0.0
    batch_seconds = []
    first_queries: list[dict[str, str]] = []
    first_sent = 0
    candidate_plans: list[dict[str, Any]] = []
    in_database: Counter[str] = Counter()
    previous = total
    while True:
        count, elapsed, queries, db_seconds = measured(lambda: services.send_due(send_now))
        in_database.update(db_seconds)
        if not first_queries:
            first_queries = queries
            first_sent = count
            # Explained while rows still wait (PostgreSQL's ANALYZE runs it: no claim).
            candidate_plans = plans(first_queries[:1], "send_due candidates")
        calls += 1
        seconds += elapsed
        batch_seconds.append(elapsed)
        sent += count
        mails += len(mail.outbox)
        mail.outbox.clear()
        left = waiting.count()
        if left == 0 or left == previous or (send_max and sent >= send_max):
            break  # done, nothing moves any more, or enough sent
        previous = left
    handled = Notification.objects.exclude(sent_at__isnull=True, dropped_at__isnull=True)
    return {
        "waiting_at_start": total,
        "calls": calls,
        "batch": services.BATCH,
        "sent": sent,
        "emails": mails,
        "dropped": handled.filter(dropped_at__isnull=False).count(),
        "left": waiting.count(),
        "seconds": round(seconds, 3),
        "per_second": round(sent / seconds, 1) if seconds else None,
        "median_batch_seconds": round(statistics.median(batch_seconds), 3),
        "first_batch": {
            "sent": first_sent,
            "queries": len(first_queries),
            "queries_per_reminder": round(len(first_queries) / max(first_sent, 1), 1),
            "query_kinds": query_kinds(first_queries),
        },
        # Of `seconds`, the time spent in cursor.execute (the rest is Python: the ORM,
        # composing the e-mail from its templates, the mail backend).
        "database_seconds": {kind: round(value, 3) for kind, value in in_database.items()},
        "plans": candidate_plans,
    }


def machine() -> dict[str, Any]:
    return {"host": platform.node()} | platform_figures()


def summary(report: dict[str, Any]) -> str:
    scan, send = report["scan"], report["send"]
    lines = [
        f"{report['machine']['database']} {report['machine']['database_version'][:40]}, "
        f"{report['size']['actions']:,} actions, {report['size']['meetings']:,} meetings "
        f"(built in {report['build_seconds']:.1f} s)",
        f"first scan:  {scan['first']['seconds']:8.3f} s, {scan['first']['queries']:4d} queries,"
        f" {scan['first']['rows_created']:,} rows created",
        f"steady scan: {scan['steady']['median_seconds']:8.3f} s (median of "
        f"{scan['steady']['runs']}), {scan['steady']['queries']:4d} queries, rows created "
        f"{scan['steady']['rows_created']}",
        f"  rows offered again to INSERT … ON CONFLICT DO NOTHING: "
        f"{scan['steady']['rows_offered_again']:,}",
        f"  seconds in the database by statement: {scan['steady']['database_seconds']}",
        "  per rule (median s, queries, reminders yielded again):",
    ]
    for name, rule in scan["steady"]["per_rule"].items():
        lines.append(
            f"    {name:40s} {rule['median_seconds']:8.4f} s {rule['queries']:4d} q "
            f"{rule['reminders_yielded']:7d}"
        )
    lines.append(
        f"sending: {send['sent']:,} sent, {send['dropped']:,} dropped, {send['left']:,} left, "
        f"in {send['seconds']:.1f} s = {send['per_second']} reminders/s "
        f"({send['first_batch']['queries_per_reminder']} queries per reminder, "
        f"{sum(send['database_seconds'].values()):.1f} s of it in cursor.execute)"
    )
    lines.append("full reads of large tables (SELECTs of the steady scan and the sender):")
    for plan in scan["plans"] + send["plans"]:
        if plan["full_scans_of_large_tables"]:
            mark = "*" if plan["focus"] else " "
            lines.append(
                f"  {mark} [{plan['run']}] {', '.join(plan['tables'])}:\n"
                f"      {'; '.join(plan['full_scans_of_large_tables'])}"
            )
    lines.append("  (* = a query on followup_action or reminders_notification)")
    lines.append("actions read through action_open_by_due_date per scan (index range → returned):")
    for name, reads in scan["action_reads"].items():
        lines.append(
            f"    {name:24s} {reads['rows_in_index_range']:7,d} → {reads['rows_returned']:7,d}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="var/bench/reminders.json", help="the JSON figures")
    parser.add_argument("--actions", type=int, default=100_000, help="open actions")
    parser.add_argument("--meetings", type=int, default=10_000, help="meetings")
    parser.add_argument(
        "--send-max", type=int, default=0, help="stop sending after this many (0: all)"
    )
    parser.add_argument(
        "--flush", action="store_true", help="empty a DATABASE_URL database that holds data"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    args = parser.parse_args(argv)

    tmp = configure()
    try:
        from django.core.management import call_command
        from django.utils import timezone

        from backend.organisations.models import Region

        if Region.objects.exists():
            if not args.flush:
                print("The database holds data; pass --flush to empty it.", file=sys.stderr)
                return 2
            call_command("flush", interactive=False, verbosity=0)

        now = timezone.now().replace(microsecond=0)
        start = time.perf_counter()
        size = build(args.actions, args.meetings, now, random.Random(SEED))
        analyze_if_postgres()
        build_seconds = time.perf_counter() - start
        print(f"built the region in {build_seconds:.1f} s; scanning…", file=sys.stderr)
        scan = scan_figures(now)
        print("sending…", file=sys.stderr)
        send = send_figures(now, args.send_max or None)
        report = {
            "benchmark": "reminders",
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "now": now.isoformat(),
            "machine": machine(),
            "size": size,
            "build_seconds": round(build_seconds, 1),
            "scan": scan,
            "send": send,
        }
        write_report(args.out, report, summary(report))
        return 0
    finally:
        put_away(tmp, args.keep)


if __name__ == "__main__":
    sys.exit(main())
