from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "backend.meetings"
    label = "meetings"

    def ready(self) -> None:
        # The machine's steps import the models of several apps: registered once all
        # models are loaded, like signal receivers.
        from backend.meetings import steps  # noqa: F401 - registers the machine
