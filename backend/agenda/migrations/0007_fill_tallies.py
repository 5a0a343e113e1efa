"""Fill the tally of every decision taken so far: its votes counted, or, by consensus,
every municipality present for."""

from django.db import migrations
from django.db.models import Count


def fill(apps, schema_editor):
    Decision = apps.get_model("agenda", "Decision")
    Attendance = apps.get_model("meetings", "Attendance")
    for decision in Decision.objects.iterator():
        if decision.consensus:
            present = (
                Attendance.objects.filter(
                    meeting=decision.meeting_id, status="present", municipality__isnull=False
                )
                .values("municipality")
                .distinct()
                .count()
            )
            counts = {"for": present}
        else:
            counts = dict(
                decision.votes.values("vote").annotate(n=Count("id")).values_list("vote", "n")
            )
        Decision.objects.filter(pk=decision.pk).update(
            votes_for=counts.get("for", 0),
            votes_against=counts.get("against", 0),
            votes_abstain=counts.get("abstain", 0),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0006_secret_vote_and_tally"),
        ("meetings", "0005_standing_entries"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
