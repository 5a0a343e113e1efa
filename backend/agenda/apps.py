from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "backend.agenda"
    label = "agenda"

    def ready(self) -> None:
        # The machine's steps import the models of several apps: registered once all
        # models are loaded, like signal receivers.
        from backend.agenda import steps  # noqa: F401 - registers the machine
