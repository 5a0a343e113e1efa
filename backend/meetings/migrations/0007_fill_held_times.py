"""Fill the opening and closing times of the meetings held so far from their history, and
their presiding chair by the rule `open` follows: the first chair of the body present."""

from django.db import migrations


def fill(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    TransitionLog = apps.get_model("audit", "TransitionLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Membership = apps.get_model("organisations", "Membership")
    content_type = ContentType.objects.filter(app_label="meetings", model="meeting").first()
    if content_type is None:
        return
    held = Meeting.objects.exclude(state__in=("planned", "convened", "cancelled"))
    for meeting in held.iterator():
        steps = {}
        for transition, at in (
            TransitionLog.objects.filter(
                content_type=content_type,
                object_id=str(meeting.pk),
                transition__in=("open", "close"),
            )
            .order_by("at", "pk")
            .values_list("transition", "at")
        ):
            steps.setdefault(transition, at)
        opened, closed = steps.get("open"), steps.get("close")
        if closed is not None and (opened is None or opened > closed):
            opened = closed
        present = meeting.attendances.filter(status="present").values("person")
        chair = (
            Membership.objects.filter(body=meeting.body_id, role="chair", person__in=present)
            .order_by("start_date", "pk")
            .values_list("person", flat=True)
            .first()
        )
        Meeting.objects.filter(pk=meeting.pk).update(
            opened_at=opened, closed_at=closed, presiding_id=chair
        )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0006_held_presiding_secretary"),
        ("audit", "0007_drop_drf_tokens"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
