"""The database side of the two-node test, run as a process of its own against the test's
own PostgreSQL database (DJANGO_SETTINGS_MODULE, DATABASE_URL and the rest in the
environment, as the nodes have them):

    python -m tests.integration.two_nodes_child seed --meetings 8 --submits 24 ...
    python -m tests.integration.two_nodes_child inspect
    python -m tests.integration.two_nodes_child wake

`seed` migrates the empty database, builds the test region and prints, as JSON, the ids
and API tokens the load needs; `inspect` prints what the database refers to (stored file
names, open document requests, the reminders that are due and the e-mail each of them
makes); `wake` queues a reminder run and the sweep of open document requests on the
broker, as the minute's schedules do.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import sys
from typing import Any

import django


def seed(args: argparse.Namespace) -> dict[str, Any]:
    from django.core.management import call_command
    from django.utils import timezone

    from backend.audit.tokens import token_create
    from backend.meetings.models import Meeting
    from backend.organisations.models import Membership, Person
    from tests.conftest import build_world
    from workflows.engine import fire

    call_command("migrate", interactive=False, verbosity=0)
    world = build_world()
    for n in range(args.extra_members):
        extra = Person.objects.create_user(
            username=f"member{n}",
            password="pw",
            region=world.region,
            first_name=f"Member{n}",
            email=f"member{n}@example.invalid",
            municipality=world.municipalities[n % 3],
        )
        Membership.objects.create(
            body=world.cluster,
            person=extra,
            role="member",
            municipality=extra.municipality,
            start_date=dt.date(2024, 1, 1),
        )
    Person.objects.update(delivery=Person.Delivery.IMMEDIATE)
    meetings = []
    for n in range(args.meetings):
        # A day of its own each: the invitations' subjects tell the meetings apart.
        starts_at = timezone.now() + dt.timedelta(days=10 + n)
        meeting = Meeting.objects.create(
            body=world.cluster,
            starts_at=starts_at,
            submission_deadline=starts_at - dt.timedelta(days=7),
            location="Stadhuis Roeselare",
        )
        item = world.prepared_item(title=f"Agendapunt {n}")
        fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
        meetings.append(meeting.pk)
    submits = [world.item(title=f"Voorstel {n}").pk for n in range(args.submits)]
    uploads = [world.item(title=f"Bijlagen {n}").pk for n in range(args.upload_items)]
    call_command("setup_schedules", stdout=io.StringIO())
    return {
        "meetings": meetings,
        "submits": submits,
        "uploads": uploads,
        "tokens": {
            "author": token_create(world.author, name="two nodes")[1],
            "coordinator": token_create(world.coordinator, name="two nodes")[1],
        },
    }


def inspect() -> dict[str, Any]:
    from django.utils import timezone

    from backend.agenda.models import Attachment
    from backend.documents.models import (
        DocumentPdf,
        DocumentRequest,
        DocumentSignature,
        GeneratedDocument,
    )
    from backend.reminders.delivery import subject_of
    from backend.reminders.models import Notification

    files: list[str] = []
    for model in (Attachment, GeneratedDocument, DocumentPdf, DocumentSignature):
        files += [name for name in model.objects.values_list("file", flat=True) if name]
    now = timezone.now()
    due = Notification.objects.filter(due_at__lte=now).select_related("recipient")
    return {
        "files": files,
        "attachments": {
            str(a.pk): {"item": a.item_id, "sha256": a.sha256, "file": a.file.name}
            for a in Attachment.objects.all()
        },
        "documents": {
            str(d.pk): {"meeting": d.meeting_id, "sha256": d.sha256, "kind": d.kind}
            for d in GeneratedDocument.objects.all()
        },
        "open_requests": list(
            DocumentRequest.objects.filter(done_at=None).values("id", "meeting", "error")
        ),
        "requests": list(DocumentRequest.objects.values("meeting", "kind", "done_at")),
        "due": due.count(),
        "unsent": due.filter(sent_at=None, dropped_at=None).count(),
        "dropped": due.exclude(dropped_at=None).count(),
        "mails": [
            [n.recipient.email, subject_of(n)] for n in due.exclude(sent_at=None).order_by("id")
        ],
        "invitations": list(
            Notification.objects.filter(kind="invitation").values_list("object_id", "recipient")
        ),
    }


def wake() -> dict[str, Any]:
    """Queue what the minute's schedules queue: a reminder run and the documents' sweep."""
    from django_q.tasks import async_task

    async_task("backend.reminders.tasks.run_reminders")
    async_task("backend.documents.tasks.make_due_documents")
    return {"woken": True}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    seeding = commands.add_parser("seed")
    seeding.add_argument("--meetings", type=int, required=True)
    seeding.add_argument("--submits", type=int, required=True)
    seeding.add_argument("--upload-items", type=int, required=True)
    seeding.add_argument("--extra-members", type=int, required=True)
    commands.add_parser("inspect")
    commands.add_parser("wake")
    args = parser.parse_args(argv)
    django.setup()
    if args.command == "seed":
        report = seed(args)
    elif args.command == "inspect":
        report = inspect()
    else:
        report = wake()
    sys.stdout.write("\n" + json.dumps(report, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
