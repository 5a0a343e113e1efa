from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "backend.reminders"
    label = "reminders"

    def ready(self) -> None:
        from backend.reminders import receivers  # noqa: F401 - connects the receivers
