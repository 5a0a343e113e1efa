"""Drop the tokens of rest_framework.authtoken: they never expired and were stored in the
clear. Clients ask for a new token (backend.audit.tokens); the app is no longer installed."""

from django.db import migrations


def forget_the_app(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label="authtoken"
    ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0006_api_tokens"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
        migrations.RunSQL("DELETE FROM django_migrations WHERE app = 'authtoken'", migrations.RunSQL.noop),
        migrations.RunPython(forget_the_app, migrations.RunPython.noop),
    ]
