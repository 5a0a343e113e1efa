"""The same reads on a small database and on the generated scale database: the agenda-item
list and the overview over HTTP (gunicorn, wrk, one connection), and the reminder scan,
with EXPLAIN (ANALYZE, BUFFERS) of every query they run.

    .venv/bin/python -m tests.bench.bench_scale \\
        --small-url postgres://postgres@127.0.0.1:5432/midwest_bench_small \\
        --large-url postgres://postgres@127.0.0.1:5432/midwest_bench_scale \\
        [--out var/bench/scale.json] [--seconds S]

The large database comes from `tests.bench.generate_scale`; the small one is built here
when it is empty, with the same benchmark region (tests/bench/region.py, same seed), so
both hold the same region and the large one adds 19 regions and years of finished items
with their history. Each database is measured in its own process, one after the other.
Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench import load
from tests.bench.bench_http import (
    OVERVIEW,
    PRODUCT_LIST,
    SEED,
    analyze_if_postgres,
    command_line,
    configure,
    environment,
    machine,
)
from tests.bench.bench_reminders import explain, full_scans, large_scans, tables_of
from tests.bench.report import write_report

TARGET = 2.0
SCAN_RUNS = 5


def plans_of(queries: list[dict[str, str]]) -> list[dict[str, Any]]:
    """EXPLAIN (ANALYZE, BUFFERS) every distinct SELECT; mark reads of whole large tables
    and the indexes the plan uses."""
    from django.db import connection

    out, seen = [], set()
    for query in queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT") or sql in seen:
            continue
        seen.add(sql)
        plan = explain(sql)
        entry: dict[str, Any] = {
            "sql": sql,
            "tables": tables_of(sql),
            "plan": plan,
            "indexes_used": sorted(
                {m.group(1) for line in plan for m in re.finditer(r"using (\w+)", line)}
            ),
            "execution_ms": next(
                (
                    float(m.group(1))
                    for line in plan
                    if (m := re.search(r"Execution Time: ([\d.]+) ms", line))
                ),
                None,
            ),
        }
        entry["full_scans"] = full_scans(connection.vendor, plan)
        entry["full_scans_of_large_tables"] = large_scans(entry)
        out.append(entry)
    return out


def captured(fn: Any) -> tuple[Any, list[dict[str, str]]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        result = fn()
    return result, list(context.captured_queries)


def measure_one(seconds: int, warmup: int, build: bool) -> dict[str, Any]:
    """Measure the database DATABASE_URL points at (in this process)."""
    tmp = Path(tempfile.mkdtemp(prefix="midwest-bench-scale-"))
    try:
        configure(tmp)
        from django.db import connections
        from django.test import Client
        from django.utils import timezone

        from backend.agenda.models import AgendaItem
        from backend.audit.models import TransitionLog
        from backend.audit.tokens import token_create
        from backend.organisations.models import Person, Region
        from backend.reminders import services
        from tests.bench.region import build_region

        if not Region.objects.exists():
            if not build:
                raise SystemExit("the database is empty: generate it first")
            build_region(timezone.now().replace(microsecond=0), random.Random(SEED))
            analyze_if_postgres()
        coordinator = Person.objects.get(region__slug="midwest", is_coordinator=True)
        token = token_create(coordinator, name="bench")[1]
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(coordinator)
        session = client.cookies["sessionid"].value
        size = {
            "regions": Region.objects.count(),
            "items": AgendaItem.objects.count(),
            "history_rows": TransitionLog.objects.count(),
            "items_in_the_region": AgendaItem.objects.filter(
                intervision_group__region__slug="midwest"
            ).count(),
        }

        # The queries of one request each, explained.
        response, list_queries = captured(
            lambda: client.get(PRODUCT_LIST, headers={"Authorization": f"Token {token}"})
        )
        assert response.status_code == 200, response.status_code
        response, overview_queries = captured(lambda: client.get(OVERVIEW))
        assert response.status_code == 200, response.status_code
        figures: dict[str, Any] = {
            "list": {"queries": len(list_queries), "plans": plans_of(list_queries)},
            "overview": {"queries": len(overview_queries), "plans": plans_of(overview_queries)},
        }
        connections.close_all()

        with load.gunicorn(env=environment(tmp)) as base:
            for name, path, headers in (
                ("list", PRODUCT_LIST, {"Authorization": f"Token {token}"}),
                ("overview", OVERVIEW, {"Cookie": f"sessionid={session}"}),
            ):
                load.wrk(base, path, headers=headers, seconds=warmup, connections=1)
                figures[name]["http"] = load.wrk(
                    base, path, headers=headers, seconds=seconds, connections=1
                )

        # The scan: the first one writes what is due; the steady one runs every minute.
        now = timezone.now()
        start = time.perf_counter()
        created, first_queries = captured(lambda: services.scan(now))
        first_seconds = time.perf_counter() - start
        runs = []
        for _ in range(SCAN_RUNS):
            start = time.perf_counter()
            _created, steady_queries = captured(lambda: services.scan(now))
            runs.append(time.perf_counter() - start)
        figures["scan"] = {
            "first_seconds": round(first_seconds, 3),
            "first_rows_created": created,
            "steady_median_seconds": round(statistics.median(runs), 4),
            "steady_seconds": [round(r, 4) for r in runs],
            "queries": len(steady_queries),
            "plans": plans_of(steady_queries),
        }
        del first_queries
        return {"machine": machine(), "size": size, "figures": figures}
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(tmp, ignore_errors=True)


def run_child(url: str, args: argparse.Namespace, build: bool) -> dict[str, Any]:
    out = Path(tempfile.mkdtemp(prefix="midwest-bench-scale-out-")) / "figures.json"
    command = [
        sys.executable,
        "-m",
        "tests.bench.bench_scale",
        "--one",
        str(out),
        f"--seconds={args.seconds}",
        f"--warmup={args.warmup}",
    ]
    if build:
        command.append("--build")
    subprocess.run(command, check=True, env={**os.environ, "DATABASE_URL": url}, cwd=load.ROOT)
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    shutil.rmtree(out.parent, ignore_errors=True)
    return result


def headline(one: dict[str, Any]) -> dict[str, Any]:
    f = one["figures"]
    return {
        "list_p50_ms": f["list"]["http"]["latency_ms"]["p50"],
        "list_p95_ms": f["list"]["http"]["latency_ms"]["p95"],
        "overview_p50_ms": f["overview"]["http"]["latency_ms"]["p50"],
        "overview_p95_ms": f["overview"]["http"]["latency_ms"]["p95"],
        "scan_median_seconds": f["scan"]["steady_median_seconds"],
    }


def summary(report: dict[str, Any]) -> str:
    lines = [
        f"small: {report['small']['size']}",
        f"large: {report['large']['size']}",
    ]
    for name, figure in report["comparison"].items():
        lines.append(
            f"{name:22s} small {figure['small']:10.4f}  large {figure['large']:10.4f}  "
            f"× {figure['ratio']:.2f} (target ≤ {TARGET}) "
            f"{'met' if figure['meets_target'] else 'MISSED'}"
        )
    lines.append("full reads of large tables in the large database:")
    for part in ("list", "overview", "scan"):
        for plan in report["large"]["figures"][part]["plans"]:
            if plan["full_scans_of_large_tables"]:
                lines.append(f"  [{part}] {'; '.join(plan['full_scans_of_large_tables'])}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small-url", help="the small database (built here when empty)")
    parser.add_argument("--large-url", help="the database tests.bench.generate_scale filled")
    parser.add_argument("--out", default="var/bench/scale.json")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.one:
        figures = measure_one(args.seconds, args.warmup, args.build)
        Path(args.one).write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")
        return 0
    if not (args.small_url and args.large_url):
        parser.error("give --small-url and --large-url")
    if not load.wrk_available():
        print("wrk is not installed (Debian: apt-get install wrk).", file=sys.stderr)
        return 2
    small = run_child(args.small_url, args, build=True)
    large = run_child(args.large_url, args, build=False)
    a, b = headline(small), headline(large)
    comparison = {
        name: {
            "small": a[name],
            "large": b[name],
            "ratio": round(b[name] / a[name], 3),
            "target": TARGET,
            "meets_target": b[name] / a[name] <= TARGET,
        }
        for name in a
    }
    report = {
        "benchmark": "scale",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": command_line("bench_scale", argv),
        "comparison": comparison,
        "small": small,
        "large": large,
    }
    write_report(args.out, report, summary(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
