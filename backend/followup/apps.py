from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "backend.followup"
    label = "followup"

    def ready(self) -> None:
        # The machine's steps import the models of several apps: registered once all
        # models are loaded, like signal receivers.
        from backend.followup import steps  # noqa: F401 - registers the machine
