"""Generate the scale database on PostgreSQL: 1,000,000 agenda items and 10,000,000
history rows across 20 regions, in bulk (INSERT … SELECT generate_series).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/midwest_bench_scale \\
        .venv/bin/python -m tests.bench.generate_scale [--items N] [--history H] [--regions R]

The first region is the benchmark region of tests/bench/region.py, built exactly as in
the small database (same seed); on top of it every region receives years of finished
items (70 % taken note of and completed, 30 % withdrawn), older than the benchmark
region's own, each with the ten or eleven steps of its history, until the totals are
reached. The database must be empty. While loading, the two large tables' secondary
indexes are dropped and then rebuilt from their own definitions, and foreign-key triggers
are skipped (`session_replication_role = replica`, the rows reference what was just
built); then everything is vacuumed and analysed, as autovacuum would.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench.bench_http import SEED, configure

# The steps of a finished item's history (name, source, target).
BACK_AND_FORTH = [
    ("submit", "draft", "submitted"),
    ("start_preparation", "submitted", "in_preparation"),
    ("send_back", "in_preparation", "draft"),
    ("submit", "draft", "submitted"),
    ("start_preparation", "submitted", "in_preparation"),
    ("endorse", "in_preparation", "prepared"),
    ("schedule", "prepared", "scheduled"),
]
PATHS = {
    # Ten steps: postponed once, then taken note of.
    "noted": [
        *BACK_AND_FORTH,
        ("postpone", "scheduled", "prepared"),
        ("schedule", "prepared", "scheduled"),
        ("take_note", "scheduled", "completed"),
    ],
    # Eleven steps: returned for rework once, then taken note of.
    "reworked": [
        *BACK_AND_FORTH,
        ("return_for_rework", "scheduled", "in_preparation"),
        ("endorse", "in_preparation", "prepared"),
        ("schedule", "prepared", "scheduled"),
        ("take_note", "scheduled", "completed"),
    ],
    # Ten steps: postponed once, then withdrawn.
    "withdrawn": [
        *BACK_AND_FORTH,
        ("postpone", "scheduled", "prepared"),
        ("schedule", "prepared", "scheduled"),
        ("withdraw", "scheduled", "withdrawn"),
    ],
}
ITEM_COLUMNS = {
    "id",
    "version",
    "title",
    "rationale",
    "proposed_decision",
    "kind",
    "author_id",
    "intervision_group_id",
    "target_cluster_id",
    "confidential",
    "forwarded_from_id",
    "state",
    "created_at",
    "updated_at",
}
LOG_COLUMNS = {
    "id",
    "content_type_id",
    "object_id",
    "transition",
    "source",
    "target",
    "actor_id",
    "at",
    "comment",
    "params",
    "cause_id",
}


def check_columns() -> None:
    """Refuse to generate when the models gained a column the SQL below does not write."""
    from backend.agenda.models import AgendaItem
    from backend.audit.models import TransitionLog

    for model, columns in ((AgendaItem, ITEM_COLUMNS), (TransitionLog, LOG_COLUMNS)):
        actual = {f.column for f in model._meta.concrete_fields}
        if actual != columns:
            raise SystemExit(f"{model.__name__} columns changed: {sorted(actual ^ columns)}")


def other_region(n: int) -> tuple[int, int, list[int]]:
    """A region with its municipalities, a cluster, an intervision group and 16 general
    directors; return the group, the cluster and the directors' ids."""
    from backend.organisations.models import Body, Membership, Municipality, Person, Region

    slug = f"regio-{n:02d}"
    region = Region.objects.create(name=f"Regio {n:02d}", slug=slug)
    municipalities = Municipality.objects.bulk_create(
        Municipality(region=region, name=f"Gemeente {n:02d}-{i:02d}", slug=f"{slug}-{i:02d}")
        for i in range(16)
    )
    cluster = Body.objects.create(region=region, kind=Body.Kind.CLUSTER, name="Cluster", code="CL")
    group = Body.objects.create(
        region=region,
        kind=Body.Kind.INTERVISION_GROUP,
        name="Intervisiegroep",
        code="IG",
        prepares_for=cluster,
    )
    directors = Person.objects.bulk_create(
        Person(
            username=f"{slug}-director-{i:02d}",
            password="!",
            region=region,
            municipality=m,
            function=Person.Function.GENERAL_DIRECTOR,
        )
        for i, m in enumerate(municipalities)
    )
    Membership.objects.bulk_create(
        Membership(
            body=group, person=p, municipality=p.municipality, start_date=dt.date(2014, 1, 1)
        )
        for p in directors
    )
    return group.pk, cluster.pk, [p.pk for p in directors]


def secondary_indexes(cursor: Any, table: str) -> list[tuple[str, str]]:
    """(name, definition) of a table's indexes that back no constraint."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = %s AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [table],
    )
    return list(cursor.fetchall())


def insert_items(
    cursor: Any,
    *,
    count: int,
    reworked: int,
    group: int,
    cluster: int,
    authors: list[int],
    newest: dt.datetime,
) -> tuple[int, int]:
    """Insert `count` finished items, created in the ten years before `newest`: the first
    `reworked` took eleven steps (version 12), then 70 % were taken note of and 30 %
    withdrawn (version 11: one more than their ten steps). Return the first and last id."""
    cursor.execute(
        """
        INSERT INTO agenda_agendaitem (version, title, rationale, proposed_decision, kind,
            author_id, intervision_group_id, target_cluster_id, confidential,
            forwarded_from_id, state, created_at, updated_at)
        SELECT CASE WHEN g <= %(reworked)s THEN 12 ELSE 11 END,
            'Voorstel ' || g || ' over de dienstverlening',
            'Toelichting bij het voorstel, zoals de intervisiegroep het voorbereidde.',
            'De cluster neemt kennis van het voorstel.',
            CASE WHEN g <= %(reworked)s OR g %% 10 < 7 THEN 'information' ELSE 'decision' END,
            (%(authors)s::bigint[])[1 + g %% %(n_authors)s], %(group)s, %(cluster)s,
            g %% 50 = 0, NULL,
            CASE WHEN g <= %(reworked)s OR g %% 10 < 7 THEN 'completed' ELSE 'withdrawn' END,
            %(newest)s - (g::float8 / %(count)s) * interval '3650 days',
            %(newest)s - (g::float8 / %(count)s) * interval '3650 days' + interval '40 days'
        FROM generate_series(1, %(count)s) AS g
        ORDER BY g DESC
        RETURNING id
        """,
        {
            "count": count,
            "reworked": reworked,
            "authors": authors,
            "n_authors": len(authors),
            "group": group,
            "cluster": cluster,
            "newest": newest,
        },
    )
    ids = [row[0] for row in cursor.fetchall()]
    return min(ids), max(ids)


def insert_history(cursor: Any, *, first: int, last: int, ct: int) -> int:
    """Insert every step of the items first..last, on the road their state and version
    say they took."""
    steps = [
        (path, k, name, source, target)
        for path, road in PATHS.items()
        for k, (name, source, target) in enumerate(road)
    ]
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(steps))
    cursor.execute(
        f"""
        INSERT INTO audit_transitionlog (content_type_id, object_id, transition, source,
            target, actor_id, at, comment, params, cause_id)
        SELECT %s, i.id::text, s.name, s.source, s.target, i.author_id,
            i.created_at + (s.k + 1) * interval '3 days', '', '{{}}'::jsonb, NULL
        FROM agenda_agendaitem i
        JOIN (VALUES {values}) AS s(path, k, name, source, target) ON s.path = CASE
            WHEN i.version = 12 THEN 'reworked'
            WHEN i.state = 'completed' THEN 'noted'
            ELSE 'withdrawn' END
        WHERE i.id BETWEEN %s AND %s
        """,
        [ct, *[v for step in steps for v in step], first, last],
    )
    return int(cursor.rowcount)


def generate(items_total: int, history_total: int, regions: int) -> dict[str, Any]:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone

    from backend.agenda.models import AgendaItem
    from backend.audit.models import TransitionLog
    from backend.organisations.models import Body, Membership
    from tests.bench.region import build_region

    now = timezone.now().replace(microsecond=0)
    phases: dict[str, float] = {}
    start = time.perf_counter()
    region = build_region(now, random.Random(SEED))
    group = (
        Body.objects.filter(region=region.region_id, kind=Body.Kind.INTERVISION_GROUP)
        .order_by("pk")
        .first()
    )
    assert group is not None and group.prepares_for_id is not None
    members = list(Membership.objects.filter(body=group).values_list("person", flat=True))
    phases["benchmark_region"] = time.perf_counter() - start

    start = time.perf_counter()
    targets = [(group.pk, group.prepares_for_id, members)]
    targets += [other_region(n) for n in range(1, regions)]
    phases["other_regions"] = time.perf_counter() - start

    built_items = region.size["items"]
    built_history = region.size["history_rows"]
    bulk_items = items_total - built_items
    reworked = history_total - built_history - 10 * bulk_items
    if not 0 <= reworked <= bulk_items:
        raise SystemExit("history rows must be between 10 and 11 per generated item")
    per_region = [
        bulk_items // regions + (1 if n < bulk_items % regions else 0) for n in range(regions)
    ]
    newest = min(
        AgendaItem.objects.filter(intervision_group__region=region.region_id).values_list(
            "created_at", flat=True
        )
    ) - dt.timedelta(days=1)
    ct = ContentType.objects.get_for_model(AgendaItem).pk

    inserted_items = inserted_logs = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        dropped = [
            *secondary_indexes(cursor, AgendaItem._meta.db_table),
            *secondary_indexes(cursor, TransitionLog._meta.db_table),
        ]
        for name, _definition in dropped:
            cursor.execute(f'DROP INDEX "{name}"')
        start = time.perf_counter()
        left = reworked
        for n, ((group_id, cluster, authors), count) in enumerate(
            zip(targets, per_region, strict=True)
        ):
            here = min(left, count)
            left -= here
            first, last = insert_items(
                cursor,
                count=count,
                reworked=here,
                group=group_id,
                cluster=cluster,
                authors=authors,
                newest=newest,
            )
            inserted_items += last - first + 1
            inserted_logs += insert_history(cursor, first=first, last=last, ct=ct)
            print(
                f"region {n + 1}/{regions}: {inserted_items:,} items, {inserted_logs:,} history "
                f"rows ({time.perf_counter() - start:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
        phases["bulk_rows"] = time.perf_counter() - start
        start = time.perf_counter()
        for _name, definition in dropped:
            cursor.execute(definition)
        phases["rebuild_indexes"] = time.perf_counter() - start

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    phases["vacuum_analyze"] = time.perf_counter() - start

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT relname, pg_total_relation_size(oid) FROM pg_class
            WHERE relname IN ('agenda_agendaitem', 'audit_transitionlog')
            """
        )
        sizes = {name: f"{size / 2**30:.2f} GiB" for name, size in cursor.fetchall()}
        cursor.execute("SELECT pg_database_size(current_database())")
        sizes["database"] = f"{cursor.fetchone()[0] / 2**30:.2f} GiB"
    from backend.organisations.models import Region

    return {
        "regions": Region.objects.count(),
        "items": AgendaItem.objects.count(),
        "history_rows": TransitionLog.objects.count(),
        "benchmark_region": region.size,
        "generated_items": inserted_items,
        "generated_history_rows": inserted_logs,
        "indexes_rebuilt": [name for name, _definition in dropped],
        "sizes": sizes,
        "seconds": {k: round(v, 1) for k, v in phases.items()},
        "now": now.isoformat(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--history", type=int, default=10_000_000)
    parser.add_argument("--regions", type=int, default=20)
    parser.add_argument("--out", default="var/bench/scale-generate.json")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="midwest-bench-scale-"))
    try:
        configure(tmp)
        return generate_into(args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def generate_into(args: argparse.Namespace) -> int:
    """Generate into the empty database DATABASE_URL points at (Django is set up)."""
    from django.db import connection

    from backend.organisations.models import Region

    if connection.vendor != "postgresql":
        print("The scale database is PostgreSQL: set DATABASE_URL.", file=sys.stderr)
        return 2
    if Region.objects.exists():
        print("The database holds data; generate into an empty one.", file=sys.stderr)
        return 2
    check_columns()
    start = time.perf_counter()
    report = generate(args.items, args.history, args.regions)
    report["total_seconds"] = round(time.perf_counter() - start, 1)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
