"""Write the Mermaid diagrams of the state machines into README.md."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.transitions import diagrams


class Command(BaseCommand):
    help = "Draw the state machines (Mermaid) into README.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Fail when the diagrams are out of date."
        )

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        if check:
            if not diagrams.is_current():
                raise CommandError("README.md is out of date: run draw_workflows.")
            self.stdout.write("The diagrams are current.")
            return
        changed = diagrams.write()
        self.stdout.write("Diagrams updated." if changed else "The diagrams were current.")
