"""Build the demo region Midwest: its organisation, its people and a living story.

The organisation is brought up to date on every run (backend/demo/organisation.py, and
the fora in backend/demo/fora.py); the story (backend/demo/story.py, then the fora's) is
told only while the region has no agenda items yet, so a second run adds nothing.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from backend.agenda.models import AgendaItem, Decision
from backend.audit.models import TransitionLog
from backend.demo.fora import build_fora, tell_fora
from backend.demo.organisation import build_organisation
from backend.demo.signatures import demo_certificates, demo_sign
from backend.demo.story import region_has_items, tell_story
from backend.documents.requests import made_at_once
from backend.followup.models import Action, Ratification
from backend.meetings.models import Meeting
from backend.organisations.models import Membership, Region
from workflows.states import MeetingState


def summary(region: Region) -> list[tuple[str, int]]:
    """Return what the region holds, as (label, count) pairs."""
    items = AgendaItem.objects.filter(intervision_group__region=region)
    return [
        ("municipalities", region.municipalities.count()),
        ("bodies", region.bodies.count()),
        ("memberships", Membership.objects.filter(body__region=region).count()),
        ("services", region.services.count()),
        ("coalitions", region.coalitions.count()),
        ("people", region.people.count()),
        ("meetings", Meeting.objects.filter(body__region=region).count()),
        ("agenda items", items.count()),
        ("decisions", Decision.objects.filter(item__in=items).count()),
        ("actions", Action.objects.filter(item__in=items).count()),
        ("ratifications", Ratification.objects.filter(decision__item__in=items).count()),
        ("history entries", TransitionLog.objects.filter(actor__region=region).count()),
    ]


class Command(BaseCommand):
    help = (
        "Build the demo region Midwest with fictional people and a living story. "
        "Idempotent; refuses to run without DEBUG unless --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (the demo accounts share a public password).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates accounts with a public demo password and refuses to run "
                "while DEBUG is off. Pass --force if you really want the demo data here."
            )
        # One transaction for the whole story: its documents are made as it goes (their
        # signatures need them), not by a worker after it commits.
        with transaction.atomic(), made_at_once():
            demo = build_organisation()
            build_fora(demo)
            told = not region_has_items(demo.region)
            certificates = demo_certificates(demo.region.people.order_by("pk"))
            signatures = 0
            if told:
                tell_story(demo)
                tell_fora(demo)
                signatures = demo_sign(
                    Meeting.objects.filter(
                        body__region=demo.region, state__in=MeetingState.held()
                    ).order_by("starts_at")
                )
        self.stdout.write(
            self.style.SUCCESS(f"Demo region {demo.region.name} is ready.")
            + (
                ""
                if told
                else " Its story was already told; only the organisation was brought up to date."
            )
        )
        self.stdout.write(f"  signing certificates made: {certificates}")
        if told:
            self.stdout.write(
                f"  signatures: {signatures}"
                if signatures
                else "  signatures: none (LibreOffice is missing, so there is no PDF to sign)"
            )
        for label, count in summary(demo.region):
            self.stdout.write(f"  {label}: {count}")
        states = Counter(
            AgendaItem.objects.filter(intervision_group__region=demo.region).values_list(
                "state", flat=True
            )
        )
        self.stdout.write(
            "  items by state: "
            + ", ".join(f"{state} {count}" for state, count in sorted(states.items()))
        )
