"""The API and the pages over HTTP, each next to a bare implementation of the same work
measured in the same run: gunicorn on loopback, loaded by wrk from a second process.

    .venv/bin/python -m tests.bench.bench_http [--out FILE] [--seconds S] [--rounds R]

- the 50-row agenda-item list (`GET /api/v1/agenda-items/?page_size=50`, the region's
  coordinator, token) against a plain DRF ListAPIView of the same rows with a plain
  ModelSerializer (`/bare/agenda-items/`);
- a transition (`POST /api/v1/agenda-items/{id}/transitions/submit/`, each request a
  different draft item) against a plain view that locks the row, updates its state and
  inserts the history row in one transaction (`/bare/agenda-items/{id}/submit/`);
- the coordinator's overview page (`/overzicht/`, session) and the ratification matrix
  (`GET /api/v1/ratifications/matrix/`), 16 municipalities × 500 decisions: latency only.

Without DATABASE_URL it builds a fresh SQLite file (WAL, as the product) in a temporary
folder; with DATABASE_URL that database must be empty (--flush empties it). The bare views
exist only in the benchmark's URLconf (tests/bench/urls.py). Figures only: nothing here
asserts a time; tests/bench/README.md explains them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench import load
from tests.bench.report import platform_figures, put_away, write_report

SEED = 20260315
SECRET_KEY = "bench-only-secret-key-that-is-long-enough-to-be-accepted-0123"
PRODUCT_LIST = "/api/v1/agenda-items/?page_size=50"
BARE_LIST = "/bare/agenda-items/"
PRODUCT_SUBMIT = "/api/v1/agenda-items/{id}/transitions/submit/"
BARE_SUBMIT = "/bare/agenda-items/{id}/submit/"
OVERVIEW = "/overzicht/"
MATRIX = "/api/v1/ratifications/matrix/"
LIST_TARGET = 0.8
TRANSITION_TARGET = 0.5
OVERVIEW_P95_TARGET_MS = 150.0


def environment(tmp: Path) -> dict[str, str]:
    """What both the benchmark process and the server read: bench settings, a key, the
    temporary folder for SQLite, media and static files."""
    return {
        "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
        "SECRET_KEY": SECRET_KEY,
        "MIDWEST_VAR_DIR": str(tmp),
        "MEDIA_ROOT": str(tmp / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "REMINDERS_WAKE_ON_TRANSITION": "0",
        "LOG_LEVEL": "WARNING",
    }


def configure(tmp: Path) -> None:
    """Set Django up on the benchmark database; migrate and collect the static files (the
    pages need the manifest without DEBUG)."""
    os.environ.update(environment(tmp))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)


def analyze_if_postgres() -> None:
    """Analyse after a bulk build, as autovacuum soon would."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def credentials(coordinator_id: int, author_id: int) -> dict[str, str]:
    """Tokens for the coordinator and the pool's author, and a signed-in session for the
    coordinator (as after the two-step sign-in)."""
    from django.test import Client

    from backend.audit.tokens import token_create
    from backend.organisations.models import Person

    client = Client()
    client.force_login(Person.objects.get(pk=coordinator_id))
    return {
        "coordinator_token": token_create(Person.objects.get(pk=coordinator_id))[1],
        "author_token": token_create(Person.objects.get(pk=author_id))[1],
        "coordinator_session": client.cookies["sessionid"].value,
    }


def queries_per_request(keys: dict[str, str], spare: list[int]) -> dict[str, int]:
    """The queries one request of each kind runs (in-process, with the test client)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    coordinator = {"Authorization": f"Token {keys['coordinator_token']}"}
    author = {"Authorization": f"Token {keys['author_token']}"}
    client = Client(SERVER_NAME="127.0.0.1")
    client.cookies["sessionid"] = keys["coordinator_session"]
    requests = {
        "product_list": lambda: client.get(PRODUCT_LIST, headers=coordinator),
        "bare_list": lambda: client.get(BARE_LIST, headers=coordinator),
        "product_transition": lambda: client.post(
            PRODUCT_SUBMIT.format(id=spare[0]), {}, "application/json", headers=author
        ),
        "bare_transition": lambda: client.post(
            BARE_SUBMIT.format(id=spare[1]), {}, "application/json", headers=author
        ),
        "overview": lambda: client.get(OVERVIEW),
        "matrix": lambda: client.get(MATRIX, headers=coordinator),
    }
    counts = {}
    for name, send in requests.items():
        with CaptureQueriesContext(connection) as context:
            response = send()
        if response.status_code != 200:
            raise RuntimeError(f"{name}: {response.status_code} {response.content[:300]!r}")
        counts[name] = len(context.captured_queries)
    return counts


def same_rows(base: str, token: str) -> bool:
    """Whether the product's list and the bare list answer the same 50 items."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(base)
    ids = []
    for path in (PRODUCT_LIST, BARE_LIST):
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port)
        connection.request("GET", path, headers={"Authorization": f"Token {token}"})
        body = json.loads(connection.getresponse().read())
        connection.close()
        ids.append([row["id"] for row in body["results"]])
    return ids[0] == ids[1] and len(ids[0]) == 50


def combined(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Requests/s over all rounds; the median of the rounds' p50 and p95."""
    seconds = sum(r["seconds"] for r in runs)
    return {
        "requests": sum(r["requests"] for r in runs),
        "seconds": round(seconds, 2),
        "requests_per_second": round(sum(r["requests"] for r in runs) / seconds, 1),
        "p50_ms": round(statistics.median(r["latency_ms"]["p50"] for r in runs), 2),
        "p95_ms": round(statistics.median(r["latency_ms"]["p95"] for r in runs), 2),
        "errors": sum(sum(r["errors"].values()) for r in runs),
        "requests_past_the_ids": sum(r["requests_past_the_ids"] for r in runs),
        "rounds": runs,
    }


def compared(product: dict[str, Any], bare: dict[str, Any], target: float) -> dict[str, Any]:
    ratio = product["requests_per_second"] / bare["requests_per_second"]
    return {
        "product": product,
        "bare": bare,
        "ratio_requests_per_second": round(ratio, 3),
        # Latency the other way round: bare p95 / product p95 (1.0 = as fast as bare).
        "ratio_p95": round(bare["p95_ms"] / product["p95_ms"], 3),
        "target": target,
        "meets_target": ratio >= target,
    }


def measure(
    base: str, keys: dict[str, str], pool: list[int], seconds: int, warmup: int, rounds: int
) -> dict[str, Any]:
    """Warm both up, then alternate product and bare for each round."""
    coordinator = {"Authorization": f"Token {keys['coordinator_token']}"}
    author = {"Authorization": f"Token {keys['author_token']}"}
    session = {"Cookie": f"sessionid={keys['coordinator_session']}"}

    lists: dict[str, list[dict[str, Any]]] = {"product": [], "bare": []}
    for path in (PRODUCT_LIST, BARE_LIST):
        load.wrk(base, path, headers=coordinator, seconds=warmup)
    for _ in range(rounds):
        lists["product"].append(load.wrk(base, PRODUCT_LIST, headers=coordinator, seconds=seconds))
        lists["bare"].append(load.wrk(base, BARE_LIST, headers=coordinator, seconds=seconds))

    # The pool is cut in equal slices, one per run (warm-ups included): every request
    # submits an item nobody touched before.
    runs = 2 + 2 * rounds
    size = len(pool) // runs
    slices = iter((pool[k * size], pool[k * size + size - 1]) for k in range(runs))
    transitions: dict[str, list[dict[str, Any]]] = {"product": [], "bare": []}

    def submit(path: str, duration: int) -> dict[str, Any]:
        return load.wrk(
            base, path, headers=author, seconds=duration, method="POST", ids=next(slices)
        )

    submit(PRODUCT_SUBMIT, warmup)
    submit(BARE_SUBMIT, warmup)
    for _ in range(rounds):
        transitions["product"].append(submit(PRODUCT_SUBMIT, seconds))
        transitions["bare"].append(submit(BARE_SUBMIT, seconds))

    # The pages: one connection, so the latency is one request's, without queueing.
    load.wrk(base, OVERVIEW, headers=session, seconds=warmup, connections=1)
    overview = load.wrk(base, OVERVIEW, headers=session, seconds=seconds * rounds, connections=1)
    load.wrk(base, MATRIX, headers=coordinator, seconds=warmup, connections=1)
    matrix = load.wrk(base, MATRIX, headers=coordinator, seconds=seconds * rounds, connections=1)
    return {
        "list": compared(combined(lists["product"]), combined(lists["bare"]), LIST_TARGET),
        "transition": compared(
            combined(transitions["product"]), combined(transitions["bare"]), TRANSITION_TARGET
        ),
        "overview_page": overview
        | {
            "target_p95_ms": OVERVIEW_P95_TARGET_MS,
            "meets_target": overview["latency_ms"]["p95"] <= OVERVIEW_P95_TARGET_MS,
        },
        "ratification_matrix": matrix,
        "pool_slice_size": size,
    }


def history_consistent(pool: list[int]) -> dict[str, int]:
    """Every submitted pool item has exactly one `submit` history row."""
    from django.contrib.contenttypes.models import ContentType

    from backend.agenda.models import AgendaItem
    from backend.audit.models import TransitionLog

    submitted = AgendaItem.objects.filter(pk__in=pool, state="submitted").count()
    logs = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(AgendaItem),
        object_id__in=[str(pk) for pk in pool],
        transition="submit",
    ).count()
    return {"items_submitted": submitted, "submit_history_rows": logs}


def command_line(module: str, argv: list[str] | None) -> str:
    """The command that produced the figures, with the database it ran on."""
    url = os.environ.get("DATABASE_URL")
    words = [f"DATABASE_URL={url}"] if url else []
    words += [
        f".venv/bin/python -m tests.bench.{module}",
        *(sys.argv[1:] if argv is None else argv),
    ]
    return " ".join(words)


def machine() -> dict[str, Any]:
    wrk_version = "wrk"
    if load.wrk_available():
        import subprocess

        done = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
        wrk_version = (done.stdout or done.stderr).splitlines()[0]
    return platform_figures() | {
        # Other work on the machine shows here: absolute figures move with it, a ratio
        # (product and bare measured alternately in the same run) much less.
        "load_average_1_5_15_min": [round(x, 2) for x in os.getloadavg()],
        "load_tool": wrk_version,
        "server": f"gunicorn, {load.WORKERS} sync workers, 127.0.0.1",
    }


def summary(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        f"{m['database']} {m['database_version'][:40]}; {m['server']}; {m['load_tool']}; "
        f"load average at the end {m['load_average_1_5_15_min']}"
    ]
    for name in ("list", "transition"):
        figure = report["figures"][name]
        p, b = figure["product"], figure["bare"]
        lines.append(
            f"{name:10s} product {p['requests_per_second']:8.1f}/s p95 {p['p95_ms']:7.2f} ms | "
            f"bare {b['requests_per_second']:8.1f}/s p95 {b['p95_ms']:7.2f} ms | "
            f"ratio {figure['ratio_requests_per_second']:.2f} (p95 {figure['ratio_p95']:.2f}), "
            f"target ≥ {figure['target']} {'met' if figure['meets_target'] else 'MISSED'}"
            f"{'' if not p['errors'] + b['errors'] else ' ERRORS'}"
        )
    for name in ("overview_page", "ratification_matrix"):
        page = report["figures"][name]
        target = (
            f", target ≤ {page['target_p95_ms']:.0f} ms "
            f"{'met' if page['meets_target'] else 'MISSED'}"
            if "target_p95_ms" in page
            else ""
        )
        lines.append(
            f"{name:20s} p50 {page['latency_ms']['p50']:8.2f} ms, p95 "
            f"{page['latency_ms']['p95']:8.2f} ms ({page['requests']} requests, one connection)"
            f"{target}"
        )
    lines.append(f"queries per request: {report['queries_per_request']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="var/bench/http.json", help="the JSON figures")
    parser.add_argument("--seconds", type=int, default=10, help="length of one measured run")
    parser.add_argument("--warmup", type=int, default=3, help="length of a warm-up run")
    parser.add_argument("--rounds", type=int, default=3, help="product/bare alternations")
    parser.add_argument("--pool", type=int, default=60_000, help="draft items to submit")
    parser.add_argument("--flush", action="store_true", help="empty a DATABASE_URL database")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    if not load.wrk_available():
        print("wrk is not installed (Debian: apt-get install wrk).", file=sys.stderr)
        return 2

    tmp = Path(tempfile.mkdtemp(prefix="midwest-bench-http-"))
    try:
        configure(tmp)
        from django.core.management import call_command
        from django.db import connections
        from django.utils import timezone

        from backend.organisations.models import Region
        from tests.bench.region import build_draft_pool, build_region

        if Region.objects.exists():
            if not args.flush:
                print("The database holds data; pass --flush to empty it.", file=sys.stderr)
                return 2
            call_command("flush", interactive=False, verbosity=0)

        now = timezone.now().replace(microsecond=0)
        start = time.perf_counter()
        region = build_region(now, random.Random(SEED))
        author_id, pool = build_draft_pool(args.pool + 2, now)
        analyze_if_postgres()
        build_seconds = time.perf_counter() - start
        spare, pool = pool[:2], pool[2:]
        keys = credentials(region.coordinator_id, author_id)
        queries = queries_per_request(keys, spare)
        connections.close_all()
        print(f"built in {build_seconds:.1f} s; loading…", file=sys.stderr)

        with load.gunicorn(env=environment(tmp)) as base:
            if not same_rows(base, keys["coordinator_token"]):
                raise RuntimeError("the product's list and the bare list differ")
            figures = measure(base, keys, pool, args.seconds, args.warmup, args.rounds)
        report = {
            "benchmark": "http",
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "command": " ".join(
                (
                    [f"DATABASE_URL={os.environ['DATABASE_URL']}"]
                    if "DATABASE_URL" in os.environ
                    else []
                )
                + [".venv/bin/python -m tests.bench.bench_http", *(argv or sys.argv[1:])]
            ),
            "machine": machine(),
            "size": region.size | {"draft_pool": len(pool)},
            "build_seconds": round(build_seconds, 1),
            "settings": {
                "seconds": args.seconds,
                "warmup": args.warmup,
                "rounds": args.rounds,
                "workers": load.WORKERS,
                "connections": load.CONNECTIONS,
                "wrk_threads": load.THREADS,
            },
            "queries_per_request": queries,
            "figures": figures,
            "history_check": history_consistent(pool),
        }
        write_report(args.out, report, summary(report))
        return 0
    finally:
        put_away(tmp, args.keep)


if __name__ == "__main__":
    sys.exit(main())
