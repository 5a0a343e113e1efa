from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "backend.backup"
    label = "backup"
    verbose_name = "Backup and restore"
