"""One contender of a race: when the start signal appears, fire one transition on every
object given, through `workflows.engine.fire`, and write the outcome of each attempt as
JSON: "moved", the code of an orderly refusal, or "error" with its traceback.

    python -m tests.integration.race_worker --model agenda.AgendaItem --transition submit \
        --actor 3 --ids 1,2,3 --ready ready-0 --go go --out out-0.json [--fresh] [--seed 7]

Run with DJANGO_SETTINGS_MODULE and DATABASE_URL set (see `processes.child_env`).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import django


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True, help="app_label.ModelName")
    parser.add_argument("--transition", required=True)
    parser.add_argument("--actor", type=int, required=True)
    parser.add_argument("--ids", required=True, help="comma-separated primary keys")
    parser.add_argument("--params", default="{}", help="JSON parameters of the transition")
    parser.add_argument("--ready", type=Path, required=True)
    parser.add_argument("--go", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="load each object right before its attempt (default: all loaded before the start)",
    )
    parser.add_argument("--seed", type=int, help="shuffle the order with this seed")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse(argv)
    django.setup()
    from django.apps import apps
    from django.db import connections

    from backend.organisations.models import Person
    from tests.integration.processes import await_release, report_write
    from workflows.engine import fire
    from workflows.errors import TransitionError

    model = apps.get_model(args.model)
    actor = Person.objects.get(pk=args.actor)
    ids = [int(pk) for pk in args.ids.split(",")]
    if args.seed is not None:
        random.Random(args.seed).shuffle(ids)
    params = json.loads(args.params)
    copies = {} if args.fresh else model._default_manager.in_bulk(ids)
    connections.close_all()  # every attempt opens its connection after the start signal
    args.ready.touch()
    await_release(args.go)

    started = time.time()
    outcomes: dict[int, str] = {}
    errors: dict[int, str] = {}
    for pk in ids:
        try:
            obj: Any = model._default_manager.get(pk=pk) if args.fresh else copies[pk]
            fire(obj, args.transition, actor=actor, params=params)
            outcomes[pk] = "moved"
        except TransitionError as refused:
            outcomes[pk] = refused.code
        except Exception:
            outcomes[pk] = "error"
            errors[pk] = traceback.format_exc()
    finished = time.time()
    connections.close_all()
    report = {"started": started, "finished": finished, "outcomes": outcomes, "errors": errors}
    report_write(args.out, report)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
